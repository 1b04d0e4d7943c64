"""What a Mastodon account counts, read by the client from the emulated instance over real HTTP:
its followers, and its statuses' replies, boosts and favourites as the simulated public makes
them; a status gone is left out, a rate limit waits until the instance's reset."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import httpx
import time_machine

from pressroom.platforms.base import ChannelAccess, Outcome, OutcomeKind, Publication
from pressroom.platforms.mastodon.tests.test_inbound_client import ACCOUNT, Citizens, run
from pressroom.platforms.metrics import Measure, MetricsRequest, Reading
from pressroom.platforms.testing import RunningSandbox, publish


def today() -> date:
    return datetime.now(tz=UTC).date()


def ask(*post_ids: str, skip: tuple[str, ...] = ()) -> MetricsRequest:
    return MetricsRequest(
        since=today() - timedelta(days=2), until=today(), post_ids=post_ids, skip_metrics=skip
    )


def read(access: ChannelAccess, request: MetricsRequest | None = None) -> Reading:
    reading = run(access, lambda client: client.read_metrics(request or ask()))
    assert isinstance(reading, Reading), reading
    return reading


def followers(reading: Reading) -> int:
    [value] = reading.values
    assert (value.measure, value.day, value.metric) == (
        Measure.FOLLOWERS,
        today(),
        "followers_count",
    )
    return value.value


def counts(reading: Reading, status_id: str) -> dict[str, int]:
    [post] = [post for post in reading.posts if post.remote_id == status_id]
    assert {value.day for value in post.values} == {today()}
    return {value.metric: value.value for value in post.values}


def measures(reading: Reading, status_id: str) -> dict[Measure, str]:
    [post] = [post for post in reading.posts if post.remote_id == status_id]
    return {value.measure: value.metric for value in post.values}


def status(access: ChannelAccess, text: str = "Lịch tiêm chủng tháng 10") -> str:
    outcome = publish("mastodon", access, Publication(text=text))
    assert outcome.kind is OutcomeKind.PUBLISHED, outcome
    return outcome.remote_id


# Followers


def test_followers_are_the_accounts_dated_the_last_day_asked(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT, followers_count=3400)
    reading = read(access)
    assert followers(reading) == 3400
    assert reading.complete_until == today()
    assert set(reading.unavailable) == {"reach", "visits", "clicks"}


def test_followers_follow_the_public_and_grow_day_by_day(clean_sandbox: RunningSandbox) -> None:
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        access = clean_sandbox.connect("mastodon", ACCOUNT, followers_count=100)
        citizens = Citizens(clean_sandbox)
        citizens.act("follow", account_id=ACCOUNT, citizen=1)
        citizens.act("follow", account_id=ACCOUNT, citizen=2)
        citizens.act("follow", account_id=ACCOUNT, citizen=2)  # already following
        assert followers(read(access)) == 102
        clock.shift(timedelta(days=10))
        grown = followers(read(access))
        assert grown > 102 + 10
        assert followers(read(access)) == grown


def test_without_an_account_id_the_token_says_whose(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT, followers_count=58)
    assert followers(read(dataclasses.replace(access, external_id=""))) == 58


# Statuses


def test_a_statuses_counts_follow_what_the_public_does(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    status_id = status(access)
    fresh = read(access, ask(status_id))
    assert counts(fresh, status_id) == {
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
    }
    assert measures(fresh, status_id) == {
        Measure.COMMENTS: "replies_count",
        Measure.SHARES: "reblogs_count",
        Measure.REACTIONS: "favourites_count",
    }
    citizens = Citizens(clean_sandbox)
    citizens.comment(status_id, "Phường tôi tiêm ngày nào ạ?", citizen=1)
    citizens.comment(status_id, "Cho hỏi địa điểm", citizen=2)
    for number in (1, 2, 3):
        citizens.act("react", status_id=status_id, citizen=number)
    citizens.act("react", status_id=status_id, citizen=4, reaction="reblog")
    assert counts(read(access, ask(status_id)), status_id) == {
        "replies_count": 2,
        "reblogs_count": 1,
        "favourites_count": 3,
    }


def test_a_status_that_is_gone_is_left_out(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    kept, gone = status(access, "Còn"), status(access, "Đã xoá")
    served = clean_sandbox._served
    assert served is not None
    store = served.app.state.store  # type: ignore[attr-defined]
    assert store.remove_item(platform="mastodon", account_id=ACCOUNT, remote_id=gone)
    base = clean_sandbox.base_for("mastodon")
    token = {"Authorization": f"Bearer {access.credentials['access_token']}"}
    assert httpx.get(f"{base}/api/v1/statuses/{gone}", headers=token).status_code == 404
    reading = read(access, ask(gone, kept, "110000000000009999"))
    assert [post.remote_id for post in reading.posts] == [kept]


def test_a_dropped_metric_is_not_read(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    status_id = status(access)
    reading = read(access, ask(status_id, skip=("reblogs_count", "followers_count")))
    assert set(counts(reading, status_id)) == {"replies_count", "favourites_count"}
    assert reading.values == ()
    assert reading.complete_until is None


# Refusals


def test_a_rate_limit_waits_until_the_reset(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    status_id = status(access)
    clean_sandbox.add_fault(
        "mastodon", "rate_limit", account_id=ACCOUNT, operation="statuses/get", retry_after=240
    )
    outcome = run(access, lambda client: client.read_metrics(ask(status_id)))
    assert isinstance(outcome, Outcome)
    assert (outcome.kind, outcome.code) == (OutcomeKind.RETRY_LATER, "429")
    assert outcome.retry_after_s is not None and 230 <= outcome.retry_after_s <= 240


def test_the_instances_own_rate_limit_waits_until_its_reset(
    clean_sandbox: RunningSandbox,
) -> None:
    """300 requests in five minutes, windows aligned to the clock: the next is refused."""
    with time_machine.travel(datetime(2026, 12, 1, 8, 1, 0, tzinfo=UTC), tick=False):
        access = clean_sandbox.connect("mastodon", ACCOUNT)
        status_id = status(access)
        unknown = [str(number) for number in range(1, 300)]
        outcome = run(access, lambda client: client.read_metrics(ask(status_id, *unknown)))
        assert isinstance(outcome, Outcome), outcome
        assert outcome.kind is OutcomeKind.RETRY_LATER
        assert outcome.retry_after_s == 240


def test_an_account_that_is_gone_is_refused(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    outcome = run(
        dataclasses.replace(access, external_id="no-such-account"),
        lambda client: client.read_metrics(ask()),
    )
    assert isinstance(outcome, Outcome)
    assert (outcome.kind, outcome.code) == (OutcomeKind.REJECTED, "404")
