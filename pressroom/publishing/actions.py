"""Writes to deliveries: create them, claim due ones, record what the platform answered."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.platforms.base import ChannelAccess, MediaFile, Outcome, OutcomeKind, Publication
from pressroom.publishing import tasks
from pressroom.publishing.models import Delivery

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 600.0
CLAIMABLE = (Delivery.Status.PENDING, Delivery.Status.RETRY)
# Platforms that recognise a repeated request (Mastodon's Idempotency-Key).
IDEMPOTENT_PLATFORMS = frozenset({"mastodon"})


def create_deliveries(*, post: Post, due_at: datetime) -> list[Delivery]:
    deliveries = []
    for channel in post.channels.all():
        delivery, _created = Delivery.objects.update_or_create(
            post=post,
            channel=channel,
            defaults={
                "due_at": due_at,
                "priority": 10 if post.is_emergency else 0,
                "status": (
                    Delivery.Status.PENDING if channel.is_connected else Delivery.Status.PAUSED
                ),
            },
        )
        deliveries.append(delivery)
    return deliveries


def claim_due(*, worker: str, limit: int, now: datetime | None = None) -> list[int]:
    """Take up to `limit` due deliveries for this worker; no other worker gets the same ones."""
    now = now or timezone.now()
    lease_until = now + LEASE
    due = Q(status__in=CLAIMABLE, due_at__lte=now, channel__status=Channel.Status.CONNECTED)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                Delivery.objects.filter(due)
                .order_by("-priority", "due_at")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:limit]
            )
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.SENDING, claimed_by=worker, lease_until=lease_until
            )
        return ids
    # SQLite: compare-and-swap each row; a row another worker took no longer matches.
    candidates = list(
        Delivery.objects.filter(due)
        .order_by("-priority", "due_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        taken = Delivery.objects.filter(pk=pk, status__in=CLAIMABLE).update(
            status=Delivery.Status.SENDING, claimed_by=worker, lease_until=lease_until
        )
        if taken:
            claimed.append(pk)
    return claimed


@dataclass(frozen=True)
class Job:
    """Everything the sender needs for one delivery, loaded before any network call."""

    delivery_id: int
    platform: str
    access: ChannelAccess
    publication: Publication


def load_job(delivery_id: int) -> Job:
    delivery = Delivery.objects.select_related("post", "channel").get(pk=delivery_id)
    post, channel = delivery.post, delivery.channel
    variant = post.variants.filter(platform=channel.platform).first()
    media = []
    for item in post.media.all():
        with item.file.open("rb") as handle:
            content = handle.read()
        media.append(
            MediaFile(
                filename=(item.file.name or "image").rsplit("/", 1)[-1],
                content=content,
                content_type=item.content_type,
                description=item.description,
            )
        )
    text = variant.text if variant else post.body
    if post.link and post.link not in text:
        text = f"{text}\n\n{post.link}"
    return Job(
        delivery_id=delivery.pk,
        platform=channel.platform,
        access=ChannelAccess(
            api_base=channel.api_base,
            external_id=channel.external_id,
            credentials=channel.credentials,
            options=channel.options,
        ),
        publication=Publication(
            text=text,
            title=(variant.title if variant and variant.title else post.title),
            link=post.link,
            media=tuple(media),
            idempotency_key=f"pressroom-delivery-{delivery.pk}",
        ),
    )


def _backoff(attempts: int) -> float:
    """Capped exponential backoff with full jitter."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


