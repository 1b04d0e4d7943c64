"""The sandbox's insights as Facebook's own SDK (facebook-business) reads them, over real
HTTP, with the SDK's defaults (its version, its appsecret_proof, its JSON list parameters);
only its Graph address points at the sandbox (`FacebookSession.GRAPH`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from facebook_business.adobjects.insightsresult import InsightsResult
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.post import Post
from facebook_business.api import FacebookAdsApi
from facebook_business.crashreporter import CrashReporter
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from pressroom.platforms.testing import RunningSandbox

APP_ID = "770011223344558"
APP_SECRET = "sdk-insights-secret"
PAGE_ID = "100000000004444"
PAGE_TOKEN = "EAAsdk-page-token-4444"
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def api(clean_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    clean_sandbox.add_app("facebook", APP_ID, APP_SECRET)
    clean_sandbox.add_account("facebook", PAGE_ID, PAGE_TOKEN, name="UBND xã Hòa Bình")
    monkeypatch.setattr(FacebookSession, "GRAPH", f"{clean_sandbox.url}/facebook")
    with time_machine.travel(NOW, tick=False):
        FacebookAdsApi.init(APP_ID, APP_SECRET, PAGE_TOKEN)
        CrashReporter.disable()
        yield
    FacebookAdsApi.set_default_api(None)


def test_the_sdk_reads_a_pages_daily_insights(api: None) -> None:
    results = Page(PAGE_ID).get_insights(
        params={
            "metric": ["page_follows", "page_media_view", "page_views_total"],
            "period": InsightsResult.Period.day,
            "since": "2026-09-01",
            "until": "2026-09-08",
        }
    )
    assert results.headers()["facebook-api-version"] == FacebookAdsApi.API_VERSION
    found = {result["name"]: result for result in results}
    assert set(found) == {"page_follows", "page_media_view", "page_views_total"}
    reach = found["page_media_view"]
    assert isinstance(reach, InsightsResult)
    assert reach["period"] == "day"
    assert reach["id"] == f"{PAGE_ID}/insights/page_media_view/day"
    assert reach["description"]
    assert len(reach["values"]) == 7
    assert reach["values"][0]["end_time"] == "2026-09-02T07:00:00+0000"
    assert all(value["value"] > 0 for value in reach["values"])


def test_the_same_call_gives_the_same_figures(api: None) -> None:
    params = {
        "metric": ["page_follows"],
        "period": "day",
        "since": "2026-06-01",
        "until": "2026-08-30",
    }
    first = [result.export_all_data() for result in Page(PAGE_ID).get_insights(params=params)]
    again = [result.export_all_data() for result in Page(PAGE_ID).get_insights(params=params)]
    assert first == again
    assert len(first[0]["values"]) == 90


def test_the_sdk_reads_a_posts_lifetime_insights(api: None) -> None:
    created = Page(PAGE_ID).create_feed(params={"message": "Lịch tiêm chủng tháng 9"})
    [result] = Post(created["id"]).get_insights(
        params={"metric": ["post_media_view"], "period": InsightsResult.Period.lifetime}
    )
    assert result["name"] == "post_media_view"
    assert result["period"] == "lifetime"
    assert result["values"] == [{"value": 0}]


def test_a_retired_metric_is_the_sdks_request_error(api: None) -> None:
    with pytest.raises(FacebookRequestError) as raised:
        list(
            Page(PAGE_ID).get_insights(
                params={"metric": ["page_media_view", "page_impressions"], "period": "day"}
            )
        )
    assert raised.value.api_error_code() == 100
    assert raised.value.api_error_message() == "(#100) The value must be a valid insights metric"
