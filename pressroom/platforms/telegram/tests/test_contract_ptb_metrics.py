"""python-telegram-bot 22.8 at its default settings, only its base URL moved, against the
sandbox's Bot API over real HTTP: the figures Pressroom reads (getChatMemberCount) and the
reaction counts it listens for (`message_reaction_count`), as the library reads Telegram's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from telegram import Bot, MessageReactionCountUpdated, ReactionTypeEmoji, Update

from pressroom.platforms.telegram.inbound import ALLOWED_UPDATES
from pressroom.platforms.telegram.tests.conftest import CHANNEL, CHAT_ID, Channel
from pressroom.platforms.telegram.tests.test_contract_ptb import with_bot
from pressroom.platforms.telegram.tests.test_metrics import read, subscribers


def test_get_chat_member_count_agrees_with_the_reading(channel: Channel) -> None:
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        channel.settings(member_count=980)
        assert with_bot(channel.sandbox, lambda bot: bot.get_chat_member_count(CHAT_ID)) == 980
        clock.shift(timedelta(days=3))
        later = with_bot(channel.sandbox, lambda bot: bot.get_chat_member_count(CHANNEL))
        assert later > 980
        assert subscribers(read(channel)) == later


def test_reaction_counts_read_by_the_library(channel: Channel) -> None:
    async def listen(bot: Bot) -> tuple[Update, ...]:
        return await bot.get_updates(allowed_updates=list(ALLOWED_UPDATES))

    assert with_bot(channel.sandbox, listen) == ()
    post = channel.post()
    channel.public.react(post, channel.citizen(1), "👍")
    channel.public.react(post, channel.citizen(2), "👍")
    channel.public.react(post, channel.citizen(3), "❤")

    async def updates(bot: Bot) -> tuple[Update, ...]:
        return await bot.get_updates()

    counted = [
        update.message_reaction_count
        for update in with_bot(channel.sandbox, updates)
        if update.message_reaction_count is not None
    ]
    assert len(counted) == 3
    latest = counted[-1]
    assert isinstance(latest, MessageReactionCountUpdated)
    assert latest.chat.id == CHAT_ID
    assert latest.chat.type == "channel"
    assert latest.message_id == int(post.remote_id)
    assert [(reaction.type, reaction.total_count) for reaction in latest.reactions] == [
        (ReactionTypeEmoji("👍"), 2),
        (ReactionTypeEmoji("❤"), 1),
    ]
    assert latest.api_kwargs == {}
    assert all(reaction.api_kwargs == {} for reaction in latest.reactions)
