"""python-telegram-bot 22.8, at its default settings with only its base URL moved, against the
sandbox's Bot API over real HTTP: what the library sends, the sandbox must take, and what the
sandbox answers, the library must read as it reads Telegram's answers."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import time_machine
from telegram import Bot, ChatFullInfo, ChatMemberAdministrator, InputMediaPhoto, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

from pressroom.platforms.testing import RunningSandbox
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
