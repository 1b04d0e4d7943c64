"""The platforms' real rate limits and usage headers, counted per token, switchable."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import httpx
import pytest
import time_machine

from pressroom.platforms.base import OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@dataclass(frozen=True)
class Answer:
    status_code: int
    # Names in lower case.
    headers: dict[str, str]
    body: Any

    def json(self) -> Any:
        return self.body


def burst(requests: list[tuple[str, str, dict[str, Any]]]) -> list[Answer]:
    """Send (method, url, aiohttp keyword arguments) requests all at once."""

    async def one(session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Answer:
        async with session.request(method, url, **kwargs) as response:
            body = await response.json(content_type=None)
            headers = {name.lower(): value for name, value in response.headers.items()}
            return Answer(response.status, headers, body)

    async def run() -> list[Answer]:
        timeout = aiohttp.ClientTimeout(total=60)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            return list(
                await asyncio.gather(
                    *(one(session, method, url, **kwargs) for method, url, kwargs in requests)
                )
            )

    return asyncio.run(run())


def messages(sandbox: RunningSandbox, token: str, chat: str, count: int) -> list[int]:
    url = f"{sandbox.base_for('telegram')}/bot{token}/sendMessage"
    answers = burst(
        [("POST", url, {"json": {"chat_id": chat, "text": f"tin {n}"}}) for n in range(count)]
    )
    return [answer.status_code for answer in answers]


# The sandbox serves from a thread of the test's process: time-machine moves its clock too.


@pytest.fixture
def frozen_clock() -> Iterator[time_machine.Traveller]:
    """A second that does not pass while the test sends its burst."""
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, 10, tzinfo=UTC), tick=False) as clock:
        yield clock


@pytest.fixture
def inside_a_window() -> Iterator[time_machine.Traveller]:
    """Mastodon's five-minute windows follow the clock: the test starts 10 s into one."""
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, 10, tzinfo=UTC), tick=True) as clock:
        yield clock


# Telegram: 30 messages a second per bot, 20 a minute per channel ---------------------------


def spread(sandbox: RunningSandbox, token: str, chats: list[str], count: int) -> list[int]:
    """`count` messages at once from one bot, dealt in turn to its channels."""
    url = f"{sandbox.base_for('telegram')}/bot{token}/sendMessage"
    answers = burst(
        [
            ("POST", url, {"json": {"chat_id": chats[n % len(chats)], "text": f"tin {n}"}})
            for n in range(count)
        ]
    )
    return [answer.status_code for answer in answers]


def channels_of(sandbox: RunningSandbox, token: str, *chats: str) -> list[str]:
    for chat in chats:
        sandbox.add_account("telegram", chat, token)
    return list(chats)


@pytest.mark.usefixtures("frozen_clock")
def test_telegram_refuses_the_31st_message_in_a_second(clean_sandbox: RunningSandbox) -> None:
    token = "800:bot-one"
    chats = channels_of(clean_sandbox, token, "@nhanh_1", "@nhanh_2")
    assert spread(clean_sandbox, token, chats, 30) == [200] * 30
    channels_of(clean_sandbox, token, "@nhanh_3")
    refused = httpx.post(
        f"{clean_sandbox.base_for('telegram')}/bot{token}/sendMessage",
        json={"chat_id": "@nhanh_3", "text": "tin 31"},
    )
    assert refused.status_code == 429
    body = refused.json()
    assert body["ok"] is False
    assert body["error_code"] == 429
    assert body["parameters"]["retry_after"] == 1
    assert body["description"] == "Too Many Requests: retry after 1"
    assert len(clean_sandbox.ledger(platform="telegram")) == 30


def test_the_bot_may_send_again_a_second_later(
    clean_sandbox: RunningSandbox, frozen_clock: time_machine.Traveller
) -> None:
    first = channels_of(clean_sandbox, "804:bot", "@sau_1", "@sau_2")
    assert spread(clean_sandbox, "804:bot", first, 31) == [200] * 30 + [429]
    frozen_clock.shift(0.5)
    assert spread(clean_sandbox, "804:bot", first, 1) == [429]
    frozen_clock.shift(0.5)
    then = channels_of(clean_sandbox, "804:bot", "@sau_3", "@sau_4")
    assert spread(clean_sandbox, "804:bot", then, 30) == [200] * 30


