"""The pages a person sees during Mastodon's OAuth flow in the sandbox: the consent form (which
account, which scopes, authorise or deny), Doorkeeper's error page, and the code shown for an
out-of-band redirect. Plain HTML, bilingual labels, no JavaScript."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

from pressroom.sandbox.emulation import Look
from pressroom.sandbox.viewer import page

LOOK = Look(brand="Mastodon", accent="#6364ff", background="#191b22", dark=True)
NEW_ACCOUNT = "__new__"

FORM_STYLE = (
    "<style>form label{display:block;margin:12px 0 4px;font-weight:600}"
    "form select,form input[type=text]{width:100%;padding:8px;font-size:15px}"
    "form button{margin:16px 8px 0 0;padding:8px 18px;font-size:15px;border-radius:6px;"
    "border:0;cursor:pointer}.allow{background:#6364ff;color:#fff}.deny{background:#ddd}"
    ".error{color:#c0392b;font-weight:600}ul.scopes{margin:6px 0 0 18px;padding:0}"
    "code.oauth-code{display:block;font-size:18px;padding:10px;background:#eee;color:#000;"
    "overflow-wrap:anywhere}</style>"
)


def _framed(title: str, body: str, *, status: int = 200) -> HTMLResponse:
    header = "<header><h1>Mastodon</h1><p>Máy chủ thử nghiệm (Sandbox server)</p></header>"
    response = page(
        title, f'{FORM_STYLE}{header}<main><div class="card">{body}</div></main>', look=LOOK
    )
    response.status_code = status
    return response


def consent(
    *,
    app_name: str,
    scopes: list[str],
    accounts: list[tuple[str, str]],
    chosen: str = "",
    new_username: str = "",
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The consent form; `accounts` are (account id, shown name) pairs."""
    chosen = chosen or (accounts[0][0] if accounts else NEW_ACCOUNT)
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
        f"{escape(shown)}</option>"
        for value, shown in [*accounts, (NEW_ACCOUNT, "Tạo tài khoản mới (New account)")]
    )
    scope_items = "".join(f"<li><code>{escape(scope)}</code></li>" for scope in scopes)
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        "<h2>Yêu cầu cấp quyền (Authorization required)</h2>"
        f"<p>Ứng dụng <strong>{escape(app_name)}</strong> xin quyền truy cập tài khoản của bạn "
        f"(Application {escape(app_name)} requests access to your account).</p>"
        f"{problem}"
        '<form method="post">'
        '<label for="account">Tài khoản (Account)</label>'
        f'<select id="account" name="account">{options}</select>'
        '<label for="new_username">Tên tài khoản mới (New username)</label>'
        f'<input type="text" id="new_username" name="new_username" '
        f'value="{escape(new_username)}" autocomplete="off">'
        "<p>Ứng dụng sẽ có thể (It will be able to):</p>"
        f'<ul class="scopes">{scope_items}</ul>'
        '<button type="submit" class="allow" name="decision" value="authorize">'
        "Cho phép (Authorize)</button>"
        '<button type="submit" class="deny" name="decision" value="deny">'
        "Từ chối (Deny)</button>"
        "</form>"
    )
    return _framed("Yêu cầu cấp quyền (Authorization required)", body, status=status)


def error_page(description: str) -> HTMLResponse:
    """Doorkeeper's page for a request it cannot send back to the client (unknown client, a
    redirect URI the app did not register)."""
    body = (
        "<h2>Đã xảy ra lỗi (An error has occurred)</h2>"
        f'<p class="error" role="alert">{escape(description)}</p>'
    )
    return _framed("Đã xảy ra lỗi (An error has occurred)", body, status=400)


def code_page(code: str) -> HTMLResponse:
    """The code itself, for a client that registered urn:ietf:wg:oauth:2.0:oob."""
    body = (
        "<h2>Mã cấp quyền (Authorization code)</h2>"
        "<p>Sao chép mã này và dán vào ứng dụng (Copy this code and paste it into the "
        "application).</p>"
        f'<code class="oauth-code" id="code">{escape(code)}</code>'
        '<label for="code-input">Mã (Code)</label>'
        f'<input type="text" id="code-input" readonly value="{escape(code)}">'
    )
    return _framed("Mã cấp quyền (Authorization code)", body)


def denied_page(description: str) -> HTMLResponse:
    """What an out-of-band client's user sees after denying."""
    body = (
        "<h2>Đã từ chối (Access denied)</h2>"
        f'<p class="error" role="alert">{escape(description)}</p>'
    )
    return _framed("Đã từ chối (Access denied)", body, status=200)
