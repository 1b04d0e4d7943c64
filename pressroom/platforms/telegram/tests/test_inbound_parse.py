"""Telegram's listener on Bot API updates shaped as telegram-bot-api writes them: the secret
token, comments in the discussion group, private messages, edits, reaction counts, and any
JSON at all."""

from __future__ import annotations

import copy
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.platforms.inbound import HappeningKind, Person, ThreadKind, Unreadable
from pressroom.platforms.telegram.inbound import LISTENER

CHANNEL_ID = -1001234567890
GROUP_ID = -1009876543210
CHANNEL: dict[str, Any] = {
    "id": CHANNEL_ID,
    "title": "UBND Tỉnh Lạng Sơn",
    "username": "ubnd_tinh",
    "type": "channel",
}
GROUP: dict[str, Any] = {"id": GROUP_ID, "title": "Thảo luận UBND Tỉnh", "type": "supergroup"}
LAN: dict[str, Any] = {"id": 55501, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn"}
FORWARD: dict[str, Any] = {
    "message_id": 977,
    "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
    "sender_chat": CHANNEL,
    "chat": GROUP,
    "date": 1767000000,
    "forward_origin": {"type": "channel", "chat": CHANNEL, "message_id": 42, "date": 1767000000},
    "is_automatic_forward": True,
    "forward_from_chat": CHANNEL,
    "forward_from_message_id": 42,
    "forward_date": 1767000000,
    "text": "Thông báo lịch tiêm chủng",
}


def comment(
    *, reply_to: dict[str, Any] | None = None, thread: int | None = 977, **fields: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 981,
        "from": LAN,
        "chat": GROUP,
        "date": 1767000300,
        "reply_to_message": FORWARD if reply_to is None else reply_to,
        "text": "Lịch tiêm ở phường tôi là khi nào?",
    }
    if thread is not None:
        message["message_thread_id"] = thread
    message.update(fields)
    return {"update_id": 812345007, "message": message}


def private(text: str = "Xin hỏi thủ tục cấp sổ đỏ", **fields: Any) -> dict[str, Any]:
    message = {
        "message_id": 12,
        "from": LAN,
        "chat": {"id": 55501, "first_name": "Lan", "last_name": "Nguyễn", "type": "private"},
        "date": 1767000400,
        "text": text,
        **fields,
    }
    return {"update_id": 812345010, "message": message}


def parsed(update: Any, account_id: str = str(CHANNEL_ID)) -> list[Any]:
    return LISTENER.parse(update, account_id=account_id)


# The secret token


@pytest.mark.parametrize(
    ("headers", "secret", "expected"),
    [
        ({"x-telegram-bot-api-secret-token": "s3cr3t_Token-1"}, "s3cr3t_Token-1", True),
        ({"X-Telegram-Bot-Api-Secret-Token": "s3cr3t_Token-1"}, "s3cr3t_Token-1", True),
        ({"x-telegram-bot-api-secret-token": "s3cr3t_Token-2"}, "s3cr3t_Token-1", False),
        ({"x-telegram-bot-api-secret-token": "s3cr3t_Token"}, "s3cr3t_Token-1", False),
        ({}, "s3cr3t_Token-1", False),
        # A channel without a secret accepts nothing, even a delivery without the header.
        ({}, "", False),
        ({"x-telegram-bot-api-secret-token": ""}, "", False),
    ],
)
def test_the_secret_token_header_must_be_the_channels(
    headers: dict[str, str], secret: str, expected: bool
) -> None:
    assert LISTENER.verify(headers, b'{"update_id":1}', secret) is expected


# Comments in the discussion group


def test_a_comment_under_a_post_is_in_the_channel_posts_thread() -> None:
    [happening] = parsed(comment())
    assert happening.kind is HappeningKind.COMMENT
    assert happening.account_id == str(CHANNEL_ID)
    assert happening.thread_kind is ThreadKind.COMMENTS
    # The channel post's id (42), not the forward's id in the group (977).
    assert happening.thread == "post:42"
    assert happening.post_id == "42"
    assert happening.remote_id == f"{GROUP_ID}:981"
    assert happening.parent_id == ""
    assert happening.author == Person("55501", "Lan Nguyễn")
    assert happening.text == "Lịch tiêm ở phường tôi là khi nào?"
    assert happening.at == datetime(2025, 12, 29, 9, 25, tzinfo=UTC)
    assert happening.by_channel is False


@pytest.mark.parametrize("thread", [977, None, 1], ids=["thread_is_forward", "none", "other"])
def test_the_post_comes_from_the_reply_chain_whatever_message_thread_id_says(
    thread: int | None,
) -> None:
    # UNCONFIRMED whether message_thread_id is the forward's id: the reply chain decides.
    [happening] = parsed(comment(thread=thread))
    assert happening.thread == "post:42"


def test_an_older_forward_without_forward_origin_still_names_the_post() -> None:
    forward = {key: value for key, value in FORWARD.items() if key not in {"forward_origin"}}
    [happening] = parsed(comment(reply_to=forward))
    assert happening.thread == "post:42"


def test_a_reply_to_a_comment_names_its_parent_and_the_threads_root() -> None:
    # Telegram nests one reply only: the post is not in the update.
    first = comment()["message"]
    [reply] = parsed(comment(reply_to=first, message_id=990, text="Tôi cũng muốn biết"))
    assert reply.kind is HappeningKind.COMMENT
    assert reply.parent_id == f"{GROUP_ID}:981"
    assert reply.remote_id == f"{GROUP_ID}:990"
    # Reading one: message_thread_id is the forward's id in the group.
    assert reply.thread == f"discussion:{GROUP_ID}:977"
    assert reply.post_id == ""


def test_a_reply_to_a_comment_without_message_thread_id_keys_on_the_parent() -> None:
    # Reading two: no message_thread_id: the only root known is the message replied to.
    first = comment()["message"]
    [reply] = parsed(comment(reply_to=first, thread=None, message_id=990))
    assert reply.parent_id == f"{GROUP_ID}:981"
    assert reply.thread == f"discussion:{GROUP_ID}:981"


def test_a_comment_whose_replied_message_is_gone_keeps_its_thread() -> None:
    update = comment()
    del update["message"]["reply_to_message"]
    [happening] = parsed(update)
    assert happening.thread == f"discussion:{GROUP_ID}:977"
    assert happening.parent_id == ""


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ({"sender_chat": CHANNEL}, True),
        # An anonymous administrator writes as the group itself.
        ({"sender_chat": GROUP, "from": {"id": 1087968824, "is_bot": True}}, True),
        ({"from": {"id": 7012345678, "is_bot": True, "first_name": "Bot"}}, True),
        ({"from": LAN}, False),
        # A citizen writing as their own channel.
        ({"sender_chat": {"id": -1005550001, "title": "Kênh của Lan", "type": "channel"}}, False),
    ],
)
def test_comments_written_as_the_channel_the_group_or_the_bot_are_the_channels(
    sender: dict[str, Any], expected: bool
) -> None:
    update = comment()
    del update["message"]["from"]
    update["message"].update(sender)
    [happening] = parsed(update)
    assert happening.by_channel is expected