@transaction.atomic
def record_outcome(*, delivery_id: int, outcome: Outcome, worker: str = "") -> Delivery:
    delivery = Delivery.objects.select_for_update().select_related("channel").get(pk=delivery_id)
    if delivery.status != Delivery.Status.SENDING or (worker and delivery.claimed_by != worker):
        # The lease expired and someone else owns it now; do not overwrite their result.
        return delivery
    now = timezone.now()
    delivery.attempts += 1
    delivery.lease_until = None
    delivery.error_code = outcome.code
    delivery.error_message = outcome.reason[:2000]
    if outcome.kind is OutcomeKind.PUBLISHED:
        delivery.status = Delivery.Status.PUBLISHED
        delivery.remote_id = outcome.remote_id
        delivery.permalink = outcome.permalink
        delivery.published_at = now
        delivery.error_code = delivery.error_message = ""
    elif outcome.kind is OutcomeKind.RETRY_LATER and delivery.attempts < MAX_ATTEMPTS:
        delivery.status = Delivery.Status.RETRY
        wait = max(outcome.retry_after_s or 0.0, _backoff(delivery.attempts))
        delivery.due_at = now + timedelta(seconds=wait)
    elif (
        outcome.kind is OutcomeKind.UNKNOWN
        and delivery.channel.platform in IDEMPOTENT_PLATFORMS
        and delivery.attempts < MAX_ATTEMPTS
    ):
        # The platform drops a repeat with the same Idempotency-Key: resending is safe.
        delivery.status = Delivery.Status.RETRY
        delivery.due_at = now + timedelta(seconds=_backoff(delivery.attempts))
    elif outcome.kind is OutcomeKind.UNKNOWN:
        delivery.status = Delivery.Status.UNKNOWN
    elif outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED:
        delivery.status = Delivery.Status.PAUSED
        pause_channel(channel=delivery.channel, reason=outcome.reason)
    else:
        delivery.status = Delivery.Status.FAILED
    delivery.save()
    record_event(
        actor="dispatcher",
        action=f"delivery.{delivery.status}",
        obj=delivery,
        unit_id=delivery.channel.unit_id,
        data={"post": delivery.post_id, "channel": delivery.channel_id, "code": outcome.code},
    )
    update_post_status(post_id=delivery.post_id)
    return delivery


def pause_channel(*, channel: Channel, reason: str) -> None:
    if channel.status == Channel.Status.NEEDS_RECONNECT:
        return
    Channel.objects.filter(pk=channel.pk).update(
        status=Channel.Status.NEEDS_RECONNECT, status_reason=reason[:300]
    )
    Delivery.objects.filter(channel=channel, status__in=CLAIMABLE).update(
        status=Delivery.Status.PAUSED
    )
    record_event(
        actor="dispatcher", action="channel.needs_reconnect", obj=channel, unit_id=channel.unit_id
    )
    channel_id = channel.pk
    transaction.on_commit(lambda: tasks.notify_channel_needs_reconnect.enqueue(channel_id))


def update_post_status(*, post_id: int) -> None:
    """A post is published when every delivery is; partly failed when some failed."""
    statuses = list(Delivery.objects.filter(post_id=post_id).values_list("status", flat=True))
    if not statuses or any(status not in Delivery.TERMINAL for status in statuses):
        return
    if all(status == Delivery.Status.PUBLISHED for status in statuses):
        new = Post.Status.PUBLISHED
    elif all(status == Delivery.Status.FAILED for status in statuses):
        new = Post.Status.FAILED
    else:
        new = Post.Status.PARTLY_FAILED
    changed = Post.objects.filter(pk=post_id, status=Post.Status.SCHEDULED).update(
        status=new, updated_at=timezone.now()
    )
    if changed:
        transaction.on_commit(lambda: tasks.notify_post_finished.enqueue(post_id))


def reap_expired_leases(*, now: datetime | None = None) -> int:
    """A claim whose lease ran out belongs to a dispatcher that died mid-send."""
    now = now or timezone.now()
    expired = Delivery.objects.filter(status=Delivery.Status.SENDING, lease_until__lt=now)
    # The request may have gone out: the outcome is unknown until someone looks.
    return expired.update(status=Delivery.Status.UNKNOWN, claimed_by="", lease_until=None)


def summary(post: Post) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for status in post.deliveries.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
