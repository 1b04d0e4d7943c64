"""python-telegram-bot 22.8, at its default settings with only its base URL moved, against the
sandbox's Bot API over real HTTP: what the library sends, the sandbox must take, and what the
sandbox answers, the library must read as it reads Telegram's answers. Publishing first, then
listening: the discussion group, getUpdates, the webhook, replies and deleting."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import time_machine
from telegram import (
    Bot,
    ChatFullInfo,
    ChatMemberAdministrator,
    InputMediaPhoto,
    Message,
    MessageOriginChannel,
    ReplyParameters,
    Update,
    WebhookInfo,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from pressroom.platforms.telegram.inbound import ALLOWED_UPDATES
from pressroom.platforms.telegram.sandbox.public import TelegramPublic
from pressroom.platforms.testing import RunningSandbox
from pressroom.sandbox.store import Item
from pressroom.testing import make_image

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
BOT_ID = 7012345678
CHANNEL = "@so_tttt_lang_son"
CHAT_ID = -1001987654321


@pytest.fixture
def channel(clean_sandbox: RunningSandbox) -> RunningSandbox:
    clean_sandbox.add_account(
        "telegram",
        CHANNEL,
        TOKEN,
        name="Sở TT&TT Lạng Sơn",
        chat_id=CHAT_ID,
        bot_username="so_tttt_lang_son_bot",
        bot_name="Bot Sở TT&TT",
        member_count=1532,
    )
    return clean_sandbox


def with_bot[T](
    sandbox: RunningSandbox, use: Callable[[Bot], Awaitable[T]], token: str = TOKEN
) -> T:
    """Run `use` with an initialised Bot (initialize() calls getMe) pointed at the sandbox."""

    async def run() -> T:
        async with Bot(token, base_url=f"{sandbox.base_for('telegram')}/bot") as bot:
            return await use(bot)

    return asyncio.run(run())


def seconds(period: int | dtm.timedelta) -> float:
    return period.total_seconds() if isinstance(period, dtm.timedelta) else float(period)


def test_initialize_reads_the_bot_from_get_me(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> Any:
        return bot.bot, await bot.get_me()

    cached, me = with_bot(channel, use)
    assert cached == me
    assert me.id == BOT_ID
    assert me.is_bot is True
    assert me.username == "so_tttt_lang_son_bot"
    assert me.first_name == "Bot Sở TT&TT"
    assert me.can_join_groups is True
    assert me.supports_inline_queries is False
    assert me.api_kwargs == {}


def test_get_chat_by_username_and_by_id(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> tuple[ChatFullInfo, ChatFullInfo]:
        return await bot.get_chat(CHANNEL), await bot.get_chat(CHAT_ID)

    by_name, by_id = with_bot(channel, use)
    assert by_name == by_id
    assert by_name.id == CHAT_ID
    assert by_name.type == "channel"
    assert by_name.title == "Sở TT&TT Lạng Sơn"
    assert by_name.username == "so_tttt_lang_son"
    assert by_name.active_usernames == ("so_tttt_lang_son",)
    assert isinstance(by_name.max_reaction_count, int)
    assert by_name.api_kwargs == {}


def test_get_chat_member_of_the_bot(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> Any:
        return await bot.get_chat_member(CHANNEL, bot.id)

    member = with_bot(channel, use)
    assert isinstance(member, ChatMemberAdministrator)
    assert member.status == "administrator"
    assert member.user.id == BOT_ID
    assert member.can_post_messages is True
    assert member.can_be_edited is False
    assert member.api_kwargs == {"can_manage_voice_chats": True}


def test_get_chat_member_count(channel: RunningSandbox) -> None:
    assert with_bot(channel, lambda bot: bot.get_chat_member_count(CHANNEL)) == 1532


def test_send_message_with_html(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> Message:
        return await bot.send_message(
            CHANNEL, "<b>Mưa lớn</b>\n\nSơ tán &amp; chờ 😀", parse_mode=ParseMode.HTML
        )

    message = with_bot(channel, use)
    assert message.text == "Mưa lớn\n\nSơ tán & chờ 😀"
    assert message.chat.id == CHAT_ID
    assert message.chat.username == "so_tttt_lang_son"
    assert message.sender_chat is not None
    [bold] = message.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 0, 7)
    assert message.parse_entity(bold) == "Mưa lớn"
    [entry] = channel.ledger(platform="telegram")
    assert entry["remote_id"] == str(message.message_id)


def test_send_message_with_markdown_v2(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> Message:
        return await bot.send_message(
            CHANNEL, "*Cảnh báo* lũ 😀 _cấp 3_ mức 1\\.5m", parse_mode=ParseMode.MARKDOWN_V2
        )

    message = with_bot(channel, use)
    assert message.text == "Cảnh báo lũ 😀 cấp 3 mức 1.5m"
    # Entity offsets in UTF-16: the emoji counts two.
    assert message.parse_entities() == {
        message.entities[0]: "Cảnh báo",
        message.entities[1]: "cấp 3",
    }


def test_send_photo(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> Message:
        return await bot.send_photo(
            CHANNEL, make_image(), caption="<i>Ảnh</i> hiện trường", parse_mode="HTML"
        )

    message = with_bot(channel, use)
    assert message.caption == "Ảnh hiện trường"
    assert message.caption_entities[0].type == "italic"
    assert message.photo
    assert message.photo[-1].width > 0
    [entry] = channel.ledger(platform="telegram")
    assert entry["media_count"] == 1


def test_send_media_group(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> tuple[Message, ...]:
        media = [
            InputMediaPhoto(make_image(color="teal"), caption="Album *một*", parse_mode="Markdown"),
            InputMediaPhoto(make_image(color="navy")),
            InputMediaPhoto(make_image(color="olive")),
        ]
        return await bot.send_media_group(CHANNEL, media)

    messages = with_bot(channel, use)
    assert len(messages) == 3
    assert len({message.media_group_id for message in messages}) == 1
    assert messages[0].caption == "Album một"
    assert [message.message_id for message in messages] == [
        messages[0].message_id + index for index in range(3)
    ]
    [entry] = channel.ledger(platform="telegram")
    assert entry["media_count"] == 3


def test_a_photo_sent_again_by_its_file_id(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> Message:
        first = await bot.send_photo(CHANNEL, make_image())
        return await bot.send_photo(CHANNEL, first.photo[-1].file_id)

    assert with_bot(channel, use).photo


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda bot: bot.send_message("@khong_co", "x"), BadRequest, "Chat not found"),
        (
            lambda bot: bot.send_message(CHANNEL, "<b>x", parse_mode="HTML"),
            BadRequest,
            "Can't parse entities: can't find end tag corresponding to start tag \"b\"",
        ),
        (lambda bot: bot.send_message(CHANNEL, "😀" * 4097), BadRequest, "Message is too long"),
        (
            lambda bot: bot.get_chat_member(CHANNEL, 123456789),
            BadRequest,
            "User not found",
        ),
    ],
)
def test_bad_requests(
    channel: RunningSandbox,
    call: Callable[[Bot], Awaitable[Any]],
    error: type[Exception],
    message: str,
) -> None:
    # python-telegram-bot capitalises the description after "Bad Request: ".
    with pytest.raises(error) as raised:
        with_bot(channel, call)
    assert str(raised.value) == message


def test_a_bot_that_may_not_post_is_told_so(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("telegram", CHANNEL, TOKEN, bot_can_post=False)
    with pytest.raises(BadRequest) as raised:
        with_bot(clean_sandbox, lambda bot: bot.send_message(CHANNEL, "x"))
    assert str(raised.value) == "Need administrator rights in the channel chat"


def test_forbidden_in_a_channel_of_another_bot(channel: RunningSandbox) -> None:
    channel.add_account("telegram", "@kenh_khac", "6000000001:AAother-bot-token-00000000000")
    with pytest.raises(Forbidden) as raised:
        with_bot(channel, lambda bot: bot.send_message("@kenh_khac", "x"))
    assert str(raised.value) == "Forbidden: bot is not a member of the channel chat"


@pytest.mark.parametrize("token", ["7012345678:AAH-revoked-000000000000000000000", "no-colon"])
def test_a_wrong_token_is_an_invalid_token(channel: RunningSandbox, token: str) -> None:
    with pytest.raises(InvalidToken):
        with_bot(channel, lambda bot: bot.get_me(), token=token)


# The library warns that retry_after becomes a timedelta in its next major version.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_from_the_per_channel_limit(channel: RunningSandbox) -> None:
    async def use(bot: Bot) -> None:
        for number in range(20):
            await bot.send_message(CHANNEL, f"Cảnh báo {number}")
        await bot.send_message(CHANNEL, "Cảnh báo 21")

    start = dtm.datetime(2026, 12, 1, 8, 0, 10, tzinfo=dtm.UTC)
    with time_machine.travel(start, tick=False), pytest.raises(RetryAfter) as raised:
        with_bot(channel, use)
    assert seconds(raised.value.retry_after) == 60
    assert len(channel.ledger(platform="telegram")) == 20


# Listening: the discussion group, getUpdates, the webhook, replies and deleting

GROUP_ID = -1001987654322
SECRET = "s3cret_token-for-the-webhook"
# Fields telegram-bot-api still writes that python-telegram-bot 22 no longer has.
LEGACY_FORWARD_FIELDS = {"forward_from_chat", "forward_from_message_id", "forward_date"}


def public_of(sandbox: RunningSandbox) -> TelegramPublic:
    served = sandbox._served
    assert served is not None
    return TelegramPublic(served.app.state.store)  # type: ignore[attr-defined]


@pytest.fixture
def discussed(channel: RunningSandbox) -> RunningSandbox:
    """The channel with its discussion group at a known id."""
    channel.add_account(
        "telegram",
        CHANNEL,
        TOKEN,
        name="Sở TT&TT Lạng Sơn",
        chat_id=CHAT_ID,
        linked_chat_id=GROUP_ID,
        bot_username="so_tttt_lang_son_bot",
    )
    return channel


def posted_and_commented(sandbox: RunningSandbox, text: str) -> tuple[Item, Item]:
    public = public_of(sandbox)
    [account] = [a for a in public.store.accounts("telegram") if a.account_id == CHANNEL]
    [post] = public.posts(account)
    comment = public.comment(post, public.citizen(account, 3), text)
    assert comment is not None
    return post, comment


def test_get_chat_finds_the_discussion_group_and_back(discussed: RunningSandbox) -> None:
    async def use(bot: Bot) -> tuple[ChatFullInfo, ChatFullInfo]:
        channel_chat = await bot.get_chat(CHANNEL)
        assert channel_chat.linked_chat_id is not None
        return channel_chat, await bot.get_chat(channel_chat.linked_chat_id)

    channel_chat, group = with_bot(discussed, use)
    assert channel_chat.linked_chat_id == GROUP_ID
    assert group.id == GROUP_ID
    assert group.type == "supergroup"
    assert group.linked_chat_id == CHAT_ID
    assert group.permissions is not None
    assert group.api_kwargs == {}


def test_get_updates_reads_a_comment_under_a_post(discussed: RunningSandbox) -> None:
    async def listen(bot: Bot) -> tuple[Update, ...]:
        return await bot.get_updates(allowed_updates=list(ALLOWED_UPDATES))

    assert with_bot(discussed, listen) == ()
    with_bot(discussed, lambda bot: bot.send_message(CHANNEL, "Lịch tiếp dân tháng 12"))
    post, comment = posted_and_commented(discussed, "Thứ bảy có tiếp dân không?")

    async def read(bot: Bot) -> tuple[Update, ...]:
        found = await bot.get_updates()
        # Confirmed by the next call with a higher offset.
        await bot.get_updates(offset=found[-1].update_id + 1)
        return found

    forward_update, comment_update = with_bot(discussed, read)
    assert comment_update.update_id == forward_update.update_id + 1
    forward = forward_update.message
    assert forward is not None
    assert forward.is_automatic_forward is True
    assert isinstance(forward.forward_origin, MessageOriginChannel)
    assert forward.forward_origin.message_id == int(post.remote_id)
    assert forward.forward_origin.chat.id == CHAT_ID
    assert forward.sender_chat is not None
    assert forward.sender_chat.id == CHAT_ID
    assert set(forward.api_kwargs) == LEGACY_FORWARD_FIELDS
    message = comment_update.message
    assert message is not None
    assert message.chat.type == "supergroup"
    assert message.message_thread_id == forward.message_id
    assert message.reply_to_message is not None
    assert message.reply_to_message.is_automatic_forward is True
    assert message.text == "Thứ bảy có tiếp dân không?"
    assert message.from_user is not None
    assert message.from_user.first_name == comment.data["message"]["from"]["first_name"]
    assert message.api_kwargs == {}
    assert comment_update.api_kwargs == {}
    assert with_bot(discussed, lambda bot: bot.get_updates()) == ()


def test_set_webhook_with_a_secret_token_and_its_info(discussed: RunningSandbox) -> None:
    url = "https://pressroom.example.vn/webhooks/telegram/12"

    async def use(bot: Bot) -> tuple[bool, WebhookInfo]:
        done = await bot.set_webhook(
            url, secret_token=SECRET, allowed_updates=list(ALLOWED_UPDATES)
        )
        return done, await bot.get_webhook_info()

    done, info = with_bot(discussed, use)
    assert done is True
    assert info.url == url
    assert info.pending_update_count == 0
    assert info.has_custom_certificate is False
    assert info.max_connections == 40
    assert set(info.allowed_updates or ()) == set(ALLOWED_UPDATES)
    assert info.api_kwargs == {}
    with pytest.raises(Conflict) as raised:
        with_bot(discussed, lambda bot: bot.get_updates())
    assert "can't use getUpdates method while webhook is active" in str(raised.value)
    assert with_bot(discussed, lambda bot: bot.delete_webhook()) is True
    assert with_bot(discussed, lambda bot: bot.get_updates()) == ()


def test_set_webhook_refuses_a_secret_with_other_characters(discussed: RunningSandbox) -> None:
    with pytest.raises(BadRequest) as raised:
        with_bot(
            discussed,
            lambda bot: bot.set_webhook("https://pressroom.example.vn/h", secret_token="a b"),
        )
    assert str(raised.value) == "Secret token contains unallowed characters"


def test_send_message_replying_to_a_comment_and_delete_it(discussed: RunningSandbox) -> None:
    with_bot(discussed, lambda bot: bot.send_message(CHANNEL, "Cắt điện khu vực phường 3"))
    post, comment = posted_and_commented(discussed, "Mấy giờ có điện lại?")
    answered = comment.data["message"]["message_id"]

    async def use(bot: Bot) -> tuple[Message, bool]:
        reply = await bot.send_message(
            GROUP_ID, "Dự kiến 17 giờ.", reply_parameters=ReplyParameters(answered)
        )
        return reply, await bot.delete_message(GROUP_ID, answered)

    reply, deleted = with_bot(discussed, use)
    assert reply.chat.id == GROUP_ID
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == answered
    assert reply.message_thread_id == post.data["discussion_message_id"]
    assert reply.from_user is not None
    assert reply.from_user.id == BOT_ID
    assert reply.api_kwargs == {}
    assert deleted is True
    with pytest.raises(BadRequest) as raised:
        with_bot(discussed, lambda bot: bot.delete_message(GROUP_ID, answered))
    assert str(raised.value) == "Message to delete not found"


def test_a_bot_cannot_write_to_someone_who_never_started_it(discussed: RunningSandbox) -> None:
    with_bot(discussed, lambda bot: bot.send_message(CHANNEL, "Thông báo"))
    _post, comment = posted_and_commented(discussed, "Bình luận")
    person = comment.data["message"]["from"]["id"]
    with pytest.raises(Forbidden) as raised:
        with_bot(discussed, lambda bot: bot.send_message(person, "Chào"))
    assert str(raised.value) == "Forbidden: bot can't initiate conversation with a user"


def test_get_chat_of_someone_who_started_the_bot(discussed: RunningSandbox) -> None:
    public = public_of(discussed)
    [account] = [a for a in public.store.accounts("telegram") if a.account_id == CHANNEL]
    citizen = public.citizen(account, 5)
    public.message(account, citizen, "Xin chào")

    async def use(bot: Bot) -> tuple[ChatFullInfo, Message]:
        return await bot.get_chat(int(citizen.id)), await bot.send_message(
            int(citizen.id), "Chào anh/chị"
        )

    chat, sent = with_bot(discussed, use)
    assert chat.type == "private"
    assert chat.first_name == citizen.name
    assert chat.api_kwargs == {}
    assert sent.chat.id == int(citizen.id)
