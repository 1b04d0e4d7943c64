"""The Bot API methods Pressroom uses, emulated for the sandbox (mounted at /telegram).

Methods at `/telegram/bot<token>/<method>` (names in any case, parameters in the query, a form
or JSON): getMe, getChat, getChatMember, getChatMemberCount (the connect flow's checks) and
sendMessage, sendPhoto, sendMediaGroup. Who the bots and channels are, and the account settings
that shape them, is in chats.py; `/telegram/botfather` is the training page that makes
a bot and a channel (botfather.py); text is parsed and counted in text.py.
Fault operations: the method name (`getMe`, `getChat`, `getChatMember`, `getChatMemberCount`,
and `sendMessage`, `sendPhoto`, `sendMediaGroup`, which create).
Rate limits (limits.py): 30 sends a second per bot token and 20 a minute per channel,
then 429 with `parameters.retry_after`; an album counts as one send.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.telegram.descriptor import DESCRIPTOR
from pressroom.platforms.telegram.sandbox import botfather
from pressroom.platforms.telegram.sandbox.chats import (
    bot_id,
    bot_member,
    bot_user,
    can_post,
    chat_full_info,
    chat_number,
    chat_object,
    is_member,
    member_count,
    username_of,
)
from pressroom.platforms.telegram.sandbox.errors import (
    NEED_ADMIN,
    NOT_A_MEMBER,
    BotApiError,
    bad_request,
    fault_error,
    forbidden,
)
from pressroom.platforms.telegram.sandbox.limits import BotLimits
from pressroom.platforms.telegram.sandbox.text import count_characters, formatted
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
# What api.telegram.org takes for a token at all: a bot id (digits, no leading zero), a colon,
# then anything without a slash; anything else is a path it does not serve (404).
TOKEN_SHAPE = re.compile(r"[1-9][0-9]{0,19}:[^/]{1,75}")


class BotApi(EmulatedApi):
    """The Bot API's methods behind one route, one method each."""

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
        chat_methods: dict[str, Callable[[Account, str, Incoming], Any]] = {
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatMemberCount": self.get_chat_member_count,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendMediaGroup": self.send_media_group,
        }
        # Telegram reads method names in any case (getchatmemberscount is the old name).
        self.chat_methods = {name.lower(): (name, method) for name, method in chat_methods.items()}
        self.chat_methods["getchatmemberscount"] = self.chat_methods["getchatmembercount"]

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

    def bot_account(self, token: str) -> Account:
        """The bot's first channel, which says who the bot is."""
        bot = self.store.account_by_token(PLATFORM, token)
        if bot is None:
            raise BotApiError(401, "Unauthorized")
        return bot

    # The connect flow's checks

    def get_me(self, bot: Account) -> dict[str, Any]:
        return bot_user(bot, full=True)

    def readable(self, channel: Account, token: str) -> None:
        """Anybody reads a public channel; only a member a private one."""
        if not username_of(channel) and not is_member(channel, token):
            raise forbidden(NOT_A_MEMBER)

    def get_chat(self, channel: Account, token: str, incoming: Incoming) -> Any:
        return chat_full_info(channel)

    def get_chat_member(self, channel: Account, token: str, incoming: Incoming) -> Any:
        if bot_id(token) != user_id(incoming):
            # The sandbox has no people: a user the bot never met is unknown to it.
            raise bad_request("user not found")
        return bot_member(channel, token, self.bot_account(token))

    def get_chat_member_count(self, channel: Account, token: str, incoming: Incoming) -> Any:
        return member_count(channel)

    # Sending

    def postable(self, channel: Account, token: str) -> None:
        if not is_member(channel, token):
            raise forbidden(NOT_A_MEMBER)
        if not can_post(channel, token):
            raise bad_request(NEED_ADMIN)

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

    def caption(self, caption: Any, parse_mode: Any) -> tuple[str, list[dict[str, Any]]]:
        """A photo's caption as Telegram keeps it: parsed, cleaned, at most 1,024 characters."""
        kept = formatted(
            "" if caption is None else str(caption),
            "" if parse_mode is None else str(parse_mode),
            allow_empty=True,
        )
        if count_characters(kept.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return kept.text, kept.entities

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

    def send_message(self, channel: Account, token: str, incoming: Incoming) -> Any:
        raw = incoming.text("text")
        if not raw:
            raise bad_request("message text is empty")
        kept = formatted(raw, incoming.text("parse_mode"), allow_empty=False)
        text, entities = kept.text, kept.entities
        if count_characters(text) > MAX_TEXT:
            raise bad_request("message is too long")
        message_id = self.next_message_id(channel)
        self.record(channel, message_id, text, [], entities)
        return self.message(channel, message_id, text, None, entities)

    def send_photo(self, channel: Account, token: str, incoming: Incoming) -> Any:
        caption, entities = self.caption(incoming.get("caption"), incoming.get("parse_mode"))
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

    def send_media_group(self, channel: Account, token: str, incoming: Incoming) -> Any:
        items = loads_json(incoming.get("media"))
        if not isinstance(items, list):
            raise bad_request("can't parse media JSON object")
        if not MIN_ALBUM <= len(items) <= MAX_ALBUM:
            raise bad_request("wrong number of media in the album: 2 to 10 are allowed")
        captions, photos = [], []
        for item in items:
            if not isinstance(item, dict) or item.get("type") != "photo":
                raise bad_request("only photos are accepted in a sandbox album")
            captions.append(self.caption(item.get("caption"), item.get("parse_mode")))
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
            if not TOKEN_SHAPE.fullmatch(token):
                raise BotApiError(404, "Not Found")
            bot = self.bot_account(token)
            if method.lower() == "getme":
                return await self.answer(bot, "getMe", lambda: self.get_me(bot))
            name, function = self.chat_methods.get(method.lower(), ("", None))
            if function is None:
                raise BotApiError(404, "Not Found")
            try:
                incoming = await read_incoming(request)
            except BadRequestBody as error:
                raise bad_request(str(error)) from error
            if name == "getChatMember":
                user_id(incoming)
            channel = self.find_chat(incoming.get("chat_id", ""))
            if channel is None:
                raise bad_request(chat_lookup_error(incoming.get("chat_id")))
            if name in SEND_METHODS:
                self.postable(channel, token)
            else:
                self.readable(channel, token)
        except BotApiError as error:
            return error.response()
        return await self.answer(
            channel,
            name,
            lambda: function(channel, token, incoming),
            creates=name in SEND_METHODS,
        )

    async def answer(
        self, account: Account, operation: str, result: Callable[[], Any], *, creates: bool = False
    ) -> Response:
        """The method's result as `{"ok":true,"result":…}`, behind the account's conditions."""

        async def handler() -> Response:
            return JSONResponse({"ok": True, "result": result()})

        return await self.guarded(account, operation, handler, creates=creates)

    def routes(self) -> list[BaseRoute]:
        return [
            *botfather.routes(self.store),
            Route("/bot{token}/{method}", self.bot_method, methods=["GET", "POST"]),
        ]


def user_id(incoming: Incoming) -> int:
    """The `user_id` parameter, as telegram-bot-api reads it (a positive integer)."""
    try:
        value = int(str(incoming.get("user_id", "")).strip())
    except ValueError:
        value = 0
    if value <= 0:
        raise bad_request("invalid user_id specified")
    return value


def chat_lookup_error(chat_id: Any) -> str:
    return "chat_id is empty" if chat_id is None or str(chat_id).strip() == "" else "chat not found"


def routes(store: SandboxStore) -> list[BaseRoute]:
    return BotApi(store).routes()


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=Look(brand="Telegram", accent="#229ed9", background="#dfe9d6", item="Tin nhắn (Message)"),
)
