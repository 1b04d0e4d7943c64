"""Each emulated channel's linked discussion group (a supergroup), as the Bot API shows it.

Every channel has one unless its account says `discussion_group: false`; its id is the
account's `linked_chat_id` or derived from the account id, its title `discussion_title` or
"<channel> Chat" (Telegram's suggestion). Account settings for the bot's place in it:
`discussion_bot_status` (`administrator`, `member` or `left`; default `administrator`),
`discussion_bot_can_delete` (the administrator's can_delete_messages; default true), and
`bot_privacy` (BotFather's privacy mode, default on: a bot that is only a member then sees
commands and replies to itself, not every comment).

When the channel posts, the group gets an automatic forward of the post (telegram-bot-api's
`is_automatic_forward`: the sender is Telegram's service account 777000 on behalf of the
channel, `forward_origin` of type `channel` with the post's id, and the fields older clients
read, `forward_from_chat` and `forward_from_message_id`). Its id comes from the group's own
message counter and is kept in the post's data (`discussion_message_id`); the forward itself is
not an object of the ledger, which keeps what was published. Comments are group messages in the
thread of that forward (`message_thread_id`, a `messageTopicThread` in tdlib), replying to it or
to another comment; they are objects of kind `comment` under the channel's account, with remote
id `<group id>:<message id>`.
"""

from __future__ import annotations

import time
from typing import Any

from pressroom.platforms.telegram.sandbox.chats import (
    BOT_STATUSES,
    bot_user,
    chat_number,
    chat_object,
    digest,
    member_count,
)
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "telegram"
COMMENT = "comment"
# Telegram's service account: the sender of automatic forwards.
SERVICE_USER = {"id": 777000, "is_bot": False, "first_name": "Telegram"}
FALSE_VALUES = (False, "false", "0", 0)


def discussion_chat_id(channel: Account) -> int | None:
    """The linked group's id (`-100…`), or None when the channel has none."""
    if channel.extra.get("discussion_group", True) in FALSE_VALUES:
        return None
    if channel.extra.get("linked_chat_id") is not None:
        return int(channel.extra["linked_chat_id"])
    return -(1000000000000 + digest(f"discussion:{channel.account_id}") % 1000000000)


def group_title(channel: Account) -> str:
    return str(channel.extra.get("discussion_title") or f"{channel.name} Chat")


def group_object(channel: Account) -> dict[str, Any]:
    """The Chat in a group message."""
    return {"id": discussion_chat_id(channel), "title": group_title(channel), "type": "supergroup"}


def group_full_info(channel: Account) -> dict[str, Any]:
    """getChat's answer for the group: a supergroup linked back to its channel."""
    chat = group_object(channel)
    chat["linked_chat_id"] = chat_number(channel)
    chat["permissions"] = {
        "can_send_messages": True,
        "can_send_audios": True,
        "can_send_documents": True,
        "can_send_photos": True,
        "can_send_videos": True,
        "can_send_video_notes": True,
        "can_send_voice_notes": True,
        "can_send_polls": True,
        "can_send_other_messages": True,
        "can_add_web_page_previews": True,
        "can_change_info": False,
        "can_invite_users": True,
        "can_pin_messages": False,
        "can_manage_topics": False,
    }
    chat["accepted_gift_types"] = {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    }
    chat["max_reaction_count"] = 11
    chat["accent_color_id"] = digest(f"discussion:{channel.account_id}") % 7
    return chat


