"""A training BotFather (`/telegram/botfather`): a trainee makes a bot and a channel in one go
and gets the bot token and the channel's @username to connect in Pressroom.

With the real Telegram these are several steps (BotFather's /newbot, a new channel, the bot
added as an administrator that may post); the page says so. The sandbox account it makes is a
channel like any other (chats.py): a token of the real shape (`<bot id>:<35
characters>`), the channel's `username`, its numeric `chat_id`, the bot's `bot_username` and
`bot_name`, and `bot_can_post` from the checkbox.
"""

from __future__ import annotations

import re
import secrets
import string
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.telegram.sandbox.chats import bot_username, username_of
from pressroom.sandbox.emulation import Look
from pressroom.sandbox.store import SandboxStore
from pressroom.sandbox.viewer import page

PLATFORM = "telegram"
LOOK = Look(brand="Telegram", accent="#229ed9", background="#dfe9d6")
MAX_TITLE = 128
MAX_BOT_NAME = 64
# Telegram's rule for a public username (tdlib's is_allowed_username): 5 to 32 letters,
# digits and underscores, starting with a letter, not ending with one, no two in a row.
USERNAME_CHARACTERS = re.compile(r"[A-Za-z0-9_]+")
TOKEN_ALPHABET = string.ascii_letters + string.digits + "_-"
# Sites whose form posts the page refuses: only its own page may create an account.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})

FORM_STYLE = """
form label{display:block;margin:12px 0 4px;font-weight:600}
form input[type=text]{width:100%;padding:8px;border:1px solid #ccd0d5;border-radius:6px;
 font:inherit}
form label.check{font-weight:400;display:flex;gap:8px;align-items:center}
form button{margin-top:16px;padding:8px 18px;border:0;border-radius:6px;
 background:var(--accent);color:#fff;font:inherit;cursor:pointer}
.error{color:#b3261e;margin:4px 0 0}
code{background:#f0f2f5;padding:2px 6px;border-radius:4px;overflow-wrap:anywhere}
ol li{margin:6px 0}
"""


def username_problem(username: str, taken: set[str]) -> str:
    """What is wrong with the channel's @username, bilingual; empty when nothing is."""
    if not username:
        return "Hãy nhập tên công khai cho kênh (Enter a public @username for the channel)."
    if not USERNAME_CHARACTERS.fullmatch(username):
        return (
            "Chỉ dùng chữ cái không dấu, chữ số và dấu gạch dưới "
            "(Use only letters a-z, digits and underscores)."
        )
    if not 5 <= len(username) <= 32:
        return "Tên phải dài từ 5 đến 32 ký tự (It must be 5 to 32 characters long)."
    if not username[0].isalpha():
        return "Tên phải bắt đầu bằng một chữ cái (It must start with a letter)."
    if username.endswith("_") or "__" in username:
        return (
            "Tên không được kết thúc bằng dấu gạch dưới hay có hai dấu liền nhau "
            "(It cannot end with an underscore or have two in a row)."
        )
    if username.lower() in taken:
        return "Tên này đã có người dùng (This username is already taken)."
    return ""


def new_token() -> str:
    """A bot token of the real shape: an 8 to 10 digit bot id, a colon, 35 characters."""
    digits = 8 + secrets.randbelow(3)
    bot = 10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1))
    secret = "AA" + "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(33))
    return f"{bot}:{secret}"


