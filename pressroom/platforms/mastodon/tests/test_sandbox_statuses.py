"""The emulated statuses and media: Mastodon's entities, its counting, scheduling and media
updates, over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import time_machine

from pressroom.platforms.testing import RunningSandbox
from pressroom.testing import make_image


class Api:
    def __init__(self, sandbox: RunningSandbox, account: str = "so-tt", **extra: Any) -> None:
        access = sandbox.connect("mastodon", account, **extra)
        self.base = sandbox.base_for("mastodon")
        self.headers = {"Authorization": f"Bearer {access.credentials['access_token']}"}

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", self.headers)
        return httpx.post(f"{self.base}{path}", **kwargs)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", headers=self.headers)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.put(f"{self.base}{path}", headers=self.headers, **kwargs)

    def status(self, text: str, **data: Any) -> httpx.Response:
        return self.post("/api/v1/statuses", data={"status": text, **data})

    def upload(self, path: str = "/api/v2/media", **data: Any) -> httpx.Response:
        files = {"file": ("a.png", make_image(color="teal"), "image/png")}
        return self.post(path, files=files, data=data)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("https://langson.gov.vn/" + "a" * 200, 23),
        # Trailing punctuation is not part of the URL.
        ("https://langson.gov.vn/tin." + "", 24),
        ("Xem https://langson.gov.vn/a/b?x=1!", 4 + 23 + 1),
        # An unbalanced closing parenthesis is not either; a balanced one is.
        ("(https://vi.wikipedia.org/wiki/Foo_(bar))", 1 + 23 + 1),
        # A URL needs a protocol, and a character before it that is not a letter or digit.
        ("langson.gov.vn/" + "a" * 30, 15 + 30),
        ("xhttps://langson.gov.vn/aaaa", 28),
        # A mention counts without its domain.
        ("@admin@mastodon.social chào", len("@admin chào")),
        # Grapheme clusters: a decomposed letter, a family emoji, a flag.
        ("Vie\u0323\u0302t 👨‍👩‍👧 🇻🇳", len("Việt") + 1 + 1 + 1 + 1),
    ],
)
def test_a_status_is_counted_as_mastodon_counts_it(
    clean_sandbox: RunningSandbox, text: str, length: int
) -> None:
    api = Api(clean_sandbox, max_characters=length)
    assert api.status(text).status_code == 200, (text, length)
    too_long = Api(clean_sandbox, "ngan", max_characters=length - 1).status(text)
    assert too_long.status_code == 422
    assert too_long.json() == {
        "error": f"Validation failed: Text character limit of {length - 1} exceeded"
    }


def test_the_content_warning_counts_with_the_text(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox)
    assert api.status("x" * 490, spoiler_text="y" * 10).status_code == 200
    assert api.status("x" * 490, spoiler_text="y" * 11).status_code == 422


def test_a_status_is_the_full_entity(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox, username="sotttt")
    response = api.status(
        "Cảnh báo mưa lớn", spoiler_text="Thời tiết", language="vi", visibility="unlisted"
    )
    assert response.status_code == 200
    status = response.json()
    assert status["content"] == "<p>Cảnh báo mưa lớn</p>"
    assert status["spoiler_text"] == "Thời tiết"
    # A content warning makes the status sensitive.
    assert status["sensitive"] is True
    assert status["visibility"] == "unlisted"
    assert status["language"] == "vi"
    assert status["account"]["username"] == "sotttt"
    assert status["application"] == {"name": "Web", "website": None}
    assert status["uri"].endswith(f"/mastodon/users/sotttt/statuses/{status['id']}")
    for key in ("reblogs_count", "favourites_count", "replies_count"):
        assert status[key] == 0
    for key in ("mentions", "tags", "emojis", "media_attachments"):
        assert status[key] == []
    for key in ("edited_at", "in_reply_to_id", "in_reply_to_account_id", "reblog", "poll"):
        assert status[key] is None
    again = api.get(f"/api/v1/statuses/{status['id']}").json()
    assert again["spoiler_text"] == "Thời tiết"
    assert again["sensitive"] is True


def test_sensitive_is_read_as_rails_reads_a_boolean(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox)
    assert api.status("a", sensitive="1").json()["sensitive"] is True
    assert api.status("b", sensitive="true").json()["sensitive"] is True
    assert api.status("c", sensitive="0").json()["sensitive"] is False
    assert api.status("d").json()["sensitive"] is False


def test_a_reply_names_its_parent_and_an_unknown_parent_is_404(
    clean_sandbox: RunningSandbox,
) -> None:
    api = Api(clean_sandbox)
    parent = api.status("Gốc").json()
    reply = api.status("Trả lời", in_reply_to_id=parent["id"]).json()
    assert reply["in_reply_to_id"] == parent["id"]
    assert reply["in_reply_to_account_id"] == "so-tt"
    missing = api.status("Trả lời", in_reply_to_id="1")
    assert missing.status_code == 404
    # Api::V1::StatusesController#set_thread, statuses.errors.in_reply_not_found.
    assert missing.json() == {
        "error": "The post you are trying to reply to does not appear to exist."
    }


def test_media_errors_are_mastodons(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox)
    ids = [api.upload().json()["id"] for _ in range(5)]
    too_many = api.status("x", **{"media_ids[]": ids})
    assert too_many.status_code == 422
    assert too_many.json() == {"error": "Cannot attach more than 4 files"}
    assert api.status("x", **{"media_ids[]": ids[:1]}).status_code == 200
    again = api.status("y", **{"media_ids[]": [ids[0], "999"]})
    assert again.status_code == 422
    assert again.json() == {
        "error": f"Media {ids[0]}, 999 not found or already attached to another post"
    }


def test_v1_upload_answers_when_processed(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox, media_pending_polls=2)
    v1 = api.upload("/api/v1/media", description="Ảnh")
    assert v1.status_code == 200
    assert v1.json()["url"].startswith("http")
    assert v1.json()["description"] == "Ảnh"
    v2 = api.upload()
    assert v2.status_code == 202
    assert v2.json()["url"] is None
    media_id = v2.json()["id"]
    assert api.get(f"/api/v1/media/{media_id}").status_code == 206
    assert api.get(f"/api/v1/media/{media_id}").status_code == 206
    ready = api.get(f"/api/v1/media/{media_id}")
    assert ready.status_code == 200
    assert ready.json()["url"].startswith("http")


def test_an_attachment_is_updated_until_it_is_posted(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox)
    media_id = api.upload(description="cũ").json()["id"]
    changed = api.put(f"/api/v1/media/{media_id}", data={"description": "mới", "focus": "0.5,-1"})
    assert changed.status_code == 200
    assert changed.json()["description"] == "mới"
    assert changed.json()["meta"]["focus"] == {"x": 0.5, "y": -1.0}
    too_long = api.put(f"/api/v1/media/{media_id}", data={"description": "x" * 1501})
    assert too_long.status_code == 422
    posted = api.status("Có ảnh", **{"media_ids[]": [media_id]}).json()
    assert posted["media_attachments"][0]["description"] == "mới"
    late = api.put(f"/api/v1/media/{media_id}", data={"description": "muộn"})
    assert late.status_code == 404
    other = Api(clean_sandbox, "khac")
    assert other.put(f"/api/v1/media/{media_id}", data={"description": "x"}).status_code == 404


def in_minutes(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def test_scheduled_at_must_be_five_minutes_ahead(clean_sandbox: RunningSandbox) -> None:
    api = Api(clean_sandbox)
    soon = api.status("Sớm quá", scheduled_at=in_minutes(4))
    assert soon.status_code == 422
    assert soon.json() == {
        "error": "Validation failed: Scheduled at The scheduled date must be in the future"
    }
    assert clean_sandbox.ledger(platform="mastodon", kind="status") == []


def test_a_scheduled_status_waits_then_is_posted_at_its_time(
    clean_sandbox: RunningSandbox,
) -> None:
    api = Api(clean_sandbox)
    media_id = api.upload().json()["id"]
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    response = api.post(
        "/api/v1/statuses",
        data={
            "status": "Hẹn giờ",
            "scheduled_at": at.isoformat(),
            "spoiler_text": "CW",
            "media_ids[]": [media_id],
        },
        headers={**api.headers, "Idempotency-Key": "hen-1"},
    )
    assert response.status_code == 200
    scheduled = response.json()
    assert scheduled["scheduled_at"] == at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert scheduled["params"]["text"] == "Hẹn giờ"
    assert scheduled["params"]["spoiler_text"] == "CW"
    assert scheduled["params"]["media_ids"] == [media_id]
    assert scheduled["media_attachments"][0]["id"] == media_id
    # The same key answers the same scheduled status.
    again = api.post(
        "/api/v1/statuses",
        data={"status": "Hẹn giờ", "scheduled_at": at.isoformat()},
        headers={**api.headers, "Idempotency-Key": "hen-1"},
    )
    assert again.json()["id"] == scheduled["id"]
    assert [s["id"] for s in api.get("/api/v1/scheduled_statuses").json()] == [scheduled["id"]]
    assert api.get(f"/api/v1/scheduled_statuses/{scheduled['id']}").status_code == 200
    assert clean_sandbox.ledger(platform="mastodon", kind="status") == []
    with time_machine.travel(at + timedelta(seconds=1)):
        assert api.get("/api/v1/scheduled_statuses").json() == []
    [entry] = clean_sandbox.ledger(platform="mastodon", kind="status")
    assert entry["text"] == "Hẹn giờ"
    assert entry["media_count"] == 1
    assert api.get(f"/api/v1/scheduled_statuses/{scheduled['id']}").status_code == 404
