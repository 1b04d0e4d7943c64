"""What the sandbox keeps, as Python sees it: accounts, objects, uploaded files, ledger rows."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


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


def filters(
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


def account_of(row: sqlite3.Row) -> Account:
    return Account(
        platform=row["platform"],
        account_id=row["account_id"],
        token=row["token"],
        name=row["name"],
        extra=json.loads(row["extra"]),
        created_at=row["created_at"],
    )


def item_of(row: sqlite3.Row) -> Item:
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
