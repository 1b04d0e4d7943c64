"""Zalo's OAuth server (oauth.zaloapp.com), emulated for the sandbox (mounted at /zalo-oauth).

As Zalo's own SDKs use it (zalo-php-sdk `OAuth2Client`, zalo-java-sdk):
- `GET /v4/oa/permission?app_id&redirect_uri&code_challenge&state`: the page where an OA's
  administrator grants the app access (here: picks a sandbox OA or creates one). Allow sends
  the browser to `redirect_uri?code&oa_id&state&code_challenge`; Deny to
  `redirect_uri?error=access_denied&state` (Zalo's denial answer is UNCONFIRMED).
- `POST /v4/oa/access_token` (header `secret_key`, form-encoded), `grant_type` either
  `authorization_code` (`code`, `app_id`, `code_verifier`: PKCE, S256) or `refresh_token`
  (`refresh_token`, `app_id`) → `{"access_token","refresh_token","expires_in":"90000"}`.
  Errors come inside HTTP 200 as `{"error":<negative>,"error_name","error_reason",
  "error_description"}`; the numbers below are UNCONFIRMED (Zalo's table is not public in a
  form we could check), only their shape and the single use of codes and refresh tokens are.

A fresh grant gives the OA a new access token and a new refresh token; the sandbox keeps one
token per account, so the OA's earlier tokens stop working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox.emulation import Look
from pressroom.sandbox.store import Account, SandboxStore
from pressroom.sandbox.viewer import page

PLATFORM = "zalo"
LOOK = Look(brand="Zalo OA", accent="#0068ff", background="#eef3fb", item="Bài viết (Article)")
CODES = "zalo:oauth-codes"
CODE_TTL_S = 600
# Zalo sends expires_in as a string: 25 hours.
ACCESS_TOKEN_LIFETIME = "90000"
NEW_OA = "new"

# Zalo's OA types as getoa's `oa_type` answers them. The numbers are UNCONFIRMED (the field is
# known, its values are not): state agencies have a type of their own.
OA_TYPES: dict[int, str] = {
    3: "OA Cơ quan nhà nước (State agency)",
    2: "OA Doanh nghiệp (Business)",
    1: "OA Nhà sáng tạo nội dung (Content creator)",
}
STATE_AGENCY = 3

# Errors of the token endpoint (UNCONFIRMED numbers, see the module's notes).
INVALID_PARAMETER = (-14001, "Invalid parameter")
INVALID_APP = (-14002, "Invalid app id")
INVALID_SECRET = (-14004, "Invalid secret key")
INVALID_CODE = (-14005, "Invalid authorization code")
INVALID_REFRESH_TOKEN = (-14014, "Invalid refresh token")
INVALID_CODE_VERIFIER = (-14019, "Invalid code verifier")


def oauth_error(kind: tuple[int, str], reason: str) -> JSONResponse:
    code, name = kind
    return JSONResponse(
        {"error": code, "error_name": name, "error_reason": reason, "error_description": reason}
    )


def challenge_of(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding, as Zalo's PKCEUtil makes it."""
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def oa_id_like_zalo(store: SandboxStore) -> str:
    """A fresh OA id of Zalo's shape: a number of 19 digits."""
    while True:
        candidate = str(10**18 + secrets.randbelow(9 * 10**18))
        if store.account(PLATFORM, candidate) is None:
            return candidate