def group_member_count(channel: Account) -> int:
    given = channel.extra.get("discussion_member_count")
    if given is not None:
        return int(given)
    return max(1, member_count(channel) // 10)


def group_bot_status(channel: Account, token: str) -> str:
    if channel.token != token:
        return "left"
    status = str(channel.extra.get("discussion_bot_status") or "administrator")
    return status if status in BOT_STATUSES else "left"


def can_delete_in_group(channel: Account, token: str) -> bool:
    return (
        group_bot_status(channel, token) == "administrator"
        and channel.extra.get("discussion_bot_can_delete", True) not in FALSE_VALUES
    )


def privacy_mode(bot: Account) -> bool:
    return bot.extra.get("bot_privacy", True) not in FALSE_VALUES


def sees_every_comment(channel: Account, token: str, bot: Account) -> bool:
    """An administrator sees every group message; a member only with privacy mode off."""
    status = group_bot_status(channel, token)
    return status == "administrator" or (status == "member" and not privacy_mode(bot))


def group_bot_member(channel: Account, token: str, bot: Account) -> dict[str, Any]:
    """getChatMember's answer for the bot in the group."""
    status = group_bot_status(channel, token)
    member: dict[str, Any] = {"user": bot_user(bot), "status": status}
    if status != "administrator":
        return member
    member.update(
        can_be_edited=False,
        can_manage_chat=True,
        can_change_info=False,
        can_delete_messages=can_delete_in_group(channel, token),
        can_invite_users=True,
        can_restrict_members=True,
        can_pin_messages=True,
        can_manage_topics=False,
        can_promote_members=False,
        can_manage_video_chats=False,
        can_post_stories=False,
        can_edit_stories=False,
        can_delete_stories=False,
        is_anonymous=False,
        can_manage_voice_chats=False,
    )
    return member


def comment_remote_id(channel: Account, message_id: int) -> str:
    return f"{discussion_chat_id(channel)}:{message_id}"


def next_group_message_id(store: SandboxStore, channel: Account, count: int = 1) -> int:
    """The group's next message ids (in sequence, shared by forwards and comments)."""
    name = f"telegram:discussion:{channel.account_id}"
    first = store.next_number(name)
    for _ in range(count - 1):
        store.next_number(name)
    return first


def photo_sizes(store: SandboxStore, media_id: str) -> list[dict[str, Any]]:
    """A kept photo as the Bot API lists it (one size: the file as uploaded)."""
    media = store.files.get(PLATFORM, media_id)
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


def content(item: Item, sizes: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A message's text, or its photo and caption, as it was kept."""
    entities = item.data.get("entities") or []
    if sizes:
        body: dict[str, Any] = {"photo": sizes}
        if item.text:
            body["caption"] = item.text
        if entities:
            body["caption_entities"] = entities
        return body
    body = {"text": item.text}
    if entities:
        body["entities"] = entities
    return body


def forwards_of(store: SandboxStore, channel: Account, post: Item) -> list[dict[str, Any]]:
    """The group's automatic forwards of a channel post, one per message of an album (none
    when the channel has no group); the first is the root of the post's comment thread."""
    first = post.data.get("discussion_message_id")
    if not isinstance(first, int) or discussion_chat_id(channel) is None:
        return []
    origin = chat_object(channel)
    date = int(post.created_at)
    post_id = int(post.remote_id)
    forwards = []
    for index, media_id in enumerate(post.media or [None]):
        message: dict[str, Any] = {
            "message_id": first + index,
            "from": dict(SERVICE_USER),
            "sender_chat": origin,
            "chat": group_object(channel),
            "date": date,
            "forward_origin": {
                "type": "channel",
                "chat": origin,
                "message_id": post_id + index,
                "date": date,
            },
            "is_automatic_forward": True,
            "forward_from_chat": origin,
            "forward_from_message_id": post_id + index,
            "forward_date": date,
        }
        if post.data.get("media_group_id"):
            message["media_group_id"] = f"{post.data['media_group_id']}1"
        message.update(
            content(post, photo_sizes(store, media_id) if media_id else None)
            if index == 0
            else {"photo": photo_sizes(store, str(media_id))}
        )
        forwards.append(message)
    return forwards


def forward_of(store: SandboxStore, channel: Account, post: Item) -> dict[str, Any] | None:
    """The automatic forward that roots the post's comments, or None."""
    forwards = forwards_of(store, channel, post)
    return forwards[0] if forwards else None


def comment_message(
    channel: Account,
    message_id: int,
    *,
    sender: dict[str, Any],
    thread: int | None,
    reply_to: dict[str, Any] | None,
    text: str,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message in the group's thread of a post; `reply_to` without its own reply (as
    telegram-bot-api nests one level only)."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": sender,
        "chat": group_object(channel),
        "date": int(time.time()),
    }
    if thread is not None:
        message["message_thread_id"] = thread
    if reply_to is not None:
        message["reply_to_message"] = {
            key: value for key, value in reply_to.items() if key != "reply_to_message"
        }
    message["text"] = text
    if entities:
        message["entities"] = entities
    return message


def save_comment(
    store: SandboxStore, channel: Account, message: dict[str, Any], *, post_id: int, by_bot: bool
) -> Item:
    return store.add_item(
        platform=PLATFORM,
        account_id=channel.account_id,
        kind=COMMENT,
        remote_id=comment_remote_id(channel, int(message["message_id"])),
        top_level=False,
        text=str(message.get("text") or ""),
        data={
            "message": message,
            "thread": message.get("message_thread_id"),
            "post": post_id,
            "by_bot": by_bot,
        },
    )


def comments_of(store: SandboxStore, post: Item) -> list[Item]:
    """The group messages in a post's thread, oldest first."""
    thread = post.data.get("discussion_message_id")
    if not isinstance(thread, int):
        return []
    return [
        item
        for item in store.items(platform=PLATFORM, account_id=post.account_id, kind=COMMENT)
        if item.data.get("thread") == thread
    ]


def post_of_forward(store: SandboxStore, channel: Account, forward_id: int) -> Item | None:
    """The channel post whose automatic forward has this id in the group."""
    for post in store.items(
        platform=PLATFORM, account_id=channel.account_id, kind="message", newest_first=True
    ):
        if post.data.get("discussion_message_id") == forward_id:
            return post
    return None
