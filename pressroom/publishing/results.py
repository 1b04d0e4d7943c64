"""Results: the state machine that moves a delivery on after a send or a look.

sending ─outcome→ published
               ├──→ retry (due again at T) ─claim→ …
               ├──→ unknown (looked for before any resend) ─claim→ …
               ├──→ waiting for a person (nobody can look: Telegram) ─a person's answer→ …
               ├──→ paused (channel needs reconnecting)
               └──→ failed (with the reason)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pressroom.audit.actions import record_events
from pressroom.audit.kinds import Kind
from pressroom.content.models import Post
from pressroom.core.db import insert_many, update_many
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.publishing import tasks
from pressroom.publishing.channel_state import _pause_channel
from pressroom.publishing.models import Delivery, DeliveryAttempt
from pressroom.publishing.policy import can_look_for, resend_is_safe, resends_after_lost_answer

MAX_ATTEMPTS = 10
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 600.0
# A possibly published post is looked for after this long, so the platform has caught up.
LOOK_DELAY_S = 1.0


@dataclass(frozen=True)
class Result:
    """What a dispatcher reports for one job."""

    delivery_id: int
    outcome: Outcome
    started_at: datetime
    # A look on the platform for an earlier try, not a send.
    look: bool = False
    # The look found nothing: the earlier try did not publish, sending again is safe.
    not_found: bool = False


@transaction.atomic
def record_results(*, results: list[Result], worker: str = "") -> dict[int, Delivery]:
    """Move deliveries to their next state after sends or looks, and keep their history.

    One transaction for a batch: a dispatcher records a thousand results in one go. (Not
    durable: a caller may hold the batch's locks a while longer in its own transaction.)
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
                kind=DeliveryAttempt.Kind.LOOK if result.look else DeliveryAttempt.Kind.SEND,
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
                    "action": _FINISHED[delivery.status],
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
        _update_post_status(post_id=post_id)
    # Last, so the audit chain's lock is held for as short a time as possible.
    record_events(actor="dispatcher", events=events)
    return {delivery.pk: delivery for delivery in changed}


# The audit kind of a delivery that reached a terminal state.
_FINISHED: dict[str, Kind] = {
    Delivery.Status.PUBLISHED: Kind.DELIVERY_PUBLISHED,
    Delivery.Status.FAILED: Kind.DELIVERY_FAILED,
}

_RESULT_FIELDS = [
    "status",
    "due_at",
    "attempts",
    "needs_look",
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
    if not result.look:
        delivery.attempts += 1
    if outcome.kind is OutcomeKind.PUBLISHED:
        delivery.status = Delivery.Status.PUBLISHED
        delivery.remote_id = outcome.remote_id
        delivery.permalink = outcome.permalink
        delivery.published_at = now
        delivery.needs_look = False
        delivery.error_code = delivery.error_message = ""
    elif result.not_found:
        # Looked for, and the earlier try did not publish: send again now.
        delivery.needs_look = False
        delivery.due_at = now
        delivery.error_message = ""
        delivery.status = Delivery.Status.FAILED if gave_up else Delivery.Status.RETRY
        delivery.error_code = "deadline" if gave_up else ""
    elif outcome.kind is OutcomeKind.RETRY_LATER:
        wait = max(outcome.retry_after_s or 0.0, _backoff(delivery.attempts))
        if delivery.needs_look:
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
        if resend_is_safe(platform) or resends_after_lost_answer(delivery.channel):
            # Mastodon drops a repeat with the same Idempotency-Key: resending is safe, and
            # is the way to find out. A Telegram channel may choose to resend (it may then
            # show the post twice) rather than wait for a person.
            delivery.status = Delivery.Status.RETRY
            delivery.needs_look = False
            delivery.due_at = now + timedelta(seconds=LOOK_DELAY_S)
        elif not can_look_for(platform):
            # Nobody can look (Telegram): it waits for a person, unless resending is chosen.
            delivery.status = Delivery.Status.WAITING_FOR_PERSON
            delivery.needs_look = True
        else:
            delivery.status = Delivery.Status.UNKNOWN
            delivery.needs_look = True
            delivery.due_at = now + timedelta(seconds=LOOK_DELAY_S * max(1, delivery.attempts))
    elif outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED:
        delivery.status = Delivery.Status.PAUSED
        delivery.due_at = now
    else:
        delivery.status = Delivery.Status.FAILED


def _backoff(attempts: int) -> float:
    """Capped exponential backoff with jitter (between half and all of the ceiling)."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


def _hold_channel(channel_id: int, *, until: datetime) -> None:
    """The platform asked this channel to slow down: its other waiting posts wait too.
    Inside the caller's transaction."""
    Delivery.objects.filter(
        channel_id=channel_id,
        status__in=(Delivery.Status.PENDING, Delivery.Status.RETRY),
        due_at__lt=until,
    ).update(due_at=until)


def _update_post_status(*, post_id: int) -> None:
    """A post is published when every delivery is; partly failed when some failed. Inside
    the caller's transaction (it is told once that transaction commits)."""
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
