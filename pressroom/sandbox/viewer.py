"""What each sandbox account published, as simple pages that look a little like the platform."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox.emulation import Look
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


class Viewer:
    """The feeds of every platform in `looks` (platform name → how it looks)."""

    def __init__(self, store: SandboxStore, looks: Mapping[str, Look]) -> None:
        self.store = store
        self.looks = looks

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
        return page(
            f"{account.name} · Bảng tin (Feed)",
            f"{self.header(account)}<main><h2>Bảng tin (Feed)</h2>{cards}</main>",
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


def routes(store: SandboxStore, looks: Mapping[str, Look]) -> list[BaseRoute]:
    return Viewer(store, looks).routes()