def with_query(url: str, values: dict[str, str]) -> str:
    """The URL with these parameters added to whatever query it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(values.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class OAuthServer:
    """The consent page and the token endpoint, over the sandbox's accounts and apps."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    # The consent page

    def error_page(self, message: str) -> HTMLResponse:
        response = page(
            "Zalo · Lỗi (Error)",
            "<header><h1>Zalo</h1><p>Cấp quyền cho ứng dụng (App permission)</p></header>"
            f'<main><p class="card empty">Lỗi (Error): {escape(message)}</p></main>',
            look=LOOK,
        )
        response.status_code = 400
        return response

    def consent_problem(self, request: Request) -> str:
        """Why the request cannot be shown a consent page ("" when it can)."""
        query = request.query_params
        app_id = query.get("app_id", "")
        if not app_id or self.store.app(PLATFORM, app_id) is None:
            return "Ứng dụng không tồn tại (Unknown app_id)"
        redirect_uri = query.get("redirect_uri", "")
        if urlsplit(redirect_uri).scheme not in {"http", "https"}:
            return "Thiếu redirect_uri hợp lệ (A valid redirect_uri is required)"
        if not query.get("code_challenge"):
            return "Thiếu code_challenge (code_challenge is required)"
        return ""

    def consent_form(self, request: Request, problem: str = "") -> HTMLResponse:
        app_id = request.query_params.get("app_id", "")
        accounts = self.store.accounts(PLATFORM)
        options = "".join(
            f'<option value="{escape(account.account_id)}">'
            f"{escape(account.name)} · {escape(account.account_id)}</option>"
            for account in accounts
        )
        options += f'<option value="{NEW_OA}">Tạo OA mới (New OA)</option>'
        types = "".join(
            f'<option value="{number}">{escape(label)}</option>'
            for number, label in OA_TYPES.items()
        )
        warning = f'<p class="meta" role="alert">{escape(problem)}</p>' if problem else ""
        body = (
            "<header><h1>Zalo</h1><p>Cấp quyền cho ứng dụng (App permission)</p></header>"
            '<main><form method="post" class="card">'
            f"<h2>Ứng dụng {escape(app_id)} muốn quản lý Official Account của bạn "
            "(The app wants to manage your Official Account)</h2>"
            f"{warning}"
            '<p><label for="oa">Official Account (OA)</label><br>'
            f'<select id="oa" name="oa">{options}</select></p>'
            "<fieldset><legend>Chỉ dùng khi tạo OA mới (Only for a new OA)</legend>"
            '<p><label for="new_name">Tên OA mới (New OA name)</label><br>'
            '<input id="new_name" name="new_name" type="text" maxlength="100"></p>'
            '<p><input id="verified" name="verified" type="checkbox" value="1" checked> '
            '<label for="verified">Đã xác thực (Verified)</label></p>'
            '<p><label for="oa_type">Loại OA (OA type)</label><br>'
            f'<select id="oa_type" name="oa_type">{types}</select></p>'
            "</fieldset>"
            '<p><button type="submit" name="decision" value="allow">Cho phép (Allow)</button> '
            '<button type="submit" name="decision" value="deny">Từ chối (Deny)</button></p>'
            "</form></main>"
        )
        response = page("Zalo · Cấp quyền (Permission)", body, look=LOOK)
        if problem:
            response.status_code = 400
        return response

    async def permission(self, request: Request) -> Response:
        problem = self.consent_problem(request)
        if problem:
            return self.error_page(problem)
        if request.method == "GET":
            return self.consent_form(request)
        form = await request.form()
        query = request.query_params
        redirect_uri, state = query["redirect_uri"], query.get("state", "")
        if form.get("decision") != "allow":
            return RedirectResponse(
                with_query(redirect_uri, {"error": "access_denied", "state": state}),
                status_code=302,
            )
        chosen = str(form.get("oa") or "")
        if chosen == NEW_OA:
            name = str(form.get("new_name") or "").strip()
            if not name:
                return self.consent_form(request, "Hãy đặt tên cho OA mới (Name the new OA)")
            try:
                oa_type = int(str(form.get("oa_type") or STATE_AGENCY))
            except ValueError:
                oa_type = STATE_AGENCY
            if oa_type not in OA_TYPES:
                return self.consent_form(request, "Loại OA không hợp lệ (Unknown OA type)")
            account = self.new_official_account(
                name, verified=form.get("verified") is not None, oa_type=oa_type
            )
        else:
            found = self.store.account(PLATFORM, chosen)
            if found is None:
                return self.consent_form(request, "Hãy chọn một OA (Choose an OA)")
            account = found
        code = secrets.token_urlsafe(48)
        challenge = query["code_challenge"]
        self.store.put_record(
            CODES,
            code,
            {"app_id": query["app_id"], "code_challenge": challenge, "oa_id": account.account_id},
            ttl_s=CODE_TTL_S,
        )
        return RedirectResponse(
            with_query(
                redirect_uri,
                {
                    "code": code,
                    "oa_id": account.account_id,
                    "state": state,
                    "code_challenge": challenge,
                },
            ),
            status_code=302,
        )

    def new_official_account(self, name: str, *, verified: bool, oa_type: int) -> Account:
        return self.store.save_account(
            platform=PLATFORM,
            account_id=oa_id_like_zalo(self.store),
            token=secrets.token_urlsafe(32),
            name=name,
            extra={
                "is_verified": verified,
                "oa_type": oa_type,
            },
        )

    # The token endpoint

    def secret_is_right(self, request: Request, expected: str) -> bool:
        given = request.headers.get("secret_key", "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

    def grant(self, account: Account, **extra: Any) -> JSONResponse:
        """New tokens for the OA; the earlier access and refresh tokens stop working."""
        new_access, new_refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.store.save_account(
            platform=PLATFORM,
            account_id=account.account_id,
            token=new_access,
            name=account.name,
            extra={**account.extra, **extra, "refresh_token": new_refresh},
        )
        return JSONResponse(
            {
                "access_token": new_access,
                "refresh_token": new_refresh,
                "expires_in": ACCESS_TOKEN_LIFETIME,
            }
        )

    async def access_token(self, request: Request) -> Response:
        form = await request.form()
        values = {name: str(value) for name, value in form.items() if isinstance(value, str)}
        grant_type = values.get("grant_type", "")
        if grant_type == "authorization_code":
            return self.code_grant(request, values)
        if grant_type == "refresh_token":
            return self.refresh_grant(request, values)
        return oauth_error(
            INVALID_PARAMETER, "grant_type must be authorization_code or refresh_token"
        )

    def code_grant(self, request: Request, values: dict[str, str]) -> Response:
        app_id, code, verifier = (
            values.get("app_id", ""),
            values.get("code", ""),
            values.get("code_verifier", ""),
        )
        if not code or not verifier:
            return oauth_error(INVALID_PARAMETER, "code and code_verifier are required")
        app = self.store.app(PLATFORM, app_id) if app_id else None
        if app is None:
            return oauth_error(INVALID_APP, "The app does not exist")
        if not self.secret_is_right(request, str(app.get("app_secret") or "")):
            return oauth_error(INVALID_SECRET, "The secret key does not match the app")
        granted = self.store.take_record(CODES, code)
        if granted is None or granted.get("app_id") != app_id:
            return oauth_error(INVALID_CODE, "The code is invalid, expired or already used")
        if not hmac.compare_digest(challenge_of(verifier), str(granted.get("code_challenge"))):
            return oauth_error(INVALID_CODE_VERIFIER, "The code verifier does not match")
        account = self.store.account(PLATFORM, str(granted.get("oa_id")))
        if account is None:
            return oauth_error(INVALID_CODE, "The Official Account no longer exists")
        return self.grant(account, app_id=app_id)

    def refresh_grant(self, request: Request, values: dict[str, str]) -> Response:
        refresh_token, app_id = values.get("refresh_token", ""), values.get("app_id", "")
        app = self.store.app(PLATFORM, app_id) if app_id else None
        for account in self.store.accounts(PLATFORM):
            extra = account.extra
            if not refresh_token or extra.get("refresh_token") != refresh_token:
                continue
            if str(extra.get("app_id")) != app_id:
                return oauth_error(INVALID_APP, "The refresh token belongs to another app")
            # A registered app's secret; a sandbox account added without one keeps its own.
            expected = str(app["app_secret"]) if app else str(extra.get("secret_key") or "")
            if not self.secret_is_right(request, expected):
                return oauth_error(INVALID_SECRET, "The secret key does not match the app")
            return self.grant(account)
        # Unknown, or already used once: refresh tokens are single-use.
        return oauth_error(INVALID_REFRESH_TOKEN, "The refresh token is invalid or already used")

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v4/oa/permission", self.permission, methods=["GET", "POST"]),
            Route("/v4/oa/access_token", self.access_token, methods=["POST"]),
        ]


def oauth_routes(store: SandboxStore) -> list[BaseRoute]:
    return OAuthServer(store).routes()
