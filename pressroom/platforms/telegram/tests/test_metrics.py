"""What a Telegram channel counts, read by the client from the emulated Bot API over real HTTP:
its subscribers; views and the rest unavailable to bots; reaction counts from the updates, by
getUpdates and by the webhook."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.inbound import Happening, HappeningKind
from pressroom.platforms.metrics import Measure, MetricsRequest, Reading
from pressroom.platforms.telegram.client_metrics import NO_VIEWS
from pressroom.platforms.telegram.inbound import LISTENER
from pressroom.platforms.telegram.tests.conftest import CHANNEL, CHAT_ID, Channel, Receiver

SECRET = "secret_token-of-the-channel"


def today() -> date:
    return datetime.now(tz=UTC).date()


def ask(*post_ids: str) -> MetricsRequest:
    return MetricsRequest(since=today() - timedelta(days=3), until=today(), post_ids=post_ids)


def read(channel: Channel, request: MetricsRequest | None = None) -> Reading:
    reading = channel.run(lambda client: client.read_metrics(request or ask()))
    assert isinstance(reading, Reading), reading
    return reading


def subscribers(reading: Reading) -> int:
    [value] = reading.values
    assert (value.measure, value.day, value.metric) == (
        Measure.FOLLOWERS,
        today(),
        "getChatMemberCount",
    )
    return value.value


def member_count(channel: Channel) -> int:
    answer = channel.api("getChatMemberCount", chat_id=CHAT_ID).json()
    assert answer["ok"] is True
    count: int = answer["result"]
    return count


# Subscribers


def test_subscribers_are_the_member_count_dated_the_last_day_asked(channel: Channel) -> None:
    channel.settings(member_count=2417)
    reading = read(channel)
    assert subscribers(reading) == member_count(channel) == 2417
    assert reading.complete_until == today()


def test_subscribers_grow_day_by_day(channel: Channel) -> None:
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        channel.settings(member_count=2417)
        clock.shift(timedelta(days=14))
        grown = subscribers(read(channel))
        assert grown == member_count(channel)
        assert grown > 2417 + 14
        assert subscribers(read(channel)) == grown


def test_a_rate_limit_waits_as_telegram_says(channel: Channel) -> None:
    channel.sandbox.add_fault(
        "telegram", "rate_limit", account_id=CHANNEL, operation="getChatMemberCount", retry_after=9
    )
    outcome = channel.run(lambda client: client.read_metrics(ask()))
    assert isinstance(outcome, Outcome)
    assert (outcome.kind, outcome.retry_after_s) == (OutcomeKind.RETRY_LATER, 9)


def test_a_wrong_token_says_the_credentials_expired(channel: Channel) -> None:
    channel.sandbox.add_fault(
        "telegram", "token_expired", account_id=CHANNEL, operation="getChatMemberCount"
    )
    outcome = channel.run(lambda client: client.read_metrics(ask()))
    assert isinstance(outcome, Outcome)
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED


# What bots cannot read


def test_views_are_reported_unavailable_not_zero(channel: Channel) -> None:
    post = channel.post()
    reading = read(channel, ask(post.remote_id))
    assert (
        reading.unavailable["reach"]
        == NO_VIEWS
        == ("Telegram does not let bots read how many times a post was viewed")
    )
    assert set(reading.unavailable) == {"reach", "shares", "visits", "clicks"}
    # Nothing is answered for the post: no zero that a report would add up.
    assert reading.posts == ()
    assert all(value.measure is Measure.FOLLOWERS for value in reading.values)


# Reactions: counted from the updates


def listening(channel: Channel) -> dict[str, int]:
    """The bot starts polling with Pressroom's allowed updates."""
    first = channel.fetch({})
    return {key: int(value) for key, value in first.cursor.items()}


def reactions(happenings: tuple[Happening, ...] | list[Happening]) -> list[Happening]:
    return [happening for happening in happenings if happening.kind is HappeningKind.REACTION]


def test_reaction_counts_come_by_get_updates_with_the_posts_total(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    for number, emoji in ((1, "👍"), (2, "👍"), (3, "❤"), (4, "🙏")):
        channel.public.react(post, channel.citizen(number), emoji)
    channel.public.react(post, channel.citizen(3), "")  # taken back
    latest = reactions(channel.fetch(cursor).happenings)[-2:]
    assert [(h.reaction, h.text, h.count) for h in latest] == [("👍", "2", 3), ("🙏", "1", 3)]
    assert {(h.post_id, h.account_id) for h in latest} == {(post.remote_id, str(CHAT_ID))}


def test_reaction_counts_come_by_the_webhook_with_the_posts_total(
    channel: Channel, receiver: Receiver
) -> None:
    hook = receiver.hook()
    assert channel.run(lambda client: client.set_webhook(hook, SECRET)).kind is (
        OutcomeKind.PUBLISHED
    )
    post = channel.post()
    channel.public.react(post, channel.citizen(1), "👍")
    channel.public.react(post, channel.citizen(2), "🔥")
    channel.flush_webhooks()
    counted = []
    for headers, body in receiver.received:
        assert LISTENER.verify(headers, body, SECRET)
        payload = json.loads(body)
        if "message_reaction_count" in payload:
            assert LISTENER.account_ids(payload) == [str(CHAT_ID)]
            counted += reactions(LISTENER.parse(payload, account_id=str(CHAT_ID)))
    assert [(h.reaction, h.count, h.post_id) for h in counted] == [
        ("👍", 1, post.remote_id),
        ("👍", 2, post.remote_id),
        ("🔥", 2, post.remote_id),
    ]


def test_reaction_counts_are_not_sent_unless_asked_for(
    channel: Channel, receiver: Receiver
) -> None:
    """Telegram's default updates leave message_reaction_count out, as the emulator does."""
    answer = channel.api("setWebhook", url=receiver.hook(), secret_token=SECRET).json()
    assert answer["ok"] is True
    post = channel.post()
    channel.public.react(post, channel.citizen(1), "👍")
    channel.flush_webhooks()
    kinds = {next(iter(set(json.loads(body)) - {"update_id"})) for _, body in receiver.received}
    assert "message_reaction_count" not in kinds
    assert "message" in kinds  # the post's automatic forward into the discussion group
