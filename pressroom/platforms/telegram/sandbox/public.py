"""What simulated citizens do on the Telegram emulation (the sandbox's `Public`).

- posts: the channel's posts, newest first; comments: the group messages in a post's thread.
- comment: a group message in the post's thread replying to the automatic forward, or to
  another comment; the bot gets it as a `message` update when it sees every group message (an
  administrator, or a member with privacy mode off), when it answers the bot, or when it is a
  command.
- message: a private message to the channel's bot; someone who never wrote first sends /start
  (a `message` of its own), as Telegram's Start button does.
- react: on a channel post, an anonymous reaction: the bot gets the post's new counts
  (`message_reaction_count`, one reaction per person); on a comment, a `message_reaction` with
  the person (an administrator bot only). An empty reaction takes the person's back.
- edit: a citizen changes their comment or message (`edited_message`); beyond the protocol.
- citizen: a Telegram user id (a number, unique per person number) and a Vietnamese first name.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from typing import Any

from pressroom.platforms.telegram.sandbox.chats import bot_status, chat_object
from pressroom.platforms.telegram.sandbox.conversations import (
    PRIVATE,
    next_private_message_id,
    private_chat,
    save_private,
)
from pressroom.platforms.telegram.sandbox.discussion import (
    COMMENT,
    comment_message,
    comments_of,
    forward_of,
    group_bot_status,
    group_object,
    next_group_message_id,
    save_comment,
    sees_every_comment,
)
from pressroom.platforms.telegram.sandbox.updates import Bots, bots_for
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "telegram"
FIRST_NAMES = (
    "Lan",
    "Minh",
    "Hùng",
    "Hương",
    "Tuấn",
    "Mai",
    "Dũng",
    "Thảo",
    "Long",
    "Hoa",
    "Nam",
    "Linh",
    "Phương",
    "Quang",
    "Trang",
    "Sơn",
    "Ngọc",
    "Bình",
    "Hải",
    "Yến",
)
START = "/start"


def user_of(citizen: Citizen) -> dict[str, Any]:
    return {
        "id": int(citizen.id),
        "is_bot": False,
        "first_name": citizen.name,
        "language_code": "vi",
    }


def reaction_type(reaction: str) -> dict[str, str]:
    return {"type": "emoji", "emoji": reaction}


class TelegramPublic:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.bots: Bots = bots_for(store)

    def channel_of(self, item: Item) -> Account | None:
        return self.store.account(PLATFORM, item.account_id)

    def posts(self, account: Account) -> list[Item]:
        return self.store.items(
            platform=PLATFORM,
            account_id=account.account_id,
            kind="message",
            top_level=True,
            newest_first=True,
        )

    def comments(self, post: Item) -> list[Item]:
        return comments_of(self.store, post)

    def comment(
        self, post: Item, citizen: Citizen, text: str, reply_to: Item | None = None
    ) -> Item | None:
        channel = self.channel_of(post)
        forward = forward_of(self.store, channel, post) if channel is not None else None
        if channel is None or forward is None:
            return None
        if reply_to is not None and reply_to.kind != COMMENT:
            reply_to = None
        replied = reply_to.data["message"] if reply_to is not None else forward
        user = user_of(citizen)
        message = comment_message(
            channel,
            next_group_message_id(self.store, channel),
            sender=user,
            thread=int(forward["message_id"]),
            reply_to=replied,
            text=text,
        )
        item = save_comment(self.store, channel, message, post_id=int(post.remote_id), by_bot=False)
        self.bots.meet(channel.token, user)
        if self.bot_sees(channel, message):
            self.bots.push(channel.token, "message", message)
        return item

    def bot_sees(self, channel: Account, message: dict[str, Any]) -> bool:
        bot = self.store.account_by_token(PLATFORM, channel.token)
        if bot is None or group_bot_status(channel, channel.token) == "left":
            return False
        replied = message.get("reply_to_message") or {}
        to_bot = (replied.get("from") or {}).get("id") == int(channel.token.partition(":")[0])
        command = str(message.get("text") or "").startswith("/")
        return sees_every_comment(channel, channel.token, bot) or to_bot or command

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None:
        holder = self.store.account_by_token(PLATFORM, account.token)
        if holder is None:
            return None
        user = user_of(citizen)
        known = self.bots.person(account.token, user["id"])
        if known is None or not known["started"]:
            self.bots.meet(account.token, user, started=True)
            self.private(holder, user, START)
        return self.private(holder, user, text)

    def private(self, holder: Account, user: dict[str, Any], text: str) -> Item:
        message: dict[str, Any] = {
            "message_id": next_private_message_id(self.store, holder.token),
            "from": user,
            "chat": private_chat(user),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
        item = save_private(self.store, holder, int(user["id"]), message, by_bot=False)
        self.bots.push(holder.token, "message", message)
        return item

    def react(self, target: Item, citizen: Citizen, reaction: str) -> None:
        channel = self.channel_of(target)
        current = self.store.item(PLATFORM, target.remote_id, target.account_id)
        if channel is None or current is None or current.kind not in ("message", COMMENT):
            return
        reactions: dict[str, str] = dict(current.data.get("reactions") or {})
        earlier = reactions.pop(citizen.id, "")
        if reaction:
            reactions[citizen.id] = reaction
        self.store.update_item(
            platform=PLATFORM,
            account_id=current.account_id,
            remote_id=current.remote_id,
            data={**current.data, "reactions": reactions},
        )
        now = int(time.time())
        if current.kind == "message":
            if bot_status(channel, channel.token) != "administrator":
                return
            counts = Counter(reactions.values())
            update: dict[str, Any] = {
                "chat": chat_object(channel),
                "message_id": int(current.remote_id),
                "date": now,
                "reactions": [
                    {"type": reaction_type(emoji), "total_count": total}
                    for emoji, total in counts.most_common()
                ],
            }
            self.bots.push(channel.token, "message_reaction_count", update)
            return
        if group_bot_status(channel, channel.token) != "administrator":
            return
        update = {
            "chat": group_object(channel),
            "message_id": int(current.data["message"]["message_id"]),
            "user": user_of(citizen),
            "date": now,
            "old_reaction": [reaction_type(earlier)] if earlier else [],
            "new_reaction": [reaction_type(reaction)] if reaction else [],
        }
        self.bots.push(channel.token, "message_reaction", update)

    def edit(self, target: Item, text: str) -> Item | None:
        """The citizen changes what they wrote: the bot gets an `edited_message`."""
        current = self.store.item(PLATFORM, target.remote_id, target.account_id)
        if current is None or current.kind not in (COMMENT, PRIVATE):
            return None
        message = {**current.data["message"], "edit_date": int(time.time()), "text": text}
        changed = self.store.update_item(
            platform=PLATFORM,
            account_id=current.account_id,
            remote_id=current.remote_id,
            text=text,
            data={**current.data, "message": message},
        )
        channel = self.channel_of(current)
        if channel is None:
            return changed
        if current.kind == PRIVATE or self.bot_sees(channel, message):
            self.bots.push(channel.token, "edited_message", message)
        return changed

    def citizen(self, account: Account, number: int) -> Citizen:
        # Telegram's user ids are the same in every chat: one id per person number.
        user_id = 5_000_000_000 + (number * 104_729) % 1_000_000_007
        name = unicodedata.normalize("NFC", FIRST_NAMES[number % len(FIRST_NAMES)])
        return Citizen(id=str(user_id), name=name)


def public(store: SandboxStore) -> TelegramPublic:
    return TelegramPublic(store)