def test_a_comment_under_another_channels_post_is_not_this_channels() -> None:
    other = {"id": -1001111111111, "title": "Kênh khác", "type": "channel"}
    forward = copy.deepcopy(FORWARD)
    forward["sender_chat"] = forward["forward_from_chat"] = other
    forward["forward_origin"]["chat"] = other
    assert parsed(comment(reply_to=forward)) == []
    # Without the channel named, the post's channel is the happening's.
    [happening] = parsed(comment(reply_to=forward), account_id="")
    assert happening.account_id == "-1001111111111"


def test_the_channel_named_by_its_username_is_recognised() -> None:
    [happening] = parsed(comment(), account_id="@UBND_TINH")
    assert happening.thread == "post:42"
    assert happening.account_id == "@UBND_TINH"


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "message": FORWARD},
        # The group's own chat, under no post.
        {
            "update_id": 2,
            "message": {
                k: v
                for k, v in comment()["message"].items()
                if k not in {"reply_to_message", "message_thread_id"}
            },
        },
        # Someone joined: a service message.
        comment(text=None, new_chat_members=[LAN]),
    ],
    ids=["automatic_forward", "group_chat", "service_message"],
)
def test_what_is_not_a_comment(update: dict[str, Any]) -> None:
    if update["message"].get("text") is None:
        update["message"].pop("text", None)
    assert parsed(update) == []


def test_a_photo_comment_keeps_its_caption_and_kind() -> None:
    update = comment(text=None, caption="Ảnh hiện trường", photo=[{"file_id": "x"}])
    del update["message"]["text"]
    [happening] = parsed(update)
    assert happening.text == "Ảnh hiện trường"
    assert happening.attachments == ("image",)


def test_text_is_kept_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Phường Hợp Thành")
    [happening] = parsed(comment(text=decomposed))
    assert happening.text == unicodedata.normalize("NFC", "Phường Hợp Thành")
    assert happening.text != decomposed


