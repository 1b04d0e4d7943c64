"""The sandbox's memory: accounts, created objects and uploaded files, in SQLite on disk.

Accounts and counters are also kept in memory: every request looks its account up, often by
token, and numbers its objects. Objects, files and counters are written behind: a write is
queued and the queue is committed as one transaction once the event loop has run the requests
that are ready (or at once outside an event loop); every read commits the queue first, so
readers always see every write. SQLite runs in WAL mode with synchronous=NORMAL. Under a burst
of a thousand publishes this makes a few commits instead of two thousand.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import shutil
import sqlite3
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pressroom.sandbox.common import RECEIVED_AT
from pressroom.sandbox.conditions import Conditions

logger = logging.getLogger(__name__)

# Mastodon keeps an Idempotency-Key an hour; the sandbox remembers keyed objects as long.
IDEMPOTENCY_MEMORY_S = 3600
# Lookups kept in memory beyond this many forget their older half (the database still answers).
MAX_REMEMBERED = 100_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    platform TEXT NOT NULL,
    account_id TEXT NOT NULL,
    token TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    PRIMARY KEY (platform, account_id)
);
CREATE INDEX IF NOT EXISTS accounts_token ON accounts (platform, token);
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    top_level INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    media TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL DEFAULT '{}',
    idempotency_key TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    received_at REAL NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_remote ON objects (platform, account_id, remote_id);
CREATE INDEX IF NOT EXISTS objects_account ON objects (platform, account_id, seq);
CREATE INDEX IF NOT EXISTS objects_top_level ON objects (top_level, seq);
CREATE INDEX IF NOT EXISTS objects_creation_token
    ON objects (platform, json_extract(data, '$.token'));
CREATE TABLE IF NOT EXISTS media (
    platform TEXT NOT NULL,
    media_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    pending_polls INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    PRIMARY KEY (platform, media_id)
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Account:
    platform: str
    account_id: str
    token: str
    name: str
    extra: dict[str, Any]
    created_at: float

    def public(self) -> dict[str, Any]:
        """What the control endpoint may show: never the token, only a hint of it."""
        hint = f"{self.token[:4]}…" if len(self.token) > 8 else "…"
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "name": self.name,
            "token_hint": hint,
            **self.extra,
        }


@dataclass(frozen=True)
class Item:
    """One object a platform created: a post, a message, an article, a status, an upload."""

    seq: int
    platform: str
    account_id: str
    kind: str
    remote_id: str
    top_level: bool
    text: str
    title: str
    link: str
    media: list[str]
    data: dict[str, Any]
    idempotency_key: str
    created_at: float
    received_at: float = 0.0

    def ledger_entry(self) -> dict[str, Any]:
        return ledger_entry(
            seq=self.seq,
            platform=self.platform,
            account_id=self.account_id,
            kind=self.kind,
            remote_id=self.remote_id,
            text=self.text,
            media_count=len(self.media),
            created_at=self.created_at,
            received_at=self.received_at,
            idempotency_key=self.idempotency_key,
            top_level=self.top_level,
            title=self.title,
            link=self.link,
        )


def ledger_entry(
    *,
    seq: int,
    platform: str,
    account_id: str,
    kind: str,
    remote_id: str,
    text: str,
    media_count: int,
    created_at: float,
    received_at: float,
    idempotency_key: str,
    top_level: bool,
    title: str,
    link: str,
) -> dict[str, Any]:
    """One object as `GET /_ledger` shows it (times in UTC with microseconds)."""
    return {
        "seq": seq,
        "platform": platform,
        "account_id": account_id,
        "kind": kind,
        "remote_id": remote_id,
        "text": text,
        "media_count": media_count,
        "created_at": iso_us(created_at),
        # Objects from before received_at was kept: their creation time.
        "received_at": iso_us(received_at or created_at),
        "idempotency_key": idempotency_key or None,
        "top_level": top_level,
        "title": title,
        "link": link,
    }


@dataclass(frozen=True)
class Media:
    platform: str
    media_id: str
    account_id: str
    file_name: str
    content_type: str
    description: str = ""
    width: int = 0
    height: int = 0
    size: int = 0
    pending_polls: int = 0
    created_at: float = field(default_factory=time.time)

    @property
    def url_path(self) -> str:
        return f"/files/{self.platform}/{self.file_name}"


def iso(moment: float) -> str:
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{int(moment % 1 * 1000):03d}Z"
    )


def iso_us(moment: float) -> str:
    """UTC with microseconds: 2026-11-29T05:13:14.123456Z."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SandboxStore:
    """Thread-safe; reads see every write made before them (see the module's notes)."""

    def __init__(self, state_dir: Path | str, platforms: Collection[str] = ()) -> None:
        self.state_dir = Path(state_dir)
        self.files_dir = self.state_dir / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.state_dir / "sandbox.sqlite3", check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._upgrade()
        # Faults, profiles, limits and settings are test and benchmark instructions, not
        # platform state: kept in memory.
        self.conditions = Conditions(platforms)
        self.platforms = self.conditions.platforms
        self.faults = self.conditions.faults
        self._accounts: dict[tuple[str, str], Account] = {}
        self._by_token: dict[tuple[str, str], set[str]] = {}
        for row in self._db.execute("SELECT * FROM accounts").fetchall():
            self._remember(_account(row))
        self._counters: dict[str, int] = {}
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._flush_scheduled = False
        # AUTOINCREMENT's high-water mark: ids are never reused, even after a reset.
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'objects'").fetchone()
        highest = self._db.execute("SELECT MAX(seq) FROM objects").fetchone()[0]
        self._last_seq = max(row[0] if row else 0, highest or 0)
        # What publishing reads back at once, kept from the writes (see the lookups below).
        self._latest: dict[tuple[str, str, str], Item | None] = {}
        self._by_creation_token: dict[tuple[str, str], Item] = {}
        self._by_idempotency_key: dict[tuple[str, str, str], Item] = {}
        # Keyed objects created since this moment are all in memory.
        self._keys_since = time.time() - IDEMPOTENCY_MEMORY_S
        recent = self._db.execute(
            "SELECT * FROM objects WHERE idempotency_key != '' AND created_at >= ? ORDER BY seq",
            (self._keys_since,),
        )
        for row in recent.fetchall():
            self._remember_item(_item(row), newest=False)

    def _upgrade(self) -> None:
        """Columns added since a state directory was made."""
        columns = {row["name"] for row in self._db.execute("PRAGMA table_info(objects)")}
        if "received_at" not in columns:
            self._db.execute("ALTER TABLE objects ADD COLUMN received_at REAL NOT NULL DEFAULT 0")

    def _remember(self, account: Account) -> None:
        key = (account.platform, account.account_id)
        earlier = self._accounts.get(key)
        if earlier is not None:
            self._by_token.get((earlier.platform, earlier.token), set()).discard(account.account_id)
        self._accounts[key] = account
        self._by_token.setdefault((account.platform, account.token), set()).add(account.account_id)

    def close(self) -> None:
        with self._lock:
            self._flush()
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._flush()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The database with every queued write committed."""
        with self._lock:
            self._flush()
            yield self._db

    def _write(self, statement: str, args: tuple[Any, ...]) -> None:
        """Queue a write; it is committed with the others after the ready requests ran."""
        with self._lock:
            self._pending.append((statement, args))
            if self._flush_scheduled:
                return
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._flush()
                return
            self._flush_scheduled = True
            loop.call_soon(self.flush)

    def flush(self) -> None:
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        self._flush_scheduled = False
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for statement, args in pending:
                self._db.execute(statement, args)
        except sqlite3.Error:
            self._db.execute("ROLLBACK")
            # One bad write must not take the others with it: each on its own, then report.
            for statement, args in pending:
                try:
                    self._db.execute(statement, args)
                except sqlite3.Error:
                    logger.exception("A sandbox write failed: %s %r", statement, args)
            return
        self._db.execute("COMMIT")

    def reset(self) -> None:
        with self._transaction() as db:
            for table in ("accounts", "objects", "media", "counters"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            shutil.rmtree(self.files_dir, ignore_errors=True)
            self.files_dir.mkdir(parents=True, exist_ok=True)
            self._accounts.clear()
            self._by_token.clear()
            self._counters.clear()
            self._latest.clear()
            self._by_creation_token.clear()
            self._by_idempotency_key.clear()
        self.conditions.reset()

    # Accounts

    def save_account(
        self, *, platform: str, account_id: str, token: str, name: str, extra: dict[str, Any]
    ) -> Account:
        with self._transaction() as db:
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
            account = _account(row)
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

    # Objects

    def next_number(self, name: str, start: int = 1) -> int:
        """A counter that only goes up, for ids the platform numbers in sequence."""
        with self._lock:
            current = self._counters.get(name)
            if current is None:
                row = self._db.execute(
                    "SELECT value FROM counters WHERE name = ?", (name,)
                ).fetchone()
                current = row["value"] if row else start - 1
            value = int(current) + 1
            self._counters[name] = value
            self._write(
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
            self._write(
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

    # The ledger: what each platform holds, for checks by tests and benchmarks

    def ledger(
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
        where, args = _conditions(platform, account_id, kind, top_level)
        where.append("seq > ?")
        args.append(after_seq)
        query = (
            "SELECT seq, platform, account_id, kind, remote_id, text, title, link, top_level, "
            "json_array_length(media) AS media_count, created_at, received_at, idempotency_key "
            "FROM objects"
        )
        query += " WHERE " + " AND ".join(where) + " ORDER BY seq LIMIT ?"
        args.append(-1 if limit is None else limit)
        with self._reading():
            rows = self._db.execute(query, args).fetchall()
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

    def ledger_summary(self, platform: str | None = None) -> dict[str, Any]:
        """Top-level objects counted per platform and per account, and the duplicates."""
        where, args = _conditions(platform, None, None, True)
        query = "SELECT platform, account_id, COUNT(*) FROM objects"
        query += " WHERE " + " AND ".join(where)
        query += " GROUP BY platform, account_id ORDER BY platform, account_id"
        with self._reading():
            rows = self._db.execute(query, args).fetchall()
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
        where, args = _conditions(platform, None, None, True)
        query = (
            "SELECT platform, account_id, text, COUNT(*), json_group_array(remote_id) FROM objects"
        )
        query += " WHERE " + " AND ".join(where)
        query += " GROUP BY platform, account_id, text HAVING COUNT(*) > 1"
        query += " ORDER BY platform, account_id, MIN(seq)"
        with self._reading():
            rows = self._db.execute(query, args).fetchall()
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
        conditions, args = _conditions(platform, account_id, kind, top_level)
        query = "SELECT * FROM objects"
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        query += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        query += " LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        with self._reading():
            return [_item(row) for row in self._db.execute(query, args).fetchall()]

    def count_items(self, *, platform: str, account_id: str, kind: str) -> int:
        with self._reading():
            row = self._db.execute(
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
        with self._reading():
            row = self._db.execute(query + " ORDER BY seq LIMIT 1", args).fetchone()
        return _item(row) if row else None

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
            with self._reading():
                row = self._db.execute(
                    """SELECT * FROM objects WHERE platform = ? AND account_id = ?
                    AND idempotency_key = ? AND created_at >= ? ORDER BY seq DESC LIMIT 1""",
                    (platform, account_id, key, since),
                ).fetchone()
            return _item(row) if row else None
        item = self._by_idempotency_key.get((platform, account_id, key))
        return item if item is not None and item.created_at >= since else None

    def item_by_creation_token(self, platform: str, token: str) -> Item | None:
        """An object by the token its creation answered with (a Zalo article before verify)."""
        remembered = self._by_creation_token.get((platform, token))
        if remembered is not None:
            return remembered
        with self._reading():
            row = self._db.execute(
                "SELECT * FROM objects WHERE platform = ? "
                "AND json_extract(data, '$.token') = ? LIMIT 1",
                (platform, token),
            ).fetchone()
        return _item(row) if row else None

    # Files

    def save_media(
        self,
        *,
        platform: str,
        account_id: str,
        media_id: str,
        content: bytes,
        content_type: str,
        description: str = "",
        width: int = 0,
        height: int = 0,
        pending_polls: int = 0,
    ) -> Media:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        media = Media(
            platform=platform,
            media_id=media_id,
            account_id=account_id,
            file_name=f"{media_id}{extension}",
            content_type=content_type,
            description=description,
            width=width,
            height=height,
            size=len(content),
            pending_polls=pending_polls,
        )
        folder = self.files_dir / platform
        folder.mkdir(parents=True, exist_ok=True)
        (folder / media.file_name).write_bytes(content)
        self._write(
            """INSERT INTO media (platform, media_id, account_id, file_name, content_type,
            description, width, height, size, pending_polls, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                platform,
                media_id,
                account_id,
                media.file_name,
                content_type,
                description,
                width,
                height,
                media.size,
                pending_polls,
                media.created_at,
            ),
        )
        return media

    def media(self, platform: str, media_id: str) -> Media | None:
        with self._reading():
            row = self._db.execute(
                "SELECT * FROM media WHERE platform = ? AND media_id = ?", (platform, media_id)
            ).fetchone()
        return Media(**dict(row)) if row else None

    def media_by_file(self, platform: str, file_name: str) -> Media | None:
        with self._reading():
            row = self._db.execute(
                "SELECT * FROM media WHERE platform = ? AND file_name = ?", (platform, file_name)
            ).fetchone()
        return Media(**dict(row)) if row else None

    def poll_media(self, platform: str, media_id: str) -> Media | None:
        """One look at a processing upload: each look brings it closer to ready."""
        with self._reading() as db:
            db.execute(
                """UPDATE media SET pending_polls = pending_polls - 1
                WHERE platform = ? AND media_id = ? AND pending_polls > 0""",
                (platform, media_id),
            )
        return self.media(platform, media_id)

    def media_file(self, media: Media) -> Path:
        return self.files_dir / media.platform / media.file_name


