"""Notifications in the emulated Mastodon: made when a status mentions an account, when a
citizen favourites, boosts or quotes its status or follows it, each decided by the account's
notification policy (4.3) as Mastodon's NotifyService does, and read back with
`GET /api/v1/notifications`, `GET /api/v1/notifications/:id` and the policy's
`GET`/`PATCH`/`PUT /api/v2/notifications/policy` (notifications_api.py).

The policy, per account: `for_not_following`, `for_not_followers`, `for_new_accounts` (made in
the last 30 days), `for_private_mentions` (a direct mention, unless it answers a private
mention the account started), `for_limited_accounts`, each `accept`, `filter` or `drop`; by
default `filter` for private mentions and limited accounts, `accept` for the rest. The
strictest condition that applies wins: `drop` makes no notification at all, `filter` makes
one left out of the list unless `include_filtered=true` (or `account_id`) is asked. Only the
filterable types (mention, quote, favourite, reblog, follow, follow request) are decided; the
emulated account follows no one.

Ids are Mastodon's: a plain sequence, increasing, as strings. Each account's notifications
are records keyed by the zero-padded id, so they read back in order.
"""

from __future__ import annotations

import time
from typing import Any

from pressroom.platforms.mastodon.sandbox import people
from pressroom.sandbox.store import Item, SandboxStore

POLICIES = "mastodon:notification_policy"
POLICY_FIELDS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)
ACTIONS = ("accept", "filter", "drop")
DEFAULT_POLICY = {
    "for_not_following": "accept",
    "for_not_followers": "accept",
    "for_new_accounts": "accept",
    "for_private_mentions": "filter",
    "for_limited_accounts": "filter",
}
# Notification::TYPES (4.5), in Mastodon's order.
TYPES = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "severed_relationships",
    "moderation_warning",
    "admin.sign_up",
    "admin.report",
    "quote",
    "quoted_update",
)
FILTERABLE = frozenset({"mention", "reblog", "follow", "follow_request", "favourite", "quote"})
# Grouped by type and target within an hour (Notification#set_group_key!).
GROUPABLE = frozenset({"favourite", "reblog", "follow"})
FIRST_ID = 34_975_001


def namespace(account_id: str) -> str:
    return f"mastodon:notifications:{account_id}"


def key(notification_id: int) -> str:
    return f"{notification_id:020d}"


def policy_of(store: SandboxStore, account_id: str) -> dict[str, str]:
    stored = store.record(POLICIES, account_id) or {}
    return {field: str(stored.get(field) or DEFAULT_POLICY[field]) for field in POLICY_FIELDS}


def update_policy(store: SandboxStore, account_id: str, changes: dict[str, str]) -> dict[str, str]:
    policy = {**policy_of(store, account_id), **changes}
    store.put_record(POLICIES, account_id, policy)
    return policy


def answers_own_private_mention(store: SandboxStore, account_id: str, status: Item) -> bool:
    """Whether a direct status replies to a direct status of the account's (a conversation the
    account started or already answered: always let through)."""
    parent_id = status.data.get("in_reply_to_id")
    if not parent_id:
        return False
    parent = store.item("mastodon", str(parent_id))
    return (
        parent is not None
        and parent.account_id == account_id
        and parent.data.get("visibility") == "direct"
    )


def decision(
    store: SandboxStore, account_id: str, kind: str, from_id: str, status: Item | None
) -> str:
    """accept, filter or drop: the strictest action among the conditions the sender meets."""
    if kind not in FILTERABLE:
        return "accept"
    policy = policy_of(store, account_id)
    sender = people.citizen(store, from_id) or {}
    # The emulated accounts follow nobody; a citizen may follow them.
    follower = account_id in (sender.get("follows") or [])
    private = (
        kind == "mention"
        and status is not None
        and status.data.get("visibility") == "direct"
        and not answers_own_private_mention(store, account_id, status)
    )
    applies = {
        "for_not_following": True,
        "for_not_followers": not follower,
        "for_new_accounts": bool(sender) and people.is_new(sender, time.time()),
        "for_private_mentions": private,
        "for_limited_accounts": bool(sender.get("limited")),
    }
    actions = {policy[field] for field, met in applies.items() if met}
    for action in ("drop", "filter"):
        if action in actions:
            return action
    return "accept"


def notify(
    store: SandboxStore,
    account_id: str,
    kind: str,
    from_id: str,
    status: Item | None = None,
) -> dict[str, Any] | None:
    """Make the notification the policy allows; None when it drops it (or the account is
    not one of the sandbox's)."""
    if store.account("mastodon", account_id) is None or from_id == account_id:
        return None
    action = decision(store, account_id, kind, from_id, status)
    if action == "drop":
        return None
    number = store.next_number("mastodon:notification_ids", FIRST_ID)
    now = time.time()
    group_key = f"ungrouped-{number}"
    if kind in GROUPABLE and action == "accept":
        prefix = f"{kind}-{status.remote_id}" if kind != "follow" and status else kind
        group_key = f"{prefix}-{int(now // 3600)}"
    record = {
        "id": str(number),
        "type": kind,
        "created_at": now,
        "from_account_id": from_id,
        "status_id": status.remote_id if status is not None else None,
        "filtered": action == "filter",
        "group_key": group_key,
    }
    store.put_record(namespace(account_id), key(number), record)
    return record


def notifications_of(store: SandboxStore, account_id: str) -> list[dict[str, Any]]:
    """The account's notifications, oldest first."""
    return list(store.records(namespace(account_id)).values())


def notify_mentions(store: SandboxStore, status: Item) -> None:
    """A new status: a mention notification for each of the sandbox's accounts it mentions (a
    quote of an account's status notifies with `quote` instead)."""
    quoted_author = str(status.data.get("quoted_account_id") or "")
    for account_id in status.data.get("mentions") or []:
        if str(account_id) != quoted_author:
            notify(store, str(account_id), "mention", status.account_id, status)
    if quoted_author:
        notify(store, quoted_author, "quote", status.account_id, status)
