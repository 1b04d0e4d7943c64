"""The sandbox's Graph API as Facebook's own SDK (facebook-business) sees it, over real HTTP.

The SDK keeps its defaults (its API version, its appsecret_proof on every call); only its
Graph address points at the sandbox, through `FacebookSession.GRAPH` as the SDK documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.post import Post
from facebook_business.api import FacebookAdsApi
from facebook_business.crashreporter import CrashReporter
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from pressroom.platforms.testing import RunningSandbox
from pressroom.testing import make_image

APP_ID = "770011223344556"
APP_SECRET = "sdk-app-secret"
PAGE_ID = "100000000004242"
PAGE_TOKEN = "EAAsdk-page-token-4242"
PAGE_NAME = "UBND phường Đông Thành"


@pytest.fixture
def sandbox(clean_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> RunningSandbox:
    clean_sandbox.add_app("facebook", APP_ID, APP_SECRET)
    clean_sandbox.add_account(
        "facebook", PAGE_ID, PAGE_TOKEN, name=PAGE_NAME, fan_count=1520, followers_count=1610
    )
    monkeypatch.setattr(FacebookSession, "GRAPH", f"{clean_sandbox.url}/facebook")
    return clean_sandbox


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[FacebookAdsApi]:
    yield init(PAGE_TOKEN)
    CrashReporter.disable()
    FacebookAdsApi.set_default_api(None)


def init(token: str, secret: str = APP_SECRET) -> FacebookAdsApi:
    """The SDK as an app starts it: its defaults, the crash reporter off again after."""
    api = FacebookAdsApi.init(APP_ID, secret, token)
    CrashReporter.disable()
    return api


def photo_file(tmp_path: Path, name: str = "anh.png", color: str = "teal") -> str:
    path = tmp_path / name
    path.write_bytes(make_image(color=color))
    return str(path)


def graph_error(raised: pytest.ExceptionInfo[FacebookRequestError]) -> tuple[Any, Any]:
    return raised.value.api_error_code(), raised.value.api_error_subcode()


def test_the_sdk_calls_its_own_default_version(api: FacebookAdsApi) -> None:
    assert FacebookAdsApi.API_VERSION == "v26.0"
    post = Page(PAGE_ID).create_feed(params={"message": "Phiên bản mặc định"})
    assert post["id"].startswith(f"{PAGE_ID}_")
    feed = Page(PAGE_ID).get_feed()
    assert feed.headers()["facebook-api-version"] == "v26.0"


def test_a_text_post_is_published_and_read_back(
    api: FacebookAdsApi, sandbox: RunningSandbox
) -> None:
    created = Page(PAGE_ID).create_feed(
        params={"message": "Lịch tiếp công dân tháng 12", "link": "https://dichvucong.gov.vn/"}
    )
    post = Post(created["id"]).api_get(fields=["message", "created_time", "permalink_url", "link"])
    assert post["message"] == "Lịch tiếp công dân tháng 12"
    assert post["link"] == "https://dichvucong.gov.vn/"
    assert datetime.strptime(post["created_time"], "%Y-%m-%dT%H:%M:%S%z")
    assert httpx.get(post["permalink_url"]).status_code == 200
    [entry] = sandbox.ledger(platform="facebook", kind="post")
    assert entry["remote_id"] == created["id"]


def test_a_photo_is_uploaded_as_the_sdk_sends_files(
    api: FacebookAdsApi, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # The SDK sends a file as a multipart part named `filename`, not `source`.
    uploaded = Page(PAGE_ID).create_photo(
        params={"filename": photo_file(tmp_path), "caption": "Ảnh hội nghị"}
    )
    assert uploaded["id"]
    assert uploaded["post_id"].startswith(f"{PAGE_ID}_")
    [post] = sandbox.ledger(platform="facebook", kind="post")
    assert post["remote_id"] == uploaded["post_id"]
    assert post["media_count"] == 1
    assert post["text"] == "Ảnh hội nghị"


def test_several_photos_make_one_post(
    api: FacebookAdsApi, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    page = Page(PAGE_ID)
    photos = [
        page.create_photo(
            params={"filename": photo_file(tmp_path, f"{n}.png", color), "published": False}
        )
        for n, color in enumerate(("navy", "olive", "maroon"))
    ]
    created = page.create_feed(
        params={
            "message": "Ba ảnh",
            "attached_media": [{"media_fbid": photo["id"]} for photo in photos],
        }
    )
    [post] = sandbox.ledger(platform="facebook", kind="post")
    assert post["remote_id"] == created["id"]
    assert post["media_count"] == 3
    # `attachments` is not among the SDK's Post fields: asked for by a plain call.
    read = api.call("GET", (created["id"],), params={"fields": "attachments"}).json()
    assert [item["target"]["id"] for item in read["attachments"]["data"]] == [
        photo["id"] for photo in photos
    ]


def test_the_feed_pages_through_with_the_sdks_cursor(api: FacebookAdsApi) -> None:
    page = Page(PAGE_ID)
    created = [page.create_feed(params={"message": f"Bài số {n}"})["id"] for n in range(23)]
    feed = page.get_feed(fields=["message", "created_time"], params={"limit": 10})
    assert [post["id"] for post in feed] == list(reversed(created))


def test_paging_next_is_an_absolute_url_with_the_cursor(
    api: FacebookAdsApi, sandbox: RunningSandbox
) -> None:
    page = Page(PAGE_ID)
    for n in range(3):
        page.create_feed(params={"message": f"Tin {n}"})
    first = httpx.get(
        f"{sandbox.url}/facebook/v26.0/{PAGE_ID}/feed",
        params={"limit": 2, "access_token": PAGE_TOKEN},
    ).json()
    paging = first["paging"]
    assert set(paging["cursors"]) == {"before", "after"}
    nxt = urlsplit(paging["next"])
    assert f"{nxt.scheme}://{nxt.netloc}" == sandbox.url
    assert nxt.path == f"/facebook/v26.0/{PAGE_ID}/feed"
    assert parse_qs(nxt.query)["after"] == [paging["cursors"]["after"]]
    rest = httpx.get(paging["next"]).json()
    assert [post["message"] for post in rest["data"]] == ["Tin 0"]
    assert "next" not in rest["paging"]


def test_a_deleted_post_leaves_the_feed(api: FacebookAdsApi, sandbox: RunningSandbox) -> None:
    page = Page(PAGE_ID)
    kept = page.create_feed(params={"message": "Giữ lại"})
    gone = page.create_feed(params={"message": "Đăng nhầm"})
    assert Post(gone["id"]).api_delete() is not None
    assert [post["id"] for post in page.get_feed()] == [kept["id"]]
    with pytest.raises(FacebookRequestError) as raised:
        Post(gone["id"]).api_get(fields=["message"])
    assert graph_error(raised) == (100, 33)
    with pytest.raises(FacebookRequestError) as again:
        Post(gone["id"]).api_delete()
    assert graph_error(again) == (100, 33)
    assert [entry["remote_id"] for entry in sandbox.ledger(platform="facebook")] == [kept["id"]]
    # A post deleted is no longer the latest one a repeat would duplicate.
    assert page.create_feed(params={"message": "Đăng nhầm"})["id"]


def test_deleting_answers_success_true(sandbox: RunningSandbox) -> None:
    base = f"{sandbox.url}/facebook/v26.0"
    post = httpx.post(
        f"{base}/{PAGE_ID}/feed", data={"message": "Xóa", "access_token": PAGE_TOKEN}
    ).json()
    deleted = httpx.delete(f"{base}/{post['id']}", params={"access_token": PAGE_TOKEN})
    assert deleted.status_code == 200
    assert deleted.json() == {"success": True}


def test_the_page_object_and_its_fields(api: FacebookAdsApi, sandbox: RunningSandbox) -> None:
    fields = ["id", "name", "fan_count", "followers_count", "link", "category", "category_list"]
    page = Page(PAGE_ID).api_get(fields=fields)
    assert page["name"] == PAGE_NAME
    assert page["fan_count"] == 1520
    assert page["followers_count"] == 1610
    assert page["category"] == "Government organization"
    assert page["category_list"] == [{"id": "2235", "name": "Government organization"}]
    assert httpx.get(page["link"]).status_code == 200
    assert Page(PAGE_ID).api_get().export_all_data() == {"id": PAGE_ID, "name": PAGE_NAME}
    with (
        pytest.raises(FacebookRequestError) as raised,
        pytest.warns(UserWarning, match="does not allow field no_such_field"),
    ):
        Page(PAGE_ID).api_get(fields=["name", "no_such_field"])
    assert raised.value.api_error_code() == 100
    assert "nonexisting field (no_such_field)" in raised.value.api_error_message()


def in_future(**delta: float) -> int:
    return int((datetime.now(tz=UTC) + timedelta(**delta)).timestamp())


def test_a_post_is_scheduled_ten_minutes_to_thirty_days_ahead(api: FacebookAdsApi) -> None:
    page = Page(PAGE_ID)
    hour = in_future(hours=1)
    soon = page.create_feed(
        params={"message": "Sau một giờ", "published": False, "scheduled_publish_time": hour}
    )
    iso = (datetime.now(tz=UTC) + timedelta(days=29)).isoformat(timespec="seconds")
    later = page.create_feed(
        params={"message": "Sau 29 ngày", "published": False, "scheduled_publish_time": iso}
    )
    scheduled = page.get_scheduled_posts(
        fields=["message", "scheduled_publish_time", "is_published"]
    )
    listed = {post["id"]: post for post in scheduled}
    assert set(listed) == {soon["id"], later["id"]}
    assert listed[soon["id"]]["scheduled_publish_time"] == hour
    assert listed[soon["id"]]["is_published"] is False
    assert list(page.get_feed()) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"published": False, "scheduled_publish_time": "soon"},
            "(#100) The specified scheduled publish time is invalid.",
        ),
        (
            {"published": False, "minutes": 5},
            "(#100) The specified scheduled publish time is invalid.",
        ),
        (
            {"published": False, "minutes": 31 * 24 * 60},
            "(#100) The specified scheduled publish time is invalid.",
        ),
        (
            {"minutes": 60},
            "(#100) You cannot specify a scheduled publish time on a published post",
        ),
    ],
)
def test_a_schedule_outside_facebooks_window_is_refused(
    api: FacebookAdsApi, sandbox: RunningSandbox, params: dict[str, Any], message: str
) -> None:
    minutes = params.pop("minutes", None)
    if minutes is not None:
        params["scheduled_publish_time"] = in_future(minutes=minutes)
    with pytest.raises(FacebookRequestError) as raised:
        Page(PAGE_ID).create_feed(params={"message": "Hẹn giờ", **params})
    assert raised.value.api_error_code() == 100
    assert raised.value.api_error_message() == message
    assert sandbox.ledger(platform="facebook") == []


def test_a_scheduled_post_joins_the_feed_at_its_time(
    api: FacebookAdsApi, sandbox: RunningSandbox
) -> None:
    page = Page(PAGE_ID)
    start = datetime.now(tz=UTC)
    with time_machine.travel(start, tick=False) as clock:
        at = in_future(minutes=20)
        created = page.create_feed(
            params={"message": "Đúng giờ", "published": False, "scheduled_publish_time": at}
        )
        clock.shift(timedelta(minutes=21))
        assert [post["id"] for post in page.get_feed()] == [created["id"]]
        assert list(page.get_scheduled_posts()) == []


def test_the_message_limit_is_63206_characters(
    api: FacebookAdsApi, sandbox: RunningSandbox
) -> None:
    page = Page(PAGE_ID)
    # Characters, not bytes nor UTF-16 units: "ồ" is 3 bytes, "😀" two UTF-16 units.
    longest = "ồ" * 63_000 + "😀" * 206
    assert page.create_feed(params={"message": longest})["id"]
    with pytest.raises(FacebookRequestError) as raised:
        page.create_feed(params={"message": longest + "a"})
    assert raised.value.api_error_code() == 100
    assert "63206" in raised.value.api_error_message()
    [entry] = sandbox.ledger(platform="facebook", kind="post")
    assert len(entry["text"]) == 63_206


def test_a_wrong_token_is_code_190(sandbox: RunningSandbox) -> None:
    init("EAA-not-a-token")
    try:
        with pytest.raises(FacebookRequestError) as raised:
            Page(PAGE_ID).create_feed(params={"message": "x"})
    finally:
        FacebookAdsApi.set_default_api(None)
    assert raised.value.api_error_code() == 190
    assert raised.value.api_error_type() == "OAuthException"
    assert raised.value.http_status() == 400
    challenge = raised.value.http_headers()["www-authenticate"]
    assert challenge.startswith('OAuth "Facebook Platform" "invalid_token"')


def test_a_wrong_app_secret_fails_the_appsecret_proof(sandbox: RunningSandbox) -> None:
    init(PAGE_TOKEN, secret="not-the-app-secret")
    try:
        with pytest.raises(FacebookRequestError) as raised:
            Page(PAGE_ID).create_feed(params={"message": "x"})
    finally:
        FacebookAdsApi.set_default_api(None)
    assert raised.value.api_error_code() == 100
    assert "appsecret_proof" in raised.value.api_error_message()
    assert sandbox.ledger(platform="facebook") == []


def test_an_unknown_object_is_an_error_not_a_success(api: FacebookAdsApi) -> None:
    with pytest.raises(FacebookRequestError) as raised:
        Post(f"{PAGE_ID}_999").api_get(fields=["message"])
    assert graph_error(raised) == (100, 33)
    assert raised.value.api_error_type() == "GraphMethodException"


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", (PAGE_ID, "insights_of_nothing"), 100),
        ("POST", (PAGE_ID,), 100),
        ("PUT", (PAGE_ID, "feed"), 100),
        ("GET", (PAGE_ID, "feed", "extra"), 2500),
        ("GET", ("123", "photos"), 100),
    ],
)
def test_what_is_not_served_answers_graph_json(
    api: FacebookAdsApi, method: str, path: tuple[str, ...], code: int
) -> None:
    # A plain-text answer would read as a success to the SDK.
    with pytest.raises(FacebookRequestError) as raised:
        api.call(method, path)
    assert raised.value.api_error_code() == code
    assert isinstance(raised.value.body(), dict)


def test_versions_the_graph_serves_and_does_not(sandbox: RunningSandbox) -> None:
    for version in ("v18.0", "v24.0", "v26.0", "v30.0"):
        me = httpx.get(f"{sandbox.url}/facebook/{version}/me", params={"access_token": PAGE_TOKEN})
        assert me.json() == {"name": PAGE_NAME, "id": PAGE_ID}
    old = httpx.get(f"{sandbox.url}/facebook/v2.12/me", params={"access_token": PAGE_TOKEN})
    assert old.status_code == 400
    assert old.json()["error"]["code"] == 2635
    for path in ("/facebook/me", "/facebook/nothing/here", "/facebook/v26.0/a/b/c"):
        answer = httpx.get(f"{sandbox.url}{path}")
        assert answer.headers["content-type"] == "application/json"
        assert "error" in answer.json()


def test_the_page_limit_is_an_sdk_error_with_the_usage_header(sandbox: RunningSandbox) -> None:
    sandbox.add_account("facebook", PAGE_ID, PAGE_TOKEN, name=PAGE_NAME, calls_per_day=2)
    init(PAGE_TOKEN)
    try:
        page = Page(PAGE_ID)
        page.create_feed(params={"message": "một"})
        feed = page.get_feed()
        usage = json.loads(feed.headers()["x-business-use-case-usage"])
        assert usage[PAGE_ID][0]["call_count"] == 100
        with pytest.raises(FacebookRequestError) as raised:
            page.create_feed(params={"message": "ba"})
    finally:
        FacebookAdsApi.set_default_api(None)
    assert raised.value.api_error_code() == 80001
    assert raised.value.api_transient_error() is True
    header = raised.value.http_headers()["x-business-use-case-usage"]
    [entry] = json.loads(header)[PAGE_ID]
    assert entry["estimated_time_to_regain_access"] > 0


def test_a_login_then_the_sdk_with_the_user_and_page_tokens(sandbox: RunningSandbox) -> None:
    redirect = "https://pressroom.example/callback"
    dialog = f"{sandbox.url}/facebook/v26.0/dialog/oauth"
    query = {
        "client_id": APP_ID,
        "redirect_uri": redirect,
        "state": "s",
        "scope": "pages_show_list,pages_read_engagement,pages_manage_posts",
    }
    signed_in = httpx.post(
        dialog,
        params=query,
        data={
            "person": "Học viên",
            "page": PAGE_ID,
            "role": "editor",
            "scope": query["scope"].split(","),
            "action": "continue",
        },
    )
    code = parse_qs(urlsplit(signed_in.headers["location"]).query)["code"][0]
    token = httpx.get(
        f"{sandbox.url}/facebook/v26.0/oauth/access_token",
        params={
            "client_id": APP_ID,
            "client_secret": APP_SECRET,
            "redirect_uri": redirect,
            "code": code,
        },
    ).json()["access_token"]
    user_api = init(token)
    try:
        listing = user_api.call("GET", ("me", "accounts")).json()
        [page] = listing["data"]
        assert page["id"] == PAGE_ID
        init(page["access_token"])
        created = Page(PAGE_ID).create_feed(params={"message": "Biên tập viên đăng bài"})
    finally:
        FacebookAdsApi.set_default_api(None)
    assert created["id"].startswith(f"{PAGE_ID}_")
