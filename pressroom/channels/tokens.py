"""Refreshing a channel's tokens safely: one process at a time, the new ones stored first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel

REFRESH_LEASE = timedelta(seconds=60)
ALREADY_REFRESHED = "already_refreshed"
BUSY = "busy"


@transaction.atomic
def begin_refresh(*, channel_id: int, failed_token: str) -> dict[str, Any] | str:
    """Take the refresh lease. Answers the credentials to refresh with, ALREADY_REFRESHED when
    another process has stored newer tokens (use them), or BUSY when one is refreshing now."""
    channel = Channel.objects.select_for_update().get(pk=channel_id)
    credentials = channel.credentials
    if credentials.get("access_token") != failed_token:
        return ALREADY_REFRESHED
    now = timezone.now()
    if channel.refresh_lock_until and channel.refresh_lock_until > now:
        return BUSY
    channel.refresh_lock_until = now + REFRESH_LEASE
    channel.save(update_fields=["refresh_lock_until"])
    return credentials


@transaction.atomic
def store_refreshed(*, channel_id: int, access_token: str, refresh_token: str) -> None:
    """Store the new pair at once: the old refresh token no longer works anywhere."""
    channel = Channel.objects.select_for_update().get(pk=channel_id)
    channel.credentials = {
        **channel.credentials,
        "access_token": access_token,
        "refresh_token": refresh_token,
    }
    channel.refresh_lock_until = None
    channel.save(update_fields=["credentials_encrypted", "refresh_lock_until"])
    record_event(
        actor="dispatcher", action="channel.token_refreshed", obj=channel, unit_id=channel.unit_id
    )


def release_refresh(*, channel_id: int) -> None:
    Channel.objects.filter(pk=channel_id).update(refresh_lock_until=None)


def current_credentials(*, channel_id: int) -> dict[str, Any]:
    return Channel.objects.get(pk=channel_id).credentials
