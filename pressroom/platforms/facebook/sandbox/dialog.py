"""Facebook Login's dialog for the sandbox (`GET|POST /{ver}/dialog/oauth`, www.facebook.com's):
the HTML page a trainee signs in with (their name, the sandbox's Pages or a new one, a role on
them, which of the requested permissions to grant), the pages for a request it refuses, and
the redirect: Continue with a code (oauth.py exchanges it for a user token), Cancel with
`error=access_denied`. The same name signs in as the same person.
"""

from __future__ import annotations

import re
import secrets
import time
from html import escape
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from pressroom.platforms.facebook.descriptor import DESCRIPTOR
from pressroom.platforms.facebook.sandbox.graph import CATEGORY, PLATFORM, ROLES
from pressroom.platforms.facebook.sandbox.oauth import AFTERLIFE_S, CODES, TokensApi, new_token
from pressroom.sandbox.emulation import Look
from pressroom.sandbox.store import Account
from pressroom.sandbox.viewer import page

CODE_LIFETIME_S = 600
DATA_ACCESS_S = 90 * 86400
PEOPLE = "facebook:people"

DEFAULT_NAME = "Học viên"
# Pages the dialog creates are numbered from here, far from the demo's and benchmarks' ids.
FIRST_NEW_PAGE = 5_000_000_000_001
FIRST_PERSON = 1_000_000_000_000_001
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


def with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


class DialogApi(TokensApi):
    """The login dialog, one method each."""

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


def requested_scopes(request: Request) -> list[str]:
    raw = request.query_params.get("scope", "")
    scopes: list[str] = []
    for scope in re.split(r"[,\s]+", raw):
        if scope and scope not in scopes:
            scopes.append(scope)
    return scopes
