"""The ledger: what each platform holds, for checks by tests and benchmarks (`GET /_ledger`,
its summary and the duplicates), read straight from the objects table."""

from __future__ import annotations

import json
from typing import Any

from pressroom.sandbox.records import filters, ledger_entry
from pressroom.sandbox.writes import WriteBehind


class Ledger:
    def __init__(self, writes: WriteBehind) -> None:
        self._writes = writes

    def entries(
        self,
        *,
        platform: str | None = None,
        account_id: str | None = None,
        kind: str | None = None,
        top_level: bool | None = None,
        after_seq: int = 0,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Ledger entries in creation order, read without decoding each object's data."""
        where, args = filters(platform, account_id, kind, top_level)
        where.append("seq > ?")
        args.append(after_seq)
        query = (
            "SELECT seq, platform, account_id, kind, remote_id, text, title, link, top_level, "
            "json_array_length(media) AS media_count, created_at, received_at, idempotency_key "
            "FROM objects"
        )
        query += " WHERE " + " AND ".join(where) + " ORDER BY seq LIMIT ?"
        args.append(-1 if limit is None else limit)
        with self._writes.reading() as db:
            rows = db.execute(query, args).fetchall()
        return [
            ledger_entry(
                seq=row[0],
                platform=row[1],
                account_id=row[2],
                kind=row[3],
                remote_id=row[4],
                text=row[5],
                title=row[6],
                link=row[7],
                top_level=bool(row[8]),
                media_count=row[9],
                created_at=row[10],
                received_at=row[11],
                idempotency_key=row[12],
            )
            for row in rows
        ]

    def summary(self, platform: str | None = None) -> dict[str, Any]:
        """Top-level objects counted per platform and per account, and the duplicates."""
        where, args = filters(platform, None, None, True)
        query = "SELECT platform, account_id, COUNT(*) FROM objects"
        query += " WHERE " + " AND ".join(where)
        query += " GROUP BY platform, account_id ORDER BY platform, account_id"
        with self._writes.reading() as db:
            rows = db.execute(query, args).fetchall()
        platforms: dict[str, dict[str, Any]] = {}
        for row_platform, row_account, count in rows:
            entry = platforms.setdefault(row_platform, {"total": 0, "accounts": {}})
            entry["total"] += count
            entry["accounts"][row_account] = count
        duplicates = self.duplicates(platform)
        return {
            "total": sum(entry["total"] for entry in platforms.values()),
            "platforms": platforms,
            "duplicate_objects": sum(group["count"] - 1 for group in duplicates),
            "duplicates": duplicates,
        }

    def duplicates(self, platform: str | None = None) -> list[dict[str, Any]]:
        """Top-level objects on the same account with identical text, grouped."""
        where, args = filters(platform, None, None, True)
        query = (
            "SELECT platform, account_id, text, COUNT(*), json_group_array(remote_id) FROM objects"
        )
        query += " WHERE " + " AND ".join(where)
        query += " GROUP BY platform, account_id, text HAVING COUNT(*) > 1"
        query += " ORDER BY platform, account_id, MIN(seq)"
        with self._writes.reading() as db:
            rows = db.execute(query, args).fetchall()
        return [
            {
                "platform": row[0],
                "account_id": row[1],
                "text": row[2],
                "count": row[3],
                "remote_ids": json.loads(row[4]),
            }
            for row in rows
        ]
