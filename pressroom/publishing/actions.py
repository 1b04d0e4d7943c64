"""Writes to deliveries: the state machine every delivery moves through.

    pending ─claim→ claimed ─start→ sending ─outcome→ published
                                               ├──→ retry (due again at T) ─claim→ …
                                               ├──→ unknown (look before resending) ─claim→ …
                                               ├──→ paused (channel needs reconnecting)
                                               └──→ failed (with the reason)

A claim is a lease: a dispatcher that dies leaves `claimed` rows (never sent: back to the
queue) or `sending` rows (maybe sent: unknown, reconciled before any resend).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pressroom.audit.actions import record_event, record_events
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.crypto import decrypt_json
from pressroom.core.db import insert_many, update_many
from pressroom.platforms.base import ChannelAccess, MediaFile, Outcome, OutcomeKind, Publication
from pressroom.publishing import tasks, wakeup
from pressroom.publishing.models import Delivery, DeliveryAttempt

MAX_ATTEMPTS = 10
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 600.0
# A possibly published post is looked for after this long, so the platform has settled.
CHECK_DELAY_S = 1.0
CLAIMABLE = (Delivery.Status.PENDING, Delivery.Status.RETRY, Delivery.Status.UNKNOWN)
# A delivery claimed ahead is marked sending this long before its due moment.
SEND_MARGIN_S = 0.25
# Platforms that recognise a repeated request (Mastodon's Idempotency-Key, kept one hour).
IDEMPOTENT_PLATFORMS = frozenset({"mastodon"})


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
        with transaction.atomic():
            ids = list(
                Delivery.objects.filter(due)
                .order_by("-priority", "due_at")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:limit]
            )
            Delivery.objects.filter(pk__in=ids).update(**claim)
        return ids
    # SQLite: compare-and-swap; a row another worker took no longer matches the filter.
    with transaction.atomic():
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
    # Look on the platform for an earlier try instead of sending (see `needs_check`).
    check: bool = False
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
            "needs_check",
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
        needs_check,
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
                check=needs_check,
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
            )
        )
    return tuple(media)


def _backoff(attempts: int) -> float:
    """Capped exponential backoff with jitter (between half and all of the ceiling)."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Result:
    """What a dispatcher reports for one job."""

    delivery_id: int
    outcome: Outcome
    started_at: datetime
    check: bool = False
    # A check found nothing: the earlier try did not publish, sending again is safe.
    not_found: bool = False


def record_result(*, result: Result, worker: str = "") -> Delivery | None:
    """Move one delivery to its next state (see `record_results`)."""
    return record_results(results=[result], worker=worker).get(result.delivery_id)


