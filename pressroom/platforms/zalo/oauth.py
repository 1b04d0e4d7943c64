"""Zalo OA token refresh: the refresh token is single-use, so the new pair replaces it at once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import aiohttp

from pressroom.platforms.base import ChannelAccess, Outcome, OutcomeKind
from pressroom.platforms.transport import (
    CredentialKeeper,
    TransportError,
    json_body,
    request,
    transport_outcome,
)

REAL_OAUTH_BASE = "https://oauth.zaloapp.com"
# What a refresh needs besides the refresh token: the OA's app and its secret.
REFRESH_KEYS = ("refresh_token", "app_id", "secret_key")


def oauth_base(access: ChannelAccess) -> str:
    """Zalo's OAuth service, or the channel's own (the sandbox's)."""
    from django.conf import settings

    return str(access.options.get("oauth_base") or settings.ZALO_OAUTH_URL)


async def renew(
    access: ChannelAccess, http: aiohttp.ClientSession, keeper: CredentialKeeper, *, timeout: float
) -> ChannelAccess | Outcome | None:
    """The channel's access with renewed tokens, stored by the keeper before they are used
    (the old refresh token no longer works anywhere); the outcome to report instead; or None
    when the channel has nothing to renew with."""
    if not all(access.credentials.get(key) for key in REFRESH_KEYS):
        return None
    renewal = await keeper.begin(access.credentials)
    if isinstance(renewal, Outcome):
        return renewal
    credentials = dict(renewal.credentials)
    if renewal.renew:
        tokens = await refresh_tokens(
            http,
            oauth_base=oauth_base(access),
            app_id=str(credentials["app_id"]),
            secret_key=str(credentials["secret_key"]),
            refresh_token=str(credentials["refresh_token"]),
            timeout=timeout,
        )
        if isinstance(tokens, Outcome):
            await keeper.release()
            return tokens
        credentials.update(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        await keeper.store(credentials)
    return dataclasses.replace(access, credentials=credentials)


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
