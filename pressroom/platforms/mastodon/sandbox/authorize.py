"""Doorkeeper's authorisation step, emulated: `GET /oauth/authorize` checks the request in
Doorkeeper's order and shows the consent page (pages.py), whose form posts back to the same
address. Authorise redirects to `redirect_uri?code=…&state=…` (a code used once, within 10
minutes, bound to the client, the redirect URI, the scopes, the account and the PKCE challenge;
tokens.py exchanges it), deny with `error=access_denied`; the account may be one made on the
page. An unknown client or an unregistered redirect URI gets Doorkeeper's error page.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pressroom.platforms.mastodon.sandbox import pages, scopes
from pressroom.platforms.mastodon.sandbox.doorkeeper import (
    CODES,
    DESCRIPTIONS,
    OOB,
    OAuthError,
    ServerPart,
    missing,
    redirect_uri_problem,
)
from pressroom.platforms.mastodon.sandbox.entities import PLATFORM, username_of
from pressroom.sandbox.common import BadRequestBody, Incoming
from pressroom.sandbox.store import Account, SandboxStore

CODE_TTL_S = 600
USERNAME_RE = re.compile(r"^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_])?$", re.IGNORECASE)
MAX_USERNAME = 30


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


class AuthorizeEndpoints(ServerPart):
    """The consent page, one method each."""

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
