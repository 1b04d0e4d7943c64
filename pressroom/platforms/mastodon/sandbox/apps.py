"""Mastodon's app registration, emulated: `POST /api/v1/apps` (an app kept as a record, as
`POST /_control/apps` does) and `GET /api/v1/apps/verify_credentials` (the Application of an
app token or a user token; a token made in the sandbox's controls is Mastodon's web app).
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.mastodon.sandbox import scopes
from pressroom.platforms.mastodon.sandbox.doorkeeper import (
    APP_TOKENS,
    ServerPart,
    redirect_uri_problem,
)
from pressroom.platforms.mastodon.sandbox.entities import (
    PLATFORM,
    VAPID_KEY,
    MastodonError,
    invalid,
)
from pressroom.sandbox.common import BadRequestBody, read_incoming

MAX_APP_NAME = 60


class AppsEndpoints(ServerPart):
    """App registration, one method each."""

    async def create_app(self, request: Request) -> Response:
        try:
            incoming = await read_incoming(request)
        except BadRequestBody as error:
            return MastodonError(400, str(error)).response()
        name = incoming.text("client_name").strip()
        uris = [
            uri.strip()
            for value in (incoming.getlist("redirect_uris") or [incoming.get("redirect_uris")])
            if value is not None
            for uri in str(value).splitlines()
            if uri.strip()
        ]
        wanted = scopes.parse(incoming.get("scopes")) or list(scopes.DEFAULT)
        problems = []
        if not name:
            problems.append("Application name can't be blank")
        elif len(name) > MAX_APP_NAME:
            problems.append(f"Application name is too long (maximum is {MAX_APP_NAME} characters)")
        if not uris:
            problems.append("Redirect URI can't be blank")
        for uri in uris:
            problem = redirect_uri_problem(uri)
            if problem is not None:
                problems.append(f"Redirect URI {problem}")
                break
        if scopes.unknown(wanted):
            problems.append("Scopes doesn't match configured on the server.")
        if problems:
            return invalid(", ".join(problems)).response()
        client_id = secrets.token_urlsafe(32)
        client_secret = secrets.token_urlsafe(32)
        app = {
            "id": str(self.store.next_number("mastodon:app_ids", 1000)),
            "name": name,
            "website": incoming.text("website").strip() or None,
            "scopes": wanted,
            "redirect_uris": uris,
        }
        self.store.save_app(PLATFORM, client_id, client_secret, **app)
        return JSONResponse(
            {
                **self.application_entity(app),
                "client_id": client_id,
                "client_secret": client_secret,
                "client_secret_expires_at": 0,
            }
        )

    def application_entity(self, app: dict[str, Any]) -> dict[str, Any]:
        uris = list(app.get("redirect_uris") or [])
        return {
            "id": str(app.get("id") or ""),
            "name": str(app.get("name") or ""),
            "website": app.get("website"),
            "scopes": list(app.get("scopes") or scopes.DEFAULT),
            "redirect_uris": uris,
            "redirect_uri": "\n".join(uris),
            "vapid_key": VAPID_KEY,
        }

    async def verify_app(self, request: Request) -> Response:
        token = bearer(request)
        app_token = self.store.record(APP_TOKENS, token) if token else None
        client_id = app_token.get("client_id") if app_token else None
        if client_id is None and token:
            account = self.store.account_by_token(PLATFORM, token)
            client_id = account.extra.get("token_client") if account else None
            if account is not None and client_id is None:
                # A token made in the sandbox's controls, as if through Mastodon's web app.
                return JSONResponse(
                    {
                        "id": "1",
                        "name": "Web",
                        "website": None,
                        "scopes": ["read", "write", "follow", "push"],
                        "redirect_uris": [],
                        "redirect_uri": "",
                        "vapid_key": VAPID_KEY,
                    }
                )
        app = self.store.app(PLATFORM, str(client_id)) if client_id else None
        if app is None:
            return MastodonError(401, "The access token is invalid").response()
        return JSONResponse(self.application_entity(app))


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
