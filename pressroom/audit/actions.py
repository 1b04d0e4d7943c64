"""Writing and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from pressroom.audit.kinds import check_kind
from pressroom.audit.models import GENESIS_HASH, AuditEvent
from pressroom.core.db import insert_many

# Any number: the key of the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK = 7_311_204


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    unit_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that made the change.

    The action is one of `pressroom.audit.kinds.Kind` (a ValueError otherwise).
    """
    (event,) = record_events(
        actor=actor, events=[{"action": action, "obj": obj, "unit_id": unit_id, "data": data}]
    )
    return event


def record_events(*, actor: Any, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events by one actor, in order (keys: action, obj, unit_id, data)."""
    if not events:
        return []
    for spec in events:
        check_kind(spec["action"])
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        # On SQLite every write transaction is IMMEDIATE, so appends are already serial.
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = prev or GENESIS_HASH
        user = actor if getattr(actor, "is_authenticated", False) else None
        label = user.get_username() if user else str(actor or "system")
        now = timezone.now()
        rows = []
        for spec in events:
            obj = spec.get("obj")
            event = AuditEvent(
                created_at=now,
                actor=user,
                actor_ref=str(user.pk) if user else "",
                actor_label=label,
                action=spec["action"],
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                unit_id=spec.get("unit_id"),
                data=spec.get("data") or {},
                prev_hash=prev,
            )
            event.hash = prev = event.compute_hash()
            rows.append(event)
        # Inserted in list order, so ids follow the chain on both databases.
        if len(rows) == 1:
            rows[0].save()
        else:
            insert_many(AuditEvent, rows)
        return rows


@dataclass
class ChainReport:
    checked: int
    first_bad_id: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first event that does not match."""
    prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, "previous hash does not match")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "content was changed")
        prev = event.hash
        checked += 1
    return ChainReport(checked, None)
