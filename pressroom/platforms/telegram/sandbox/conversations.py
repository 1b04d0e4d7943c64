"""The Bot API in a channel's discussion group and in private chats with the bot: getChat,
getChatMember, getChatMemberCount, sendMessage (with `reply_parameters`) and deleteMessage.

A chat id the channels do not answer to is a discussion group (discussion.py) or a person the
bot knows (updates.py: someone who commented in its group or wrote to it). A bot cannot start
a private chat: until the person sent /start, sendMessage answers 403 "bot can't initiate
conversation with a user"; someone the bot never met is "chat not found".

deleteMessage: in the group, an administrator with can_delete_messages deletes any message;
otherwise the bot deletes only its own, less than 48 hours old (Telegram's rule for messages
in general; whether it binds administrators is UNCONFIRMED and the sandbox says no); in a
private chat, any message less than 48 hours old; in the channel, any post (the bot is an
administrator that may post). An automatic forward cannot be deleted in the sandbox. Telegram
sends no update when a message is deleted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pressroom.platforms.telegram.sandbox.chats import bot_user, can_post
from pressroom.platforms.telegram.sandbox.discussion import (
    COMMENT,
    can_delete_in_group,
    comment_message,
    comment_remote_id,
    discussion_chat_id,
    forward_of,
    group_bot_member,
    group_bot_status,
    group_full_info,
    group_member_count,
    next_group_message_id,
    post_of_forward,
    save_comment,
)
from pressroom.platforms.telegram.sandbox.errors import BotApiError, bad_request, forbidden
from pressroom.platforms.telegram.sandbox.text import count_characters, formatted
from pressroom.platforms.telegram.sandbox.updates import Bots
from pressroom.sandbox.common import Incoming, loads_json
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "telegram"
PRIVATE = "private_message"
MAX_TEXT = 4096
DELETE_WINDOW_S = 48 * 3600
CANNOT_INITIATE = "bot can't initiate conversation with a user"
NOT_IN_GROUP = "bot is not a member of the supergroup chat"


@dataclass(frozen=True)
class Target:
    """A chat that is not a channel: its kind, the channel (a group's own; for a private
    chat, the account holding the bot's token) and, in a private chat, the person."""

    kind: str
    channel: Account
    user: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int:
        if self.kind == "group":
            group = discussion_chat_id(self.channel)
            assert group is not None
            return group
        return int(self.user["id"])


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": user["id"], "first_name": user.get("first_name", "")}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    chat["type"] = "private"
    return chat


def private_remote_id(user_id: int, message_id: int) -> str:
    return f"{user_id}:{message_id}"


def next_private_message_id(store: SandboxStore, token: str) -> int:
    # A bot's private chats share one message counter, as a user's do.
    return store.next_number(f"telegram:private:{token.partition(':')[0]}")


def save_private(
    store: SandboxStore, holder: Account, user_id: int, message: dict[str, Any], *, by_bot: bool
) -> Item:
    return store.add_item(
        platform=PLATFORM,
        account_id=holder.account_id,
        kind=PRIVATE,
        remote_id=private_remote_id(user_id, int(message["message_id"])),
        top_level=False,
        text=str(message.get("text") or ""),
        data={"message": message, "user": user_id, "by_bot": by_bot},
    )


def message_id_of(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number <= 0:
        raise bad_request("message identifier is not specified")
    return number


@dataclass(frozen=True)
class Replied:
    """The message a new one replies to, and the thread and post it belongs to."""

    message: dict[str, Any] | None
    thread: int | None = None
    post: int = 0


class Conversations:
    """The methods above, for groups and private chats (and deleteMessage in channels)."""

    def __init__(self, store: SandboxStore, bots: Bots) -> None:
        self.store = store
        self.bots = bots

    def find(self, chat_id: Any, token: str) -> Target | None:
        try:
            number = int(str(chat_id).strip())
        except ValueError:
            return None
        if number < 0:
            for account in self.store.accounts(PLATFORM):
                if discussion_chat_id(account) == number:
                    return Target("group", account)
            return None
        holder = self.store.account_by_token(PLATFORM, token)
        person = self.bots.person(token, number) if number > 0 else None
        if holder is None or person is None:
            return None
        return Target("private", holder, person["user"])

    def check(self, target: Target, token: str) -> None:
        if target.kind == "group" and group_bot_status(target.channel, token) == "left":
            raise forbidden(NOT_IN_GROUP)

    # Reading

    def get_chat(self, target: Target, token: str, incoming: Incoming) -> Any:
        if target.kind == "group":
            return group_full_info(target.channel)
        chat = private_chat(target.user)
        chat.update(
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
            max_reaction_count=11,
            accent_color_id=int(target.user["id"]) % 7,
        )
        return chat

    def get_chat_member(self, target: Target, token: str, incoming: Incoming) -> Any:
        wanted = int(str(incoming.get("user_id")).strip())
        bot = self.store.account_by_token(PLATFORM, token)
        assert bot is not None
        if target.kind == "group" and wanted == int(token.partition(":")[0]):
            return group_bot_member(target.channel, token, bot)
        person = self.bots.person(token, wanted)
        if person is None:
            raise bad_request("user not found")
        return {"user": person["user"], "status": "member"}

    def get_chat_member_count(self, target: Target, token: str, incoming: Incoming) -> Any:
        return group_member_count(target.channel) if target.kind == "group" else 2

    # Sending

    def send_message(self, target: Target, token: str, incoming: Incoming) -> Any:
        raw = incoming.text("text")
        if not raw:
            raise bad_request("message text is empty")
        kept = formatted(raw, incoming.text("parse_mode"), allow_empty=False)
        if count_characters(kept.text) > MAX_TEXT:
            raise bad_request("message is too long")
        bot = self.store.account_by_token(PLATFORM, token)
        assert bot is not None
        reply_to, allow_without = reply_wanted(incoming, target.chat_id)
        if target.kind == "private":
            person = self.bots.person(token, target.chat_id)
            if person is None or not person["started"]:
                raise forbidden(CANNOT_INITIATE)
            replied = self.private_replied(target, reply_to, allow_without)
            message_id = next_private_message_id(self.store, token)
            message: dict[str, Any] = {
                "message_id": message_id,
                "from": bot_user(bot),
                "chat": private_chat(target.user),
                "date": int(time.time()),
            }
            if replied.message is not None:
                message["reply_to_message"] = replied.message
            message["text"] = kept.text
            if kept.entities:
                message["entities"] = kept.entities
            save_private(self.store, target.channel, target.chat_id, message, by_bot=True)
            return message
        replied = self.group_replied(target.channel, reply_to, allow_without)
        thread = replied.thread
        if thread is None and incoming.get("message_thread_id") not in (None, ""):
            thread = message_id_of(incoming.get("message_thread_id"))
        message = comment_message(
            target.channel,
            next_group_message_id(self.store, target.channel),
            sender=bot_user(bot),
            thread=thread,
            reply_to=replied.message,
            text=kept.text,
            entities=kept.entities,
        )
        save_comment(self.store, target.channel, message, post_id=replied.post, by_bot=True)
        return message

    def group_replied(self, channel: Account, reply_to: int, allow_without: bool) -> Replied:
        if not reply_to:
            return Replied(None)
        comment = self.store.item(
            PLATFORM, comment_remote_id(channel, reply_to), channel.account_id
        )
        if comment is not None and comment.kind == COMMENT:
            thread = comment.data.get("thread")
            return Replied(
                comment.data["message"],
                thread if isinstance(thread, int) else None,
                int(comment.data.get("post") or 0),
            )
        post = post_of_forward(self.store, channel, reply_to)
        forward = forward_of(self.store, channel, post) if post is not None else None
        if post is not None and forward is not None:
            return Replied(forward, reply_to, int(post.remote_id))
        if allow_without:
            return Replied(None)
        raise bad_request("message to be replied not found")

    def private_replied(self, target: Target, reply_to: int, allow_without: bool) -> Replied:
        if not reply_to:
            return Replied(None)
        found = self.store.item(
            PLATFORM, private_remote_id(target.chat_id, reply_to), target.channel.account_id
        )
        if found is not None:
            return Replied(found.data["message"])
        if allow_without:
            return Replied(None)
        raise bad_request("message to be replied not found")

    # Deleting

    def delete_message(self, target: Target, token: str, incoming: Incoming) -> Any:
        message_id = message_id_of(incoming.get("message_id"))
        if target.kind == "group":
            remote_id = comment_remote_id(target.channel, message_id)
            allowed_any = can_delete_in_group(target.channel, token)
        else:
            remote_id = private_remote_id(target.chat_id, message_id)
            allowed_any = False
        item = self.store.item(PLATFORM, remote_id, target.channel.account_id)
        if item is None:
            if target.kind == "group" and post_of_forward(self.store, target.channel, message_id):
                raise bad_request("message can't be deleted")
            raise bad_request("message to delete not found")
        recent = time.time() - item.created_at < DELETE_WINDOW_S
        own = bool(item.data.get("by_bot"))
        if not (allowed_any or (recent and (own or target.kind == "private"))):
            raise bad_request("message can't be deleted")
        self.store.remove_item(
            platform=PLATFORM, account_id=target.channel.account_id, remote_id=remote_id
        )
        return True

    def delete_in_channel(self, channel: Account, token: str, incoming: Incoming) -> Any:
        message_id = message_id_of(incoming.get("message_id"))
        if not can_post(channel, token):
            raise bad_request("message can't be deleted")
        removed = self.store.remove_item(
            platform=PLATFORM, account_id=channel.account_id, remote_id=str(message_id)
        )
        if removed is None or removed.kind != "message":
            raise bad_request("message to delete not found")
        return True


def reply_wanted(incoming: Incoming, chat_id: int) -> tuple[int, bool]:
    """The message to reply to (`reply_parameters`, or the older `reply_to_message_id`) and
    whether to send anyway when it is gone."""
    parameters = loads_json(incoming.get("reply_parameters"))
    if parameters is not None and not isinstance(parameters, dict):
        raise bad_request("can't parse reply parameters JSON object")
    if isinstance(parameters, dict):
        if parameters.get("chat_id") not in (None, "") and str(parameters["chat_id"]) != str(
            chat_id
        ):
            raise BotApiError(400, "Bad Request: the sandbox replies in the same chat only")
        reply_to = message_id_of(parameters.get("message_id"))
        allow = parameters.get("allow_sending_without_reply") in (True, "true", 1, "1")
        return reply_to, allow
    legacy = incoming.get("reply_to_message_id")
    if legacy in (None, "", 0, "0"):
        return 0, False
    allow = str(incoming.get("allow_sending_without_reply")).lower() in {"true", "1"}
    return message_id_of(legacy), allow
