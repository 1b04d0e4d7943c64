"""Threads in the emulated Mastodon: what a new status changes (its parent's replies, the
direct conversations it belongs to, the notifications of the accounts it mentions), who may
see a status, and the reads of a thread: `GET /api/v1/statuses/:id/context` and
`GET /api/v1/conversations`.

Visibility, as Mastodon's StatusPolicy#show? for the cases the sandbox has: `public` and
`unlisted` are seen by everyone, `private` and `direct` by their author and the accounts they
mention (the emulated accounts have no followers to show `private` to).

Context: ancestors from the thread's root down to the parent, descendants depth first, each
in the order they came, at most 4,096 either way (a user token's limit; without a token
Mastodon gives 40 and 60, and the sandbox asks for a token on every status read).

Conversations (direct statuses): one per thread root and account, listed by their last
status, newest first, paged by the last status's id as Mastodon does (default 20, max 40).
"""

from __future__ import annotations

from typing import Any

from pressroom.platforms.mastodon.sandbox.entities import PLATFORM, REPLIES
from pressroom.platforms.mastodon.sandbox.notifications import notify_mentions
from pressroom.sandbox.store import Item, SandboxStore

CONTEXT_LIMIT = 4096


def conversations_namespace(account_id: str) -> str:
    return f"mastodon:conversations:{account_id}"


def mentioned(item: Item) -> list[str]:
    return [str(value) for value in item.data.get("mentions") or []]


def visible(item: Item, viewer_id: str | None) -> bool:
    if item.data.get("visibility", "public") in {"public", "unlisted"}:
        return True
    return viewer_id is not None and (viewer_id == item.account_id or viewer_id in mentioned(item))


def replies_of(store: SandboxStore, status_id: str) -> list[str]:
    return [str(value) for value in (store.record(REPLIES, status_id) or {}).get("ids") or []]


def status(store: SandboxStore, status_id: str) -> Item | None:
    item = store.item(PLATFORM, status_id)
    return item if item is not None and item.kind == "status" else None


def root_of(store: SandboxStore, item: Item) -> Item:
    """The first status of the thread (the item itself when it replies to nothing)."""
    seen = {item.remote_id}
    current = item
    while current.data.get("in_reply_to_id"):
        parent = status(store, str(current.data["in_reply_to_id"]))
        if parent is None or parent.remote_id in seen:
            break
        seen.add(parent.remote_id)
        current = parent
    return current


def ancestors(store: SandboxStore, item: Item, viewer_id: str | None) -> list[Item]:
    found: list[Item] = []
    seen = {item.remote_id}
    current = item
    while current.data.get("in_reply_to_id") and len(found) < CONTEXT_LIMIT:
        parent = status(store, str(current.data["in_reply_to_id"]))
        if parent is None or parent.remote_id in seen:
            break
        seen.add(parent.remote_id)
        if visible(parent, viewer_id):
            found.append(parent)
        current = parent
    found.reverse()
    return found


def descendants(store: SandboxStore, item: Item, viewer_id: str | None) -> list[Item]:
    found: list[Item] = []
    seen = {item.remote_id}
    waiting = list(reversed(replies_of(store, item.remote_id)))
    while waiting and len(found) < CONTEXT_LIMIT:
        reply_id = waiting.pop()
        if reply_id in seen:
            continue
        seen.add(reply_id)
        reply = status(store, reply_id)
        if reply is None or not visible(reply, viewer_id):
            continue
        found.append(reply)
        waiting.extend(reversed(replies_of(store, reply_id)))
    return found


def record_status(store: SandboxStore, item: Item) -> None:
    """What a new status changes besides itself."""
    parent_id = item.data.get("in_reply_to_id")
    if parent_id:
        replies = store.record(REPLIES, str(parent_id)) or {"ids": []}
        replies["ids"] = [*replies["ids"], item.remote_id]
        store.put_record(REPLIES, str(parent_id), replies)
    if item.data.get("visibility") == "direct":
        record_conversation(store, item)
    notify_mentions(store, item)


def record_conversation(store: SandboxStore, item: Item) -> None:
    """The direct status is the last of its conversation, for each of the sandbox's accounts
    taking part (citizens have no API to read theirs)."""
    participants = [item.account_id, *mentioned(item)]
    root = root_of(store, item)
    for account_id in participants:
        if store.account(PLATFORM, account_id) is None:
            continue
        space = conversations_namespace(account_id)
        known = store.record(space, root.remote_id)
        number = (
            int(known["id"]) if known else store.next_number("mastodon:conversation_ids", 418_001)
        )
        others = [other for other in participants if other != account_id]
        earlier = [other for other in (known or {}).get("accounts") or [] if other not in others]
        store.put_record(
            space,
            root.remote_id,
            {
                "id": str(number),
                "accounts": [*earlier, *others],
                "last_status_id": item.remote_id,
                "unread": item.account_id != account_id,
            },
        )


def conversations_of(store: SandboxStore, account_id: str) -> list[dict[str, Any]]:
    """The account's conversations, the latest last status first."""
    records = list(store.records(conversations_namespace(account_id)).values())
    return sorted(records, key=lambda record: int(record["last_status_id"]), reverse=True)
