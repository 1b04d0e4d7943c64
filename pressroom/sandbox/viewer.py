"""What each sandbox account published, as simple pages that look a little like the platform,
with what the public wrote under each post and to the account, and the account's answers.

Comments come from the platform's `Public.comments(post)`, messages from its `messages(account)`
when it has one (oldest first). Each item's `data` says who wrote it and what it answers:
`author` (a name) and `by_page` (the account itself), `parent` (the remote id of the comment
it replies to; none, or the post's, for a comment on the post) and `conversation` (which
conversation a message is in); the platforms' own fields (`from`, `sender`, `account`,
`parent_id`, `in_reply_to_id`, …) are read when those are absent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox.emulation import Look, Public
from pressroom.sandbox.store import Account, Item, SandboxStore

VIETNAM = timezone(timedelta(hours=7))
FEED_LENGTH = 100

PLAIN = Look(brand="Sandbox")

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 background:var(--bg);color:#1c1e21}
header{background:var(--accent);color:#fff;padding:12px 20px}
header a{color:#fff;text-decoration:none}
header h1{margin:0;font-size:20px}
header p{margin:2px 0 0;opacity:.85;font-size:13px}
main{max-width:640px;margin:16px auto;padding:0 12px}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 2px rgba(0,0,0,.15);
 padding:14px 16px;margin-bottom:14px}
.card h2{font-size:18px;margin:0 0 8px}
.meta{font-size:13px;color:#65676b;margin-bottom:8px}
.meta a{color:#65676b}
.text{white-space:normal;overflow-wrap:anywhere}
.photos{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:4px;
 margin-top:10px}
.photos img{width:100%;height:auto;border-radius:6px;display:block}
.link{display:block;margin-top:8px;padding:8px 10px;border:1px solid #dadde1;
 border-radius:6px;color:var(--accent);overflow-wrap:anywhere}
.empty{color:#65676b;text-align:center;padding:24px}
ul.accounts{list-style:none;padding:0;margin:0}
ul.accounts li{padding:6px 0;border-bottom:1px solid #eee}
ul.accounts a{color:var(--accent);text-decoration:none}
.comments{margin-top:10px;border-top:1px solid #dadde1;padding-top:6px}
.comment{margin:6px 0;padding:6px 10px;background:#f0f2f5;border-radius:12px}
.comment .comment{margin-left:18px;background:#fff;border:1px solid #e4e6eb}
.comment.page{border-left:3px solid var(--accent)}
.comment b,.message b{font-size:13px}
.messages summary{cursor:pointer;font-weight:600}
.conversation{margin-top:10px;border-top:1px solid #eee;padding-top:6px}
.message{margin:4px 0;padding:6px 10px;border-radius:12px;background:#f0f2f5;max-width:85%}
.message.page{margin-left:auto;background:var(--accent);color:#fff}
.message.page .meta{color:#eef}
.dark .comment,.dark .message{background:#323744}
.dark{--bg:#191b22}.dark main .card{background:#282c37;color:#d9e1e8}
.dark main>h2{color:#d9e1e8}.dark .meta,.dark .meta a{color:#9baec8}
"""


