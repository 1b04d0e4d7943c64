"""The reaper: what a dispatcher that died was holding goes back to work, never lost and
never sent twice."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pressroom.publishing.models import Delivery
from pressroom.publishing.policy import (
    CHOOSING_PLATFORMS,
    RESEND_SAFE_PLATFORMS,
    resends_after_lost_answer,
)


@transaction.atomic(durable=True)
def reap_expired_leases(*, now: datetime | None = None) -> int:
    """Recover the claims of a dispatcher that died: claimed rows were never sent (queue them
    again); sending rows may have reached the platform (unknown: look for them first)."""
    now = now or timezone.now()
    expired = Q(lease_until__lt=now)
    requeued = Delivery.objects.filter(expired, status=Delivery.Status.CLAIMED).update(
        status=Delivery.Status.RETRY, claimed_by="", lease_until=None
    )
    unknown = Delivery.objects.filter(expired, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.UNKNOWN,
        needs_look=True,
        claimed_by="",
        lease_until=None,
        due_at=now,
        error_code="lease_expired",
    )
    # Mastodon needs no look: the same Idempotency-Key makes a resend safe.
    Delivery.objects.filter(
        status=Delivery.Status.UNKNOWN,
        error_code="lease_expired",
        channel__platform__in=RESEND_SAFE_PLATFORMS,
    ).update(status=Delivery.Status.RETRY, needs_look=False)
    # Telegram cannot be looked on: it waits for a person unless the channel chose to resend.
    # (Decided here rather than in SQL: a JSON key that is absent compares as NULL.)
    choosing = (
        Delivery.objects.filter(
            status=Delivery.Status.UNKNOWN,
            error_code="lease_expired",
            channel__platform__in=CHOOSING_PLATFORMS,
        )
        .select_related("channel")
        .only("pk", "channel__platform", "channel__options")
        .order_by("pk")
    )
    resend: list[int] = []
    wait: list[int] = []
    for delivery in choosing:
        (resend if resends_after_lost_answer(delivery.channel) else wait).append(delivery.pk)
    Delivery.objects.filter(pk__in=resend).update(status=Delivery.Status.RETRY, needs_look=False)
    Delivery.objects.filter(pk__in=wait).update(status=Delivery.Status.WAITING_FOR_PERSON)
    return requeued + unknown
