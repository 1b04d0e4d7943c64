"""Telegram's inbound side: the webhook's secret token and the Bot API's Update, read into
happenings.

What becomes what (one Update at a time; `account_id` is the channel's chat id, which the
webhook's address names):
- `message` in the channel's discussion group (a supergroup) replying to the automatic
  forward of a channel post: a COMMENT in thread `post:<channel post id>`; the post's id is the
  forward's `forward_origin.message_id` (type `channel`), or the older
  `forward_from_message_id`. A reply to another comment: a COMMENT with `parent_id`; Telegram
  does not nest a second reply, so its post is not in the update: the thread is then
  `discussion:<group id>:<root>`, the root being `message_thread_id` (the forward's id in the
  group, as telegram-bot-api gives it for a comment thread) or, without it, the message replied
  to. Whoever keeps the comments finds the post through `parent_id`. A group message outside
  any thread, a service message and the forwards themselves are not comments.
- A comment by the channel itself, by the group (an anonymous administrator) or by a bot (bots
  see no other bot's messages: ours) is `by_channel`.
- `message` in a private chat with the bot: a MESSAGE in thread `person:<user id>`. The
  /start a person sends when they open the bot (alone, or with a deep-link word) says nothing
  to answer: it is not a message.
- `edited_message`: an EDIT, in the thread it was in. `message_reaction_count` on a channel
  post (anonymous reactions, which Telegram groups and sends up to a few minutes late): one
  REACTION per kind of reaction with that kind's total as `text`, and on each the post's total
  of every kind as `count` (totals: the latest replaces the earlier; an empty list: every
  reaction taken back, one REACTION with no reaction, text "0" and count 0).
- `channel_post`, `edited_channel_post` (the channel's own posts), `my_chat_member` (the bot's
  own membership: the channel health page asks getChatMember instead), `message_reaction`
  (not asked for: it names who reacted) and the rest: nothing.

Remote ids are `<chat id>:<message id>` (message ids count per chat); a reaction's is the post's
own id, as publishing keeps it.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from pressroom.platforms.inbound import (
    Happening,
    HappeningKind,
    Listener,
    ModerationKind,
    Person,
    ReplyRule,
    ReplyWay,
    ThreadKind,
    Unreadable,
)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
# What Pressroom asks Telegram for (setWebhook and getUpdates): the default list leaves out
# message_reaction_count, which must be named.
ALLOWED_UPDATES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "message_reaction_count",
    "my_chat_member",
)
# A Unix time datetime can hold (year 9999).
LAST_MOMENT = 253402300799
ATTACHMENTS = (
    ("photo", "image"),
    ("video", "video"),
    ("video_note", "video"),
    ("animation", "animation"),
    ("document", "file"),
    ("sticker", "sticker"),
    ("voice", "audio"),
    ("audio", "audio"),
    ("location", "location"),
    ("venue", "location"),
    ("contact", "contact"),
    ("poll", "poll"),
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def mapping(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def required_int(value: Any, what: str) -> int:
    number = integer(value)
    if number is None:
        raise Unreadable(f"{what} is not an integer")
    return number


def required_dict(value: Any, what: str) -> dict[str, Any]:
    found = mapping(value)
    if found is None:
        raise Unreadable(f"{what} is not an object")
    return found


def moment(value: Any, what: str) -> datetime:
    seconds = integer(value)
    if seconds is None or not 0 <= seconds <= LAST_MOMENT:
        raise Unreadable(f"{what} is not a Unix time")
    return datetime.fromtimestamp(seconds, UTC)


def person_name(who: Mapping[str, Any]) -> str:
    """A user's first and last name, or a chat's title."""
    parts = [string(who.get("first_name")), string(who.get("last_name"))]
    name = " ".join(part for part in parts if part) or string(who.get("title"))
    return nfc(name)


def is_chat(chat: Mapping[str, Any] | None, account_id: str) -> bool:
    """Whether the chat is the channel named by `account_id` (its id, or its @username)."""
    if chat is None or not account_id:
        return False
    if str(chat.get("id")) == account_id:
        return True
    username = string(chat.get("username"))
    return bool(username) and f"@{username}".lower() == account_id.lower()


def is_start(text: str) -> bool:
    command = text.split(maxsplit=1)[0] if text.strip() else ""
    return command == "/start" or command.startswith("/start@")


def forwarded_post(forward: Mapping[str, Any]) -> tuple[dict[str, Any] | None, int | None]:
    """The channel and the channel post an automatic forward copies."""
    origin = mapping(forward.get("forward_origin"))
    if origin is not None and origin.get("type") == "channel":
        post = integer(origin.get("message_id"))
        if post is not None:
            return mapping(origin.get("chat")) or mapping(forward.get("sender_chat")), post
    channel = mapping(forward.get("forward_from_chat")) or mapping(forward.get("sender_chat"))
    return channel, integer(forward.get("forward_from_message_id"))


class TelegramListener(Listener):
    platform = "telegram"
    channel_secret = "webhook_secret"
    moderation = frozenset({ModerationKind.DELETE})
    reply_rules = (
        ReplyRule(
            ThreadKind.COMMENTS,
            ReplyWay.PUBLIC,
            _("A reply under the comment, in the channel's discussion group"),
        ),
        ReplyRule(
            ThreadKind.MESSAGES,
            ReplyWay.MESSAGE,
            _("A message from the channel's bot (only to someone who wrote to it first)"),
        ),
    )

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        if not secret:
            return False
        given = ""
        for name, value in headers.items():
            if name.lower() == SECRET_HEADER:
                given = value
        return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))

    def event_key(self, payload: Any, body: bytes) -> str:
        update_id = integer(payload.get("update_id")) if isinstance(payload, dict) else None
        return f"update:{update_id}" if update_id is not None else ""

    def account_ids(self, payload: Any) -> list[str]:
        if not isinstance(payload, dict):
            return []
        for kind in ("message", "edited_message"):
            message = mapping(payload.get(kind))
            reply = mapping(message.get("reply_to_message")) if message else None
            if reply is not None and reply.get("is_automatic_forward") is True:
                channel, _post = forwarded_post(reply)
                if channel is not None and integer(channel.get("id")) is not None:
                    return [str(channel["id"])]
        for kind in ("channel_post", "edited_channel_post", "message_reaction_count"):
            found = mapping(payload.get(kind))
            chat = mapping(found.get("chat")) if found else None
            if chat and chat.get("type") == "channel" and integer(chat.get("id")) is not None:
                return [str(chat["id"])]
        return []

    def parse(self, payload: Any, *, account_id: str = "") -> list[Happening]:
        if not isinstance(payload, dict) or integer(payload.get("update_id")) is None:
            raise Unreadable("Not a Telegram update (no update_id)")
        if "message" in payload:
            return self.message(payload["message"], account_id, edited=False)
        if "edited_message" in payload:
            return self.message(payload["edited_message"], account_id, edited=True)
        if "message_reaction_count" in payload:
            return self.reaction_counts(payload["message_reaction_count"], account_id)
        return []

    def message(self, value: Any, account_id: str, *, edited: bool) -> list[Happening]:
        message = required_dict(value, "message")
        message_id = required_int(message.get("message_id"), "message_id")
        chat = required_dict(message.get("chat"), "chat")
        chat_id = required_int(chat.get("id"), "chat.id")
        at = moment(message.get("date"), "date")
        if edited and message.get("edit_date") is not None:
            at = moment(message.get("edit_date"), "edit_date")
        text = nfc(string(message.get("text")) or string(message.get("caption")))
        attachments = tuple(kind for field, kind in ATTACHMENTS if field in message)
        if not text and not attachments:
            return []  # a service message: someone joined, a message was pinned, …
        common: dict[str, Any] = {
            "kind": HappeningKind.EDIT if edited else None,
            "remote_id": f"{chat_id}:{message_id}",
            "at": at,
            "text": text,
            "attachments": attachments,
        }
        chat_type = string(chat.get("type"))
        if chat_type == "private":
            if is_start(text) and not edited:
                return []
            sender = mapping(message.get("from")) or chat
            return [
                Happening(
                    **{**common, "kind": common["kind"] or HappeningKind.MESSAGE},
                    account_id=account_id,
                    thread_kind=ThreadKind.MESSAGES,
                    thread=f"person:{chat_id}",
                    author=Person(str(chat_id), person_name(sender)),
                    by_channel=sender.get("is_bot") is True,
                )
            ]
        if chat_type in ("supergroup", "group"):
            return self.comment(message, chat_id, account_id, common)
        return []

    def comment(
        self, message: dict[str, Any], chat_id: int, account_id: str, common: dict[str, Any]
    ) -> list[Happening]:
        if message.get("is_automatic_forward") is True:
            return []  # the channel's own post, copied into its group
        reply = mapping(message.get("reply_to_message"))
        root = integer(message.get("message_thread_id"))
        if reply is None and root is None:
            return []  # the group's own chat, not under a post
        channel: dict[str, Any] | None = None
        post: int | None = None
        parent_id = ""
        if reply is not None and reply.get("is_automatic_forward") is True:
            channel, post = forwarded_post(reply)
            if account_id and channel is not None and not is_chat(channel, account_id):
                return []  # under another channel's post
        elif reply is not None:
            replied = required_int(reply.get("message_id"), "reply_to_message.message_id")
            parent_id = f"{chat_id}:{replied}"
            root = root or replied
        if post is None and root is None and reply is not None:
            root = required_int(reply.get("message_id"), "reply_to_message.message_id")
        thread = f"post:{post}" if post is not None else f"discussion:{chat_id}:{root}"
        author, by_channel = self.author(message, chat_id, account_id, channel)
        account = account_id or (str(channel.get("id")) if channel is not None else "")
        return [
            Happening(
                **{**common, "kind": common["kind"] or HappeningKind.COMMENT},
                account_id=account,
                thread_kind=ThreadKind.COMMENTS,
                thread=thread,
                author=author,
                parent_id=parent_id,
                post_id=str(post) if post is not None else "",
                by_channel=by_channel,
            )
        ]

    def author(
        self,
        message: Mapping[str, Any],
        chat_id: int,
        account_id: str,
        channel: Mapping[str, Any] | None,
    ) -> tuple[Person, bool]:
        sender_chat = mapping(message.get("sender_chat"))
        if sender_chat is not None:
            sender_id = integer(sender_chat.get("id"))
            ours = (
                sender_id == chat_id
                or is_chat(sender_chat, account_id)
                or (channel is not None and sender_id == integer(channel.get("id")))
            )
            return Person(
                str(sender_id) if sender_id is not None else "", person_name(sender_chat)
            ), ours
        sender = mapping(message.get("from"))
        if sender is None:
            return Person(""), False
        sender_id = integer(sender.get("id"))
        person = Person(str(sender_id) if sender_id is not None else "", person_name(sender))
        return person, sender.get("is_bot") is True

    def reaction_counts(self, value: Any, account_id: str) -> list[Happening]:
        update = required_dict(value, "message_reaction_count")
        chat = required_dict(update.get("chat"), "chat")
        chat_id = required_int(chat.get("id"), "chat.id")
        message_id = required_int(update.get("message_id"), "message_id")
        at = moment(update.get("date"), "date")
        reactions = update.get("reactions")
        if not isinstance(reactions, list):
            raise Unreadable("reactions is not a list")
        if chat.get("type") != "channel" or (account_id and not is_chat(chat, account_id)):
            return []
        post = str(message_id)
        common: dict[str, Any] = {
            "kind": HappeningKind.REACTION,
            "account_id": account_id or str(chat_id),
            "thread_kind": ThreadKind.COMMENTS,
            "thread": f"post:{post}",
            "remote_id": post,
            "at": at,
            "post_id": post,
        }
        if not reactions:
            return [Happening(**common, reaction="", text="0", count=0)]
        kinds: list[tuple[str, int]] = []
        for given in reactions:
            entry = required_dict(given, "reaction")
            total = required_int(entry.get("total_count"), "total_count")
            if total < 0:
                raise Unreadable("total_count is negative")
            kinds.append((reaction_name(entry.get("type")), total))
        count = sum(total for _name, total in kinds)
        return [
            Happening(**common, reaction=name, text=str(total), count=count)
            for name, total in kinds
        ]


def reaction_name(value: Any) -> str:
    """An emoji, `custom:<id>` for a custom emoji, `paid` for a paid (star) reaction."""
    kind = required_dict(value, "reaction type")
    if kind.get("type") == "emoji":
        return nfc(string(kind.get("emoji")))
    if kind.get("type") == "custom_emoji":
        return f"custom:{string(kind.get('custom_emoji_id'))}"
    return string(kind.get("type")) or "unknown"


LISTENER = TelegramListener()