def test_an_edited_comment_is_an_edit_at_its_edit_date() -> None:
    update = comment(edit_date=1767000900, text="Đã sửa")
    update["edited_message"] = update.pop("message")
    [happening] = parsed(update)
    assert happening.kind is HappeningKind.EDIT
    assert happening.thread == "post:42"
    assert happening.remote_id == f"{GROUP_ID}:981"
    assert happening.text == "Đã sửa"
    assert happening.at == datetime.fromtimestamp(1767000900, UTC)


# Private messages to the bot


def test_a_private_message_is_in_the_persons_thread() -> None:
    [happening] = parsed(private())
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.thread_kind is ThreadKind.MESSAGES
    assert happening.thread == "person:55501"
    assert happening.remote_id == "55501:12"
    assert happening.author == Person("55501", "Lan Nguyễn")
    assert happening.by_channel is False


@pytest.mark.parametrize("text", ["/start", "/start tu-bai-dang-42", "/start@so_tttt_bot"])
def test_start_is_not_a_message(text: str) -> None:
    assert parsed(private(text)) == []


def test_an_edited_private_message_is_an_edit() -> None:
    update = private("Sửa lại câu hỏi", edit_date=1767000500)
    update["edited_message"] = update.pop("message")
    [happening] = parsed(update)
    assert happening.kind is HappeningKind.EDIT
    assert happening.thread == "person:55501"


# Reactions and the rest


def test_reaction_counts_on_a_post_are_totals_per_reaction() -> None:
    update: dict[str, Any] = {
        "update_id": 812345020,
        "message_reaction_count": {
            "chat": CHANNEL,
            "message_id": 42,
            "date": 1767001000,
            "reactions": [
                {"type": {"type": "emoji", "emoji": "👍"}, "total_count": 12},
                {"type": {"type": "custom_emoji", "custom_emoji_id": "5368"}, "total_count": 2},
                {"type": {"type": "paid"}, "total_count": 1},
            ],
        },
    }
    happenings = parsed(update)
    assert [(h.kind, h.reaction, h.text) for h in happenings] == [
        (HappeningKind.REACTION, "👍", "12"),
        (HappeningKind.REACTION, "custom:5368", "2"),
        (HappeningKind.REACTION, "paid", "1"),
    ]
    assert {(h.thread, h.remote_id, h.post_id) for h in happenings} == {("post:42", "42", "42")}
    # Each carries the post's total of every kind: the figure that replaces the earlier one.
    assert {h.count for h in happenings} == {15}
    update["message_reaction_count"]["reactions"] = []
    [taken_back] = parsed(update)
    assert (taken_back.reaction, taken_back.text, taken_back.count) == ("", "0", 0)


def test_other_happenings_carry_no_count() -> None:
    [happening] = parsed(comment())
    assert happening.count is None


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 3, "channel_post": {**FORWARD, "chat": CHANNEL, "message_id": 42}},
        {"update_id": 4, "edited_channel_post": {**FORWARD, "chat": CHANNEL, "message_id": 42}},
        {
            "update_id": 5,
            "my_chat_member": {
                "chat": GROUP,
                "from": LAN,
                "date": 1767000000,
                "old_chat_member": {"user": LAN, "status": "left"},
                "new_chat_member": {"user": LAN, "status": "administrator"},
            },
        },
        {"update_id": 6, "callback_query": {"id": "1"}},
        {"update_id": 7},
    ],
    ids=["channel_post", "edited_channel_post", "my_chat_member", "callback_query", "empty"],
)
def test_updates_that_are_nothing_for_the_inbox(update: dict[str, Any]) -> None:
    assert parsed(update) == []


@pytest.mark.parametrize(
    "body",
    [
        [],
        "update",
        {},
        {"update_id": "812345007"},
        {"update_id": True, "message": comment()["message"]},
        {"update_id": 1, "message": "Xin chào"},
        {"update_id": 1, "message": {**comment()["message"], "chat": "nhóm"}},
        {"update_id": 1, "message": {**comment()["message"], "date": -1}},
        {"update_id": 1, "message": {**comment()["message"], "date": 10**20}},
        {"update_id": 1, "message_reaction_count": {"chat": CHANNEL, "message_id": 1}},
        {
            "update_id": 1,
            "message_reaction_count": {
                "chat": CHANNEL,
                "message_id": 1,
                "date": 1767001000,
                "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": -1}],
            },
        },
    ],
)
def test_what_is_not_an_update_is_unreadable(body: Any) -> None:
    with pytest.raises(Unreadable):
        parsed(body)


