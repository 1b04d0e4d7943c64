"""The webhooks the sandbox's Facebook sends about a Page: `feed` changes (comments, their
edits, hiding and removal, reactions) and Messenger events (messages, the Page's echoes,
deliveries, reactions), as Facebook shapes and signs them.

Who gets one: every app the Page is subscribed to (`POST /{page-id}/subscribed_apps`) whose own
subscription to Pages (`POST /{app-id}/subscriptions`, see app_subscriptions.py; or, for the
demo, the `webhook_url` of the app's record in the sandbox's console) has the field, and only
when the Page subscribed that app to the field too. The body is `{"object":"page","entry":[…]}`
with one entry per Page; the JSON escapes non-ASCII and `/` as Facebook's does, and is signed
`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body under the app secret>` (with the
legacy `X-Hub-Signature: sha1=…` beside it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from pressroom.platforms.facebook.sandbox.graph import PLATFORM, graph_time
from pressroom.platforms.facebook.sandbox.subscriptions import MESSAGING_FIELDS, PAGE_WEBHOOK_FIELDS
from pressroom.sandbox.store import Item, SandboxStore

APP_SUBSCRIPTIONS = "facebook:app_subscriptions"
# Facebook's names of reactions, and the emoji Messenger sends beside them.
REACTIONS = {
    "like": "👍",
    "love": "❤",
    "care": "🥰",
    "haha": "😆",
    "wow": "😮",
    "sad": "😢",
    "angry": "😡",
}


# Other emoji people pick for the same reactions.
ALIASES = {"😂": "haha", "🤣": "haha", "😲": "wow", "😭": "sad", "😠": "angry", "💙": "love"}


def reaction_name(reaction: str) -> str:
    """`like`, `love`, …, from a name or an emoji (anything else is `like`)."""
    lowered = reaction.strip().lower()
    if lowered in REACTIONS:
        return lowered
    emoji = reaction.strip().rstrip("\ufe0f")
    for name, shown in REACTIONS.items():
        if emoji == shown:
            return name
    return ALIASES.get(emoji, "like")


def app_target(store: SandboxStore, app_id: str) -> tuple[str, frozenset[str], str] | None:
    """Where an app takes Page webhooks, the fields it takes and its secret; None when nowhere."""
    app = store.app(PLATFORM, app_id)
    if app is None:
        return None
    secret = str(app["app_secret"])
    subscription = store.record(APP_SUBSCRIPTIONS, f"{app_id}:page")
    if subscription is not None:
        return subscription["callback_url"], frozenset(subscription["fields"]), secret
    if app.get("webhook_url"):
        fields = app.get("webhook_fields") or sorted(PAGE_WEBHOOK_FIELDS)
        return str(app["webhook_url"]), frozenset(str(field) for field in fields), secret
    return None


def signed(body: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, separators=(",", ":")).replace("/", "\\/").encode()
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": "sha256="
        + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest(),
        "X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), raw, hashlib.sha1).hexdigest(),
    }
    return raw, headers


def deliver(store: SandboxStore, page_id: str, events: list[tuple[str, dict[str, Any]]]) -> int:
    """Queue `(field, event)`s of one Page to every app that takes them: one POST per app,
    the feed's as `changes`, Messenger's as `messaging`. How many POSTs were queued."""
    queued = 0
    for app_id, kept in store.records(f"facebook:subscriptions:{page_id}").items():
        target = app_target(store, app_id)
        if target is None:
            continue
        url, app_fields, secret = target
        page_fields = set(kept.get("subscribed_fields") or [])
        wanted = [
            (field, event)
            for field, event in events
            if field in app_fields and field in page_fields
        ]
        if not wanted:
            continue
        messaging = [event for field, event in wanted if field in MESSAGING_FIELDS]
        changes = [event for field, event in wanted if field not in MESSAGING_FIELDS]
        now = time.time()
        entry: dict[str, Any] = {"id": page_id, "time": int(now * 1000 if messaging else now)}
        if changes:
            entry["changes"] = changes
        if messaging:
            entry["messaging"] = messaging
        raw, headers = signed({"object": "page", "entry": [entry]}, secret)
        store.webhooks.queue(PLATFORM, url, raw, headers)
        queued += 1
    return queued


# The events


def comment_change(comment: Item, verb: str) -> tuple[str, dict[str, Any]]:
    """A `feed` change about a comment: add, edited, hide, unhide or remove."""
    data = comment.data
    value: dict[str, Any] = {
        "from": dict(data["from"]),
        "post": {
            "status_type": "mobile_status_update",
            "is_published": True,
            "updated_time": graph_time(time.time()),
            "permalink_url": f"https://www.facebook.com/{data['post_id']}",
            "id": data["post_id"],
        },
        "item": "comment",
        "verb": verb,
        "post_id": data["post_id"],
        "comment_id": comment.remote_id,
        "parent_id": data["parent_id"],
        "created_time": int(comment.created_at),
    }
    if verb != "remove":
        value["message"] = comment.text
    return "feed", {"field": "feed", "value": value}


def reaction_change(
    target: Item, person: dict[str, str], reaction: str, verb: str = "add"
) -> tuple[str, dict[str, Any]]:
    """A `feed` change: someone reacted to a post or to a comment."""
    post_id = target.data.get("post_id", target.remote_id)
    value: dict[str, Any] = {
        "from": dict(person),
        "post_id": post_id,
        "created_time": int(time.time()),
        "item": "reaction",
        "verb": verb,
        "reaction_type": reaction_name(reaction),
        "parent_id": target.data.get("parent_id", post_id) if target.kind == "comment" else post_id,
    }
    if target.kind == "comment":
        value["comment_id"] = target.remote_id
    return "feed", {"field": "feed", "value": value}


def message_event(message: Item, *, app_id: str = "") -> tuple[str, dict[str, Any]]:
    """`messages` for what the person wrote; `message_echoes` for what the Page sent."""
    data = message.data
    echo = data["direction"] == "out"
    body: dict[str, Any] = {"mid": message.remote_id, "text": message.text}
    if echo:
        body = {"mid": message.remote_id, "is_echo": True, "text": message.text}
        if app_id:
            body["app_id"] = int(app_id) if app_id.isdigit() else app_id
        if data.get("metadata"):
            body["metadata"] = data["metadata"]
    event = {
        "sender": {"id": data["from"]["id"]},
        "recipient": {"id": data["to"]["id"]},
        "timestamp": int(message.created_at * 1000),
        "message": body,
    }
    return ("message_echoes" if echo else "messages"), event


def delivery_event(message: Item) -> tuple[str, dict[str, Any]]:
    """The person's Messenger got what the Page sent."""
    now = int(time.time() * 1000)
    event = {
        "sender": {"id": message.data["psid"]},
        "recipient": {"id": message.account_id},
        "timestamp": now,
        "delivery": {"mids": [message.remote_id], "watermark": now},
    }
    return "message_deliveries", event


def message_reaction_event(message: Item, psid: str, reaction: str) -> tuple[str, dict[str, Any]]:
    name = reaction_name(reaction)
    # Messenger sends the emoji the person chose, with the reaction's name beside it.
    emoji = reaction.strip() if reaction.strip().lower() not in REACTIONS else REACTIONS[name]
    event = {
        "sender": {"id": psid},
        "recipient": {"id": message.account_id},
        "timestamp": int(time.time() * 1000),
        "reaction": {
            "reaction": name,
            "emoji": emoji or REACTIONS[name],
            "action": "react",
            "mid": message.remote_id,
        },
    }
    return "message_reactions", event
