"""The sandbox's SQLite database: its tables, the columns added since, how it is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
-- What OAuth flows keep between their steps (registered apps, codes, grants, user tokens).
CREATE TABLE IF NOT EXISTS records (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at REAL,
    PRIMARY KEY (namespace, key)
);
-- Webhooks the platforms send, until delivered or given up (webhooks.py).
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '{}',
    body BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- When it is tried next; NULL once delivered or given up.
    next_at REAL,
    delivered_at REAL,
    last_status INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    last_attempt_at REAL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_due ON webhooks (delivered_at, next_at);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


def open_database(path: Path) -> sqlite3.Connection:
    """The database at `path`, created or brought up to date; WAL with synchronous=NORMAL."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    upgrade(db)
    return db


def upgrade(db: sqlite3.Connection) -> None:
    """Columns added since a state directory was made."""
    columns = {row["name"] for row in db.execute("PRAGMA table_info(objects)")}
    if "received_at" not in columns:
        db.execute("ALTER TABLE objects ADD COLUMN received_at REAL NOT NULL DEFAULT 0")
