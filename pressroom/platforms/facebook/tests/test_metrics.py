"""A Page's insights read by the Facebook client from the sandbox's Graph API, over real HTTP:
windows, refused metrics, rate limits, posts' figures, and the emulated figures themselves."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import httpx
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from pressroom.platforms.base import ChannelAccess, MediaFile, Outcome, OutcomeKind, Publication
from pressroom.platforms.clients import client_class
from pressroom.platforms.facebook.client_metrics import measured_day, windows
from pressroom.platforms.facebook.metrics import METRICS, metrics_from
from pressroom.platforms.metrics import Measure, MetricsRequest, Reading, Value
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

PAGE = "102030405060708"
# Noon UTC: 05:00 in Graph's Pacific time, so the last day over is the 14th.
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
YESTERDAY = date(2026, 9, 14)


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def read(
    access: ChannelAccess, request: MetricsRequest, urls: list[str] | None = None
) -> Reading | Outcome:
    """One reading with the production client; the URLs it asked for, in order, into `urls`."""

    async def run() -> Reading | Outcome:
        trace = aiohttp.TraceConfig()

        async def started(_session: Any, _context: Any, params: Any) -> None:
            if urls is not None:
                urls.append(str(params.url))

        trace.on_request_start.append(started)
        async with aiohttp.ClientSession(trace_configs=[trace]) as http:
            client = client_class("facebook")(access, http, timeout=5.0, total_timeout=60.0)
            return await client.read_metrics(request)

    return asyncio.run(run())


def reading_of(result: Reading | Outcome) -> Reading:
    assert isinstance(result, Reading), result
    return result


def by_measure(values: tuple[Value, ...], measure: Measure) -> dict[date, int]:
    return {value.day: value.value for value in values if value.measure is measure}


def insights_calls(urls: list[str]) -> list[dict[str, str]]:
    calls = []
    for url in urls:
        parts = urlsplit(url)
        if parts.path.endswith("/insights"):
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            calls.append({"node": parts.path.split("/")[-2], **query})
    return calls


def days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def test_a_200_day_backfill_is_read_in_windows_of_at_most_90_days(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    since = YESTERDAY - timedelta(days=199)
    urls: list[str] = []
    reading = reading_of(read(access, MetricsRequest(since=since, until=YESTERDAY), urls))
    calls = insights_calls(urls)
    assert len(calls) == 3
    for call in calls:
        assert call["metric"] == "page_follows,page_media_view,page_views_total"
        assert call["period"] == "day"
        span = date.fromisoformat(call["until"]) - date.fromisoformat(call["since"])
        assert span <= timedelta(days=90)
    assert calls[0]["since"] == since.isoformat()
    assert calls[-1]["until"] == (YESTERDAY + timedelta(days=1)).isoformat()
    for measure in (Measure.FOLLOWERS, Measure.REACH, Measure.VISITS):
        assert sorted(by_measure(reading.values, measure)) == days(since, YESTERDAY)
    assert len(reading.values) == 3 * 200
    assert reading.complete_until == YESTERDAY
    assert reading.dropped == ()
    reach = next(value for value in reading.values if value.measure is Measure.REACH)
    assert reach.metric == "page_media_view"
    assert "played or displayed" in reach.definition


def test_windows_cover_the_days_once() -> None:
    runs = windows(date(2026, 1, 1), date(2026, 7, 19))
    assert [(end - start).days + 1 for start, end in runs] == [90, 90, 20]
    assert runs[0][0] == date(2026, 1, 1)
    assert runs[-1][1] == date(2026, 7, 19)
    assert all(b[0] - a[1] == timedelta(days=1) for a, b in itertools.pairwise(runs))
    assert windows(date(2026, 1, 2), date(2026, 1, 1)) == []


@pytest.mark.parametrize(
    ("end_time", "day"),
    [
        # Graph's days end at Pacific midnight: 07:00 UTC in summer, 08:00 in winter.
        ("2020-03-10T07:00:00+0000", date(2020, 3, 9)),
        ("2018-01-02T08:00:00+0000", date(2018, 1, 1)),
        # A day ending at midnight in Vietnam (UTC+7), in UTC or in its own offset.
        ("2026-01-01T17:00:00+0000", date(2026, 1, 1)),
        ("2026-01-02T00:00:00+0700", date(2026, 1, 1)),
        ("2026-01-02T00:00:00+00:00", date(2026, 1, 1)),
        ("not a time", None),
        (None, None),
    ],
)
def test_a_value_measures_the_day_ending_at_its_end_time(end_time: Any, day: date | None) -> None:
    assert measured_day(end_time) == day


def test_days_not_over_yet_are_not_complete(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    today = YESTERDAY + timedelta(days=1)
    reading = reading_of(read(access, MetricsRequest(since=today - timedelta(days=6), until=today)))
    assert reading.complete_until == YESTERDAY
    assert max(by_measure(reading.values, Measure.REACH)) == YESTERDAY


def test_history_older_than_two_years_is_not_given(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    since = YESTERDAY - timedelta(days=800)
    reading = reading_of(read(access, MetricsRequest(since=since, until=YESTERDAY)))
    followers = by_measure(reading.values, Measure.FOLLOWERS)
    assert min(followers) > since
    assert min(followers) >= YESTERDAY - timedelta(days=730)
    assert sorted(followers) == days(min(followers), YESTERDAY)
    assert reading.complete_until == YESTERDAY


def retired_reach_list() -> list[dict[str, str]]:
    """The built-in list with reach still named by its retired metric."""
    entries = [
        {"name": m.name, "level": m.level, "measure": m.measure, "definition": m.definition}
        for m in METRICS
        if m.name != "page_media_view"
    ]
    return [*entries, {"name": "page_impressions", "level": "page", "measure": "reach"}]


def test_a_retired_metric_in_the_list_is_dropped_and_the_rest_read(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    since = YESTERDAY - timedelta(days=119)
    urls: list[str] = []
    with override_settings(FACEBOOK_INSIGHTS_METRICS=retired_reach_list()):
        reading = reading_of(read(access, MetricsRequest(since=since, until=YESTERDAY), urls))
    assert reading.dropped == ("page_impressions",)
    assert by_measure(reading.values, Measure.REACH) == {}
    for measure in (Measure.FOLLOWERS, Measure.VISITS):
        assert sorted(by_measure(reading.values, measure)) == days(since, YESTERDAY)
    assert reading.complete_until == YESTERDAY
    # The first window: all together (refused), each alone; the second: the rest together.
    asked = [call["metric"] for call in insights_calls(urls)]
    assert asked == [
        "page_follows,page_views_total,page_impressions",
        "page_follows",
        "page_views_total",
        "page_impressions",
        "page_follows,page_views_total",
    ]


def test_a_metric_the_page_refuses_is_found_by_asking_each_alone(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect(
        "facebook", PAGE, refused_metrics=["page_views_total", "post_clicks"]
    )
    post = publish("facebook", access, Publication(text="Lịch tiếp công dân"))
    urls: list[str] = []
    request = MetricsRequest(
        since=YESTERDAY - timedelta(days=29), until=YESTERDAY, post_ids=(post.remote_id,)
    )
    reading = reading_of(read(access, request, urls))
    assert reading.dropped == ("page_views_total", "post_clicks")
    assert by_measure(reading.values, Measure.VISITS) == {}
    assert len(by_measure(reading.values, Measure.REACH)) == 30
    [figures] = reading.posts
    measures = {value.measure for value in figures.values}
    assert measures == {Measure.REACH, Measure.REACTIONS, Measure.COMMENTS, Measure.SHARES}
    # A second reading that knows the refusals does not ask for them.
    again = reading_of(
        read(
            access,
            MetricsRequest(
                since=request.since,
                until=request.until,
                post_ids=request.post_ids,
                skip_metrics=reading.dropped,
            ),
        )
    )
    assert again.dropped == ()
    assert again.values == reading.values


def test_a_rate_limit_is_retry_later_with_the_platforms_wait(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    clean_sandbox.add_fault(
        "facebook", "rate_limit", account_id=PAGE, operation="insights", code=32, retry_after=600
    )
    outcome = read(access, MetricsRequest(since=YESTERDAY - timedelta(days=9), until=YESTERDAY))
    assert isinstance(outcome, Outcome)
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "32"
    assert outcome.retry_after_s == 600


def test_the_pages_own_call_limit_is_retry_later_too(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE, calls_per_day=2)
    since = YESTERDAY - timedelta(days=199)
    outcome = read(access, MetricsRequest(since=since, until=YESTERDAY))
    assert isinstance(outcome, Outcome)
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "80001"
    assert outcome.retry_after_s is not None
    assert outcome.retry_after_s > 0


def auth(access: ChannelAccess) -> dict[str, str]:
    return {"Authorization": f"Bearer {access.credentials['page_token']}"}


def photo() -> MediaFile:
    return MediaFile("anh.png", make_image(color="teal"), "image/png", "Ảnh hội nghị")


def test_a_posts_figures_come_from_its_insights_and_its_fields(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    post = publish(
        "facebook", access, Publication(text="Hội nghị tiếp xúc cử tri", media=(photo(),))
    )
    for text in ("Cảm ơn bà con", "Xin mời xem lịch"):
        answer = httpx.post(
            f"{access.api_base}/{post.remote_id}/comments",
            data={"message": text},
            headers=auth(access),
        )
        assert answer.status_code == 200
    frozen.shift(timedelta(days=2))
    day = YESTERDAY + timedelta(days=2)
    gone = f"{PAGE}_999999"
    reading = reading_of(
        read(access, MetricsRequest(since=day, until=day, post_ids=(post.remote_id, gone)))
    )
    [figures] = reading.posts
    assert figures.remote_id == post.remote_id
    got = {value.measure: value for value in figures.values}
    assert all(value.day == day for value in figures.values)
    assert got[Measure.COMMENTS].value == 2
    fields = httpx.get(
        f"{access.api_base}/{post.remote_id}",
        params={
            "fields": "shares,reactions.limit(0).summary(true),comments.limit(0).summary(true)"
        },
        headers=auth(access),
    ).json()
    assert got[Measure.REACTIONS].value == fields["reactions"]["summary"]["total_count"] > 0
    assert got[Measure.SHARES].value == fields.get("shares", {}).get("count", 0)
    insights = httpx.get(
        f"{access.api_base}/{post.remote_id}/insights",
        params={"metric": "post_media_view", "period": "lifetime"},
        headers=auth(access),
    ).json()["data"]
    assert got[Measure.REACH].value == insights[0]["values"][0]["value"] > 0
    assert got[Measure.REACH].metric == "post_media_view"
    assert got[Measure.CLICKS].metric == "post_clicks"


def test_photos_are_seen_more_than_links_and_links_more_than_text(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    published = [
        publish("facebook", access, publication).remote_id
        for publication in (
            Publication(text="Ảnh", media=(photo(),)),
            Publication(text="Liên kết", link="https://dichvucong.gov.vn/"),
            Publication(text="Chỉ có chữ"),
        )
    ]
    frozen.shift(timedelta(hours=6))
    early = reading_of(
        read(access, MetricsRequest(since=NOW.date(), until=NOW.date(), post_ids=tuple(published)))
    )
    frozen.shift(timedelta(days=3))
    late = reading_of(
        read(access, MetricsRequest(since=NOW.date(), until=NOW.date(), post_ids=tuple(published)))
    )

    def reach(reading: Reading) -> list[int]:
        return [
            next(v.value for v in post.values if v.measure is Measure.REACH)
            for post in reading.posts
        ]

    assert reach(late)[0] > reach(late)[1] > reach(late)[2] > 0
    assert all(later > earlier for earlier, later in zip(reach(early), reach(late), strict=True))


def test_the_same_reading_gives_the_same_figures_and_followers_grow(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    request = MetricsRequest(since=YESTERDAY - timedelta(days=364), until=YESTERDAY)
    first = reading_of(read(access, request))
    assert reading_of(read(access, request)) == first
    followers = by_measure(first.values, Measure.FOLLOWERS)
    assert followers[YESTERDAY] > followers[request.since]
    changes = [
        followers[day] - followers[day - timedelta(days=1)]
        for day in days(request.since + timedelta(days=1), YESTERDAY)
    ]
    assert any(change < 0 for change in changes)
    assert sum(change > 0 for change in changes) > len(changes) / 2
    # Reach follows the week: working days above the weekend.
    reach = by_measure(first.values, Measure.REACH)
    weekdays = [value for day, value in reach.items() if day.weekday() < 5]
    weekends = [value for day, value in reach.items() if day.weekday() >= 5]
    assert sum(weekdays) / len(weekdays) > sum(weekends) / len(weekends)


def test_a_list_with_two_metrics_for_one_measure_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        metrics_from(
            [
                {"name": "page_media_view", "level": "page", "measure": "reach"},
                {"name": "page_total_media_view_unique", "level": "page", "measure": "reach"},
            ]
        )
    with pytest.raises(ImproperlyConfigured):
        metrics_from([{"name": "page_media_view", "level": "page", "measure": "views"}])
    [metric] = metrics_from([{"name": "post_media_view", "level": "post", "measure": "reach"}])
    assert metric.period == "lifetime"


def test_many_posts_are_read_in_order_and_a_refusal_is_learnt_once(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE, refused_metrics=["post_clicks"])
    posted = [
        publish("facebook", access, Publication(text=f"Thông báo số {n}")).remote_id
        for n in range(20)
    ]
    frozen.shift(timedelta(days=1))
    asked = (*posted[:10], f"{PAGE}_999999", *posted[10:])
    urls: list[str] = []
    reading = reading_of(
        read(access, MetricsRequest(since=YESTERDAY, until=YESTERDAY, post_ids=asked), urls)
    )
    assert [post.remote_id for post in reading.posts] == posted
    assert reading.dropped == ("post_clicks",)
    assert all(
        {value.measure for value in post.values}
        == {Measure.REACH, Measure.REACTIONS, Measure.COMMENTS, Measure.SHARES}
        for post in reading.posts
    )
    clicks = [call for call in insights_calls(urls) if "post_clicks" in call["metric"]]
    assert [call["node"] for call in clicks] == [posted[0], posted[0]]
