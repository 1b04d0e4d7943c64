"""Mastodon's app registration and OAuth server (Doorkeeper), emulated under /mastodon.

- `POST /api/v1/apps` registers an app (kept as a record, as `POST /_control/apps` does);
  `GET /api/v1/apps/verify_credentials` answers its Application.
- `GET /oauth/authorize` shows the consent page; its form posts back to the same address.
  Authorise redirects to `redirect_uri?code=…&state=…` (a code used once, within 10 minutes,
  bound to the client, the redirect URI, the scopes, the account and the PKCE challenge);
  deny redirects with `error=access_denied`. An unknown client or an unregistered redirect URI
  gets Doorkeeper's error page instead of a redirect.
- `POST /oauth/token`: `authorization_code` (with `code_verifier` when PKCE was used) or
  `client_credentials` (an app token, which user endpoints refuse with 422).
- `POST /oauth/revoke`: the token stops working (the account gets a new random token).
- `GET /.well-known/oauth-authorization-server`: the server's metadata (RFC 8414).

The sandbox keeps one token per account, so a grant for an account that has a token hands out
that token; the scopes each token was granted are kept with its account (`token_scopes`) and
the endpoints check them. A token registered through `/_control/accounts` has every scope. An
app registered through `/_control/apps` (no redirect URIs, no scopes) accepts any redirect URI
and any known scope.

The parts: app registration in apps.py, the consent step in authorize.py (its pages in
pages.py), the token and revoke endpoints in tokens.py, and what they share (Doorkeeper's
errors, its redirect URI rules, the scopes a token holds) in doorkeeper.py; OAuthServer, here,
serves them all, with the server's metadata.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.mastodon.sandbox import scopes
from pressroom.platforms.mastodon.sandbox.apps import AppsEndpoints
from pressroom.platforms.mastodon.sandbox.authorize import AuthorizeEndpoints
from pressroom.platforms.mastodon.sandbox.doorkeeper import APP_TOKENS
from pressroom.platforms.mastodon.sandbox.entities import instance_root
from pressroom.platforms.mastodon.sandbox.tokens import TokenEndpoints


class OAuthServer(AppsEndpoints, AuthorizeEndpoints, TokenEndpoints):
    """Mastodon's /api/v1/apps and Doorkeeper's /oauth endpoints, one method each."""

    async def server_metadata(self, request: Request) -> Response:
        root = instance_root(request)
        return JSONResponse(
            {
                "issuer": f"{root}/",
                "service_documentation": "https://docs.joinmastodon.org/",
                "authorization_endpoint": f"{root}/oauth/authorize",
                "token_endpoint": f"{root}/oauth/token",
                "app_registration_endpoint": f"{root}/api/v1/apps",
                "revocation_endpoint": f"{root}/oauth/revoke",
                "userinfo_endpoint": f"{root}/oauth/userinfo",
                "scopes_supported": list(scopes.KNOWN),
                "response_types_supported": ["code"],
                "response_modes_supported": ["query", "fragment", "form_post"],
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": ["authorization_code", "client_credentials"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    def app_token_record(self, token: str) -> dict[str, Any] | None:
        return self.store.record(APP_TOKENS, token) if token else None

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v1/apps", self.create_app, methods=["POST"]),
            Route("/api/v1/apps/verify_credentials", self.verify_app, methods=["GET"]),
            Route("/oauth/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/oauth/token", self.token, methods=["POST"]),
            Route("/oauth/revoke", self.revoke, methods=["POST"]),
            Route("/.well-known/oauth-authorization-server", self.server_metadata, methods=["GET"]),
        ]
