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
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.mastodon.sandbox import pages, scopes
from pressroom.platforms.mastodon.sandbox.entities import (
    PLATFORM,
    VAPID_KEY,
    MastodonError,
    instance_root,
    invalid,
    username_of,
)
from pressroom.sandbox.common import BadRequestBody, Incoming, read_incoming
from pressroom.sandbox.store import Account, SandboxStore

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_TTL_S = 600
CODES = "mastodon:oauth_codes"
APP_TOKENS = "mastodon:app_tokens"
MAX_APP_NAME = 60
USERNAME_RE = re.compile(r"^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_])?$", re.IGNORECASE)
MAX_USERNAME = 30

# Doorkeeper's words (config/locales/doorkeeper.en.yml).
DESCRIPTIONS = {
    "access_denied": "The resource owner or authorization server denied the request.",
    "invalid_client": (
        "Client authentication failed due to unknown client, no client authentication "
        "included, or unsupported authentication method."
    ),
    "invalid_grant": (
        "The provided authorization grant is invalid, expired, revoked, does not match the "
        "redirection URI used in the authorization request, or was issued to another client."
    ),
    "invalid_redirect_uri": "The redirect uri included is not valid.",
    "invalid_request": (
        "The request is missing a required parameter, includes an unsupported parameter "
        "value, or is otherwise malformed."
    ),
    "invalid_scope": "The requested scope is invalid, unknown, or malformed.",
    "unsupported_grant_type": (
        "The authorization grant type is not supported by the authorization server."
    ),
    "unsupported_response_type": ("The authorization server does not support this response type."),
    "invalid_code_challenge_method": "The code_challenge_method must be S256.",
    "unauthorized_client": "You are not authorized to revoke this token",
}


def missing(name: str) -> str:
    return f"Missing required parameter: {name}."


class OAuthError(Exception):
    """An OAuth answer with `error` and `error_description` (a 400 unless said otherwise)."""

    def __init__(self, error: str, description: str | None = None, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.description = description or DESCRIPTIONS[error]
        self.status = status

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
        )


def granted_scopes(account: Account) -> list[str] | None:
    """The scopes the account's token was granted; None for every scope."""
    found = account.extra.get("token_scopes")
    return scopes.parse(found) if found is not None else None


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def redirect_uri_problem(uri: str) -> str | None:
    """What Doorkeeper's redirect URI validator says about one URI, if anything."""
    if uri == OOB:
        return None
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "must be a valid URI."
    if parts.fragment:
        return "cannot contain a fragment."
    if not parts.scheme:
        return "must be an absolute URI."
    if any(char.isspace() for char in uri):
        return "must be a valid URI."
    return None


def with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class PreAuthorization:
    """An authorisation request, checked in Doorkeeper's order: the first problems (no client,
    an unknown client, an unregistered redirect URI) cannot be sent back to the client."""

    def __init__(self, store: SandboxStore, query: Any) -> None:
        self.client_id = str(query.get("client_id") or "")
        self.redirect_uri = str(query.get("redirect_uri") or "")
        self.response_type = str(query.get("response_type") or "")
        self.state = query.get("state")
        self.scopes = scopes.parse(query.get("scope")) or list(scopes.DEFAULT)
        self.code_challenge = str(query.get("code_challenge") or "")
        self.code_challenge_method = str(query.get("code_challenge_method") or "")
        self.app = store.app(PLATFORM, self.client_id) if self.client_id else None
        # An error shown on a page (not redirectable), or one sent back to the client.
        self.page_error: str | None = None
        self.error: OAuthError | None = None
        self._check()

    def _check(self) -> None:
        if not self.client_id:
            self.page_error = missing("client_id")
            return
        if self.app is None:
            self.page_error = DESCRIPTIONS["invalid_client"]
            return
        registered = self.app.get("redirect_uris")
        if not self.redirect_uri:
            self.page_error = missing("redirect_uri")
            return
        if (registered is not None and self.redirect_uri not in registered) or (
            redirect_uri_problem(self.redirect_uri) is not None
        ):
            self.page_error = DESCRIPTIONS["invalid_redirect_uri"]
            return
        if not self.response_type:
            self.error = OAuthError("invalid_request", missing("response_type"))
        elif self.response_type != "code":
            self.error = OAuthError("unsupported_response_type")
        elif scopes.unknown(self.scopes) or not scopes.subset(
            self.scopes, self.app.get("scopes") or scopes.KNOWN
        ):
            self.error = OAuthError("invalid_scope")
        elif self.code_challenge and self.code_challenge_method != "S256":
            self.error = OAuthError(
                "invalid_request", DESCRIPTIONS["invalid_code_challenge_method"]
            )

    @property
    def app_name(self) -> str:
        return str((self.app or {}).get("name") or self.client_id)

    def answer(self, params: dict[str, str]) -> Response:
        """Back to the client with these parameters (and the state), or a page for oob."""
        if self.state is not None:
            params = {**params, "state": str(self.state)}
        return RedirectResponse(with_query(self.redirect_uri, params), status_code=302)


