"""The sandbox's insights edge as Graph answers it, over real HTTP: who may ask, what is
refused and how, the days each value measures, and figures that follow the Page's posts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import time_machine

from pressroom.platforms.base import ChannelAccess, Publication
from pressroom.platforms.facebook.sandbox.insights_metrics import RETIRED
from pressroom.platforms.testing import RunningSandbox, publish

PAGE = "102030405060709"
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
WINDOW = {"since": "2026-09-01", "until": "2026-09-08"}


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def insights(
    access: ChannelAccess, node: str = PAGE, token: str | None = None, **params: Any
) -> httpx.Response:
    token = token if token is not None else access.credentials["page_token"]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{access.api_base}/{node}/insights", params=params, headers=headers)


def error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code >= 400
    body: dict[str, Any] = response.json()["error"]
    return body


def test_daily_values_end_at_pacific_midnight_from_since_plus_one_day(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    body = insights(access, metric="page_media_view,page_follows", period="day", **WINDOW).json()
    [views, follows] = body["data"]
    assert views["name"] == "page_media_view"
    assert views["period"] == "day"
    assert views["id"] == f"{PAGE}/insights/page_media_view/day"
    assert views["title"]
    assert views["description"].startswith("Daily: ")
    ends = [value["end_time"] for value in views["values"]]
    assert ends == [f"2026-09-{day:02d}T07:00:00+0000" for day in range(2, 9)]
    assert all(isinstance(value["value"], int) for value in follows["values"])
    assert set(body["paging"]) == {"previous", "next"}
    # In winter Pacific midnight is 08:00 UTC; epoch seconds work as dates do.
    winter = insights(
        access, metric="page_media_view", period="day", since=1767254400, until=1767427200
    )
    [entry] = winter.json()["data"]
    assert [value["end_time"] for value in entry["values"]] == [
        "2026-01-02T08:00:00+0000",
        "2026-01-03T08:00:00+0000",
    ]


def test_every_period_when_none_is_asked_and_a_week_sums_its_days(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    body = insights(access, metric="page_media_view", since="2026-09-07", until="2026-09-14").json()
    periods = {entry["period"]: entry["values"] for entry in body["data"]}
    assert set(periods) == {"day", "week", "days_28"}
    assert periods["week"][-1]["value"] == sum(value["value"] for value in periods["day"])
    follows = insights(access, metric="page_follows", period="week", **WINDOW).json()["data"][0]
    daily = insights(access, metric="page_follows", period="day", **WINDOW).json()["data"][0]
    assert follows["values"] == daily["values"]


def test_the_default_window_is_the_last_two_days(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    [entry] = insights(access, metric="page_views_total", period="day").json()["data"]
    assert [value["end_time"] for value in entry["values"]] == [
        "2026-09-14T07:00:00+0000",
        "2026-09-15T07:00:00+0000",
    ]
    [preset] = insights(
        access, metric="page_views_total", period="day", date_preset="last_7d"
    ).json()["data"]
    assert len(preset["values"]) == 7
    assert preset["values"][-1] == entry["values"][-1]


def test_the_sdks_json_list_of_metrics_is_read(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    body = insights(access, metric='["page_follows","page_views_total"]', period="day", **WINDOW)
    assert [entry["name"] for entry in body.json()["data"]] == ["page_follows", "page_views_total"]


@pytest.mark.parametrize("retired", sorted(RETIRED))
def test_a_retired_metric_fails_the_whole_request(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller, retired: str
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    node = PAGE
    if retired.startswith("post_"):
        node = publish("facebook", access, Publication(text="Bài viết")).remote_id
        good = "post_media_view"
    else:
        good = "page_media_view"
    refused = error(insights(access, node, metric=f"{good},{retired}", period="day", **WINDOW))
    assert refused["code"] == 100
    assert refused["message"] == "(#100) The value must be a valid insights metric"
    assert refused["type"] == "OAuthException"


def test_a_metric_of_the_other_level_or_unknown_is_refused(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    post = publish("facebook", access, Publication(text="Bài viết")).remote_id
    for node, metric in ((PAGE, "post_media_view"), (post, "page_media_view"), (PAGE, "page_x")):
        assert error(insights(access, node, metric=metric))["code"] == 100
    gone = error(insights(access, f"{PAGE}_424242", metric="post_media_view"))
    assert (gone["code"], gone["error_subcode"]) == (100, 33)


def test_no_metric_is_code_3001(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    refused = error(insights(access, period="day"))
    assert (refused["code"], refused["error_subcode"]) == (3001, 1504028)
    assert refused["message"].startswith("No metric was specified")


def test_more_than_93_days_is_refused(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    since = int(datetime(2026, 5, 1, 7, tzinfo=UTC).timestamp())
    longest = insights(
        access, metric="page_follows", period="day", since=since, until=since + 93 * 86400
    )
    assert len(longest.json()["data"][0]["values"]) == 93
    refused = error(
        insights(
            access, metric="page_follows", period="day", since=since, until=since + 93 * 86400 + 1
        )
    )
    assert refused["message"] == (
        "There cannot be more than 93 days (8035200 s) between since and until"
    )
    assert error(insights(access, metric="page_follows", period="hourly"))["code"] == 100


@pytest.mark.parametrize(
    ("grant", "code"),
    [
        ({"scopes": ["pages_read_engagement", "pages_show_list"], "tasks": ["ANALYZE"]}, 10),
        ({"scopes": ["pages_read_engagement", "read_insights"], "tasks": ["CREATE_CONTENT"]}, 10),
        ({"scopes": ["read_insights"], "tasks": ["ANALYZE"]}, 10),
    ],
)
def test_insights_need_read_insights_and_the_analyze_task(
    clean_sandbox: RunningSandbox,
    frozen: time_machine.Traveller,
    grant: dict[str, Any],
    code: int,
) -> None:
    access = clean_sandbox.connect("facebook", PAGE, grant=grant)
    refused = insights(access, metric="page_follows", period="day")
    assert refused.status_code == 403
    assert error(refused)["code"] == code
    allowed = {"scopes": ["pages_read_engagement", "read_insights"], "tasks": ["ANALYZE"]}
    analyst = clean_sandbox.connect("facebook", PAGE, grant=allowed)
    assert insights(analyst, metric="page_follows", period="day").status_code == 200
    assert error(insights(analyst, token="", metric="page_follows"))["code"] == 104


def test_only_days_over_and_at_most_two_years_old_are_given(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    [recent] = insights(
        access, metric="page_follows", period="day", since="2026-09-10", until="2026-09-20"
    ).json()["data"]
    assert recent["values"][-1]["end_time"] == "2026-09-15T07:00:00+0000"
    [old] = insights(
        access, metric="page_follows", period="day", since="2024-08-01", until="2024-10-01"
    ).json()["data"]
    assert old["values"][0]["end_time"] > "2024-09-15"
    assert len(old["values"]) < 61


def reach_of(access: ChannelAccess, day: date) -> int:
    after = day + timedelta(days=1)
    body = insights(
        access,
        metric="page_media_view",
        period="day",
        since=day.isoformat(),
        until=after.isoformat(),
    ).json()
    value: int = body["data"][0]["values"][0]["value"]
    return value


def test_a_post_published_that_day_raises_the_pages_reach(
    clean_sandbox: RunningSandbox, frozen: time_machine.Traveller
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    # NOW is 05:00 Pacific on the 15th: the post goes out during that Graph day.
    day = date(2026, 9, 15)
    frozen.shift(timedelta(days=1))
    without = reach_of(access, day)
    frozen.move_to(NOW)
    post = publish("facebook", access, Publication(text="Thông báo lịch cắt điện")).remote_id
    frozen.shift(timedelta(days=1))
    with_post = reach_of(access, day)
    [seen] = insights(access, post, metric="post_media_view").json()["data"]
    assert with_post > without
    # What the post was seen on that day (its first 19 hours) is in the Page's reach.
    assert 0 < with_post - without <= seen["values"][0]["value"]
    assert seen["period"] == "lifetime"
    assert "end_time" not in seen["values"][0]
