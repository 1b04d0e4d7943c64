"""Zalo OA token refresh: the refresh token is single-use, so the new pair replaces it at once."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.transport import TransportError, json_body, request, transport_outcome

REAL_OAUTH_BASE = "https://oauth.zaloapp.com"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in_s: int


async def refresh_tokens(
    http: aiohttp.ClientSession,
    *,
    oauth_base: str,
    app_id: str,
    secret_key: str,
    refresh_token: str,
    timeout: float,
) -> Tokens | Outcome:
    """New tokens, or the outcome to apply (retry later, or credentials expired for good)."""
    try:
        response = await request(
            http,
            "POST",
            f"{oauth_base.rstrip('/')}/v4/oa/access_token",
            headers={"secret_key": secret_key},
            data={"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"},
            timeout=timeout,
        )
    except TransportError as error:
        return transport_outcome(error, creating=False)
    except TimeoutError:
        return Outcome(OutcomeKind.RETRY_LATER, code="timeout", reason="Zalo OAuth timed out")
    body = json_body(response)
    if response.status_code >= 500 or not isinstance(body, dict):
        return Outcome(OutcomeKind.RETRY_LATER, code="oauth_unavailable", reason="Zalo OAuth")
    if body.get("access_token") and body.get("refresh_token"):
        try:
            # Zalo sends expires_in as a string ("90000").
            expires = int(str(body.get("expires_in") or 0))
        except ValueError:
            expires = 0
        return Tokens(str(body["access_token"]), str(body["refresh_token"]), expires)
    # -14014 and friends: the refresh token is invalid or used; only a reconnect helps.
    return Outcome(
        OutcomeKind.CREDENTIALS_EXPIRED,
        code=str(body.get("error", "oauth")),
        reason=str(body.get("message") or body.get("error_description") or "refresh refused"),
    )
