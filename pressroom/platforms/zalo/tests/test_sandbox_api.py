"""The emulated Zalo OA API as Zalo's SDKs call it (zalo-java-sdk's samples), over real HTTP:
images, articles created, edited and removed, lists, details, followers; errors in HTTP 200."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pressroom.platforms.testing import RunningSandbox
from pressroom.testing import make_image

OA = "4200000000000009"
TOKEN = "oa-token"
PICTURE = "https://stc-developers.zdn.vn/images/bg_1.jpg"
VIDEO = "https://www.youtube.com/watch?v=mY4l5C5DDEE"


class Api:
    """Requests as the SDK sends them: header access_token, JSON bodies, GET parameters."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self.base = sandbox.base_for("zalo")

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = httpx.get(f"{self.base}/{path}", params=params, headers={"access_token": TOKEN})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{self.base}/{path}", json=body, headers={"access_token": TOKEN})
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def publish(self, **fields: Any) -> str:
        token = self.post("v2.0/article/create", article(**fields))["data"]["token"]
        verified = self.post("v2.0/article/verify", {"token": token})
        assert verified["error"] == 0
        article_id: str = verified["data"]["id"]
        return article_id


def article(**fields: Any) -> dict[str, Any]:
    """A normal article as the Java SDK's CreateNormalArticle builds it."""
    return {
        "type": "normal",
        "title": "article test",
        "author": "Huỳnh Hồng Hiển",
        "cover": {"cover_type": "photo", "photo_url": PICTURE, "status": "show"},
        "description": "article test",
        "body": [
            {"type": "text", "content": "Đoạn đầu"},
            {"type": "image", "url": PICTURE, "caption": "caption"},
            {"type": "text", "content": "Đoạn sau"},
            {
                "type": "video",
                "url": "https://www.youtube.com/watch?v=mY4l5C5DDEE",
                "thumb": PICTURE,
            },
        ],
        "status": "show",
        "comment": "show",
        **fields,
    }


@pytest.fixture
def api(clean_sandbox: RunningSandbox) -> Api:
    clean_sandbox.add_account("zalo", OA, TOKEN, name="UBND phường", followers=120)
    return Api(clean_sandbox)


