"""The sandbox's memory: accounts, created objects and uploaded files, in SQLite on disk.

Accounts and counters are also kept in memory: every request looks its account up, often by
token, and numbers its objects. Objects, files and counters are written behind (writes.py);
the tables are in schema.py, the ledger's reports in ledger.py, the files in media.py.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from pressroom.sandbox.common import RECEIVED_AT
from pressroom.sandbox.conditions import Conditions
from pressroom.sandbox.ledger import Ledger
from pressroom.sandbox.media import MediaFiles
from pressroom.sandbox.records import (
    Account,
    Item,
    Media,
    account_of,
    filters,
    iso,
    iso_us,
    item_of,
)
from pressroom.sandbox.schema import open_database
from pressroom.sandbox.webhooks import WebhookOutbox
from pressroom.sandbox.writes import WriteBehind

# Mastodon keeps an Idempotency-Key an hour; the sandbox remembers keyed objects as long.
IDEMPOTENCY_MEMORY_S = 3600
# Lookups kept in memory beyond this many forget their older half (the database still answers).
MAX_REMEMBERED = 100_000

__all__ = ["Account", "Item", "Media", "SandboxStore", "iso", "iso_us"]


class SandboxStore:
    """Thread-safe; reads see every write made before them (see writes.py)."""

    def __init__(self, state_dir: Path | str, platforms: Collection[str] = ()) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._writes = WriteBehind(open_database(self.state_dir / "sandbox.sqlite3"))
        self._lock = self._writes.lock
        self.files = MediaFiles(self.state_dir / "files", self._writes)
        self.reports = Ledger(self._writes)
        # What the platforms send to the app (webhooks.py); the server's lifespan sends it.
        self.webhooks = WebhookOutbox(self._writes)
        # Called after a reset: what else keeps test instructions (the simulated public).
        self.on_reset: list[Callable[[], None]] = []
        # Faults, profiles, limits and settings are test and benchmark instructions, not
        # platform state: kept in memory.
        self.conditions = Conditions(platforms)
        self.platforms = self.conditions.platforms
        self.faults = self.conditions.faults
        db = self._writes.db
        self._accounts: dict[tuple[str, str], Account] = {}
        self._by_token: dict[tuple[str, str], set[str]] = {}
        for row in db.execute("SELECT * FROM accounts").fetchall():
            self._remember(account_of(row))
        self._counters: dict[str, int] = {}
        # AUTOINCREMENT's high-water mark: ids are never reused, even after a reset.
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'objects'").fetchone()
        highest = db.execute("SELECT MAX(seq) FROM objects").fetchone()[0]
        self._last_seq = max(row[0] if row else 0, highest or 0)
        # What publishing reads back at once, kept from the writes (see the lookups below).
        self._latest: dict[tuple[str, str, str], Item | None] = {}
        self._by_creation_token: dict[tuple[str, str], Item] = {}
        self._by_idempotency_key: dict[tuple[str, str, str], Item] = {}
        # Keyed objects created since this moment are all in memory.
        self._keys_since = time.time() - IDEMPOTENCY_MEMORY_S
        recent = db.execute(
            "SELECT * FROM objects WHERE idempotency_key != '' AND created_at >= ? ORDER BY seq",
            (self._keys_since,),
        )
        for row in recent.fetchall():
            self._remember_item(item_of(row), newest=False)

    def _remember(self, account: Account) -> None:
        key = (account.platform, account.account_id)
        earlier = self._accounts.get(key)
        if earlier is not None:
            self._by_token.get((earlier.platform, earlier.token), set()).discard(account.account_id)
        self._accounts[key] = account
        self._by_token.setdefault((account.platform, account.token), set()).add(account.account_id)

    def close(self) -> None:
        self._writes.close()

    def reset(self) -> None:
        with self._writes.transaction() as db:
            for table in ("accounts", "objects", "media", "counters", "records", "webhooks"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            self.files.clear()
            self._accounts.clear()
            self._by_token.clear()
            self._counters.clear()
            self._latest.clear()
            self._by_creation_token.clear()
            self._by_idempotency_key.clear()
        self.conditions.reset()
        for forget in self.on_reset:
            forget()

    # Accounts

    def save_account(
        self, *, platform: str, account_id: str, token: str, name: str, extra: dict[str, Any]
    ) -> Account:
        with self._writes.transaction() as db:
            db.execute(
                """INSERT INTO accounts (platform, account_id, token, name, extra, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (platform, account_id)
                DO UPDATE SET
                    token = excluded.token, name = excluded.name, extra = excluded.extra""",
                (platform, account_id, token, name, json.dumps(extra), time.time()),
            )
            row = db.execute(
                "SELECT * FROM accounts WHERE platform = ? AND account_id = ?",
                (platform, account_id),
            ).fetchone()
            account = account_of(row)
            self._remember(account)
        return account

    def account(self, platform: str, account_id: str) -> Account | None:
        return self._accounts.get((platform, account_id))

    def accounts(self, platform: str | None = None) -> list[Account]:
        with self._lock:
            chosen = [
                account
                for account in self._accounts.values()
                if platform is None or account.platform == platform
            ]
        return sorted(
            chosen, key=lambda account: (account.platform, account.name, account.account_id)
        )

    def account_by_token(self, platform: str, token: str) -> Account | None:
        """The account a token opens (the first by id when one token serves several)."""
        if not token:
            return None
        with self._lock:
            holders = self._by_token.get((platform, token))
            if not holders:
                return None
            return self._accounts.get((platform, min(holders)))

    # Records: what an OAuth flow keeps between its steps

    def put_record(
        self, namespace: str, key: str, value: dict[str, Any], *, ttl_s: float | None = None
    ) -> None:
        """Keep `value` under (namespace, key), replacing what was there; gone after ttl_s."""
        expires_at = time.time() + ttl_s if ttl_s is not None else None
        with self._writes.transaction() as db:
            db.execute(
                "INSERT INTO records (namespace, key, value, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (namespace, key) DO UPDATE SET "
                "value = excluded.value, expires_at = excluded.expires_at",
                (namespace, key, json.dumps(value), expires_at),
            )

    def record(self, namespace: str, key: str) -> dict[str, Any] | None:
        with self._writes.transaction() as db:
            row = db.execute(
                "SELECT value, expires_at FROM records WHERE namespace = ? AND key = ?",
                (namespace, key),
            ).fetchone()
        return _live_value(row)

    def take_record(self, namespace: str, key: str) -> dict[str, Any] | None:
        """The record, removed in the same step: a single-use code is used once, even when two
        requests bring it at the same time."""
        with self._writes.transaction() as db:
            row = db.execute(
                "DELETE FROM records WHERE namespace = ? AND key = ? RETURNING value, expires_at",
                (namespace, key),
            ).fetchone()
        return _live_value(row)

    def drop_record(self, namespace: str, key: str) -> bool:
        with self._writes.transaction() as db:
            cursor = db.execute(
                "DELETE FROM records WHERE namespace = ? AND key = ?", (namespace, key)
            )
        return cursor.rowcount > 0

    def records(self, namespace: str) -> dict[str, dict[str, Any]]:
        """Every live record of the namespace, by key."""
        with self._writes.transaction() as db:
            rows = db.execute(
                "SELECT key, value FROM records WHERE namespace = ? "
                "AND (expires_at IS NULL OR expires_at > ?) ORDER BY key",
                (namespace, time.time()),
            ).fetchall()
        return {row["key"]: json.loads(row["value"]) for row in rows}

    # Apps registered with a platform (Facebook's and Zalo's developer consoles)

    def save_app(self, platform: str, app_id: str, app_secret: str, **extra: Any) -> None:
        self.put_record(f"apps:{platform}", app_id, {"app_secret": app_secret, **extra})

    def app(self, platform: str, app_id: str) -> dict[str, Any] | None:
        return self.record(f"apps:{platform}", app_id)

    # Objects

    def next_number(self, name: str, start: int = 1) -> int:
        """A counter that only goes up, for ids the platform numbers in sequence."""
        with self._lock:
            current = self._counters.get(name)
            if current is None:
                row = self._writes.db.execute(
                    "SELECT value FROM counters WHERE name = ?", (name,)
                ).fetchone()
                current = row["value"] if row else start - 1
            value = int(current) + 1
            self._counters[name] = value
            self._writes.write(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
        return value

    def add_item(
        self,
        *,
        platform: str,
        account_id: str,
        kind: str,
        remote_id: str,
        top_level: bool,
        text: str = "",
        title: str = "",
        link: str = "",
        media: list[str] | None = None,
        data: dict[str, Any] | None = None,
        idempotency_key: str = "",
    ) -> Item:
        created_at = time.time()
        received_at = RECEIVED_AT.get() or created_at
        with self._lock:
            self._last_seq += 1
            seq = self._last_seq
            self._writes.write(
                """INSERT INTO objects (seq, platform, account_id, kind, remote_id, top_level,
                text, title, link, media, data, idempotency_key, created_at, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    seq,
                    platform,
                    account_id,
                    kind,
                    remote_id,
                    int(top_level),
                    text,
                    title,
                    link,
                    json.dumps(media or []),
                    json.dumps(data or {}, ensure_ascii=False),
                    idempotency_key,
                    created_at,
                    received_at,
                ),
            )
            item = Item(
                seq=seq,
                platform=platform,
                account_id=account_id,
                kind=kind,
                remote_id=remote_id,
                top_level=top_level,
                text=text,
                title=title,
                link=link,
                media=list(media or []),
                data=dict(data or {}),
                idempotency_key=idempotency_key,
                created_at=created_at,
                received_at=received_at,
            )
            self._remember_item(item)
        return item

    def items(
        self,
        *,
        platform: str | None = None,
        account_id: str | None = None,
        kind: str | None = None,
        top_level: bool | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Item]:
        conditions, args = filters(platform, account_id, kind, top_level)
        query = "SELECT * FROM objects"
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        query += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        query += " LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        with self._writes.reading() as db:
            return [item_of(row) for row in db.execute(query, args).fetchall()]

    def count_items(self, *, platform: str, account_id: str, kind: str) -> int:
        with self._writes.reading() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM objects WHERE platform = ? AND account_id = ? AND kind = ?",
                (platform, account_id, kind),
            ).fetchone()
        return int(row[0])

    def item(self, platform: str, remote_id: str, account_id: str | None = None) -> Item | None:
        query = "SELECT * FROM objects WHERE platform = ? AND remote_id = ?"
        args = [platform, remote_id]
        if account_id is not None:
            query += " AND account_id = ?"
            args.append(account_id)
        with self._writes.reading() as db:
            row = db.execute(query + " ORDER BY seq LIMIT 1", args).fetchone()
        return item_of(row) if row else None

    def update_item(
        self,
        *,
        platform: str,
        account_id: str,
        remote_id: str,
        text: str | None = None,
        title: str | None = None,
        link: str | None = None,
        media: list[str] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Item | None:
        """Change an object in place (an edited article): the given fields replace its own.
        None when the account has no such object."""
        with self._writes.transaction() as db:
            row = db.execute(
                "SELECT * FROM objects WHERE platform = ? AND account_id = ? AND remote_id = ?",
                (platform, account_id, remote_id),
            ).fetchone()
            if row is None:
                return None
            earlier = item_of(row)
            changes: dict[str, Any] = {
                name: value
                for name, value in (
                    ("text", text),
                    ("title", title),
                    ("link", link),
                    ("media", list(media) if media is not None else None),
                    ("data", dict(data) if data is not None else None),
                )
                if value is not None
            }
            item = dataclasses.replace(earlier, **changes)
            db.execute(
                "UPDATE objects SET text = ?, title = ?, link = ?, media = ?, data = ? "
                "WHERE seq = ?",
                (
                    item.text,
                    item.title,
                    item.link,
                    json.dumps(item.media),
                    json.dumps(item.data, ensure_ascii=False),
                    item.seq,
                ),
            )
            self._forget_item(earlier)
            self._remember_item(item, newest=False)
        return item

    def remove_item(self, *, platform: str, account_id: str, remote_id: str) -> Item | None:
        """Delete an object (a removed article): it leaves the feeds and the ledger. The object
        as it was, or None when the account has no such object."""
        with self._writes.transaction() as db:
            row = db.execute(
                "DELETE FROM objects WHERE platform = ? AND account_id = ? AND remote_id = ? "
                "RETURNING *",
                (platform, account_id, remote_id),
            ).fetchone()
            if row is None:
                return None
            item = item_of(row)
            self._forget_item(item)
        return item

    def _forget_item(self, item: Item) -> None:
        """Drop an object from the lookups kept in memory (its newest-of-kind entry is read
        again from the database when next asked for)."""
        key = (item.platform, item.account_id, item.kind)
        latest = self._latest.get(key)
        if latest is not None and latest.seq == item.seq:
            del self._latest[key]
        if item.idempotency_key:
            self._by_idempotency_key.pop(
                (item.platform, item.account_id, item.idempotency_key), None
            )
        token = item.data.get("token")
        if isinstance(token, str) and token:
            self._by_creation_token.pop((item.platform, token), None)

    def _remember_item(self, item: Item, *, newest: bool = True) -> None:
        """Index an object for the lookups publishing makes right after creating it."""
        if newest:
            self._latest[(item.platform, item.account_id, item.kind)] = item
        if item.idempotency_key:
            self._by_idempotency_key[(item.platform, item.account_id, item.idempotency_key)] = item
            if len(self._by_idempotency_key) > MAX_REMEMBERED:
                forgotten = _forget_older_half(self._by_idempotency_key)
                self._keys_since = max(self._keys_since, forgotten)
        token = item.data.get("token")
        if isinstance(token, str) and token:
            self._by_creation_token[(item.platform, token)] = item
            if len(self._by_creation_token) > MAX_REMEMBERED:
                _forget_older_half(self._by_creation_token)

    def latest_item(self, *, platform: str, account_id: str, kind: str) -> Item | None:
        """The account's newest object of this kind."""
        key = (platform, account_id, kind)
        if key in self._latest:
            return self._latest[key]
        found = self.items(
            platform=platform, account_id=account_id, kind=kind, newest_first=True, limit=1
        )
        with self._lock:
            return self._latest.setdefault(key, found[0] if found else None)

    def item_by_idempotency_key(
        self, *, platform: str, account_id: str, key: str, since: float
    ) -> Item | None:
        """The newest object made with this key since then (the last hour is in memory)."""
        if since < self._keys_since:
            with self._writes.reading() as db:
                row = db.execute(
                    """SELECT * FROM objects WHERE platform = ? AND account_id = ?
                    AND idempotency_key = ? AND created_at >= ? ORDER BY seq DESC LIMIT 1""",
                    (platform, account_id, key, since),
                ).fetchone()
            return item_of(row) if row else None
        item = self._by_idempotency_key.get((platform, account_id, key))
        return item if item is not None and item.created_at >= since else None

    def item_by_creation_token(self, platform: str, token: str) -> Item | None:
        """An object by the token its creation answered with (a Zalo article before verify)."""
        remembered = self._by_creation_token.get((platform, token))
        if remembered is not None:
            return remembered
        with self._writes.reading() as db:
            row = db.execute(
                "SELECT * FROM objects WHERE platform = ? "
                "AND json_extract(data, '$.token') = ? LIMIT 1",
                (platform, token),
            ).fetchone()
        return item_of(row) if row else None


def _live_value(row: Any) -> dict[str, Any] | None:
    """A record's value, unless there is none or it has expired."""
    if row is None or (row["expires_at"] is not None and row["expires_at"] <= time.time()):
        return None
    value: dict[str, Any] = json.loads(row["value"])
    return value


def _forget_older_half[K](remembered: dict[K, Item]) -> float:
    """Drop the older half (by insertion); returns the newest creation time dropped."""
    newest = 0.0
    for key in list(remembered)[: len(remembered) // 2]:
        newest = max(newest, remembered.pop(key).created_at)
    return newest
