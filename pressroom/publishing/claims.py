"""Claims: a dispatcher takes due deliveries for itself, for a while (a lease).

    pending / retry / unknown ─claim→ claimed ─start or promote→ sending

A claim is a lease: a dispatcher that dies leaves `claimed` rows (never sent: the reaper
queues them again) or `sending` rows (maybe sent: looked for before any resend). Deliveries
waiting for a person, paused or finished are never claimed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.crypto import decrypt_json
from pressroom.platforms.base import ChannelAccess, MediaFile, Publication
from pressroom.publishing.models import Delivery
from pressroom.publishing.public_media import public_media_url

CLAIMABLE = (Delivery.Status.PENDING, Delivery.Status.RETRY, Delivery.Status.UNKNOWN)
# A delivery claimed ahead is marked sending this long before its due moment.
SEND_MARGIN_S = 0.25


def claim_due(
    *,
    worker: str,
    limit: int,
    platform: str | None = None,
    now: datetime | None = None,
    lookahead_s: float = 0.0,
) -> list[int]:
    """Take up to `limit` deliveries due now (or within `lookahead_s`) for this worker; no
    other worker gets the same ones. A dispatcher claims a little ahead and sends on time."""
    if limit <= 0:
        return []
    now = now or timezone.now()
    lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_S + lookahead_s)
    due = Q(
        status__in=CLAIMABLE,
        due_at__lte=now + timedelta(seconds=lookahead_s),
        channel__status=Channel.Status.CONNECTED,
    )
    if platform:
        due &= Q(channel__platform=platform)
    claim = {"status": Delivery.Status.CLAIMED, "claimed_by": worker, "lease_until": lease_until}
    if connection.vendor == "postgresql":
        with transaction.atomic(durable=True):
            ids = list(
                Delivery.objects.filter(due)
                .order_by("-priority", "due_at")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:limit]
            )
            Delivery.objects.filter(pk__in=ids).update(**claim)
        return ids
    # SQLite: compare-and-swap; a row another worker took no longer matches the filter.
    with transaction.atomic(durable=True):
        candidates = list(
            Delivery.objects.filter(due)
            .order_by("-priority", "due_at")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=candidates, status__in=CLAIMABLE).update(**claim)
        return list(
            Delivery.objects.filter(
                pk__in=candidates, status=Delivery.Status.CLAIMED, claimed_by=worker
            ).values_list("pk", flat=True)
        )


def anything_due(*, lookahead_s: float = 0.0) -> bool:
    """Whether any delivery is due now (or within `lookahead_s`): one read an idle dispatcher
    makes before it claims (a claim is a write)."""
    return Delivery.objects.filter(
        status__in=CLAIMABLE, due_at__lte=timezone.now() + timedelta(seconds=lookahead_s)
    ).exists()


def due_count(*, now: datetime | None = None) -> int:
    """How many deliveries a dispatcher could claim right now."""
    now = now or timezone.now()
    return Delivery.objects.filter(
        status__in=CLAIMABLE, due_at__lte=now, channel__status=Channel.Status.CONNECTED
    ).count()


@dataclass(frozen=True)
class Job:
    """Everything the sender needs for one delivery, loaded before any network call."""

    delivery_id: int
    channel_id: int
    platform: str
    due_at: datetime
    access: ChannelAccess
    publication: Publication
    # Look for an earlier try on the platform instead of sending (see `needs_look`).
    look: bool = False
    since: datetime | None = None
    # False while it waits, claimed, for its due moment (see `promote`).
    sending: bool = True
    options: dict[str, Any] = field(default_factory=dict)


def start_jobs(*, delivery_ids: list[int], worker: str) -> list[Job]:
    """Load what each claimed delivery needs (media read once). Those due now are marked
    sending; those claimed ahead stay claimed until `promote` (so a dispatcher that dies
    while they wait leaves them to be queued again, not to be looked for)."""
    now = timezone.now()
    _mark_sending(
        Q(pk__in=delivery_ids, due_at__lte=now + timedelta(seconds=SEND_MARGIN_S)), worker, now
    )
    # Plain rows, not model instances: a burst loads a thousand of these.
    rows = list(
        Delivery.objects.filter(
            pk__in=delivery_ids,
            status__in=(Delivery.Status.CLAIMED, Delivery.Status.SENDING),
            claimed_by=worker,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "post_id",
            "due_at",
            "status",
            "needs_look",
            "first_sent_at",
            "channel_id",
            "channel__platform",
            "channel__api_base",
            "channel__external_id",
            "channel__credentials_encrypted",
            "channel__options",
        )
    )
    # A burst is often one post on many channels: each post is loaded once.
    posts = Post.objects.in_bulk({row[1] for row in rows})
    media_cache: dict[int, tuple[MediaFile, ...]] = {}
    variant_cache: dict[tuple[int, str], tuple[str, str]] = {}
    jobs = []
    for (
        pk,
        post_id,
        due_at,
        status,
        needs_look,
        first_sent_at,
        channel_id,
        platform,
        api_base,
        external_id,
        credentials,
        options,
    ) in rows:
        post = posts[post_id]
        if post.pk not in media_cache:
            media_cache[post.pk] = _media(post)
            for variant in post.variants.all():
                variant_cache[(post.pk, variant.platform)] = (variant.title, variant.text)
        title, text = variant_cache.get((post.pk, platform), ("", post.body))
        if post.link and post.link not in text:
            text = f"{text}\n\n{post.link}"
        jobs.append(
            Job(
                delivery_id=pk,
                channel_id=channel_id,
                platform=platform,
                due_at=due_at,
                access=ChannelAccess(
                    api_base=api_base,
                    external_id=external_id,
                    credentials=decrypt_json(credentials),
                    options=options,
                ),
                publication=Publication(
                    text=text,
                    title=title or post.title,
                    link=post.link,
                    media=media_cache[post.pk],
                    idempotency_key=f"pressroom-delivery-{pk}",
                ),
                look=needs_look,
                since=first_sent_at or now,
                sending=status == Delivery.Status.SENDING,
                options=options,
            )
        )
    return jobs


def promote(*, delivery_ids: list[int], worker: str) -> list[int]:
    """Mark prepared deliveries as sending just before their due moment; answers the ids
    still held by this worker (a delivery whose claim was lost is not sent)."""
    now = timezone.now()
    _mark_sending(Q(pk__in=delivery_ids), worker, now)
    return list(
        Delivery.objects.filter(
            pk__in=delivery_ids, status=Delivery.Status.SENDING, claimed_by=worker
        ).values_list("pk", flat=True)
    )


def _mark_sending(condition: Q, worker: str, now: datetime) -> None:
    """Claimed → sending, noting when the first try went out (kept on later tries)."""
    Delivery.objects.filter(
        condition,
        status__in=(Delivery.Status.CLAIMED, Delivery.Status.SENDING),
        claimed_by=worker,
    ).update(status=Delivery.Status.SENDING, first_sent_at=Coalesce("first_sent_at", Value(now)))


def _media(post: Post) -> tuple[MediaFile, ...]:
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
                public_url=public_media_url(item),
            )
        )
    return tuple(media)