def upload(sandbox: RunningSandbox) -> dict[str, Any]:
    response = httpx.post(
        f"{sandbox.base_for('zalo')}/v2.0/oa/upload/image",
        files={"file": ("anh.jpg", make_image(kind="JPEG"), "image/jpeg")},
        headers={"access_token": TOKEN},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_image_upload_answers_its_attachment_id_alone_by_default(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.add_account("zalo", OA, TOKEN)
    answer = upload(clean_sandbox)
    assert answer["error"] == 0
    assert set(answer["data"]) == {"attachment_id"}


def test_the_image_upload_answers_a_url_too_when_the_account_says_so(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.add_account("zalo", OA, TOKEN, upload_image_url=True)
    data = upload(clean_sandbox)["data"]
    assert set(data) == {"attachment_id", "url"}
    assert httpx.get(data["url"]).content == make_image(kind="JPEG")


def test_detail_gives_the_article_back_as_it_was_sent(api: Api) -> None:
    article_id = api.publish()
    detail = api.get("v2.0/article/getdetail", id=article_id)
    assert detail["error"] == 0
    data = detail["data"]
    sent = article()
    for name in ("title", "author", "description", "cover", "body", "status", "comment"):
        assert data[name] == sent[name], name
    assert data["id"] == article_id
    assert data["type"] == "normal"
    assert isinstance(data["create_date"], int)
    assert data["update_date"] == data["create_date"]
    assert data["link_view"].endswith(f"/view/zalo/{OA}/{article_id}")
    [entry] = api.sandbox.ledger(platform="zalo", kind="article")
    assert entry["text"] == "Đoạn đầu\n\nĐoạn sau"
    assert entry["media_count"] == 1


def test_the_list_has_zalo_fields_the_total_and_at_most_ten(api: Api) -> None:
    hidden = api.publish(title="Bài ẩn", status="hide")
    for number in range(11):
        api.publish(title=f"Bài {number}")
    listing = api.get("v2.0/article/getslice", offset=0, limit=50, type="normal")["data"]
    assert listing["total"] == 12
    assert len(listing["medias"]) == 10
    first = listing["medias"][0]
    assert set(first) == {
        "id",
        "type",
        "title",
        "status",
        "total_view",
        "total_share",
        "create_date",
        "update_date",
        "thumb",
        "link_view",
    }
    assert first["title"] == "Bài 10"
    assert first["thumb"] == PICTURE
    last = api.get("v2.0/article/getslice", offset=11, limit=5, type="normal")["data"]["medias"]
    assert [(media["id"], media["status"]) for media in last] == [(hidden, "hide")]
    assert api.get("v2.0/article/getslice", offset=0, limit=5, type="video")["data"] == {
        "medias": [],
        "total": 0,
    }
    assert api.get("v2.0/article/getslice", type="story")["error"] == -210


def test_an_update_changes_the_article_and_its_verify_names_the_same_id(api: Api) -> None:
    article_id = api.publish()
    changed = article(
        id=article_id,
        title="Đã sửa",
        body=[{"type": "text", "content": "Nội dung mới"}],
    )
    answer = api.post("v2.0/article/update", changed)
    assert answer["error"] == 0
    verified = api.post("v2.0/article/verify", {"token": answer["data"]["token"]})
    assert verified["data"]["id"] == article_id
    data = api.get("v2.0/article/getdetail", id=article_id)["data"]
    assert data["title"] == "Đã sửa"
    assert data["body"] == [{"type": "text", "content": "Nội dung mới"}]
    assert data["update_date"] >= data["create_date"]
    [entry] = api.sandbox.ledger(platform="zalo", kind="article")
    assert (entry["title"], entry["text"], entry["media_count"]) == ("Đã sửa", "Nội dung mới", 0)
    page = httpx.get(f"{api.sandbox.url}/view/zalo/{OA}").text
    assert "Nội dung mới" in page
    assert "Đoạn đầu" not in page


def test_an_update_is_checked_like_a_creation(api: Api) -> None:
    article_id = api.publish()
    assert api.post("v2.0/article/update", article(id=article_id, title=""))["error"] == -210
    assert api.post("v2.0/article/update", article(id="nope"))["error"] == -222
    assert api.post("v2.0/article/update", article())["error"] == -222
    assert api.get("v2.0/article/getdetail", id=article_id)["data"]["title"] == "article test"


def test_a_removed_article_leaves_the_feed_the_list_and_the_ledger(api: Api) -> None:
    kept = api.publish(title="Ở lại")
    removed = api.publish(title="Bị gỡ")
    assert api.post("v2.0/article/remove", {"id": removed}) == {"error": 0, "message": "Success"}
    listing = api.get("v2.0/article/getslice", offset=0, limit=10, type="normal")["data"]
    assert [media["id"] for media in listing["medias"]] == [kept]
    assert listing["total"] == 1
    assert [entry["remote_id"] for entry in api.sandbox.ledger(platform="zalo")] == [kept]
    page = httpx.get(f"{api.sandbox.url}/view/zalo/{OA}").text
    assert "Ở lại" in page
    assert "Bị gỡ" not in page
    assert httpx.get(f"{api.sandbox.url}/view/zalo/{OA}/{removed}").status_code == 404
    assert api.get("v2.0/article/getdetail", id=removed)["error"] == -222
    assert api.post("v2.0/article/remove", {"id": removed})["error"] == -222


def test_another_oa_cannot_touch_an_article(api: Api) -> None:
    article_id = api.publish()
    api.sandbox.add_account("zalo", "4200000000000010", "other-token")
    response = httpx.post(
        f"{api.base}/v2.0/article/remove",
        json={"id": article_id},
        headers={"access_token": "other-token"},
    )
    assert response.json()["error"] == -222
    assert len(api.sandbox.ledger(platform="zalo", kind="article")) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"body": [{"type": "image", "url": "anh.jpg"}]},
        {"body": [{"type": "image", "url": "file:///etc/passwd"}]},
        {"cover": {"cover_type": "photo", "photo_url": "/files/x.jpg"}},
        {"status": "draft"},
    ],
)
def test_an_article_with_pictures_not_on_the_web_is_refused(
    api: Api, change: dict[str, Any]
) -> None:
    answer = api.post("v2.0/article/create", article(**change))
    assert answer["error"] == -210
    assert answer["message"]
    assert api.sandbox.ledger(platform="zalo") == []


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("article/update", lambda api, id: api.post("v2.0/article/update", article(id=id))),
        ("article/remove", lambda api, id: api.post("v2.0/article/remove", {"id": id})),
        ("oa/getoa", lambda api, id: api.get("v2.0/oa/getoa")),
        ("user/getlist", lambda api, id: api.get("v3.0/oa/user/getlist", data="{}")),
    ],
)
def test_faults_reach_the_new_endpoints(api: Api, operation: str, call: Any) -> None:
    article_id = api.publish()
    api.sandbox.add_fault("zalo", "rate_limit", account_id=OA, operation=operation)
    assert call(api, article_id) == {"error": -32, "message": "Exceeding the request rate limit"}
    assert call(api, article_id)["error"] == 0
    assert len(api.sandbox.ledger(platform="zalo", kind="article")) == int(
        operation != "article/remove"
    )


