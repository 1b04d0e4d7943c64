"""Who the sandbox's bots and channels are, as the Bot API shows them: getMe's bot, getChat's
ChatFullInfo, getChatMember's ChatMember, and what a bot may do in a channel.

A sandbox account is a channel; its token is the bot token allowed in it, and a bot token may
serve several channels. Account settings, all optional:

- `username` (the channel's public @username; from an account id `@name` otherwise),
  `chat_id` (its numeric id, `-100…`; derived from the account id otherwise),
  `linked_chat_id` (its discussion group's id; discussion.py), `member_count` (subscribers on
  the day it was registered, growing day by day from then: pressroom.sandbox.audience);
- `bot_username`, `bot_name` (the bot's @username and name, read from the bot's first channel),
  `bot_status` (`administrator`, `member` or `left`; default `administrator`),
  `bot_can_post` (the administrator's right to post messages; default true).

Access follows telegram-bot-api (`Client::check_chat_access`): anybody may read a public
channel (one with a username), only a member a private one; only a member may write, and only
an administrator with the right to post may post.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from pressroom.sandbox import audience
from pressroom.sandbox.store import Account

BOT_STATUSES = ("administrator", "member", "left")
DEFAULT_BOT_NAME = "Sandbox Bot"


def digest(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def bot_id(token: str) -> int:
    """The bot's user id: the digits before the token's colon."""
    return int(token.partition(":")[0])


def chat_number(account: Account) -> int:
    """The channel's numeric id: given, the account id itself, or derived from it."""
    if account.extra.get("chat_id") is not None:
        return int(account.extra["chat_id"])
    try:
        return int(account.account_id)
    except ValueError:
        return -(1000000000000 + digest(account.account_id) % 1000000000)


def username_of(account: Account) -> str:
    username = account.extra.get("username")
    if username:
        return str(username).lstrip("@")
    return account.account_id[1:] if account.account_id.startswith("@") else ""


def bot_username(account: Account) -> str:
    given = account.extra.get("bot_username")
    if given:
        return str(given).lstrip("@")
    return f"sandbox_{bot_id(account.token)}_bot"


def bot_user(account: Account, *, full: bool = False) -> dict[str, Any]:
    """The bot whose token the account holds: a User, and with `full` what getMe adds."""
    user: dict[str, Any] = {
        "id": bot_id(account.token),
        "is_bot": True,
        "first_name": str(account.extra.get("bot_name") or DEFAULT_BOT_NAME),
        "username": bot_username(account),
    }
    if full:
        user.update(
            can_join_groups=True,
            # BotFather's privacy mode (on unless the account says `bot_privacy: false`).
            can_read_all_group_messages=account.extra.get("bot_privacy", True)
            in (False, "false", "0", 0),
            supports_inline_queries=False,
            supports_guest_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
            has_topics_enabled=False,
            allows_users_to_create_topics=False,
            can_manage_bots=False,
        )
    return user


def chat_object(account: Account) -> dict[str, Any]:
    """The Chat in a message: id, title, username when public, type."""
    chat: dict[str, Any] = {"id": chat_number(account), "title": account.name}
    username = username_of(account)
    if username:
        chat["username"] = username
    chat["type"] = "channel"
    return chat


def chat_full_info(account: Account, linked: int | None = None) -> dict[str, Any]:
    """getChat's answer for a channel (fields in telegram-bot-api's order); `linked` is its
    discussion group's id."""
    chat = chat_object(account)
    username = username_of(account)
    if username:
        chat["active_usernames"] = [username]
    if account.extra.get("description"):
        chat["description"] = str(account.extra["description"])
    if linked is not None:
        chat["linked_chat_id"] = linked
    chat["accepted_gift_types"] = {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    }
    chat["max_reaction_count"] = 11
    chat["accent_color_id"] = digest(account.account_id) % 7
    return chat


def member_count(account: Account) -> int:
    """Subscribers: given, or a few hundred to a few thousand, on the day the channel was
    registered; then a few more each day, the same for the same channel and day."""
    given = account.extra.get("member_count")
    base = int(given) if given is not None else 120 + digest(account.account_id) % 4880
    return audience.followers(
        f"telegram:{account.account_id}",
        base=base,
        created_at=account.created_at,
        now=time.time(),
    )


def bot_status(channel: Account, token: str) -> str:
    """The bot's place in the channel: a bot whose token the channel does not hold has left."""
    if channel.token != token:
        return "left"
    status = str(channel.extra.get("bot_status") or "administrator")
    return status if status in BOT_STATUSES else "left"


def can_post(channel: Account, token: str) -> bool:
    return bot_status(channel, token) == "administrator" and channel.extra.get(
        "bot_can_post", True
    ) not in (False, "false", "0", 0)


def is_member(channel: Account, token: str) -> bool:
    return bot_status(channel, token) != "left"


def bot_member(channel: Account, token: str, bot: Account) -> dict[str, Any]:
    """getChatMember's answer for the bot itself."""
    status = bot_status(channel, token)
    member: dict[str, Any] = {"user": bot_user(bot), "status": status}
    if status != "administrator":
        return member
    may_post = can_post(channel, token)
    member.update(
        can_be_edited=False,
        can_manage_chat=True,
        can_change_info=True,
        can_post_messages=may_post,
        can_edit_messages=True,
        can_delete_messages=True,
        can_invite_users=True,
        can_restrict_members=False,
        can_promote_members=False,
        can_manage_video_chats=True,
        can_post_stories=True,
        can_edit_stories=True,
        can_delete_stories=True,
        can_manage_direct_messages=False,
        is_anonymous=False,
        can_manage_voice_chats=True,
    )
    return member
