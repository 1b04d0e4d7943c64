"""Scheduled statuses: `POST /api/v1/statuses` with `scheduled_at` (at least 5 minutes ahead)
keeps a ScheduledStatus instead of posting; `GET /api/v1/scheduled_statuses` lists them.

They are records, not ledger objects, until they are due: the sandbox has no clock of its own,
so a due one is posted (as a status created at its scheduled time) when its account next looks
at its scheduled statuses. Mastodon's limits hold: 300 waiting per account, 25 on one day.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from pressroom.platforms.mastodon.sandbox.entities import attachment_entity, invalid
from pressroom.sandbox.store import Account, SandboxStore, iso

NAMESPACE = "mastodon:scheduled"
TOTAL_LIMIT = 300
DAILY_LIMIT = 25


def day_of(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


class ScheduledStatuses:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def of(self, account: Account) -> list[dict[str, Any]]:
        found = [
            record
            for record in self.store.records(NAMESPACE).values()
            if record.get("account_id") == account.account_id
        ]
        return sorted(found, key=lambda record: int(record["id"]))

    def add(self, account: Account, status: dict[str, Any], key: str) -> dict[str, Any]:
        waiting = self.of(account)
        scheduled_at = float(status["scheduled_at"])
        if len(waiting) >= TOTAL_LIMIT:
            raise invalid(f"You have exceeded the limit of {TOTAL_LIMIT} scheduled posts")
        same_day = [r for r in waiting if day_of(r["scheduled_at"]) == day_of(scheduled_at)]
        if len(same_day) >= DAILY_LIMIT:
            raise invalid(f"You have exceeded the limit of {DAILY_LIMIT} scheduled posts for today")
        scheduled_id = str(self.store.next_number("mastodon:scheduled_ids", 1))
        record: dict[str, Any] = {
            "id": scheduled_id,
            "account_id": account.account_id,
            "scheduled_at": scheduled_at,
            "idempotency": key or None,
            "created_at": time.time(),
            "status": {name: value for name, value in status.items() if name != "scheduled_at"},
        }
        self.store.put_record(NAMESPACE, scheduled_id, record)
        return record

    def by_key(self, account: Account, key: str, *, since: float) -> dict[str, Any] | None:
        for record in reversed(self.of(account)):
            if record.get("idempotency") == key and float(record["created_at"]) >= since:
                found: dict[str, Any] = record
                return found
        return None

    def get(self, account: Account, scheduled_id: str) -> dict[str, Any] | None:
        record = self.store.record(NAMESPACE, scheduled_id)
        if record is None or record.get("account_id") != account.account_id:
            return None
        return record

    def take_due(self, account: Account, now: float) -> list[dict[str, Any]]:
        due = []
        for record in self.of(account):
            if float(record["scheduled_at"]) <= now:
                taken = self.store.take_record(NAMESPACE, record["id"])
                if taken is not None:
                    due.append(taken)
        return due

    def entity(self, request: Request, record: dict[str, Any]) -> dict[str, Any]:
        status = record["status"]
        media_ids = list(status.get("media_ids") or [])
        return {
            "id": record["id"],
            "scheduled_at": iso(float(record["scheduled_at"])),
            "params": {
                "text": status.get("text"),
                "media_ids": media_ids or None,
                "sensitive": status.get("sensitive"),
                "spoiler_text": status.get("spoiler_text") or None,
                "visibility": status.get("visibility"),
                "language": status.get("language"),
                "scheduled_at": None,
                "poll": None,
                "idempotency": record.get("idempotency"),
                "with_rate_limit": False,
                "in_reply_to_id": status.get("in_reply_to_id"),
                "application_id": None,
            },
            "media_attachments": [
                attachment_entity(request, self.store, media_id) for media_id in media_ids
            ],
        }