def test_followers_are_listed_fifty_at_most_with_their_total(api: Api) -> None:
    def page(**query: Any) -> dict[str, Any]:
        return api.get("v3.0/oa/user/getlist", data=json.dumps(query))

    first = page(offset=0, count=50, is_follower="true")["data"]
    assert (first["total"], first["count"], first["offset"]) == (120, 50, 0)
    last = page(offset=100, count=50, is_follower="true")["data"]
    assert (last["count"], last["offset"]) == (20, 100)
    ids = [user["user_id"] for user in first["users"] + last["users"]]
    assert len(set(ids)) == 70
    assert all(user_id.isdigit() and len(user_id) == 19 for user_id in ids)
    assert page(offset=0, count=50, is_follower="true")["data"] == first
    assert page(offset=0, count=51)["error"] == -210
    assert api.get("v3.0/oa/user/getlist", data="not json")["error"] == -210
    assert api.get("v2.0/oa/getoa")["data"]["num_follower"] == 120


def test_errors_come_inside_http_200(api: Api) -> None:
    response = httpx.post(
        f"{api.base}/v2.0/article/create",
        content=b"{not json",
        headers={"access_token": TOKEN, "content-type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["error"] == -210
    for path in ("v2.0/article/getslice", "v2.0/oa/getoa", "v3.0/oa/user/getlist"):
        refused = httpx.get(f"{api.base}/{path}", headers={"access_token": "wrong"})
        assert refused.status_code == 200
        assert refused.json() == {"error": -216, "message": "Access token is invalid"}


def test_an_article_with_pictures_can_be_set_to_process_before_verify_names_it(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.add_account("zalo", OA, TOKEN, media_processing_polls=2)
    api = Api(clean_sandbox)
    token = api.post("v2.0/article/create", article())["data"]["token"]
    for _ in range(2):
        assert api.post("v2.0/article/verify", {"token": token})["error"] == -214
    assert api.post("v2.0/article/verify", {"token": token})["data"]["id"]
    text_only = article(body=[{"type": "text", "content": "Chỉ có chữ"}])
    token = api.post("v2.0/article/create", text_only)["data"]["token"]
    assert api.post("v2.0/article/verify", {"token": token})["error"] == 0
