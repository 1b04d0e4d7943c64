"""What a Zalo OA counts, read by the client from the emulated OA API over real HTTP: followers
from getoa (or the followers list), articles' views and shares from getslice, page by page."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import time_machine

from pressroom.platforms.base import Outcome, OutcomeKind, Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.metrics import Measure, MetricsRequest, Reading
from pressroom.platforms.testing import publish
from pressroom.platforms.zalo.client_metrics import MAX_SLICE_PAGES
from pressroom.platforms.zalo.tests.conftest import OA, Official
from pressroom.platforms.zalo.tests.test_renewal import Keeper, expired_channel


def today() -> date:
    return datetime.now(tz=UTC).date()


def ask(*post_ids: str, skip: tuple[str, ...] = ()) -> MetricsRequest:
    day = today()
    return MetricsRequest(
        since=day - timedelta(days=7), until=day, post_ids=post_ids, skip_metrics=skip
    )


def read(official: Official, request: MetricsRequest | None = None) -> Reading:
    reading = official.run(lambda client: client.read_metrics(request or ask()))
    assert isinstance(reading, Reading), reading
    return reading


def refused(official: Official, request: MetricsRequest | None = None) -> Outcome:
    outcome = official.run(lambda client: client.read_metrics(request or ask()))
    assert isinstance(outcome, Outcome), outcome
    return outcome


def followers(reading: Reading) -> tuple[int, str]:
    [value] = [value for value in reading.values if value.measure is Measure.FOLLOWERS]
    assert value.day == today()
    return value.value, value.metric


def article(official: Official, title: str) -> str:
    outcome = publish("zalo", official.access, Publication(text="Nội dung", title=title))
    assert outcome.kind is OutcomeKind.PUBLISHED, outcome
    return outcome.remote_id


def getslice(official: Official, offset: int) -> dict[str, Any]:
    response = httpx.get(
        f"{official.access.api_base}/v2.0/article/getslice",
        params={"offset": str(offset), "limit": "10", "type": "normal"},
        headers={"access_token": official.access.credentials["access_token"]},
    )
    data: dict[str, Any] = response.json()["data"]
    return data


def figures(reading: Reading, article_id: str) -> dict[Measure, tuple[int, str]]:
    [post] = [post for post in reading.posts if post.remote_id == article_id]
    assert {value.day for value in post.values} == {today()}
    return {value.measure: (value.value, value.metric) for value in post.values}


# Followers


def test_followers_are_the_oa_profiles_dated_the_last_day_asked(official: Official) -> None:
    official.settings(followers=1250)
    reading = read(official)
    assert followers(reading) == (1250, "num_follower")
    # A level read now: earlier days cannot be read, the channel is complete up to today.
    assert reading.complete_until == today()
    assert len(reading.values) == 1
    assert reading.posts == ()


def test_followers_follow_the_public_and_grow_day_by_day(official: Official) -> None:
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        official.settings(followers=800)
        official.public.follow(official.account, official.citizen(1))
        official.public.follow(official.account, official.citizen(2))
        official.public.unfollow(official.account, official.citizen(3))
        assert followers(read(official))[0] == 801
        clock.shift(timedelta(days=30))
        grown = followers(read(official))[0]
        assert grown > 801 + 30
        # The same day reads the same, however often.
        assert followers(read(official))[0] == grown


def test_without_num_follower_the_followers_list_counts_them(official: Official) -> None:
    official.settings(followers=64, getoa_followers=False)
    assert followers(read(official)) == (64, "user/getlist total")
    official.settings(followers=64)
    assert followers(read(official, ask(skip=("num_follower",)))) == (64, "user/getlist total")


def test_no_followers_anywhere_leaves_the_days_to_read_again(official: Official) -> None:
    official.settings(followers=64, getoa_followers=False)
    reading = read(official, ask(skip=("user/getlist total",)))
    assert reading.values == ()
    assert reading.complete_until is None


def test_comments_and_reactions_are_unavailable_not_zero(official: Official) -> None:
    reading = read(official)
    assert set(reading.unavailable) == {"comments", "reactions", "visits", "clicks"}
    assert "Zalo" in reading.unavailable["comments"]


# Articles


def test_an_articles_views_and_shares_grow_with_its_age(official: Official) -> None:
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        article_id = article(official, "Lịch tiêm chủng")
        fresh = figures(read(official, ask(article_id)), article_id)
        assert fresh == {Measure.REACH: (0, "total_view"), Measure.SHARES: (0, "total_share")}
        clock.shift(timedelta(hours=30))
        later = figures(read(official, ask(article_id)), article_id)
        [listed] = getslice(official, 0)["medias"]
        assert later[Measure.REACH] == (listed["total_view"], "total_view")
        assert later[Measure.SHARES] == (listed["total_share"], "total_share")
        assert listed["total_view"] > 0
        clock.shift(timedelta(days=5))
        oldest = figures(read(official, ask(article_id)), article_id)
        assert oldest[Measure.REACH][0] > later[Measure.REACH][0]
        assert oldest[Measure.SHARES][0] >= later[Measure.SHARES][0]


def test_an_article_on_the_third_page_is_found(official: Official) -> None:
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        first = article(official, "Bài đầu tiên")
        for number in range(24):
            article(official, f"Bài số {number}")
        newest = article(official, "Bài mới nhất")
        clock.shift(timedelta(days=2))
        # Newest first, ten a page: the first article is the 26th, on page 3.
        assert first in {media["id"] for media in getslice(official, 20)["medias"]}
        reading = read(official, ask(newest, first))
        assert [post.remote_id for post in reading.posts] == [newest, first]
        assert figures(reading, first)[Measure.REACH][0] > 0


def test_an_article_that_is_gone_is_left_out(official: Official) -> None:
    kept = article(official, "Còn")
    gone = article(official, "Đã gỡ")
    response = httpx.post(
        f"{official.access.api_base}/v2.0/article/remove",
        json={"id": gone},
        headers={"access_token": official.access.credentials["access_token"]},
    )
    assert response.json()["error"] == 0
    reading = read(official, ask(gone, kept, "no-such-article"))
    assert [post.remote_id for post in reading.posts] == [kept]


def test_paging_stops_at_its_bound(official: Official) -> None:
    """Articles further back than the pages read are not answered for (a collection stays
    within its time limit); up to there, they are."""
    oldest_first = [f"{number:020x}" for number in range(MAX_SLICE_PAGES * 10 + 1)]
    for article_id in oldest_first:
        official.store.add_item(
            platform="zalo",
            account_id=OA,
            kind="article",
            remote_id=article_id,
            top_level=True,
            text="Nội dung",
            title=f"Bài {article_id}",
        )
    beyond, last_read = oldest_first[0], oldest_first[1]
    reading = read(official, ask(beyond, last_read))
    assert [post.remote_id for post in reading.posts] == [last_read]


def test_asking_for_no_article_reads_no_list(official: Official) -> None:
    official.sandbox.add_fault("zalo", "server_error", account_id=OA, operation="article/getslice")
    reading = read(official)
    assert reading.posts == ()
    assert followers(reading)[1] == "num_follower"


# Refusals


def test_a_rate_limit_is_a_retry_later(official: Official) -> None:
    official.sandbox.add_fault("zalo", "rate_limit", account_id=OA, operation="article/getslice")
    outcome = refused(official, ask("any"))
    assert (outcome.kind, outcome.code) == (OutcomeKind.RETRY_LATER, "-32")


def test_an_expired_token_without_a_keeper_says_so(official: Official) -> None:
    official.sandbox.add_fault("zalo", "token_expired", account_id=OA, operation="oa/getoa")
    assert refused(official).kind is OutcomeKind.CREDENTIALS_EXPIRED


def test_an_expired_token_is_renewed_and_the_figures_read(official: Official) -> None:
    access = expired_channel(official.sandbox, "r-1")
    keeper = Keeper()

    async def run() -> Reading | Outcome:
        async with make_http_client() as http:
            client = client_class("zalo")(access, http, timeout=5.0, keeper=keeper)
            return await client.read_metrics(ask())

    reading = asyncio.run(run())
    assert isinstance(reading, Reading), reading
    assert followers(reading)[1] == "num_follower"
    assert len(keeper.stored) == 1


def test_getoa_and_the_followers_list_agree(official: Official) -> None:
    official.settings(followers=333)
    official.public.follow(official.account, official.citizen(4))
    headers = {"access_token": official.access.credentials["access_token"]}
    base = official.access.api_base
    profile = httpx.get(f"{base}/v2.0/oa/getoa", headers=headers).json()["data"]
    query = json.dumps({"offset": 0, "count": 1, "is_follower": "true"})
    listed = httpx.get(f"{base}/v3.0/oa/user/getlist", params={"data": query}, headers=headers)
    assert profile["num_follower"] == listed.json()["data"]["total"] == 334