def _forget_older_half[K](remembered: dict[K, Item]) -> float:
    """Drop the older half (by insertion); returns the newest creation time dropped."""
    newest = 0.0
    for key in list(remembered)[: len(remembered) // 2]:
        newest = max(newest, remembered.pop(key).created_at)
    return newest


def _conditions(
    platform: str | None, account_id: str | None, kind: str | None, top_level: bool | None
) -> tuple[list[str], list[str | int]]:
    """A WHERE clause's parts for the usual object filters."""
    conditions: list[str] = []
    args: list[str | int] = []
    for column, value in (("platform", platform), ("account_id", account_id), ("kind", kind)):
        if value is not None:
            conditions.append(f"{column} = ?")
            args.append(value)
    if top_level is not None:
        conditions.append("top_level = ?")
        args.append(int(top_level))
    return conditions, args


def _account(row: sqlite3.Row) -> Account:
    return Account(
        platform=row["platform"],
        account_id=row["account_id"],
        token=row["token"],
        name=row["name"],
        extra=json.loads(row["extra"]),
        created_at=row["created_at"],
    )


def _item(row: sqlite3.Row) -> Item:
    return Item(
        seq=row["seq"],
        platform=row["platform"],
        account_id=row["account_id"],
        kind=row["kind"],
        remote_id=row["remote_id"],
        top_level=bool(row["top_level"]),
        text=row["text"],
        title=row["title"],
        link=row["link"],
        media=json.loads(row["media"]),
        data=json.loads(row["data"]),
        idempotency_key=row["idempotency_key"],
        created_at=row["created_at"],
        received_at=row["received_at"],
    )