class BotFather:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def taken_usernames(self) -> set[str]:
        taken: set[str] = set()
        for account in self.store.accounts(PLATFORM):
            for name in (username_of(account), bot_username(account)):
                if name:
                    taken.add(name.lower())
        return taken

    def form(
        self,
        *,
        title: str = "",
        username: str = "",
        bot_can_post: bool = True,
        errors: dict[str, str] | None = None,
    ) -> HTMLResponse:
        errors = errors or {}

        def error(field: str) -> str:
            if field not in errors:
                return ""
            return f'<p class="error" id="{field}-error">{escape(errors[field])}</p>'

        checked = " checked" if bot_can_post else ""
        body = (
            "<header><h1>BotFather (sandbox)</h1>"
            "<p>Tạo bot và kênh để tập kết nối (Create a bot and a channel to practise "
            "connecting)</p></header><main>"
            '<form method="post" class="card">'
            '<label for="title">Tên kênh (Channel title)</label>'
            f'<input type="text" id="title" name="title" value="{escape(title)}" '
            f'maxlength="{MAX_TITLE}">'
            f"{error('title')}"
            '<label for="username">Tên công khai của kênh (Channel @username)</label>'
            f'<input type="text" id="username" name="username" value="{escape(username)}" '
            'maxlength="40">'
            f"{error('username')}"
            '<label class="check" for="bot_can_post">'
            f'<input type="checkbox" id="bot_can_post" name="bot_can_post" value="1"{checked}>'
            "Bot là quản trị viên được đăng bài (The bot is an admin that may post)</label>"
            '<button type="submit">Tạo (Create)</button>'
            "</form></main>"
        )
        response = page("BotFather (sandbox)", f"<style>{FORM_STYLE}</style>{body}", look=LOOK)
        if errors:
            response.status_code = 400
        return response

    def created(
        self,
        *,
        title: str,
        username: str,
        token: str,
        bot: str,
        bot_name: str,
        bot_can_post: bool,
    ) -> HTMLResponse:
        rights = (
            "được đăng bài (may post)"
            if bot_can_post
            else "không được đăng bài (may not post): Pressroom sẽ báo lỗi (Pressroom will say so)"
        )
        body = (
            "<header><h1>BotFather (sandbox)</h1>"
            "<p>Đã tạo bot và kênh (Bot and channel created)</p></header><main>"
            '<section class="card"><h2>Đã tạo (Created)</h2>'
            f"<p>Kênh (Channel): <strong>{escape(title)}</strong> "
            f'<code id="channel-username">@{escape(username)}</code></p>'
            f"<p>Bot: <strong>{escape(bot_name)}</strong> "
            f'<code id="bot-username">@{escape(bot)}</code>, quản trị viên {rights}</p>'
            '<p>Mã bot (Bot token): <code id="bot-token">'
            f"{escape(token)}</code></p>"
            "<p>Dán mã bot và tên kênh vào Pressroom khi kết nối kênh Telegram (Paste the bot "
            "token and the channel's @username into Pressroom when connecting a Telegram "
            "channel). Giữ mã bot bí mật (Keep the token secret).</p>"
            f'<p><a href="/view/telegram/@{escape(username)}">Xem kênh (View the channel)</a> · '
            '<a href="/telegram/botfather">Tạo thêm (Create another)</a></p></section>'
            '<section class="card"><h2>Với Telegram thật (With the real Telegram)</h2><ol>'
            "<li>Mở <code>@BotFather</code> trong Telegram, gửi <code>/newbot</code>, đặt tên "
            "và tên người dùng kết thúc bằng <code>bot</code> (Open @BotFather, send /newbot, "
            "give a name and a username ending in “bot”).</li>"
            "<li>BotFather trả lời bằng mã bot; chép lại (BotFather answers with the bot "
            "token; copy it).</li>"
            "<li>Tạo kênh, đặt kênh công khai với một tên công khai (Create a channel and make "
            "it public with an @username).</li>"
            "<li>Trong kênh: Quản trị viên → Thêm quản trị viên → chọn bot, bật quyền "
            "“Đăng tin” (In the channel: Administrators → Add Admin → the bot, with "
            "“Post Messages” on).</li>"
            "<li>Dán mã bot và tên công khai của kênh vào Pressroom (Paste the token and the "
            "channel's @username into Pressroom).</li>"
            "</ol></section></main>"
        )
        response = page("BotFather (sandbox)", f"<style>{FORM_STYLE}</style>{body}", look=LOOK)
        response.status_code = 201
        return response

    async def show(self, request: Request) -> Response:
        return self.form()

    async def create(self, request: Request) -> Response:
        site = request.headers.get("sec-fetch-site")
        origin = request.headers.get("origin")
        own_origin = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if (site is not None and site not in OWN_FETCH_SITES) or (
            origin is not None and origin != own_origin
        ):
            return HTMLResponse(
                "Chỉ trang này được tạo bot (Only this page may create a bot)", status_code=403
            )
        form = await request.form()
        title = str(form.get("title") or "").strip()
        username = str(form.get("username") or "").strip().removeprefix("@")
        bot_can_post = bool(form.get("bot_can_post"))
        errors = {}
        if not title:
            errors["title"] = "Hãy nhập tên kênh (Enter the channel's title)."
        elif len(title) > MAX_TITLE:
            errors["title"] = (
                f"Tên kênh dài tối đa {MAX_TITLE} ký tự (At most {MAX_TITLE} characters)."
            )
        taken = self.taken_usernames()
        problem = username_problem(username, taken)
        if problem:
            errors["username"] = problem
        if errors:
            return self.form(
                title=title, username=username, bot_can_post=bot_can_post, errors=errors
            )
        token = new_token()
        bot_name = title[:MAX_BOT_NAME]
        bot = bot_username_for(username, taken | {username.lower()})
        self.store.save_account(
            platform=PLATFORM,
            account_id=f"@{username}",
            token=token,
            name=title,
            extra={
                "username": username,
                "chat_id": -(10**12 + 10**9 + secrets.randbelow(9 * 10**9)),
                "bot_username": bot,
                "bot_name": bot_name,
                "bot_status": "administrator",
                "bot_can_post": bot_can_post,
            },
        )
        return self.created(
            title=title,
            username=username,
            token=token,
            bot=bot,
            bot_name=bot_name,
            bot_can_post=bot_can_post,
        )


def bot_username_for(channel_username: str, taken: set[str]) -> str:
    """The bot's @username: the channel's, ending in "bot" as Telegram wants of a bot's, and
    numbered when another bot or channel has it."""
    base = channel_username[:28].rstrip("_")
    candidate, number = f"{base}_bot", 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base[:24].rstrip('_')}{number}_bot"
    return candidate


def routes(store: SandboxStore) -> list[BaseRoute]:
    botfather = BotFather(store)
    return [
        Route("/botfather", botfather.show, methods=["GET"]),
        Route("/botfather", botfather.create, methods=["POST"]),
    ]
