"""Facebook Login for the sandbox: the login dialog a trainee signs in with, the code exchange,
long-lived user tokens, `debug_token`, `/me/accounts` and `/me/permissions`.

The dialog (`GET|POST /{ver}/dialog/oauth`, www.facebook.com's) lets the trainee name
themselves, choose the sandbox's Pages (or create one), a role on them and which of the
requested permissions to grant. Continue redirects with a code (single use, 10 minutes, bound
to the app and the redirect_uri); Cancel redirects with `error=access_denied`. The code buys a
short-lived user token, that token a long-lived one (`grant_type=fb_exchange_token`), and
either one `/me/accounts`: the Pages granted, each with its Page token. Handing a Page token
out writes the grant onto the Page's account (`extra["grant"]`): its scopes and tasks, and
whether it expires (a Page token from a long-lived user token never does). Pages registered
through `/_control/accounts` have no grant and every permission.
Apps are registered as in a developer console (`POST /_control/apps`).
Fault operations: `access_token`, `debug_token`, `accounts`, `permissions`.

The parts: the dialog in dialog.py; `debug_token`, `/me/accounts` and `/me/permissions` in
grants.py; here, TokensApi, their base: user tokens, the checks of an app's secret and of an
`appsecret_proof`, and the code and token exchanges (`/oauth/access_token`). __init__.py joins
them as OAuthApi.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.graph import PLATFORM, GraphError, fault_error, grant_of
from pressroom.sandbox.common import Incoming, read_incoming
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, SandboxStore

SHORT_LIVED_S = 5400
LONG_LIVED_S = 5_183_944
# Expired codes and tokens are kept this long after, to be told from unknown ones.
AFTERLIFE_S = 86400

CODES = "facebook:codes"
USED_CODES = "facebook:used_codes"
USER_TOKENS = "facebook:user_tokens"


def session_expired(expires_at: float) -> GraphError:
    moment = time.strftime("%A, %d-%b-%y %H:%M:%S UTC", time.gmtime(expires_at))
    now = time.strftime("%A, %d-%b-%y %H:%M:%S UTC", time.gmtime())
    return GraphError(
        190,
        f"Error validating access token: Session has expired on {moment}. "
        f"The current time is {now}.",
        subcode=463,
    )


def invalid_token() -> GraphError:
    return GraphError(190, "Invalid OAuth access token - Cannot parse access token")


def new_token() -> str:
    return "EAA" + secrets.token_urlsafe(48).replace("-", "A").replace("_", "B")


class TokensApi(EmulatedApi):
    """User tokens and the token endpoints, one method each; the base of Facebook Login's
    other endpoints (dialog.py, grants.py)."""

    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            # Faults and profiles, but no Page's usage: these calls are the app's and the user's.
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault, account.account_id).response(),
            ),
        )

    def bad_body(self, message: str) -> PlatformError:
        return GraphError(100, f"(#100) {message}")

    async def through_gate(
        self, actor: str, operation: str, handler: Callable[[], Awaitable[Response]]
    ) -> Response:
        """The handler behind the faults set for this operation (the actor: a user or app id)."""
        account = Account(
            platform=PLATFORM, account_id=actor, token="", name="", extra={}, created_at=0
        )
        return await self.guarded(account, operation, handler)

    # Tokens

    def user_session(self, token: str) -> dict[str, Any] | None:
        """A user token's record, expired ones included (see `live_session`)."""
        return self.store.record(USER_TOKENS, token) if token else None

    def live_session(self, token: str) -> dict[str, Any]:
        session = self.user_session(token)
        if session is None:
            raise invalid_token()
        if session["expires_at"] <= time.time():
            raise session_expired(session["expires_at"])
        return session

    def issue_user_token(self, grant: dict[str, Any], *, long_lived: bool) -> tuple[str, int]:
        lifetime = LONG_LIVED_S if long_lived else SHORT_LIVED_S
        token = new_token()
        now = time.time()
        session = {
            **grant,
            "issued_at": int(now),
            "expires_at": int(now) + lifetime,
            "long_lived": long_lived,
        }
        self.store.put_record(USER_TOKENS, token, session, ttl_s=lifetime + AFTERLIFE_S)
        return token, lifetime

    def app_checked(self, incoming: Incoming) -> dict[str, Any]:
        client_id = incoming.text("client_id")
        if not client_id:
            raise GraphError(101, "Missing client_id parameter.")
        app = self.store.app(PLATFORM, client_id)
        if app is None:
            raise GraphError(101, "Error validating application. Invalid application ID.")
        secret = incoming.text("client_secret")
        if not secret:
            raise GraphError(1, "Missing client_secret parameter.")
        if not secrets.compare_digest(secret, str(app["app_secret"])):
            raise GraphError(1, "Error validating client secret.")
        return {"app_id": client_id, **app}

    def app_of_token(self, token: str) -> dict[str, Any]:
        """The app an app access token (`{app-id}|{app-secret}`) stands for."""
        app_id, _, secret = token.partition("|")
        app = self.store.app(PLATFORM, app_id) if secret else None
        if app is None or not secrets.compare_digest(secret, str(app["app_secret"])):
            raise GraphError(190, "Invalid OAuth access token signature.")
        return {"app_id": app_id, **app}

    def check_proof(self, incoming: Incoming, token: str) -> None:
        """An `appsecret_proof` sent along must be the token's HMAC-SHA256 under its app's
        secret (a Page registered without a grant: under any registered app's)."""
        proof = incoming.text("appsecret_proof")
        if not proof or not token:
            return
        session = self.user_session(token)
        account = self.store.account_by_token(PLATFORM, token)
        grant = grant_of(account) if account is not None else None
        if session is not None:
            app_ids = [session["app_id"]]
        elif grant is not None:
            app_ids = [grant["app_id"]]
        elif account is not None:
            app_ids = list(self.store.records(f"apps:{PLATFORM}"))
        else:
            return
        keys = [
            str(app["app_secret"])
            for app_id in app_ids
            if (app := self.store.app(PLATFORM, app_id))
        ]
        if not keys:
            return
        for key in keys:
            expected = hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, proof):
                return
        raise GraphError(
            100,
            "Invalid appsecret_proof provided in the API argument",
            error_type="GraphMethodException",
        )

    # Tokens from codes, and long-lived ones

    @endpoint
    async def access_token(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        app = self.app_checked(incoming)

        async def handler() -> Response:
            grant_type = incoming.text("grant_type")
            if grant_type == "fb_exchange_token":
                session = self.live_session(incoming.text("fb_exchange_token"))
                if session["app_id"] != app["app_id"]:
                    raise GraphError(190, "Invalid OAuth access token.")
                grant = {key: session[key] for key in GRANT_KEYS}
                token, lifetime = self.issue_user_token(grant, long_lived=True)
            elif grant_type == "client_credentials":
                return JSONResponse(
                    {"access_token": f"{app['app_id']}|{app['app_secret']}", "token_type": "bearer"}
                )
            elif grant_type in {"", "authorization_code"}:
                token, lifetime = self.token_for_code(incoming, app["app_id"])
            else:
                raise GraphError(100, f"(#100) Unsupported grant_type: {grant_type}")
            return JSONResponse(
                {"access_token": token, "token_type": "bearer", "expires_in": lifetime}
            )

        return await self.through_gate(app["app_id"], "access_token", handler)

    def token_for_code(self, incoming: Incoming, app_id: str) -> tuple[str, int]:
        code, redirect_uri = incoming.text("code"), incoming.text("redirect_uri")
        if not redirect_uri:
            raise GraphError(100, "Missing redirect_uri parameter.")
        if not code:
            raise GraphError(100, "Missing code parameter.")
        kept = self.store.record(CODES, code)
        if kept is None:
            if self.store.record(USED_CODES, code) is not None:
                raise GraphError(100, "This authorization code has been used.", subcode=36009)
            raise GraphError(100, "Invalid verification code format.")
        if kept["client_id"] != app_id:
            raise GraphError(
                100, "Invalid code. This authorization code was issued to another app."
            )
        if kept["expires_at"] <= time.time():
            raise GraphError(100, "This authorization code has expired.", subcode=36007)
        if kept["redirect_uri"] != redirect_uri:
            raise GraphError(
                100,
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                subcode=36008,
            )
        if self.store.take_record(CODES, code) is None:
            raise GraphError(100, "This authorization code has been used.", subcode=36009)
        self.store.put_record(USED_CODES, code, {"app_id": app_id}, ttl_s=AFTERLIFE_S)
        grant = {key: kept[key] for key in GRANT_KEYS if key != "app_id"}
        return self.issue_user_token({**grant, "app_id": app_id}, long_lived=False)


GRANT_KEYS = (
    "app_id",
    "user_id",
    "name",
    "scopes",
    "declined",
    "pages",
    "data_access_expires_at",
)
