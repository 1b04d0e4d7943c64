"""A channel's bot webhook, from the app's synchronous pages (connect, disconnect, the channel's
health page): set it to the app's address with a secret token, remove it, read its state.

Telegram keeps one webhook per bot, so a bot serves one channel. The secret comes back in
every delivery's X-Telegram-Bot-Api-Secret-Token header (inbound.py checks it); while a
webhook is set getUpdates is refused, so polling waits for `webhook_removal`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import httpx

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.connecting import client
from pressroom.platforms.telegram.botapi import WebhookInfo, method_url, result_of
from pressroom.platforms.telegram.inbound import ALLOWED_UPDATES
from pressroom.platforms.transport import Response, Stop


def new_webhook_secret() -> str:
    """A secret token Telegram takes (1-256 of A-Z a-z 0-9 _ -): 43 random characters."""
    return secrets.token_urlsafe(32)


def webhook_setup(api_base: str, token: str, url: str, secret: str) -> Outcome:
    """Send the bot's updates to `url` (the channel's webhook address), each with `secret`:
    PUBLISHED when Telegram took it, otherwise why not."""
    payload = {
        "url": url,
        "secret_token": secret,
        "allowed_updates": list(ALLOWED_UPDATES),
        "max_connections": 40,
        "drop_pending_updates": False,
    }
    return _done(_call(api_base, token, "setWebhook", payload), "Webhook was set")


def webhook_removal(api_base: str, token: str) -> Outcome:
    """No webhook any more: the updates wait for getUpdates (nothing is dropped)."""
    found = _call(api_base, token, "deleteWebhook", {"drop_pending_updates": False})
    return _done(found, "Webhook was deleted")


def webhook_status(api_base: str, token: str) -> WebhookInfo | Outcome:
    """getWebhookInfo: the address, the updates waiting, the last delivery error."""
    found = _call(api_base, token, "getWebhookInfo", {})
    if isinstance(found, Outcome):
        return found
    info = WebhookInfo.of(found)
    if info is None:
        return Outcome(OutcomeKind.RETRY_LATER, code="unexpected_response", reason="getWebhookInfo")
    return info


def _call(api_base: str, token: str, method: str, payload: Mapping[str, Any]) -> Any:
    try:
        with client() as http:
            answer = http.post(method_url(api_base, token, method), json=dict(payload))
    except httpx.HTTPError as error:
        # The address holds the token: only the error's kind is told.
        return Outcome(
            OutcomeKind.RETRY_LATER,
            code="connect_failed",
            reason=f"Telegram could not be reached ({type(error).__name__})",
        )
    response = Response.of(answer.status_code, dict(answer.headers), answer.content)
    try:
        return result_of(response, creating=False, what=f"the Bot API's {method}")
    except Stop as stop:
        return stop.outcome


def _done(found: Any, words: str) -> Outcome:
    if isinstance(found, Outcome):
        return found
    if found is not True:
        return Outcome(OutcomeKind.RETRY_LATER, code="unexpected_response", reason=words)
    return Outcome(OutcomeKind.PUBLISHED, reason=words)
