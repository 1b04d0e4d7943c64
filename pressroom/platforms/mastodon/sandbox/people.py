"""The people of the emulated Mastodon besides its accounts: citizens, remote accounts on an
instance-like domain (`lan@xa-hoi.example`), kept as records; and the mentions in a status's
text, resolved to accounts as Mastodon's ProcessMentionsService does (an unknown @name stays
plain text)."""

from __future__ import annotations

import re
import time
from typing import Any

from pressroom.sandbox.store import SandboxStore

CITIZENS = "mastodon:citizens"
CITIZEN_DOMAIN = "xa-hoi.example"
# Snowflake-like ids for remote accounts, well apart from the statuses' own.
FIRST_CITIZEN_ID = 109_000_000_000_000_000
# Two years before now: citizens are not "new accounts" for a notification policy unless
# made so (`created_at`).
SETTLED_AGE_S = 2 * 365 * 86400
NEW_ACCOUNT_S = 30 * 86400

# Mastodon's Account::MENTION_RE: @username, optionally @domain; not inside a word or address.
MENTION = re.compile(
    r"(?<![=/\w])@(([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w.-]+\w)?)", re.IGNORECASE
)

NAMES = (
    ("lan", "Nguyễn Thị Lan"),
    ("minh", "Trần Văn Minh"),
    ("huong", "Lê Thu Hương"),
    ("dung", "Phạm Quốc Dũng"),
    ("mai", "Hoàng Ngọc Mai"),
    ("tuan", "Vũ Anh Tuấn"),
    ("thao", "Đặng Phương Thảo"),
    ("hieu", "Bùi Trung Hiếu"),
)


def citizen_id(number: int) -> str:
    return str(FIRST_CITIZEN_ID + number)


def citizen(store: SandboxStore, account_id: str) -> dict[str, Any] | None:
    return store.record(CITIZENS, account_id)


def numbered_citizen(store: SandboxStore, number: int) -> dict[str, Any]:
    """The citizen numbered `number` (the same one every time), made on first use."""
    account_id = citizen_id(number)
    known = citizen(store, account_id)
    if known is not None:
        return known
    username, name = NAMES[number % len(NAMES)]
    if number >= len(NAMES):
        username = f"{username}{number // len(NAMES)}"
    return save_citizen(store, account_id, username=username, display_name=name)


def save_citizen(
    store: SandboxStore,
    account_id: str,
    *,
    username: str,
    display_name: str,
    created_at: float | None = None,
    **flags: Any,
) -> dict[str, Any]:
    """A citizen's account; flags: `limited` (by the instance's moderators), `follows` (the
    account ids the citizen follows)."""
    record = {
        "id": account_id,
        "username": username,
        "acct": f"{username}@{CITIZEN_DOMAIN}",
        "display_name": display_name,
        "created_at": created_at if created_at is not None else time.time() - SETTLED_AGE_S,
        "limited": bool(flags.get("limited", False)),
        "follows": list(flags.get("follows") or []),
    }
    store.put_record(CITIZENS, account_id, record)
    return record


def update_citizen(store: SandboxStore, account_id: str, **changes: Any) -> dict[str, Any] | None:
    record = citizen(store, account_id)
    if record is None:
        return None
    record.update(changes)
    store.put_record(CITIZENS, account_id, record)
    return record


def is_new(record: dict[str, Any], now: float) -> bool:
    return now - float(record.get("created_at") or 0) < NEW_ACCOUNT_S


def local_username(store: SandboxStore, account_id: str) -> str:
    account = store.account("mastodon", account_id)
    if account is None:
        return ""
    return str(account.extra.get("username") or account.account_id).lstrip("@")


def resolve_mention(store: SandboxStore, acct: str) -> str | None:
    """The account id an @acct names: a local account by username, a citizen by full acct."""
    wanted = acct.lower()
    if "@" not in wanted:
        for account in store.accounts("mastodon"):
            if local_username(store, account.account_id).lower() == wanted:
                return account.account_id
        return None
    for record in store.records(CITIZENS).values():
        if str(record.get("acct", "")).lower() == wanted:
            return str(record["id"])
    return None


def mentioned_ids(store: SandboxStore, text: str) -> list[str]:
    """The accounts a status's text mentions, in order, each once."""
    found: list[str] = []
    for match in MENTION.finditer(text):
        account_id = resolve_mention(store, match.group(1))
        if account_id is not None and account_id not in found:
            found.append(account_id)
    return found
