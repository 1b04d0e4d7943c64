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
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pressroom.platforms.facebook.descriptor import DESCRIPTOR
from pressroom.platforms.facebook.sandbox.graph import (
    CATEGORY,
    CATEGORY_LIST,
    PLATFORM,
    ROLES,
    GraphError,
    decode_cursor,
    encode_cursor,
    fault_error,
    grant_of,
    limit_of,
    next_url,
    no_such_field,
    page_scopes,
    page_tasks,
    select,
    split_fields,
)
from pressroom.sandbox.common import Incoming, bearer_token, read_incoming
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Look
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, SandboxStore
from pressroom.sandbox.viewer import page

CODE_LIFETIME_S = 600
SHORT_LIVED_S = 5400
LONG_LIVED_S = 5_183_944
DATA_ACCESS_S = 90 * 86400
# Expired codes and tokens are kept this long after, to be told from unknown ones.
AFTERLIFE_S = 86400

CODES = "facebook:codes"
USED_CODES = "facebook:used_codes"
USER_TOKENS = "facebook:user_tokens"
PEOPLE = "facebook:people"

DEFAULT_NAME = "Học viên"
# Pages the dialog creates are numbered from here, far from the demo's and benchmarks' ids.
FIRST_NEW_PAGE = 5_000_000_000_001
FIRST_PERSON = 1_000_000_000_000_001
DEFAULT_ACCOUNT_FIELDS = ("access_token", "category", "category_list", "name", "id", "tasks")
SCOPE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LOOK = Look(brand="Facebook", accent="#1877f2", background="#f0f2f5")

FORM_STYLE = """
form label{display:block;margin:6px 0}
form fieldset{border:1px solid #dadde1;border-radius:8px;margin:12px 0;padding:8px 12px}
form input[type=text],form select{width:100%;padding:8px;border:1px solid #ccd0d5;
 border-radius:6px;font:inherit}
form button{font:inherit;padding:8px 16px;border-radius:6px;border:0;margin-right:8px}
form button[value=continue]{background:var(--accent);color:#fff}
"""


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


def with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