@pytest.mark.usefixtures("frozen_clock")
def test_telegram_counts_each_bot_on_its_own(clean_sandbox: RunningSandbox) -> None:
    one = channels_of(clean_sandbox, "801:bot-one", "@mot", "@mot_hai")
    two = channels_of(clean_sandbox, "802:bot-two", "@hai", "@hai_hai")
    # A third channel on the first bot shares its allowance.
    clean_sandbox.add_account("telegram", "@ba", "801:bot-one")
    assert spread(clean_sandbox, "801:bot-one", one, 30) == [200] * 30
    assert spread(clean_sandbox, "802:bot-two", two, 30) == [200] * 30
    assert spread(clean_sandbox, "801:bot-one", ["@ba"], 1) == [429]
    assert spread(clean_sandbox, "802:bot-two", two, 1) == [429]


def test_a_channel_takes_twenty_messages_a_minute(
    clean_sandbox: RunningSandbox, frozen_clock: time_machine.Traveller
) -> None:
    # An emergency burst into one channel: the Bot FAQ's 20 a minute for a group, which
    # python-telegram-bot's rate limiter applies to channels too.
    chats = channels_of(clean_sandbox, "805:bot", "@khan_cap", "@kenh_ben")
    assert spread(clean_sandbox, "805:bot", ["@khan_cap"], 20) == [200] * 20
    refused = httpx.post(
        f"{clean_sandbox.base_for('telegram')}/bot805:bot/sendMessage",
        json={"chat_id": "@khan_cap", "text": "tin 21"},
    )
    assert refused.status_code == 429
    assert refused.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 60",
        "parameters": {"retry_after": 60},
    }
    # The bot's other channel is not held back.
    assert spread(clean_sandbox, "805:bot", chats[1:], 1) == [200]
    frozen_clock.shift(59.5)
    late = spread(clean_sandbox, "805:bot", ["@khan_cap"], 1)
    assert late == [429]
    frozen_clock.shift(0.5)
    assert spread(clean_sandbox, "805:bot", ["@khan_cap"], 1) == [200]
    assert len(clean_sandbox.ledger(platform="telegram", account_id="@khan_cap")) == 21


def test_a_thousand_bots_are_never_throttled(clean_sandbox: RunningSandbox) -> None:
    url = clean_sandbox.base_for("telegram")
    accounts = [
        {"platform": "telegram", "account_id": f"@kenh_{n}", "token": f"{9000 + n}:token-{n}"}
        for n in range(1000)
    ]
    registered = burst(
        [("POST", f"{clean_sandbox.url}/_control/accounts", {"json": body}) for body in accounts]
    )
    assert {answer.status_code for answer in registered} == {201}
    sent = burst(
        [
            (
                "POST",
                f"{url}/bot{body['token']}/sendMessage",
                {"json": {"chat_id": body["account_id"], "text": "x"}},
            )
            for body in accounts
        ]
    )
    assert {answer.status_code for answer in sent} == {200}
    assert clean_sandbox.ledger_summary()["total"] == 1000


