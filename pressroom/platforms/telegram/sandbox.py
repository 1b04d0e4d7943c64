"""The Bot API methods Pressroom uses, emulated for the sandbox (mounted at /telegram).

A sandbox account is a channel; its token is the bot token allowed to post in it. The chat is
found by its account id, by `@username` or by its numeric id. Account settings: `username`
(public link t.me/<username>), `chat_id` (numeric id; derived from the account id otherwise).
Fault operations: the method name (`sendMessage`, `sendPhoto`, `sendMediaGroup` create).
Rate limit: 30 messages a second per bot token (the Bot FAQ's bulk limit), then 429 with
`parameters.retry_after`; an album counts as one call. The per-chat pace (about one message a
second) is advice rather than a hard limit and is not enforced.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.core.text import count_utf16
from pressroom.platforms.telegram.descriptor import DESCRIPTOR
from pressroom.sandbox import faults
from pressroom.sandbox.common import (
    BadRequestBody,
    Incoming,
    Upload,
    image_info,
    loads_json,
    read_incoming,
)
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError
from pressroom.sandbox.store import Account, SandboxStore

PLATFORM = "telegram"
MAX_TEXT, MAX_CAPTION = 4096, 1024
MIN_ALBUM, MAX_ALBUM = 2, 10
MAX_PHOTO_BYTES = 10 * 1024 * 1024
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup"})
MESSAGES_PER_SECOND = 30


# The HTML tags of the Bot API's HTML parse mode, and the entity each one makes.
HTML_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""")


class BotApiError(PlatformError):
    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return JSONResponse(body, status_code=self.code)


