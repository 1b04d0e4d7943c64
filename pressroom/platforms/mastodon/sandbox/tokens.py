"""Doorkeeper's token endpoints, emulated: `POST /oauth/token` (`authorization_code`, with
`code_verifier` when PKCE was used, or `client_credentials`, an app token) and
`POST /oauth/revoke`, the client authenticated by HTTP Basic or in the body. The sandbox keeps
one token per account: a grant hands out the account's token, which carries every scope
granted to it so far; a revoked one stops working (the account gets a new random token).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.mastodon.sandbox import scopes
from pressroom.platforms.mastodon.sandbox.doorkeeper import (
    APP_TOKENS,
    CODES,
    OAuthError,
    ServerPart,
    granted_scopes,
    missing,
)
from pressroom.platforms.mastodon.sandbox.entities import PLATFORM
from pressroom.sandbox.common import BadRequestBody, Incoming, read_incoming


class TokenEndpoints(ServerPart):
    """The token and revoke endpoints, one method each."""

    def authenticated_client(
        self, request: Request, incoming: Incoming
    ) -> tuple[str, dict[str, Any]]:
        """The client by HTTP Basic or by client_id and client_secret in the body."""
        client_id, client_secret = incoming.text("client_id"), incoming.text("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
            except ValueError:
                decoded = ""
            client_id, _, client_secret = decoded.partition(":")
        app = self.store.app(PLATFORM, client_id) if client_id else None
        if app is None or not secrets.compare_digest(
            str(app.get("app_secret") or ""), client_secret
        ):
            raise OAuthError("invalid_client", status=401)
        return client_id, app

    async def token(self, request: Request) -> Response:
        try:
            incoming = await read_incoming(request)
        except BadRequestBody:
            return OAuthError("invalid_request").response()
        try:
            grant_type = incoming.text("grant_type")
            if not grant_type:
                raise OAuthError("invalid_request", missing("grant_type"))
            if grant_type not in {"authorization_code", "client_credentials"}:
                raise OAuthError("unsupported_grant_type")
            client_id, app = self.authenticated_client(request, incoming)
            if grant_type == "client_credentials":
                return self.app_token(client_id, app, incoming)
            return self.user_token(client_id, incoming)
        except OAuthError as error:
            return error.response()

    def app_token(self, client_id: str, app: dict[str, Any], incoming: Incoming) -> Response:
        wanted = scopes.parse(incoming.get("scope")) or list(scopes.DEFAULT)
        if scopes.unknown(wanted) or not scopes.subset(wanted, app.get("scopes") or scopes.KNOWN):
            raise OAuthError("invalid_scope")
        token = secrets.token_urlsafe(32)
        created = int(time.time())
        self.store.put_record(
            APP_TOKENS, token, {"client_id": client_id, "scopes": wanted, "created_at": created}
        )
        return token_answer(token, wanted, created)

    def user_token(self, client_id: str, incoming: Incoming) -> Response:
        code = incoming.text("code")
        if not code:
            raise OAuthError("invalid_request", missing("code"))
        if not incoming.text("redirect_uri"):
            raise OAuthError("invalid_request", missing("redirect_uri"))
        grant = self.store.take_record(CODES, code)
        if grant is None:
            raise OAuthError("invalid_grant")
        verifier = incoming.text("code_verifier")
        challenge = grant.get("code_challenge")
        if (
            grant.get("client_id") != client_id
            or grant.get("redirect_uri") != incoming.text("redirect_uri")
            or ((challenge or verifier) and pkce_challenge(verifier) != challenge)
        ):
            # Doorkeeper leaves a grant it refused in place until it expires.
            left = float(grant.get("expires_at") or 0) - time.time()
            if left > 0:
                self.store.put_record(CODES, code, grant, ttl_s=left)
            raise OAuthError("invalid_grant")
        account = self.store.account(PLATFORM, str(grant.get("account_id") or ""))
        if account is None:
            raise OAuthError("invalid_grant")
        wanted = scopes.parse(grant.get("scopes"))
        had = granted_scopes(account)
        if had is not None:
            # One token per account here: it carries every scope granted to it so far.
            together = had + [scope for scope in wanted if scope not in had]
            account = self.store.save_account(
                platform=PLATFORM,
                account_id=account.account_id,
                token=account.token,
                name=account.name,
                extra={
                    **account.extra,
                    "token_scopes": " ".join(together),
                    "token_client": client_id,
                },
            )
        return token_answer(account.token, wanted, int(time.time()))

    async def revoke(self, request: Request) -> Response:
        try:
            incoming = await read_incoming(request)
        except BadRequestBody:
            return OAuthError("invalid_request").response()
        refused = OAuthError("unauthorized_client", status=403)
        try:
            client_id, _app = self.authenticated_client(request, incoming)
        except OAuthError:
            return refused.response()
        token = incoming.text("token")
        app_token = self.store.record(APP_TOKENS, token) if token else None
        if app_token is not None:
            if app_token.get("client_id") != client_id:
                return refused.response()
            self.store.drop_record(APP_TOKENS, token)
            return JSONResponse({})
        account = self.store.account_by_token(PLATFORM, token) if token else None
        if account is None:
            # RFC 7009: an unknown token is not an error.
            return JSONResponse({})
        owner = account.extra.get("token_client")
        if owner is not None and owner != client_id:
            return refused.response()
        extra = {
            key: value
            for key, value in account.extra.items()
            if key not in {"token_scopes", "token_client"}
        }
        self.store.save_account(
            platform=PLATFORM,
            account_id=account.account_id,
            token=secrets.token_urlsafe(32),
            name=account.name,
            extra=extra,
        )
        return JSONResponse({})


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def token_answer(token: str, granted: list[str], created_at: int) -> JSONResponse:
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "scope": " ".join(granted),
            "created_at": created_at,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )
