"""A bot's webhook (setWebhook, deleteWebhook, getWebhookInfo), over its updates (updates.py).

- setWebhook: `url` (https on ports 80, 88, 443 or 8443, as Telegram requires; the sandbox
  also takes http and any port for a local address: loopback, private, `localhost`, a name
  without dots or ending in .local, .localhost, .internal or .test), `secret_token` (0-256 of
  A-Z a-z 0-9 _ -, sent as `X-Telegram-Bot-Api-Secret-Token`), `max_connections` (1-100,
  default 40), `allowed_updates`, `drop_pending_updates`. An empty url deletes the webhook.
  Queued updates then go to the webhook: each is a delivery of the sandbox's webhook outbox
  (retried, then given up, as Telegram does).
- deleteWebhook: the undelivered updates come back to the queue for getUpdates (or are
  dropped with `drop_pending_updates`).
- getWebhookInfo: url, has_custom_certificate, pending_update_count (queued, or not yet
  delivered), the last failed delivery's date and words (`Wrong response from the webhook:
  500 Internal Server Error`), max_connections, ip_address, allowed_updates when not the
  default.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import time
import urllib.parse
from http import HTTPStatus
from typing import Any

from pressroom.platforms.telegram.sandbox.chats import bot_id
from pressroom.platforms.telegram.sandbox.errors import bad_request
from pressroom.platforms.telegram.sandbox.updates import (
    PLATFORM,
    UPDATE_TTL_S,
    Bots,
    allowed_types,
    default_types,
    integer,
    new_state,
    truthy,
)
from pressroom.sandbox.common import Incoming

DEFAULT_MAX_CONNECTIONS = 40
MAX_SECRET = 256
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".test")
BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# The methods on the bot's updates, by the name Telegram reads (any case).
METHODS = {
    name.lower(): name for name in ("getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo")
}


def is_local(host: str) -> bool:
    name = host.strip("[]").lower()
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name == "localhost" or "." not in name or name.endswith(LOCAL_SUFFIXES)
    return address.is_loopback or address.is_private or address.is_link_local


def with_scheme(url: str) -> str:
    # telegram-bot-api reads an address without a scheme as https.
    return url if "://" in url else f"https://{url}"


def webhook_problem(url: str) -> str | None:
    """Why Telegram would not take this webhook address (its words), or None."""
    try:
        parts = urllib.parse.urlsplit(with_scheme(url))
        port = parts.port
    except ValueError:
        return "invalid webhook URL specified"
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return "invalid webhook URL specified"
    if is_local(host):
        return None
    if parts.scheme != "https":
        return "bad webhook: An HTTPS URL must be provided for webhook"
    if (port or 443) not in WEBHOOK_PORTS:
        return "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
    return None


def set_webhook(bots: Bots, token: str, incoming: Incoming) -> tuple[bool, str]:
    url = incoming.text("url").strip()
    drop = truthy(incoming.get("drop_pending_updates"))
    if not url:
        return delete_webhook(bots, token, drop)
    problem = webhook_problem(url)
    if problem:
        raise bad_request(problem)
    secret = incoming.text("secret_token")
    if len(secret) > MAX_SECRET:
        raise bad_request("secret token is too long")
    if not set(secret) <= BASE64URL:
        raise bad_request("secret token contains unallowed characters")
    webhook = {
        "url": with_scheme(url),
        "secret_token": secret,
        "max_connections": integer(
            incoming.get("max_connections"), DEFAULT_MAX_CONNECTIONS, 1, 100
        ),
    }
    with bots.state(token) as state:
        assert state is not None
        chosen = allowed_types(incoming.get("allowed_updates"))
        if chosen is not None:
            state["allowed"] = chosen
        if state["webhook"] == webhook and not drop:
            return True, "Webhook is already set"
        if state["webhook"]:
            take_back(bots, state, drop=drop)
        state["webhook"] = webhook
        if not drop:
            bots.deliver(webhook, [entry["update"] for entry in state["queue"]])
        state["queue"] = []
    return True, "Webhook was set"


def delete_webhook(bots: Bots, token: str, drop: bool) -> tuple[bool, str]:
    with bots.state(token) as state:
        assert state is not None
        if not state["webhook"]:
            if drop:
                state["queue"] = []
            return True, "Webhook is already deleted"
        take_back(bots, state, drop=drop)
        state["webhook"] = None
    return True, "Webhook was deleted"


def take_back(bots: Bots, state: dict[str, Any], *, drop: bool) -> None:
    """The webhook's undelivered updates, back in the queue (or forgotten)."""
    url = state["webhook"]["url"]
    undelivered = [
        delivery
        for delivery in bots.store.webhooks.deliveries(PLATFORM)
        if delivery["url"] == url and delivery["state"] == "pending"
    ]
    bots.store.webhooks.drop(PLATFORM, url)
    if drop:
        state["queue"] = []
        return
    for delivery in undelivered:
        with contextlib.suppress(ValueError):
            update = json.loads(delivery["body"])
            state["queue"].append({"date": delivery["created_at"], "update": update})
    state["queue"].sort(key=lambda entry: entry["update"].get("update_id", 0))


def webhook_info(bots: Bots, token: str) -> dict[str, Any]:
    with bots.state(token, create=False) as found:
        state = found or new_state(bot_id(token))
        webhook = state["webhook"]
        info: dict[str, Any] = {
            "url": webhook["url"] if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(state["queue"]),
        }
        if webhook:
            info.update(delivery_report(bots, webhook["url"]))
            info["max_connections"] = webhook["max_connections"]
            info["ip_address"] = webhook_ip(webhook["url"])
        if state["allowed"] is not None and state["allowed"] != default_types():
            info["allowed_updates"] = state["allowed"]
        return info


def delivery_report(bots: Bots, url: str) -> dict[str, Any]:
    deliveries = [d for d in bots.store.webhooks.deliveries(PLATFORM) if d["url"] == url]
    since = time.time() - UPDATE_TTL_S
    report: dict[str, Any] = {
        "pending_update_count": sum(
            1 for d in deliveries if d["state"] == "pending" and d["created_at"] >= since
        )
    }
    failed = [d for d in deliveries if d["last_error"] and d["last_attempt_at"]]
    if failed:
        last = max(failed, key=lambda d: d["last_attempt_at"])
        report["last_error_date"] = int(last["last_attempt_at"])
        report["last_error_message"] = error_words(last["last_status"], last["last_error"])
    return report


def webhook_ip(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return "127.0.0.1" if is_local(host) else "<unknown>"


def error_words(status: int | None, error: str) -> str:
    """A failed delivery, worded as getWebhookInfo's last_error_message words it."""
    if status is not None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        return f"Wrong response from the webhook: {status} {phrase}".strip()
    if "Timeout" in error:
        return "Read timeout expired"
    if "Connect" in error:
        return "Connection refused"
    return error or "Connection failed"


async def answer(bots: Bots, method: str, token: str, incoming: Incoming) -> tuple[Any, str]:
    """One of METHODS: its result and the description Telegram adds."""
    if method == "getUpdates":
        found = await bots.get_updates(
            token,
            incoming.get("offset"),
            incoming.get("limit"),
            incoming.get("timeout"),
            incoming.get("allowed_updates"),
        )
        return found, ""
    if method == "setWebhook":
        return set_webhook(bots, token, incoming)
    if method == "deleteWebhook":
        return delete_webhook(bots, token, truthy(incoming.get("drop_pending_updates")))
    return webhook_info(bots, token), ""