def test_the_event_key_is_the_update_id() -> None:
    update = comment()
    assert LISTENER.event_key(update, b"") == "update:812345007"
    assert LISTENER.event_key(copy.deepcopy(update), b"other bytes") == "update:812345007"
    assert LISTENER.event_key(["not", "an", "update"], b"") == ""


def test_the_channel_a_body_concerns_is_read_without_the_address() -> None:
    assert LISTENER.account_ids(comment()) == [str(CHANNEL_ID)]
    assert LISTENER.account_ids({"update_id": 1, "channel_post": {**FORWARD, "chat": CHANNEL}}) == [
        str(CHANNEL_ID)
    ]
    assert LISTENER.account_ids(private()) == []
    assert LISTENER.account_ids("x") == []


# Any JSON at all

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
SMALL = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | st.lists(st.integers(), max_size=2)
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a value of the right shape, sometimes anything small."""
    return st.integers(0, 12).flatmap(lambda pick: valid if pick else SMALL)


NUMBER = mostly(st.integers(-(2**64), 2**64))
CHAT = mostly(
    st.fixed_dictionaries(
        {
            "id": mostly(st.sampled_from([CHANNEL_ID, GROUP_ID, 55501])),
            "type": mostly(st.sampled_from(["private", "supergroup", "group", "channel"])),
        },
        optional={"username": mostly(st.sampled_from(["ubnd_tinh", ""])), "title": SMALL},
    )
)
USER = mostly(
    st.fixed_dictionaries(
        {"id": NUMBER},
        optional={"is_bot": mostly(st.booleans()), "first_name": SMALL, "last_name": SMALL},
    )
)


def message_of(replied: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"message_id": NUMBER, "chat": CHAT, "date": mostly(st.integers(-10, 2**41))},
        optional={
            "edit_date": mostly(st.integers(-10, 2**41)),
            "text": mostly(st.text(max_size=12)),
            "caption": SMALL,
            "from": USER,
            "sender_chat": CHAT,
            "message_thread_id": NUMBER,
            "is_automatic_forward": mostly(st.booleans()),
            "forward_origin": mostly(
                st.fixed_dictionaries(
                    {"type": mostly(st.sampled_from(["channel", "user"]))},
                    optional={"chat": CHAT, "message_id": NUMBER},
                )
            ),
            "forward_from_chat": CHAT,
            "forward_from_message_id": NUMBER,
            "photo": SMALL,
            "reply_to_message": replied,
        },
    )


MESSAGE = mostly(message_of(mostly(message_of(SMALL))))
REACTION_TYPE = mostly(
    st.fixed_dictionaries(
        {"type": mostly(st.sampled_from(["emoji", "custom_emoji", "paid"]))},
        optional={"emoji": mostly(st.text(max_size=2)), "custom_emoji_id": SMALL},
    )
)
REACTION_COUNT = mostly(
    st.fixed_dictionaries(
        {
            "chat": CHAT,
            "message_id": NUMBER,
            "date": mostly(st.integers(-10, 2**41)),
            "reactions": mostly(
                st.lists(
                    mostly(st.fixed_dictionaries({"type": REACTION_TYPE, "total_count": NUMBER})),
                    max_size=3,
                )
            ),
        }
    )
)
UPDATE = st.fixed_dictionaries(
    {"update_id": mostly(st.integers(0, 2**31))},
    optional={
        "message": MESSAGE,
        "edited_message": MESSAGE,
        "message_reaction_count": REACTION_COUNT,
        "channel_post": MESSAGE,
    },
)


def readable_or_refused(body: Any, account_id: str) -> None:
    try:
        happenings = LISTENER.parse(body, account_id=account_id)
    except Unreadable:
        return
    assert isinstance(happenings, list)
    for happening in happenings:
        assert happening.thread
        assert isinstance(happening.text, str)
        if happening.kind is HappeningKind.REACTION:
            assert happening.count is not None and happening.count >= 0
        else:
            assert happening.count is None
    LISTENER.event_key(body, b"")
    LISTENER.account_ids(body)


@settings(max_examples=300, deadline=None)
@given(body=JSON, account_id=st.sampled_from(["", str(CHANNEL_ID), "@ubnd_tinh"]))
def test_any_json_is_happenings_or_unreadable(body: Any, account_id: str) -> None:
    readable_or_refused(body, account_id)


@settings(max_examples=500, deadline=None)
@given(body=UPDATE, account_id=st.sampled_from(["", str(CHANNEL_ID), "@ubnd_tinh"]))
def test_any_update_shaped_json_is_happenings_or_unreadable(body: Any, account_id: str) -> None:
    readable_or_refused(body, account_id)
