"""The Bot API methods Pressroom uses, emulated for the sandbox (mounted at /telegram).

Methods at `/telegram/bot<token>/<method>` (names in any case, parameters in the query, a form
or JSON): getMe, getChat, getChatMember, getChatMemberCount (the connect flow's checks),
sendMessage, sendPhoto, sendMediaGroup (posting.py), deleteMessage, and the bot's updates:
getUpdates, setWebhook, deleteWebhook, getWebhookInfo (updates.py, webhook.py). Who the bots
and channels are, and the account settings that shape them, is in chats.py; each channel's
discussion group, where its posts are forwarded and commented, in discussion.py; the group and
private chats with the bot in conversations.py; what simulated citizens do in public.py.
`/telegram/botfather` is the training page that makes a bot and a channel (botfather.py); text
is parsed and counted in text.py.
Fault operations: the method name (`getMe`, `getChat`, `getChatMember`, `getChatMemberCount`,
`getUpdates`, `setWebhook`, `deleteWebhook`, `getWebhookInfo`, `deleteMessage`, and
`sendMessage`, `sendPhoto`, `sendMediaGroup`, which create); in a discussion group or a private
chat, under the account of the channel (or of the bot's first channel).
Rate limits (limits.py): 30 sends a second per bot token and 20 a minute per channel (and per
discussion group), then 429 with `parameters.retry_after`; an album counts as one send.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.telegram.descriptor import DESCRIPTOR
from pressroom.platforms.telegram.sandbox import botfather, updates, webhook
from pressroom.platforms.telegram.sandbox.chats import (
    bot_id,
    bot_member,
    bot_user,
    can_post,
    chat_full_info,
    chat_number,
    is_member,
    member_count,
    username_of,
)
from pressroom.platforms.telegram.sandbox.conversations import Conversations, Target
from pressroom.platforms.telegram.sandbox.discussion import discussion_chat_id
from pressroom.platforms.telegram.sandbox.errors import (
    NEED_ADMIN,
    NOT_A_MEMBER,
    BotApiError,
    bad_request,
    fault_error,
    forbidden,
)
from pressroom.platforms.telegram.sandbox.limits import CHAT, BotLimits
from pressroom.platforms.telegram.sandbox.posting import ChannelPosting
from pressroom.platforms.telegram.sandbox.public import public
from pressroom.sandbox.common import BadRequestBody, Incoming, read_incoming
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError
from pressroom.sandbox.store import Account, SandboxStore

PLATFORM = "telegram"
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup"})
WRITE_METHODS = SEND_METHODS | {"deleteMessage"}
# What api.telegram.org takes for a token at all: a bot id (digits, no leading zero), a colon,
# then anything without a slash; anything else is a path it does not serve (404).
TOKEN_SHAPE = re.compile(r"[1-9][0-9]{0,19}:[^/]{1,75}")


class BotApi(ChannelPosting, EmulatedApi):
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
        self.bots = updates.bots_for(store)
        self.conversations = Conversations(store, self.bots)
        chat_methods: dict[str, Callable[[Account, str, Incoming], Any]] = {
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatMemberCount": self.get_chat_member_count,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendMediaGroup": self.send_media_group,
            "deleteMessage": self.conversations.delete_in_channel,
        }
        # The same methods in a discussion group or a private chat.
        self.elsewhere: dict[str, Callable[[Target, str, Incoming], Any]] = {
            "getChat": self.conversations.get_chat,
            "getChatMember": self.conversations.get_chat_member,
            "getChatMemberCount": self.conversations.get_chat_member_count,
            "sendMessage": self.conversations.send_message,
            "deleteMessage": self.conversations.delete_message,
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
        return chat_full_info(channel, discussion_chat_id(channel))

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

    async def bot_method(self, request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        try:
            if not TOKEN_SHAPE.fullmatch(token):
                raise BotApiError(404, "Not Found")
            bot = self.bot_account(token)
            lower = method.lower()
            if lower == "getme":
                return await self.answer(bot, "getMe", lambda: self.get_me(bot))
            listening = webhook.METHODS.get(lower)
            name, function = self.chat_methods.get(lower, ("", None))
            if function is None and listening is None:
                raise BotApiError(404, "Not Found")
            try:
                incoming = await read_incoming(request)
            except BadRequestBody as error:
                raise bad_request(str(error)) from error
            if listening is not None:
                return await self.reply(
                    bot, listening, lambda: webhook.answer(self.bots, listening, token, incoming)
                )
            assert function is not None
            if name == "getChatMember":
                user_id(incoming)
            channel = self.find_chat(incoming.get("chat_id", ""))
            if channel is None:
                return await self.elsewhere_answer(name, token, incoming)
            if name in WRITE_METHODS:
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

    async def elsewhere_answer(self, name: str, token: str, incoming: Incoming) -> Response:
        """A method in a discussion group or a private chat."""
        chat_id = incoming.get("chat_id", "")
        target = self.conversations.find(chat_id, token)
        if target is None:
            raise bad_request(chat_lookup_error(chat_id))
        function = self.elsewhere.get(name)
        if function is None:
            raise bad_request("the sandbox sends photos to channels only")
        self.conversations.check(target, token)
        chat = CHAT.set(f"{target.channel.account_id}#discussion" if target.kind == "group" else "")
        try:
            return await self.answer(
                target.channel,
                name,
                lambda: function(target, token, incoming),
                creates=name in SEND_METHODS,
            )
        finally:
            CHAT.reset(chat)

    async def answer(
        self, account: Account, operation: str, result: Callable[[], Any], *, creates: bool = False
    ) -> Response:
        """The method's result as `{"ok":true,"result":…}`, behind the account's conditions."""

        async def run() -> tuple[Any, str]:
            return result(), ""

        return await self.reply(account, operation, run, creates=creates)

    async def reply(
        self,
        account: Account,
        operation: str,
        run: Callable[[], Awaitable[tuple[Any, str]]],
        *,
        creates: bool = False,
    ) -> Response:
        """`{"ok":true,"result":…,"description"?:…}` from what `run` answers."""

        async def handler() -> Response:
            result, description = await run()
            body: dict[str, Any] = {"ok": True, "result": result}
            if description:
                body["description"] = description
            return JSONResponse(body)

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
    public=public,
)