@transaction.atomic
def record_results(*, results: list[Result], worker: str = "") -> dict[int, Delivery]:
    """Move deliveries to their next state after sends or checks, and keep their history.

    One transaction for a batch: a dispatcher records a thousand results in one go.
    """
    ids = [result.delivery_id for result in results]
    deliveries = {
        delivery.pk: delivery
        # Only the deliveries are locked (not their channel and unit, which every writer
        # shares), in one order, so writers in several processes never deadlock.
        for delivery in Delivery.objects.select_for_update(of=("self",), no_key=True)
        .select_related("channel")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    now = timezone.now()
    changed: list[Delivery] = []
    attempts: list[DeliveryAttempt] = []
    events: list[dict[str, Any]] = []
    finished_posts: set[int] = set()
    for result in results:
        delivery = deliveries.get(result.delivery_id)
        if delivery is None or delivery.status != Delivery.Status.SENDING:
            continue
        if worker and delivery.claimed_by != worker:
            # The lease expired and someone else owns it now; do not overwrite their result.
            continue
        _apply(delivery, result, now)
        changed.append(delivery)
        outcome = result.outcome
        attempts.append(
            DeliveryAttempt(
                delivery=delivery,
                kind=DeliveryAttempt.Kind.CHECK if result.check else DeliveryAttempt.Kind.SEND,
                worker=worker,
                started_at=result.started_at,
                finished_at=now,
                outcome="not_found" if result.not_found else outcome.kind.value,
                status_after=delivery.status,
                code=outcome.code,
                reason=outcome.reason[:2000],
                retry_after_s=outcome.retry_after_s,
            )
        )
        if delivery.status in Delivery.TERMINAL:
            finished_posts.add(delivery.post_id)
            events.append(
                {
                    "action": f"delivery.{delivery.status}",
                    "obj": delivery,
                    "unit_id": delivery.channel.unit_id,
                    "data": {
                        "post": delivery.post_id,
                        "channel": delivery.channel_id,
                        "code": outcome.code,
                    },
                }
            )
    # One prepared statement each for every row: bulk_update's CASE clauses and
    # bulk_create's per-value preparation cost more than the rest of this function.
    update_many(Delivery, changed, _RESULT_FIELDS)
    insert_many(DeliveryAttempt, attempts)
    for delivery in changed:
        if delivery.status == Delivery.Status.PAUSED:
            _pause_channel(channel=delivery.channel, reason=delivery.error_message, by="dispatcher")
        elif delivery.hold_channel_until is not None:
            _hold_channel(delivery.channel_id, until=delivery.hold_channel_until)
    for post_id in sorted(finished_posts):
        update_post_status(post_id=post_id)
    # Last, so the audit chain's lock is held for as short a time as possible.
    record_events(actor="dispatcher", events=events)
    return {delivery.pk: delivery for delivery in changed}


_RESULT_FIELDS = [
    "status",
    "due_at",
    "attempts",
    "needs_check",
    "claimed_by",
    "lease_until",
    "remote_id",
    "permalink",
    "error_code",
    "error_message",
    "published_at",
    "updated_at",
]


def _apply(delivery: Delivery, result: Result, now: datetime) -> None:
    """The state machine's transition for one result (no database writes)."""
    outcome = result.outcome
    platform = delivery.channel.platform
    delivery.hold_channel_until = None
    delivery.updated_at = now
    delivery.lease_until = None
    delivery.claimed_by = ""
    delivery.error_code = outcome.code
    delivery.error_message = outcome.reason[:2000]
    gave_up = delivery.give_up_at is not None and now >= delivery.give_up_at
    if not result.check:
        delivery.attempts += 1
    if outcome.kind is OutcomeKind.PUBLISHED:
        delivery.status = Delivery.Status.PUBLISHED
        delivery.remote_id = outcome.remote_id
        delivery.permalink = outcome.permalink
        delivery.published_at = now
        delivery.needs_check = False
        delivery.error_code = delivery.error_message = ""
    elif result.not_found:
        # Looked, and the earlier try did not publish: send again now.
        delivery.needs_check = False
        delivery.due_at = now
        delivery.error_message = ""
        delivery.status = Delivery.Status.FAILED if gave_up else Delivery.Status.RETRY
        delivery.error_code = "deadline" if gave_up else ""
    elif outcome.kind is OutcomeKind.RETRY_LATER:
        wait = max(outcome.retry_after_s or 0.0, _backoff(delivery.attempts))
        if delivery.needs_check:
            # The look itself failed: the post may still exist, keep looking later.
            delivery.status = Delivery.Status.UNKNOWN
            delivery.due_at = now + timedelta(seconds=wait)
        elif gave_up or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.error_code = "deadline" if gave_up else "too_many_attempts"
        else:
            delivery.status = Delivery.Status.RETRY
            delivery.due_at = now + timedelta(seconds=wait)
            if outcome.retry_after_s:
                delivery.hold_channel_until = delivery.due_at
    elif outcome.kind is OutcomeKind.UNKNOWN:
        if platform in IDEMPOTENT_PLATFORMS or _resends_unknown(delivery.channel):
            # Mastodon drops a repeat with the same Idempotency-Key: resending is safe, and
            # is the way to find out. A Telegram channel may choose to resend (it may then
            # show the post twice) rather than wait for a person.
            delivery.status = Delivery.Status.RETRY
            delivery.needs_check = False
            delivery.due_at = now + timedelta(seconds=CHECK_DELAY_S)
        elif not _can_check(delivery.channel):
            # Nobody can look (Telegram): it waits for a person, unless resending is chosen.
            delivery.status = Delivery.Status.WAITING_FOR_PERSON
            delivery.needs_check = True
        else:
            delivery.status = Delivery.Status.UNKNOWN
            delivery.needs_check = True
            delivery.due_at = now + timedelta(seconds=CHECK_DELAY_S * max(1, delivery.attempts))
    elif outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED:
        delivery.status = Delivery.Status.PAUSED
        delivery.due_at = now
    else:
        delivery.status = Delivery.Status.FAILED


def _can_check(channel: Channel) -> bool:
    """Whether an unknown outcome can be settled by looking on the platform."""
    # The Bot API cannot list a channel's messages.
    return channel.platform != "telegram"


def _resends_unknown(channel: Channel) -> bool:
    """A Telegram channel whose owners chose to resend after an unknown outcome."""
    return (
        channel.platform == "telegram"
        and (channel.options or {}).get("unknown_outcome") == "resend"
    )


def _hold_channel(channel_id: int, *, until: datetime) -> None:
    """The platform asked this channel to slow down: its other waiting posts wait too."""
    Delivery.objects.filter(
        channel_id=channel_id,
        status__in=(Delivery.Status.PENDING, Delivery.Status.RETRY),
        due_at__lt=until,
    ).update(due_at=until)


def pause_channel(*, channel: Channel, reason: str, by: Any) -> None:
    """An administrator stops a channel whose credentials must be replaced (say, leaked)."""
    with transaction.atomic(durable=True):
        _pause_channel(channel=channel, reason=reason, by=by)


def _pause_channel(*, channel: Channel, reason: str, by: Any) -> None:
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
    record_event(actor=by, action="channel.needs_reconnect", obj=channel, unit_id=channel.unit_id)
    channel_id = channel.pk
    transaction.on_commit(lambda: tasks.notify_channel_needs_reconnect.enqueue(channel_id))


@transaction.atomic
def reconnect_channel(*, channel: Channel, credentials: dict[str, Any], by: Any) -> int:
    """New credentials: the channel is connected again and its paused posts go out."""
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
        action="channel.reconnect",
        obj=channel,
        unit_id=channel.unit_id,
        data={"resumed_deliveries": resumed},
    )
    return resumed


