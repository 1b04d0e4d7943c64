"""Renewing a channel's credentials safely: one process at a time, the new ones stored first.

A platform's client renews expired credentials itself (Zalo's refresh token) and hands them
to a `ChannelKeeper`, which stores them on the channel before they are used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.transport import Renewal

REFRESH_LEASE = timedelta(seconds=60)
ALREADY_REFRESHED = "already_refreshed"
BUSY = "busy"
# How long a send waits while another process renews the channel's credentials.
BUSY_RETRY_S = 2.0


@transaction.atomic(durable=True)
def begin_refresh(*, channel_id: int, expired: Mapping[str, Any]) -> dict[str, Any] | str:
    """Take the refresh lease. Answers the credentials to refresh, ALREADY_REFRESHED when
    another process has stored newer ones (use them), or BUSY when one is refreshing now."""
    channel = Channel.objects.select_for_update().get(pk=channel_id)
    credentials = channel.credentials
    if credentials != dict(expired):
        return ALREADY_REFRESHED
    now = timezone.now()
    if channel.refresh_lock_until and channel.refresh_lock_until > now:
        return BUSY
    channel.refresh_lock_until = now + REFRESH_LEASE
    channel.save(update_fields=["refresh_lock_until"])
    return credentials


@transaction.atomic(durable=True)
def store_refreshed(*, channel_id: int, credentials: Mapping[str, Any]) -> None:
    """Store the renewed credentials at once: the old refresh token no longer works anywhere."""
    channel = Channel.objects.select_for_update().get(pk=channel_id)
    channel.credentials = {**channel.credentials, **credentials}
    channel.refresh_lock_until = None
    channel.save(update_fields=["credentials_encrypted", "refresh_lock_until"])
    record_event(
        actor="dispatcher",
        action=Kind.CHANNEL_TOKEN_REFRESHED,
        obj=channel,
        unit_id=channel.unit_id,
    )


def release_refresh(*, channel_id: int) -> None:
    Channel.objects.filter(pk=channel_id).update(refresh_lock_until=None)


def current_credentials(*, channel_id: int) -> dict[str, Any]:
    return Channel.objects.get(pk=channel_id).credentials


class ChannelKeeper:
    """A client's keeper for one channel (see `pressroom.platforms.transport.CredentialKeeper`).
    `db` runs a function with keyword arguments where database work is done (the
    dispatcher's database threads)."""

    def __init__(self, channel_id: int, db: Callable[..., Awaitable[Any]]) -> None:
        self.channel_id = channel_id
        self.db = db

    async def begin(self, expired: Mapping[str, Any]) -> Renewal | Outcome:
        state = await self.db(begin_refresh, channel_id=self.channel_id, expired=expired)
        if state == BUSY:
            return Outcome(
                OutcomeKind.RETRY_LATER,
                code="token_refreshing",
                reason="Another dispatcher is refreshing this channel's token",
                retry_after_s=BUSY_RETRY_S,
            )
        if state == ALREADY_REFRESHED:
            fresh = await self.db(current_credentials, channel_id=self.channel_id)
            return Renewal(fresh, renew=False)
        return Renewal(state)

    async def store(self, credentials: Mapping[str, Any]) -> None:
        await self.db(store_refreshed, channel_id=self.channel_id, credentials=credentials)

    async def release(self) -> None:
        await self.db(release_refresh, channel_id=self.channel_id)
