"""A channel's state as publishing sees it: paused (its credentials need replacing),
reconnected (its paused deliveries go out), and what follows a lost answer on it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.publishing import tasks, wakeup
from pressroom.publishing.models import Delivery
from pressroom.publishing.policy import CHOOSING_PLATFORMS, UNKNOWN_OUTCOME_CHOICES


@transaction.atomic(durable=True)
def pause_channel(*, channel: Channel, reason: str, by: User | str) -> None:
    """An administrator stops a channel whose credentials must be replaced (say, leaked)."""
    _pause_channel(channel=channel, reason=reason, by=by)


def _pause_channel(*, channel: Channel, reason: str, by: User | str) -> None:
    """Expired or revoked credentials stop this channel only, and its people are told.
    Runs inside the caller's transaction."""
    changed = Channel.objects.filter(pk=channel.pk, status=Channel.Status.CONNECTED).update(
        status=Channel.Status.NEEDS_RECONNECT, status_reason=reason[:300]
    )
    Delivery.objects.filter(
        channel=channel, status__in=(Delivery.Status.PENDING, Delivery.Status.RETRY)
    ).update(status=Delivery.Status.PAUSED)
    if not changed:
        return
    record_event(
        actor=by, action=Kind.CHANNEL_NEEDS_RECONNECT, obj=channel, unit_id=channel.unit_id
    )
    channel_id = channel.pk
    transaction.on_commit(lambda: tasks.notify_channel_needs_reconnect.enqueue(channel_id))


@transaction.atomic
def reconnect_channel(*, channel: Channel, credentials: dict[str, Any], by: User | str) -> int:
    """New credentials: the channel is connected again and its paused posts go out.
    (Not durable: the admin saves a channel and reconnects it in one transaction.)"""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    channel.credentials = credentials
    channel.status = Channel.Status.CONNECTED
    channel.status_reason = ""
    channel.save(update_fields=["credentials_encrypted", "status", "status_reason"])
    resumed = Delivery.objects.filter(channel=channel, status=Delivery.Status.PAUSED).update(
        status=Delivery.Status.PENDING, due_at=timezone.now()
    )
    wakeup.announce()
    record_event(
        actor=by,
        action=Kind.CHANNEL_RECONNECT,
        obj=channel,
        unit_id=channel.unit_id,
        data={"resumed_deliveries": resumed},
    )
    return resumed


@transaction.atomic(durable=True)
def set_unknown_outcome(*, channel: Channel, choice: str, by: User) -> Channel:
    """Choose, for a channel nobody can look on (Telegram), what follows a send whose answer
    was lost: wait for a person to look (the default: never twice) or send again (never
    missing, maybe twice). Applies to the sends that follow, not to those already waiting."""
    if choice not in UNKNOWN_OUTCOME_CHOICES:
        raise ValueError(choice)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.platform not in CHOOSING_PLATFORMS:
        raise ValueError(channel.platform)
    before = (channel.options or {}).get("unknown_outcome", "wait")
    options = dict(channel.options or {})
    if choice == "resend":
        options["unknown_outcome"] = "resend"
    else:
        options.pop("unknown_outcome", None)
    channel.options = options
    channel.save(update_fields=["options"])
    record_event(
        actor=by,
        action=Kind.CHANNEL_UNKNOWN_OUTCOME,
        obj=channel,
        unit_id=channel.unit_id,
        data={"before": before, "after": choice},
    )
    return channel