# What a Telegram channel does after a send whose answer was lost (see `_resends_unknown`).
UNKNOWN_OUTCOME_CHOICES = ("wait", "resend")


@transaction.atomic
def set_unknown_outcome(*, channel: Channel, choice: str, by: Any) -> Channel:
    """Choose, for a Telegram channel, what follows a send whose answer was lost: wait for
    a person to look (the default: never twice) or send again (never missing, maybe twice).
    Applies to the sends that follow, not to those already waiting for a person."""
    if choice not in UNKNOWN_OUTCOME_CHOICES:
        raise ValueError(choice)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.platform != "telegram":
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
        action="channel.unknown_outcome",
        obj=channel,
        unit_id=channel.unit_id,
        data={"before": before, "after": choice},
    )
    return channel


def update_post_status(*, post_id: int) -> None:
    """A post is published when every delivery is; partly failed when some failed."""
    deliveries = Delivery.objects.filter(post_id=post_id)
    if deliveries.exclude(status__in=Delivery.TERMINAL).exists():
        return
    statuses = list(deliveries.values_list("status", flat=True).distinct())
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


@transaction.atomic
def reap_expired_leases(*, now: datetime | None = None) -> int:
    """Recover the claims of a dispatcher that died: claimed rows were never sent (queue them
    again); sending rows may have reached the platform (unknown: look before resending)."""
    now = now or timezone.now()
    expired = Q(lease_until__lt=now)
    requeued = Delivery.objects.filter(expired, status=Delivery.Status.CLAIMED).update(
        status=Delivery.Status.RETRY, claimed_by="", lease_until=None
    )
    unknown = Delivery.objects.filter(expired, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.UNKNOWN,
        needs_check=True,
        claimed_by="",
        lease_until=None,
        due_at=now,
        error_code="lease_expired",
    )
    # Mastodon needs no look: the same Idempotency-Key makes a resend safe.
    Delivery.objects.filter(
        status=Delivery.Status.UNKNOWN,
        error_code="lease_expired",
        channel__platform__in=IDEMPOTENT_PLATFORMS,
    ).update(status=Delivery.Status.RETRY, needs_check=False)
    # Telegram cannot be looked at: it waits for a person unless the channel chose to resend.
    # (Decided here rather than in SQL: a JSON key that is absent compares as NULL.)
    telegram = (
        Delivery.objects.filter(
            status=Delivery.Status.UNKNOWN,
            error_code="lease_expired",
            channel__platform="telegram",
        )
        .select_related("channel")
        .only("pk", "channel__platform", "channel__options")
        .order_by("pk")
    )
    resend: list[int] = []
    wait: list[int] = []
    for delivery in telegram:
        (resend if _resends_unknown(delivery.channel) else wait).append(delivery.pk)
    Delivery.objects.filter(pk__in=resend).update(status=Delivery.Status.RETRY, needs_check=False)
    Delivery.objects.filter(pk__in=wait).update(status=Delivery.Status.WAITING_FOR_PERSON)
    return requeued + unknown


@transaction.atomic
def settle_unknown(*, delivery: Delivery, by: Any, published: bool, link: str = "") -> Delivery:
    """A person looked at the channel: the post is there (published) or not (send again)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != Delivery.Status.WAITING_FOR_PERSON:
        return delivery
    now = timezone.now()
    if published:
        delivery.status = Delivery.Status.PUBLISHED
        delivery.published_at = now
        delivery.permalink = link[:500]
    else:
        delivery.status = Delivery.Status.RETRY
        delivery.due_at = now
        wakeup.announce()
    delivery.needs_check = False
    delivery.save()
    record_event(
        actor=by,
        action="delivery.settled",
        obj=delivery,
        unit_id=delivery.channel.unit_id,
        data={"published": published},
    )
    update_post_status(post_id=delivery.post_id)
    return delivery


def summary(post: Post) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for status in post.deliveries.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
