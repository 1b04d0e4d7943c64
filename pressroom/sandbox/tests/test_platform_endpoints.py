"""The emulated endpoints answer with each platform's real shapes (beyond what clients use)."""

from __future__ import annotations

import json

import httpx

from pressroom.platforms.base import Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

PNG = make_image()


def test_facebook_wrong_token_is_an_oauth_exception(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("facebook", "100", "right-token-123")
    base = clean_sandbox.base_for("facebook")
    response = httpx.post(f"{base}/100/feed", data={"message": "x", "access_token": "wrong"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 190
    assert error["type"] == "OAuthException"
    assert "fbtrace_id" in error


def test_facebook_accepts_token_as_parameter_or_header(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("facebook", "100", "right-token-123")
    base = clean_sandbox.base_for("facebook")
    by_parameter = httpx.post(
        f"{base}/100/feed", data={"message": "một", "access_token": "right-token-123"}
    )
    by_header = httpx.post(
        f"{base}/100/feed",
        data={"message": "hai"},
        headers={"Authorization": "OAuth right-token-123"},
    )
    assert by_parameter.status_code == by_header.status_code == 200
    assert by_header.json()["id"].startswith("100_")


def test_facebook_attached_media_as_one_json_array(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("facebook", "100", "right-token-123")
    base = clean_sandbox.base_for("facebook")
    auth = {"Authorization": "Bearer right-token-123"}
    photo_ids = [
        httpx.post(
            f"{base}/100/photos",
            data={"published": "false"},
            files={"source": ("a.png", PNG, "image/png")},
            headers=auth,
        ).json()["id"]
        for _ in range(2)
    ]
    response = httpx.post(
        f"{base}/100/feed",
        data={
            "message": "Mảng JSON",
            "attached_media": json.dumps([{"media_fbid": photo_id} for photo_id in photo_ids]),
        },
        headers=auth,
    )
    assert response.status_code == 200
    [post] = clean_sandbox.ledger(platform="facebook", kind="post")
    assert post["media_count"] == 2
    unknown = httpx.post(
        f"{base}/100/feed",
        data={"message": "x", "attached_media[0]": json.dumps({"media_fbid": "404"})},
        headers=auth,
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == 100


def test_facebook_feed_and_post_fields(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", "100")
    first = publish("facebook", access, Publication(text="Cũ hơn"))
    second = publish("facebook", access, Publication(text="Mới hơn"))
    auth = {"Authorization": f"Bearer {access.credentials['page_token']}"}
    feed = httpx.get(f"{access.api_base}/100/feed", headers=auth).json()["data"]
    assert [post["id"] for post in feed] == [second.remote_id, first.remote_id]
    assert set(feed[0]) == {"id", "message", "created_time"}
    fields = (
        "message,created_time,permalink_url,shares,reactions.summary(true),comments.summary(true)"
    )
    post = httpx.get(
        f"{access.api_base}/{first.remote_id}", params={"fields": fields}, headers=auth
    ).json()
    assert post["message"] == "Cũ hơn"
    assert post["reactions"]["summary"]["total_count"] == 0
    assert post["comments"]["summary"]["total_count"] == 0
    assert "shares" not in post
    assert httpx.get(post["permalink_url"]).status_code == 200


def test_zalo_errors_come_inside_http_200(clean_sandbox: RunningSandbox) -> None:
    base = clean_sandbox.base_for("zalo")
    response = httpx.get(
        f"{base}/v2.0/article/getslice",
        params={"offset": 0, "limit": 5},
        headers={"access_token": "x"},
    )
    assert response.status_code == 200
    assert response.json() == {"error": -216, "message": "Access token is invalid"}


def test_zalo_getslice_and_getdetail(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", "42")
    outcomes = [
        publish("zalo", access, Publication(text=f"Bài {n}", title=f"Tiêu đề {n}"))
        for n in range(12)
    ]
    headers = {"access_token": access.credentials["access_token"]}
    page = httpx.get(
        f"{access.api_base}/v2.0/article/getslice",
        params={"offset": 0, "limit": 50, "type": "normal"},
        headers=headers,
    ).json()
    assert page["error"] == 0
    assert page["data"]["total"] == 12
    assert len(page["data"]["medias"]) == 10
    assert page["data"]["medias"][0]["id"] == outcomes[-1].remote_id
    detail = httpx.get(
        f"{access.api_base}/v2.0/article/getdetail",
        params={"id": outcomes[0].remote_id},
        headers=headers,
    ).json()
    assert detail["data"]["title"] == "Tiêu đề 0"
    assert detail["data"]["body"][0] == {"type": "text", "content": "Bài 0"}


def test_telegram_errors(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", "@kenh")
    base = clean_sandbox.base_for("telegram")
    unauthorized = httpx.post(
        f"{base}/bot1:wrong/sendMessage", json={"chat_id": "@kenh", "text": "x"}
    )
    assert unauthorized.status_code == 401
    assert unauthorized.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    too_long = httpx.post(
        f"{base}/bot{access.credentials['bot_token']}/sendMessage",
        json={"chat_id": "@kenh", "text": "a" * 4097},
    )
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"
    exactly = httpx.post(
        f"{base}/bot{access.credentials['bot_token']}/sendMessage",
        json={"chat_id": "@kenh", "text": "a" * 4096},
    )
    assert exactly.json()["ok"] is True


def test_mastodon_wrong_token_and_missing_status(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "so")
    base = clean_sandbox.base_for("mastodon")
    wrong = httpx.post(
        f"{base}/api/v1/statuses", data={"status": "x"}, headers={"Authorization": "Bearer no"}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "The access token is invalid"}
    auth = {"Authorization": f"Bearer {access.credentials['access_token']}"}
    missing = httpx.get(f"{base}/api/v1/statuses/1", headers=auth)
    assert missing.status_code == 404
    blank = httpx.post(f"{base}/api/v1/statuses", data={"status": " "}, headers=auth)
    assert blank.status_code == 422
    assert blank.json() == {"error": "Validation failed: Text can't be blank"}