@pytest.mark.usefixtures("frozen_clock")
def test_limits_can_be_switched_off(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("telegram", "@tu_do", "803:bot")
    assert clean_sandbox.settings(enforce_limits=False) == {"enforce_limits": False}
    assert messages(clean_sandbox, "803:bot", "@tu_do", 40) == [200] * 40
    assert clean_sandbox.settings(enforce_limits=True) == {"enforce_limits": True}
    assert messages(clean_sandbox, "803:bot", "@tu_do", 1) == [429]
    bad = httpx.put(f"{clean_sandbox.url}/_control/settings", json={"enforce_limit": False})
    assert bad.status_code == 400


@pytest.mark.usefixtures("frozen_clock")
def test_the_client_waits_as_telegram_says(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", "@cho")
    token = access.credentials["bot_token"]
    assert messages(clean_sandbox, token, "@cho", 20) == [200] * 20
    outcome = publish("telegram", access, Publication(text="tin 21"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.retry_after_s == 60.0
    assert outcome.reason == "Too Many Requests: retry after 60"


# Mastodon: 300 requests per 5 minutes per token, told in headers -----------------------------


def statuses_call(sandbox: RunningSandbox, token: str, text: str) -> httpx.Response:
    return httpx.post(
        f"{sandbox.base_for('mastodon')}/api/v1/statuses",
        data={"status": text},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.usefixtures("inside_a_window")
def test_mastodon_headers_count_down_per_token(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "mot", "token-mot-123456")
    clean_sandbox.add_account("mastodon", "hai", "token-hai-123456")
    first = statuses_call(clean_sandbox, "token-mot-123456", "một")
    second = statuses_call(clean_sandbox, "token-mot-123456", "hai")
    other = statuses_call(clean_sandbox, "token-hai-123456", "ba")
    verify = httpx.get(
        f"{clean_sandbox.base_for('mastodon')}/api/v1/accounts/verify_credentials",
        headers={"Authorization": "Bearer token-mot-123456"},
    )
    assert first.headers["x-ratelimit-reset"] == verify.headers["x-ratelimit-reset"]
    for answer in (first, second, other, verify):
        assert answer.status_code == 200
        assert answer.headers["x-ratelimit-limit"] == "300"
        reset = parse_time(answer.headers["x-ratelimit-reset"])
        assert 0 < reset - datetime.now().timestamp() <= 300
    assert [int(answer.headers["x-ratelimit-remaining"]) for answer in (first, second, verify)] == [
        299,
        298,
        297,
    ]
    assert other.headers["x-ratelimit-remaining"] == "299"


def test_mastodon_refuses_the_301st_request_until_the_reset(
    clean_sandbox: RunningSandbox, inside_a_window: time_machine.Traveller
) -> None:
    token = "token-busy-123456"
    clean_sandbox.add_account("mastodon", "ban", token)
    url = f"{clean_sandbox.base_for('mastodon')}/api/v1/accounts/verify_credentials"
    headers = {"Authorization": f"Bearer {token}"}
    answers = burst([("GET", url, {"headers": headers}) for _ in range(301)])
    assert len({answer.headers["x-ratelimit-reset"] for answer in answers}) == 1
    assert sorted(answer.status_code for answer in answers) == [200] * 300 + [429]
    [refused] = [answer for answer in answers if answer.status_code == 429]
    assert refused.json() == {"error": "Too many requests"}
    assert refused.headers["x-ratelimit-remaining"] == "0"
    remaining = sorted(int(answer.headers["x-ratelimit-remaining"]) for answer in answers)
    assert remaining == [0, 0, *range(1, 300)]
    # The client reads how long to wait from the reset time.
    access = clean_sandbox.connect("mastodon", "ban", token=token)
    outcome = publish("mastodon", access, Publication(text="thêm một"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    # 10 s into the window (the clock ticks on): the reset is at most 290 s away.
    assert outcome.retry_after_s is not None
    assert 0 < outcome.retry_after_s <= 290
    # At the reset the token may call again.
    inside_a_window.move_to(datetime(2026, 12, 1, 8, 5, 0, tzinfo=UTC))
    again = httpx.get(url, headers=headers)
    assert again.status_code == 200
    assert again.headers["x-ratelimit-remaining"] == "299"


# Facebook: usage headers, and the Business Use Case limit -------------------------------------


def test_facebook_reports_usage_in_its_headers(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("facebook", "321", "fb-usage-token", engaged_users=1)
    url = f"{clean_sandbox.base_for('facebook')}/321/feed"
    headers = {"Authorization": "Bearer fb-usage-token"}
    answers = [httpx.post(url, data={"message": f"bài {n}"}, headers=headers) for n in range(97)]
    assert {answer.status_code for answer in answers} == {200}
    usage = [json.loads(answer.headers["x-business-use-case-usage"]) for answer in answers]
    # 4,800 calls a day for one engaged user: 48 calls are 1 %.
    assert usage[0] == {
        "321": [
            {
                "type": "pages",
                "call_count": 0,
                "total_cputime": 0,
                "total_time": 0,
                "estimated_time_to_regain_access": 0,
            }
        ]
    }
    assert usage[47]["321"][0]["call_count"] == 1
    assert usage[96]["321"][0]["call_count"] == 2
    app = json.loads(answers[-1].headers["x-app-usage"])
    assert set(app) == {"call_count", "total_cputime", "total_time"}
    # 97 calls against 200 an hour for the one page that called.
    assert app["call_count"] == 48


def test_facebook_refuses_a_page_over_its_allowance(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", "654", calls_per_day=3)
    for n in range(3):
        assert publish("facebook", access, Publication(text=f"bài {n}")).published
    outcome = publish("facebook", access, Publication(text="bài 4"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "80001"
    # Until the oldest counted hour leaves the day: between one minute and a day.
    assert outcome.retry_after_s is not None
    assert 60 <= outcome.retry_after_s <= 24 * 3600
    # Another page is not affected.
    other = clean_sandbox.connect("facebook", "655", calls_per_day=3)
    assert publish("facebook", other, Publication(text="bài khác")).published