def local_time(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def page(title: str, body: str, *, look: Look = PLAIN) -> HTMLResponse:
    accent, background = look.accent, look.background
    dark = ' class="dark"' if look.dark else ""
    return HTMLResponse(
        "<!doctype html>\n"
        f'<html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>:root{{--accent:{accent};--bg:{background}}}{STYLE}</style></head>"
        f"<body{dark}>{body}</body></html>"
    )


def text_html(text: str, entities: Any = ()) -> str:
    """The text, with the bold parts of its entities (Telegram's offsets in UTF-16 units)."""
    bold = sorted(
        (int(entity["offset"]), int(entity["length"]))
        for entity in entities or ()
        if isinstance(entity, dict) and entity.get("type") == "bold"
    )
    if not bold:
        return escape(text).replace("\n", "<br>")
    units = text.encode("utf-16-le")

    def part(start: int, end: int) -> str:
        piece = units[start * 2 : end * 2].decode("utf-16-le", errors="replace")
        return escape(piece).replace("\n", "<br>")

    pieces, position = [], 0
    for offset, length in bold:
        if offset < position:
            continue
        pieces += [part(position, offset), f"<strong>{part(offset, offset + length)}</strong>"]
        position = offset + length
    pieces.append(part(position, len(units) // 2))
    return "".join(pieces)


MAX_DEPTH = 4
PARENT_FIELDS = (
    "parent",
    "parent_id",
    "in_reply_to_id",
    "reply_to",
    "reply_to_message",
    "reply_to_message_id",
)
SENDER_FIELDS = ("from", "sender", "account", "user")
NAME_FIELDS = ("name", "display_name", "acct", "username", "first_name")
PAGE_FLAGS = ("by_page", "from_page", "by_bot")


def _fields(item: Item) -> list[dict[str, Any]]:
    """The item's data, and the platform message it keeps (a Telegram `message`)."""
    nested = item.data.get("message")
    return [item.data, nested] if isinstance(nested, dict) else [item.data]


def author_of(item: Item, account: Account) -> tuple[str, bool]:
    """Who wrote an item under the account's posts or to it, and whether the account did."""
    fields = _fields(item)
    flags = [data[flag] for data in fields for flag in PAGE_FLAGS if flag in data]
    if True in flags:
        return account.name, True
    sender = next((data[key] for data in fields for key in SENDER_FIELDS if key in data), None)
    sender_id, name = "", ""
    if isinstance(sender, dict):
        sender_id = str(sender.get("id", ""))
        name = next((str(sender[key]) for key in NAME_FIELDS if sender.get(key)), "")
        if sender.get("first_name") and sender.get("last_name"):
            name = f"{sender['first_name']} {sender['last_name']}"
    elif isinstance(sender, str | int) and not isinstance(sender, bool):
        sender_id = str(sender)
    sender_id = sender_id or str(item.data.get("from_id", ""))
    # An item kept under someone else's account (a Mastodon reply) is theirs.
    if item.account_id != account.account_id:
        sender_id = sender_id or item.account_id
    elif not flags and sender_id == account.account_id:
        return account.name, True
    given = item.data.get("author") or item.data.get("from_display_name")
    return str(given or name or sender_id or "—"), False


def _reference(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id") or value.get("message_id")
    if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
        return str(value)
    return ""


def parent_of(item: Item) -> str:
    """What an item answers, as its data names it (a remote id, or a platform message id)."""
    for data in _fields(item):
        for key in PARENT_FIELDS:
            found = _reference(data.get(key))
            if found:
                return found
    return ""


def names_of(item: Item) -> list[str]:
    """What other items call it by: its remote id, and its platform message id."""
    nested = item.data.get("message")
    message_id = _reference(nested.get("message_id")) if isinstance(nested, dict) else ""
    return [item.remote_id, message_id] if message_id else [item.remote_id]


class Threads:
    """Comments under posts and messages to accounts, from each platform's public."""

    def __init__(self, publics: Mapping[str, Public]) -> None:
        self.publics = publics

    def comments(self, account: Account, post: Item) -> str:
        public = self.publics.get(account.platform)
        if public is None:
            return ""
        comments = public.comments(post)
        if not comments:
            return ""
        known = {name: comment.remote_id for comment in comments for name in names_of(comment)}
        replies: dict[str, list[Item]] = {}
        for comment in comments:
            parent = known.get(parent_of(comment), "")
            replies.setdefault(parent if parent != comment.remote_id else "", []).append(comment)

        def drawn(comment: Item, depth: int) -> str:
            name, by_page = author_of(comment, account)
            under = replies.get(comment.remote_id, []) if depth < MAX_DEPTH else []
            inner = "".join(drawn(reply, depth + 1) for reply in under)
            return (
                f'<div class="comment{" page" if by_page else ""}" '
                f'id="comment-{escape(comment.remote_id)}"><b>{escape(name)}</b> '
                f'<span class="meta">{local_time(comment.created_at)}</span>'
                f'<div class="text">{text_html(comment.text)}</div>{inner}</div>'
            )

        drawn_all = "".join(drawn(comment, 1) for comment in replies.get("", []))
        return (
            f'<div class="comments"><div class="meta">{len(comments)} bình luận (comments)'
            f"</div>{drawn_all}</div>"
        )

    def messages(self, account: Account) -> str:
        listed: Callable[[Account], list[Item]] | None = getattr(
            self.publics.get(account.platform), "messages", None
        )
        if not callable(listed):
            return ""
        messages = listed(account)
        conversations: dict[str, list[Item]] = {}
        for message in messages:
            key = message.data.get("conversation") or message.data.get("citizen") or ""
            conversations.setdefault(str(key), []).append(message)
        drawn = []
        for conversation in conversations.values():
            people = [author_of(message, account) for message in conversation]
            who = next((name for name, by_page in people if not by_page), "—")
            lines = "".join(
                f'<div class="message{" page" if by_page else ""}"><b>{escape(name)}</b> '
                f'<span class="meta">{local_time(message.created_at)}</span>'
                f'<div class="text">{text_html(message.text)}</div></div>'
                for message, (name, by_page) in zip(conversation, people, strict=True)
            )
            drawn.append(
                f'<div class="conversation"><div class="meta">{escape(who)}</div>{lines}</div>'
            )
        shown = "".join(drawn) or '<p class="empty">Chưa có tin nhắn (No messages yet)</p>'
        return (
            f'<details class="card messages" id="messages" open><summary>Tin nhắn (Messages) · '
            f"{len(messages)}</summary>{shown}</details>"
        )


class Viewer:
    """The feeds of every platform in `looks` (platform name → how it looks)."""

    def __init__(
        self,
        store: SandboxStore,
        looks: Mapping[str, Look],
        publics: Mapping[str, Public] | None = None,
    ) -> None:
        self.store = store
        self.looks = looks
        self.threads = Threads(publics or {})

    def account_url(self, account: Account) -> str:
        return f"/view/{account.platform}/{quote(account.account_id, safe='@')}"

    def image_urls(self, item: Item) -> list[str]:
        urls = []
        for reference in item.media:
            media = self.store.files.get(item.platform, reference)
            if media is not None:
                urls.append(media.url_path)
            elif reference.startswith(("http://", "https://")):
                urls.append(reference)
        return urls

    def header(self, account: Account) -> str:
        label = self.looks[account.platform].brand
        return (
            f'<header><a href="{self.account_url(account)}"><h1>{escape(account.name)}</h1></a>'
            f"<p>{escape(label)} · {escape(account.account_id)} · "
            '<a href="/view/">Tất cả tài khoản (All accounts)</a></p></header>'
        )

    def card(self, account: Account, item: Item) -> str:
        permalink = f"{self.account_url(account)}/{quote(item.remote_id, safe='')}"
        parts = ['<article class="card">']
        if item.title:
            parts.append(f"<h2>{escape(item.title)}</h2>")
        parts.append(
            f'<div class="meta">{escape(account.name)} · '
            f'<a href="{permalink}"><time>{local_time(item.created_at)}</time></a></div>'
        )
        if item.text:
            text = text_html(item.text, item.data.get("entities"))
            parts.append(f'<div class="text">{text}</div>')
        if item.link:
            href = item.link if item.link.startswith(("http://", "https://")) else "#"
            parts.append(
                f'<a class="link" href="{escape(href)}" rel="noopener">{escape(item.link)}</a>'
            )
        urls = self.image_urls(item)
        if urls:
            images = "".join(f'<img src="{escape(url)}" alt="" loading="lazy">' for url in urls)
            parts.append(f'<div class="photos">{images}</div>')
        parts.append(self.threads.comments(account, item))
        parts.append("</article>")
        return "".join(parts)

    def not_found(self, what: str) -> HTMLResponse:
        response = page(
            "Không tìm thấy (Not found)",
            '<header><a href="/view/"><h1>Sandbox</h1></a></header><main>'
            f'<p class="card empty">Không tìm thấy (Not found): {escape(what)}</p></main>',
        )
        response.status_code = 404
        return response

    async def index(self, request: Request) -> Response:
        sections = []
        for platform, look in self.looks.items():
            label = look.brand
            accounts = self.store.accounts(platform)
            links = "".join(
                f'<li><a href="{self.account_url(account)}">{escape(account.name)}</a> '
                f"<small>{escape(account.account_id)}</small></li>"
                for account in accounts
            )
            sections.append(
                f'<section class="card"><h2>{escape(label)}</h2>'
                f'<ul class="accounts">{links or "<li>—</li>"}</ul></section>'
            )
        return page(
            "Sandbox",
            "<header><h1>Sandbox: tài khoản (Accounts)</h1>"
            "<p>Các kênh giả lập (emulated channels)</p></header>"
            f"<main>{''.join(sections)}</main>",
        )

    async def feed(self, request: Request) -> Response:
        platform, account_id = request.path_params["platform"], request.path_params["account_id"]
        account = self.store.account(platform, account_id) if platform in self.looks else None
        if account is None:
            return self.not_found(f"{platform}/{account_id}")
        items = self.store.items(
            platform=platform,
            account_id=account_id,
            top_level=True,
            newest_first=True,
            limit=FEED_LENGTH,
        )
        cards = "".join(self.card(account, item) for item in items) or (
            '<p class="card empty">Chưa có bài nào (Nothing published yet)</p>'
        )
        messages = self.threads.messages(account)
        return page(
            f"{account.name} · Bảng tin (Feed)",
            f"{self.header(account)}<main>{messages}<h2>Bảng tin (Feed)</h2>{cards}</main>",
            look=self.looks[platform],
        )

    async def one(self, request: Request) -> Response:
        platform, account_id = request.path_params["platform"], request.path_params["account_id"]
        account = self.store.account(platform, account_id) if platform in self.looks else None
        item = self.store.item(platform, request.path_params["remote_id"], account_id)
        if account is None or item is None or not item.top_level:
            return self.not_found(request.path_params["remote_id"])
        label = self.looks[platform].item
        return page(
            f"{account.name} · {label}",
            f"{self.header(account)}<main><h2>{escape(label)}</h2>"
            f"{self.card(account, item)}</main>",
            look=self.looks[platform],
        )

    async def root(self, request: Request) -> Response:
        return RedirectResponse("/view/")

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/", self.root, methods=["GET"]),
            Route("/view", self.root, methods=["GET"]),
            Route("/view/", self.index, methods=["GET"]),
            Route("/view/{platform}/{account_id}", self.feed, methods=["GET"]),
            Route("/view/{platform}/{account_id}/{remote_id}", self.one, methods=["GET"]),
        ]


def routes(
    store: SandboxStore, looks: Mapping[str, Look], publics: Mapping[str, Public] | None = None
) -> list[BaseRoute]:
    return Viewer(store, looks, publics).routes()