def bad_request(description: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {description}")


def chat_number(account: Account) -> int:
    """The channel's numeric id: given, the account id itself, or derived from it."""
    if account.extra.get("chat_id") is not None:
        return int(account.extra["chat_id"])
    try:
        return int(account.account_id)
    except ValueError:
        digest = int(hashlib.sha256(account.account_id.encode()).hexdigest(), 16)
        return -(1000000000000 + digest % 1000000000)


def username_of(account: Account) -> str:
    username = account.extra.get("username")
    if username:
        return str(username).lstrip("@")
    return account.account_id[1:] if account.account_id.startswith("@") else ""


def chat_object(account: Account) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_number(account), "title": account.name, "type": "channel"}
    username = username_of(account)
    if username:
        chat["username"] = username
    return chat


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The text as readers see it and its entities (offsets in UTF-16 units), as the Bot API
    parses `parse_mode=HTML`; a stray `<` or a tag it does not know is refused."""
    plain: list[str] = []
    entities: list[dict[str, Any]] = []
    open_tags: list[tuple[str, int, str]] = []
    offset = position = 0

    def add_data(data: str) -> None:
        nonlocal offset
        if "<" in data:
            raise bad_request('can\'t parse entities: unexpected "<" outside a tag')
        data = html.unescape(data)
        plain.append(data)
        offset += count_utf16(data)

    for tag in HTML_TAG.finditer(text):
        add_data(text[position : tag.start()])
        position = tag.end()
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name not in HTML_ENTITIES:
            raise bad_request(f'can\'t parse entities: unsupported start tag "{name}"')
        if not closing:
            href = HREF.search(tag.group(3) or "")
            open_tags.append((name, offset, href.group(1) if href else ""))
            continue
        if not open_tags or open_tags[-1][0] != name:
            raise bad_request(f'can\'t parse entities: unexpected end tag "{name}"')
        _name, start, url = open_tags.pop()
        if offset > start:
            entity: dict[str, Any] = {
                "type": HTML_ENTITIES[name],
                "offset": start,
                "length": offset - start,
            }
            if url:
                entity["url"] = html.unescape(url)
            entities.append(entity)
    add_data(text[position:])
    if open_tags:
        raise bad_request(
            "can't parse entities: can't find end tag corresponding to start tag "
            f'"{open_tags[-1][0]}"'
        )
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(plain), entities


def parsed(text: str, parse_mode: str) -> tuple[str, list[dict[str, Any]]]:
    """The text after entities parsing (no parse mode: as sent, without entities)."""
    if not parse_mode:
        return text, []
    if parse_mode.upper() != "HTML":
        raise bad_request(f"unsupported parse_mode in the sandbox: {parse_mode} (use HTML)")
    return parse_html(text)


class BotLimits:
    """Messages each bot token sent in the last second."""

    def __init__(self, per_second: int = MESSAGES_PER_SECOND) -> None:
        self.per_second = per_second
        self._sent: dict[str, deque[float]] = {}

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        if not creates:
            return None
        sent = self._sent.setdefault(account.token, deque())
        while sent and sent[0] <= now - 1.0:
            sent.popleft()
        if len(sent) >= self.per_second:
            # Telegram says whole seconds, at least one.
            return float(max(1, math.ceil(sent[0] + 1.0 - now)))
        sent.append(now)
        return None

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        return {}

    def reset(self) -> None:
        self._sent.clear()


class BotApi(EmulatedApi):
    """The Bot API's send methods behind one route, one method each."""

    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
                limiter=BotLimits(),
            ),
        )
        self.methods: dict[str, Callable[[Account, Incoming], Any]] = {
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendMediaGroup": self.send_media_group,
        }

    def bad_body(self, message: str) -> PlatformError:
        return bad_request(message)

    def find_chat(self, chat_id: Any) -> Account | None:
        wanted = str(chat_id).strip()
        account = self.store.account(PLATFORM, wanted)
        if account is not None:
            return account
        for account in self.store.accounts(PLATFORM):
            if wanted in {account.account_id, str(chat_number(account))}:
                return account
            username = username_of(account)
            if username and wanted.lower() == f"@{username}".lower():
                return account
        return None

    def photo_sizes(self, media_id: str) -> list[dict[str, Any]]:
        media = self.store.files.get(PLATFORM, media_id)
        if media is None:
            return []
        return [
            {
                "file_id": media.media_id,
                "file_unique_id": media.media_id[:16],
                "width": media.width,
                "height": media.height,
                "file_size": media.size,
            }
        ]

    def save_photo(self, channel: Account, upload: Upload) -> str:
        info = image_info(upload.content)
        if info is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        if len(upload.content) > MAX_PHOTO_BYTES:
            raise bad_request("file is too big")
        media_id = "AgAC" + secrets.token_urlsafe(24)
        self.store.files.save(
            platform=PLATFORM,
            account_id=channel.account_id,
            media_id=media_id,
            content=upload.content,
            content_type=info.content_type,
            width=info.width,
            height=info.height,
        )
        return media_id

    def photo_from(self, channel: Account, incoming: Incoming, reference: Any) -> str:
        """An uploaded file (`attach://name` or the field itself) or a known file_id."""
        if isinstance(reference, str) and reference.startswith("attach://"):
            upload = incoming.files.get(reference.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return self.save_photo(channel, upload)
        if isinstance(reference, str) and self.store.files.get(PLATFORM, reference) is not None:
            return reference
        raise bad_request("wrong file identifier/HTTP URL specified")

    def check_caption(self, caption: str) -> None:
        if count_utf16(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")

    def message(
        self,
        channel: Account,
        message_id: int,
        text: str,
        photo: str | None,
        entities: list[dict[str, Any]],
        **extra: Any,
    ) -> dict[str, Any]:
        chat = chat_object(channel)
        body: dict[str, Any] = {
            "message_id": message_id,
            "sender_chat": chat,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        if photo:
            body["photo"] = self.photo_sizes(photo)
            if text:
                body["caption"] = text
            if entities:
                body["caption_entities"] = entities
        else:
            body["text"] = text
            if entities:
                body["entities"] = entities
        return body

    def next_message_id(self, channel: Account, count: int = 1) -> int:
        first = self.store.next_number(f"telegram:{channel.account_id}")
        for _ in range(count - 1):
            self.store.next_number(f"telegram:{channel.account_id}")
        return first

    def record(
        self,
        channel: Account,
        message_id: int,
        text: str,
        photos: list[str],
        entities: list[dict[str, Any]],
        **data: Any,
    ) -> None:
        if entities:
            data["entities"] = entities
        self.store.add_item(
            platform=PLATFORM,
            account_id=channel.account_id,
            kind="message",
            remote_id=str(message_id),
            top_level=True,
            text=text,
            media=photos,
            data=data,
        )

    def send_message(self, channel: Account, incoming: Incoming) -> Any:
        text, entities = parsed(incoming.text("text"), incoming.text("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if count_utf16(text) > MAX_TEXT:
            raise bad_request("message is too long")
        message_id = self.next_message_id(channel)
        self.record(channel, message_id, text, [], entities)
        return self.message(channel, message_id, text, None, entities)

    def send_photo(self, channel: Account, incoming: Incoming) -> Any:
        caption, entities = parsed(incoming.text("caption"), incoming.text("parse_mode"))
        self.check_caption(caption)
        upload = incoming.files.get("photo")
        if upload is not None:
            photo = self.save_photo(channel, upload)
        elif incoming.get("photo"):
            photo = self.photo_from(channel, incoming, incoming.get("photo"))
        else:
            raise bad_request("there is no photo in the request")
        message_id = self.next_message_id(channel)
        self.record(channel, message_id, caption, [photo], entities)
        return self.message(channel, message_id, caption, photo, entities)

    def send_media_group(self, channel: Account, incoming: Incoming) -> Any:
        items = loads_json(incoming.get("media"))
        if not isinstance(items, list):
            raise bad_request("can't parse media JSON object")
        if not MIN_ALBUM <= len(items) <= MAX_ALBUM:
            raise bad_request("wrong number of media in the album: 2 to 10 are allowed")
        captions, photos = [], []
        for item in items:
            if not isinstance(item, dict) or item.get("type") != "photo":
                raise bad_request("only photos are accepted in a sandbox album")
            caption = parsed(str(item.get("caption") or ""), str(item.get("parse_mode") or ""))
            self.check_caption(caption[0])
            captions.append(caption)
        for item in items:
            photos.append(self.photo_from(channel, incoming, item.get("media")))
        first = self.next_message_id(channel, len(photos))
        group_id = str(self.store.next_number("telegram:media_groups", 13000000000000000))
        first_caption, first_entities = captions[0]
        self.record(channel, first, first_caption, photos, first_entities, media_group_id=group_id)
        return [
            self.message(channel, first + index, text, photo, entities, media_group_id=group_id)
            for index, ((text, entities), photo) in enumerate(zip(captions, photos, strict=True))
        ]

    async def bot_method(self, request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        try:
            if self.store.account_by_token(PLATFORM, token) is None:
                raise BotApiError(401, "Unauthorized")
            function = self.methods.get(method)
            if function is None:
                raise BotApiError(404, "Not Found")
            try:
                incoming = await read_incoming(request)
            except BadRequestBody as error:
                raise bad_request(str(error)) from error
            chat_id = incoming.get("chat_id")
            if chat_id is None or str(chat_id).strip() == "":
                raise bad_request("chat_id is empty")
            channel = self.find_chat(chat_id)
            if channel is None:
                raise bad_request("chat not found")
            if channel.token != token:
                raise BotApiError(403, "Forbidden: bot is not a member of the channel chat")
        except BotApiError as error:
            return error.response()

        async def handler() -> Response:
            try:
                result = function(channel, incoming)
            except BotApiError as error:
                return error.response()
            return JSONResponse({"ok": True, "result": result})

        return await self.gate.run(
            channel, operation=method, creates=method in SEND_METHODS, handler=handler
        )

    def routes(self) -> list[BaseRoute]:
        return [Route("/bot{token}/{method}", self.bot_method, methods=["GET", "POST"])]


def routes(store: SandboxStore) -> list[BaseRoute]:
    return BotApi(store).routes()


def fault_error(fault: faults.Fault) -> BotApiError:
    if fault.kind == "rate_limit":
        wait = int(fault.retry_after if fault.retry_after is not None else 8)
        return BotApiError(
            fault.status or 429,
            fault.message or f"Too Many Requests: retry after {wait}",
            {"retry_after": wait},
        )
    if fault.kind == "token_expired":
        return BotApiError(fault.status or 401, fault.message or "Unauthorized")
    if fault.kind == "reject":
        return BotApiError(fault.status or 400, fault.message or "Bad Request: PEER_ID_INVALID")
    if fault.kind == "server_error":
        return BotApiError(fault.status or 502, fault.message or "Bad Gateway")
    status = fault.status or (int(fault.code) if fault.code is not None else 500)
    return BotApiError(status, fault.message or "Internal Server Error")


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=Look(brand="Telegram", accent="#229ed9", background="#dfe9d6", item="Tin nhắn (Message)"),
)
