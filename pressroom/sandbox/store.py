"""The sandbox's memory: accounts, created objects and uploaded files, in SQLite on disk."""

from __future__ import annotations

import json
import mimetypes
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressroom.sandbox.faults import FaultBook

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
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_remote ON objects (platform, account_id, remote_id);
CREATE INDEX IF NOT EXISTS objects_account ON objects (platform, account_id, seq);
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

    def ledger_entry(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "kind": self.kind,
            "remote_id": self.remote_id,
            "text": self.text,
            "media_count": len(self.media),
            "created_at": iso(self.created_at),
            "top_level": self.top_level,
            "title": self.title,
            "link": self.link,
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


class SandboxStore:
    """Thread-safe; every method is one short SQLite transaction."""

    def __init__(self, state_dir: Path | str) -> None:
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
        # Faults are test and benchmark instructions, not platform state: kept in memory.
        self.faults = FaultBook()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def reset(self) -> None:
        with self._transaction() as db:
            for table in ("accounts", "objects", "media", "counters"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            shutil.rmtree(self.files_dir, ignore_errors=True)
            self.files_dir.mkdir(parents=True, exist_ok=True)
        self.faults.clear()

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
        account = self.account(platform, account_id)
        assert account is not None
        return account

    def account(self, platform: str, account_id: str) -> Account | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM accounts WHERE platform = ? AND account_id = ?",
                (platform, account_id),
            ).fetchone()
        return _account(row) if row else None

    def accounts(self, platform: str | None = None) -> list[Account]:
        query = "SELECT * FROM accounts"
        args: tuple[str, ...] = ()
        if platform:
            query += " WHERE platform = ?"
            args = (platform,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY platform, name, account_id", args)
            return [_account(row) for row in rows.fetchall()]

    def account_by_token(self, platform: str, token: str) -> Account | None:
        if not token:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM accounts WHERE platform = ? AND token = ? ORDER BY account_id",
                (platform, token),
            ).fetchone()
        return _account(row) if row else None

    # Objects

    def next_number(self, name: str, start: int = 1) -> int:
        """A counter that only goes up, for ids the platform numbers in sequence."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
            value = (row["value"] + 1) if row else start
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
        return int(value)

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
        with self._transaction() as db:
            cursor = db.execute(
                """INSERT INTO objects (platform, account_id, kind, remote_id, top_level, text,
                title, link, media, data, idempotency_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
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
                    time.time(),
                ),
            )
            row = db.execute("SELECT * FROM objects WHERE seq = ?", (cursor.lastrowid,)).fetchone()
        return _item(row)

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
        conditions: list[str] = []
        args: list[str | int] = []
        for column, value in (("platform", platform), ("account_id", account_id), ("kind", kind)):
            if value is not None:
                conditions.append(f"{column} = ?")
                args.append(value)
        if top_level is not None:
            conditions.append("top_level = ?")
            args.append(int(top_level))
        query = "SELECT * FROM objects"
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        query += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        query += " LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        with self._lock:
            return [_item(row) for row in self._db.execute(query, args).fetchall()]

    def count_items(self, *, platform: str, account_id: str, kind: str) -> int:
        with self._lock:
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
        with self._lock:
            row = self._db.execute(query + " ORDER BY seq LIMIT 1", args).fetchone()
        return _item(row) if row else None

    def item_by_idempotency_key(
        self, *, platform: str, account_id: str, key: str, since: float
    ) -> Item | None:
        with self._lock:
            row = self._db.execute(
                """SELECT * FROM objects WHERE platform = ? AND account_id = ?
                AND idempotency_key = ? AND created_at >= ? ORDER BY seq LIMIT 1""",
                (platform, account_id, key, since),
            ).fetchone()
        return _item(row) if row else None

    def item_by_creation_token(self, platform: str, token: str) -> Item | None:
        """An object by the token its creation answered with (a Zalo article before verify)."""
        with self._lock:
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
        with self._transaction() as db:
            db.execute(
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
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM media WHERE platform = ? AND media_id = ?", (platform, media_id)
            ).fetchone()
        return Media(**dict(row)) if row else None

    def media_by_file(self, platform: str, file_name: str) -> Media | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM media WHERE platform = ? AND file_name = ?", (platform, file_name)
            ).fetchone()
        return Media(**dict(row)) if row else None

    def poll_media(self, platform: str, media_id: str) -> Media | None:
        """One look at a processing upload: each look brings it closer to ready."""
        with self._transaction() as db:
            db.execute(
                """UPDATE media SET pending_polls = pending_polls - 1
                WHERE platform = ? AND media_id = ? AND pending_polls > 0""",
                (platform, media_id),
            )
        return self.media(platform, media_id)

    def media_file(self, media: Media) -> Path:
        return self.files_dir / media.platform / media.file_name


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
    )