class OAuthServer:
    """Mastodon's /api/v1/apps and Doorkeeper's /oauth endpoints, one method each."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    # Apps

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

    # Authorisation: the consent page

    def accounts_offered(self) -> list[tuple[str, str]]:
        return [
            (account.account_id, f"@{username_of(account)}")
            for account in self.store.accounts(PLATFORM)
        ]

    async def authorize(self, request: Request) -> Response:
        pre = PreAuthorization(self.store, request.query_params)
        if pre.page_error is not None:
            return pages.error_page(pre.page_error)
        if pre.error is not None:
            if pre.redirect_uri == OOB:
                return pages.error_page(pre.error.description)
            return pre.answer(
                {"error": pre.error.error, "error_description": pre.error.description}
            )
        if request.method == "GET":
            return pages.consent(
                app_name=pre.app_name, scopes=pre.scopes, accounts=self.accounts_offered()
            )
        try:
            form = await read_form(request)
        except BadRequestBody:
            form = Incoming()
        if form.text("decision") != "authorize":
            description = DESCRIPTIONS["access_denied"]
            if pre.redirect_uri == OOB:
                return pages.denied_page(description)
            return pre.answer({"error": "access_denied", "error_description": description})
        chosen = form.text("account")
        new_username = form.text("new_username").strip().lstrip("@")
        try:
            account = self.consenting_account(chosen, new_username, pre.scopes, pre.client_id)
        except ValueError as error:
            return pages.consent(
                app_name=pre.app_name,
                scopes=pre.scopes,
                accounts=self.accounts_offered(),
                chosen=chosen,
                new_username=new_username,
                error=str(error),
                status=422,
            )
        code = secrets.token_urlsafe(32)
        self.store.put_record(
            CODES,
            code,
            {
                "client_id": pre.client_id,
                "redirect_uri": pre.redirect_uri,
                "scopes": pre.scopes,
                "account_id": account.account_id,
                "code_challenge": pre.code_challenge or None,
                "expires_at": time.time() + CODE_TTL_S,
            },
            ttl_s=CODE_TTL_S,
        )
        if pre.redirect_uri == OOB:
            return pages.code_page(code)
        return pre.answer({"code": code})

    def consenting_account(
        self, chosen: str, new_username: str, granted: list[str], client_id: str
    ) -> Account:
        """The account chosen on the consent page, or the one made there."""
        if chosen and chosen != pages.NEW_ACCOUNT:
            account = self.store.account(PLATFORM, chosen)
            if account is None:
                raise ValueError("Không có tài khoản này (No such account)")
            return account
        if not new_username:
            raise ValueError("Hãy nhập tên tài khoản mới (Enter a new username)")
        if len(new_username) > MAX_USERNAME or not USERNAME_RE.match(new_username):
            raise ValueError(
                "Tên tài khoản chỉ gồm chữ, số và dấu gạch dưới, tối đa 30 ký tự "
                "(Username: letters, numbers and underscores, at most 30 characters)"
            )
        taken = {username_of(account).lower() for account in self.store.accounts(PLATFORM)}
        if new_username.lower() in taken:
            raise ValueError("Tên tài khoản này đã có người dùng (Username is already taken)")
        return self.store.save_account(
            platform=PLATFORM,
            account_id=str(self.store.next_number("mastodon:ids", 110000000000000001)),
            token=secrets.token_urlsafe(32),
            name=new_username,
            extra={
                "username": new_username,
                "token_scopes": " ".join(granted),
                "token_client": client_id,
            },
        )

    # Tokens

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


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def read_form(request: Request) -> Incoming:
    """The consent form's fields (the OAuth parameters stay those of the page's address)."""
    incoming = Incoming()
    try:
        form = await request.form()
    except Exception as error:
        raise BadRequestBody("The form could not be read") from error
    for name, value in form.multi_items():
        if isinstance(value, str):
            incoming.add(name, value)
    return incoming