class OAuthApi(EmulatedApi):
    """The login dialog and the token endpoints, one method each."""

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

    # The login dialog

    def dialog_refusal(self, request: Request) -> HTMLResponse | None:
        params = request.query_params
        client_id = params.get("client_id", "")
        if not client_id or self.store.app(PLATFORM, client_id) is None:
            return self.error_page(
                "Ứng dụng không hợp lệ (Invalid App ID)",
                "Mã ứng dụng không đúng hoặc chưa được đăng ký trong sandbox. "
                "(The provided app ID does not look like a valid app ID.)",
            )
        if not params.get("redirect_uri"):
            return self.error_page(
                "Thiếu địa chỉ quay lại (Missing redirect_uri)",
                "Yêu cầu đăng nhập không có redirect_uri. (The login request has no redirect_uri.)",
            )
        if params.get("response_type", "code") != "code":
            return self.error_page(
                "Kiểu phản hồi không hỗ trợ (Unsupported response_type)",
                "Sandbox chỉ hỗ trợ response_type=code. (Only response_type=code is served.)",
            )
        bad = [scope for scope in requested_scopes(request) if not SCOPE_NAME.match(scope)]
        if bad:
            return self.error_page(
                "Quyền không hợp lệ (Invalid Scopes)",
                f"Invalid Scopes: {', '.join(bad)}.",
            )
        return None

    def error_page(self, title: str, message: str) -> HTMLResponse:
        response = page(
            title,
            f"<header><h1>Facebook</h1></header><main><section class='card'>"
            f"<h2>{escape(title)}</h2><p>{escape(message)}</p></section></main>",
            look=LOOK,
        )
        response.status_code = 400
        return response

    def consent_page(self, request: Request) -> HTMLResponse:
        params = request.query_params
        app = self.store.app(PLATFORM, params["client_id"]) or {}
        app_name = str(app.get("name") or f"Ứng dụng (App) {params['client_id']}")
        pages = (
            "".join(
                f'<label><input type="checkbox" name="page" value="{escape(account.account_id)}"> '
                f"{escape(account.name)}</label>"
                for account in self.store.accounts(PLATFORM)
            )
            or "<p class='meta'>Chưa có Trang nào (No Pages yet)</p>"
        )
        roles = "".join(
            f'<option value="{key}">{escape(label)}</option>' for key, (label, _) in ROLES.items()
        )
        scopes = (
            "".join(
                f'<label><input type="checkbox" name="scope" value="{escape(scope)}" checked> '
                f"{escape(scope)}</label>"
                for scope in requested_scopes(request)
            )
            or "<p class='meta'>public_profile</p>"
        )
        body = (
            "<header><h1>Facebook</h1><p>Đăng nhập bằng Facebook (Log in with Facebook)</p>"
            f"</header><main><section class='card'><style>{FORM_STYLE}</style>"
            f"<h2>{escape(app_name)}</h2>"
            "<p class='meta'>Ứng dụng muốn truy cập các Trang của bạn "
            "(The app asks to manage your Pages)</p>"
            '<form method="post">'
            '<label for="person">Tên người dùng (Your name)</label>'
            f'<input type="text" id="person" name="person" value="{escape(DEFAULT_NAME)}">'
            f"<fieldset><legend>Trang (Pages)</legend>{pages}"
            '<label for="new_page">Tạo Trang mới (New Page name)</label>'
            '<input type="text" id="new_page" name="new_page" value=""></fieldset>'
            '<label for="role">Vai trò (Role)</label>'
            f'<select id="role" name="role">{roles}</select>'
            f"<fieldset><legend>Quyền (Permissions)</legend>{scopes}</fieldset>"
            '<button type="submit" name="action" value="continue">Tiếp tục (Continue)</button>'
            '<button type="submit" name="action" value="cancel">Hủy (Cancel)</button>'
            "</form></section></main>"
        )
        return page(f"Facebook · {app_name}", body, look=LOOK)

    async def dialog(self, request: Request) -> Response:
        refusal = self.dialog_refusal(request)
        if refusal is not None:
            return refusal
        if request.method == "GET":
            return self.consent_page(request)
        params = request.query_params
        redirect_uri = params["redirect_uri"]
        state = {"state": params["state"]} if "state" in params else {}
        form = await request.form()
        if form.get("action") != "continue":
            return RedirectResponse(
                with_query(
                    redirect_uri,
                    {
                        "error": "access_denied",
                        "error_code": "200",
                        "error_description": "Permissions error",
                        "error_reason": "user_denied",
                        **state,
                    },
                ),
                status_code=302,
            )
        name = str(form.get("person") or "").strip() or DEFAULT_NAME
        role = str(form.get("role") or "admin")
        tasks = list(ROLES.get(role, ROLES["admin"])[1])
        requested = requested_scopes(request)
        chosen = {str(value) for value in form.getlist("scope")}
        granted = [
            "public_profile",
            *(s for s in requested if s in chosen and s != "public_profile"),
        ]
        declined = [scope for scope in requested if scope not in granted]
        pages: dict[str, list[str]] = {}
        for value in form.getlist("page"):
            if self.store.account(PLATFORM, str(value)) is not None:
                pages[str(value)] = tasks
        new_page = str(form.get("new_page") or "").strip()
        if new_page:
            pages[self.create_page(new_page).account_id] = tasks
        code = "AQ" + secrets.token_urlsafe(64)
        self.store.put_record(
            CODES,
            code,
            {
                "client_id": params["client_id"],
                "redirect_uri": redirect_uri,
                "user_id": self.person_id(name),
                "name": name,
                "scopes": granted,
                "declined": declined,
                "pages": pages,
                "expires_at": time.time() + CODE_LIFETIME_S,
                "data_access_expires_at": int(time.time()) + DATA_ACCESS_S,
            },
            ttl_s=CODE_LIFETIME_S + AFTERLIFE_S,
        )
        return RedirectResponse(with_query(redirect_uri, {"code": code, **state}), status_code=302)

    def person_id(self, name: str) -> str:
        """The same name signs in as the same person."""
        person = self.store.record(PEOPLE, name)
        if person is None:
            person = {"id": str(self.store.next_number("facebook:people", FIRST_PERSON))}
            self.store.put_record(PEOPLE, name, person)
        return str(person["id"])

    def create_page(self, name: str) -> Account:
        while True:
            number = self.store.next_number("facebook:pages", FIRST_NEW_PAGE)
            page_id = DESCRIPTOR.sandbox_account(number=number, name="")
            if self.store.account(PLATFORM, page_id) is None:
                break
        return self.store.save_account(
            platform=PLATFORM,
            account_id=page_id,
            token=new_token(),
            name=name,
            extra={"category": CATEGORY},
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

    # What a token is

    @endpoint
    async def debug_token(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        app = self.app_of_token(token)

        async def handler() -> Response:
            input_token = incoming.text("input_token")
            if not input_token:
                raise GraphError(100, "(#100) The parameter input_token is required")
            return JSONResponse({"data": self.token_facts(input_token, app)})

        return await self.through_gate(app["app_id"], "debug_token", handler)

    def app_name(self, app_id: str) -> str:
        app = self.store.app(PLATFORM, app_id) or {}
        return str(app.get("name") or f"App {app_id}")

    def token_facts(self, token: str, app: dict[str, Any]) -> dict[str, Any]:
        session = self.user_session(token)
        if session is not None:
            facts: dict[str, Any] = {
                "app_id": session["app_id"],
                "type": "USER",
                "application": self.app_name(session["app_id"]),
                "data_access_expires_at": session["data_access_expires_at"],
                "expires_at": session["expires_at"],
                "is_valid": session["expires_at"] > time.time(),
                "issued_at": session["issued_at"],
                "scopes": session["scopes"],
                "granular_scopes": granular(session["scopes"], list(session["pages"])),
                "user_id": session["user_id"],
            }
            if not facts["is_valid"]:
                expired = session_expired(session["expires_at"])
                facts["error"] = {"code": 190, "message": expired.message, "subcode": 463}
            return facts
        account = self.store.account_by_token(PLATFORM, token)
        if account is not None:
            grant = grant_of(account) or {}
            expires_at = int(grant.get("expires_at", 0))
            scopes = page_scopes(account)
            facts = {
                "app_id": grant.get("app_id", app["app_id"]),
                "type": "PAGE",
                "application": self.app_name(grant.get("app_id", app["app_id"])),
                "data_access_expires_at": grant.get("data_access_expires_at", 0),
                "expires_at": expires_at,
                "is_valid": not expires_at or expires_at > time.time(),
                "issued_at": grant.get("issued_at", int(account.created_at)),
                "profile_id": account.account_id,
                "scopes": scopes,
                "granular_scopes": granular(scopes, [account.account_id]),
                "user_id": grant.get("user_id", account.account_id),
            }
            if not facts["is_valid"]:
                expired = session_expired(expires_at)
                facts["error"] = {"code": 190, "message": expired.message, "subcode": 463}
            return facts
        return {
            "error": {"code": 190, "message": "Invalid OAuth access token."},
            "is_valid": False,
            "scopes": [],
        }

    # The person's Pages and permissions

    @endpoint
    async def accounts(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        self.check_proof(incoming, token)
        if self.store.account_by_token(PLATFORM, token) is not None:
            raise no_such_field("accounts", "Page")
        session = self.live_session(token)

        async def handler() -> Response:
            limit = limit_of(incoming.text("limit"))
            granted = [
                (account, tasks)
                for page_id, tasks in session["pages"].items()
                if (account := self.store.account(PLATFORM, page_id)) is not None
            ]
            start = 0
            after = incoming.text("after")
            if after:
                ids = [account.account_id for account, _ in granted]
                at = decode_cursor(after)
                start = ids.index(at) + 1 if at in ids else len(ids)
            shown = granted[start : start + limit]
            data = [
                select(
                    self.page_entry(account, tasks, session),
                    incoming.text("fields"),
                    DEFAULT_ACCOUNT_FIELDS,
                )
                for account, tasks in shown
            ]
            body: dict[str, Any] = {"data": data}
            if shown:
                cursors = {
                    "before": encode_cursor(shown[0][0].account_id),
                    "after": encode_cursor(shown[-1][0].account_id),
                }
                body["paging"] = {"cursors": cursors}
                if start + limit < len(granted):
                    body["paging"]["next"] = next_url(request, cursors["after"])
            return JSONResponse(body)

        return await self.through_gate(session["user_id"], "accounts", handler)

    def page_entry(
        self, account: Account, tasks: list[str], session: dict[str, Any]
    ) -> dict[str, Any]:
        """The Page as /me/accounts lists it; handing its token out writes the grant on it."""
        grant = {
            "app_id": session["app_id"],
            "user_id": session["user_id"],
            "scopes": [scope for scope in session["scopes"] if scope != "public_profile"],
            "tasks": tasks,
            "issued_at": int(time.time()),
            "expires_at": 0 if session["long_lived"] else session["expires_at"],
            "data_access_expires_at": session["data_access_expires_at"],
        }
        if grant_of(account) != grant:
            account = self.store.save_account(
                platform=PLATFORM,
                account_id=account.account_id,
                token=account.token,
                name=account.name,
                extra={**account.extra, "grant": grant},
            )
        return {
            "access_token": account.token,
            "category": account.extra.get("category", CATEGORY),
            "category_list": CATEGORY_LIST,
            "name": account.name,
            "id": account.account_id,
            "tasks": page_tasks(account),
        }

    @endpoint
    async def permissions(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        self.check_proof(incoming, token)
        if self.store.account_by_token(PLATFORM, token) is not None:
            raise no_such_field("permissions", "Page")
        session = self.live_session(token)

        async def handler() -> Response:
            if request.method == "DELETE":
                for other, kept in self.store.records(USER_TOKENS).items():
                    if (kept["user_id"], kept["app_id"]) == (session["user_id"], session["app_id"]):
                        self.store.drop_record(USER_TOKENS, other)
                return JSONResponse({"success": True})
            data = [{"permission": scope, "status": "granted"} for scope in session["scopes"]]
            data += [{"permission": scope, "status": "declined"} for scope in session["declined"]]
            return JSONResponse({"data": data})

        return await self.through_gate(session["user_id"], "permissions", handler)

    def person(self, token: str, fields: str) -> dict[str, Any]:
        """`GET /me` with a user token."""
        session = self.live_session(token)
        known = {"id": session["user_id"], "name": session["name"]}
        for name in split_fields(fields):
            if name not in known:
                raise no_such_field(name, "User")
        return select(known, fields, ("name", "id"))


GRANT_KEYS = (
    "app_id",
    "user_id",
    "name",
    "scopes",
    "declined",
    "pages",
    "data_access_expires_at",
)


def requested_scopes(request: Request) -> list[str]:
    raw = request.query_params.get("scope", "")
    scopes: list[str] = []
    for scope in re.split(r"[,\s]+", raw):
        if scope and scope not in scopes:
            scopes.append(scope)
    return scopes


def granular(scopes: list[str], page_ids: list[str]) -> list[dict[str, Any]]:
    """Page permissions name the Pages they hold on; the others hold everywhere."""
    result: list[dict[str, Any]] = []
    for scope in scopes:
        if scope.startswith("pages_") or scope in {"read_insights", "publish_video"}:
            result.append({"scope": scope, "target_ids": page_ids})
        elif scope != "public_profile":
            result.append({"scope": scope})
    return result
