"""The Mastodon client against the sandbox's API, over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pressroom.platforms.base import MediaFile, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

ACCOUNT = "cao-loc"


def photo(name: str = "anh.png", color: str = "teal") -> MediaFile:
    return MediaFile(name, make_image(color=color), "image/png", f"Mô tả {name}")


def test_text_status_is_published_with_its_url(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    outcome = publish(
        "mastodon", access, Publication(text="Thông báo nghỉ lễ", idempotency_key="d-1")
    )
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.permalink == f"{clean_sandbox.url}/view/mastodon/{ACCOUNT}/{outcome.remote_id}"
    [entry] = clean_sandbox.ledger(platform="mastodon", account_id=ACCOUNT)
    assert entry["kind"] == "status"
    assert entry["remote_id"] == outcome.remote_id
    assert entry["text"] == "Thông báo nghỉ lễ"
    assert entry["media_count"] == 0


def test_link_is_part_of_the_status(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    publication = Publication(text="Đọc thêm", link="https://langson.gov.vn/a")
    assert publish("mastodon", access, publication).kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="mastodon", kind="status")
    assert entry["text"] == "Đọc thêm\n\nhttps://langson.gov.vn/a"


@pytest.mark.parametrize("count", [1, 4])
def test_photos_are_uploaded_then_attached(clean_sandbox: RunningSandbox, count: int) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    media = tuple(photo(f"anh-{n}.png") for n in range(count))
    outcome = publish("mastodon", access, Publication(text="Có ảnh", media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="mastodon", kind="status")
    assert entry["media_count"] == count
    assert len(clean_sandbox.ledger(platform="mastodon", kind="media")) == count


def test_media_still_processing_is_polled_until_ready(clean_sandbox: RunningSandbox) -> None:
    # Uploads answer 202 and the attachment answers 206 twice before it is ready; attaching
    # it earlier would be refused with 422.
    access = clean_sandbox.connect("mastodon", ACCOUNT, media_pending_polls=2)
    outcome = publish("mastodon", access, Publication(text="Ảnh lớn", media=(photo(),)))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="mastodon", kind="status")
    assert entry["media_count"] == 1


def test_same_idempotency_key_gives_the_same_status(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    publication = Publication(text="Chỉ một lần", idempotency_key="pressroom-delivery-7")
    first = publish("mastodon", access, publication)
    second = publish("mastodon", access, publication)
    assert first.kind is second.kind is OutcomeKind.PUBLISHED
    assert first.remote_id == second.remote_id
    assert len(clean_sandbox.ledger(platform="mastodon", kind="status")) == 1


def test_retry_after_a_timeout_does_not_duplicate(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    clean_sandbox.add_fault("mastodon", "timeout_after_create", delay_s=3)
    publication = Publication(text="Hết giờ rồi thử lại", idempotency_key="pressroom-delivery-8")
    lost = publish("mastodon", access, publication, timeout=1)
    assert lost.kind is OutcomeKind.UNKNOWN
    retried = publish("mastodon", access, publication)
    assert retried.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="mastodon", kind="status")
    assert entry["remote_id"] == retried.remote_id


def test_wrong_token_means_credentials_expired(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    clean_sandbox.add_account("mastodon", ACCOUNT, "a-newly-issued-token")
    outcome = publish("mastodon", access, Publication(text="Không đăng được"))
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert outcome.code == "401"
    assert outcome.reason == "The access token is invalid"


def test_over_the_instance_limit_is_rejected(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT, max_characters=50)
    outcome = publish("mastodon", access, Publication(text="Dài quá " * 10))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "422"
    assert outcome.reason == "Validation failed: Text character limit of 50 exceeded"


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ({"kind": "token_expired"}, OutcomeKind.CREDENTIALS_EXPIRED, "401"),
        ({"kind": "reject"}, OutcomeKind.REJECTED, "422"),
        (
            {"kind": "reject", "status": 403, "message": "This action is not allowed"},
            OutcomeKind.REJECTED,
            "403",
        ),
        (
            {"kind": "reject", "status": 404, "message": "Record not found"},
            OutcomeKind.REJECTED,
            "404",
        ),
        ({"kind": "error", "status": 503}, OutcomeKind.RETRY_LATER, "503"),
        ({"kind": "error", "status": 500}, OutcomeKind.RETRY_LATER, "500"),
    ],
)
def test_errors_map_to_outcomes(
    clean_sandbox: RunningSandbox, fault: dict[str, Any], kind: OutcomeKind, code: str
) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    clean_sandbox.add_fault("mastodon", account_id=ACCOUNT, operation="statuses", **fault)
    outcome = publish("mastodon", access, Publication(text="Lỗi"))
    assert outcome.kind is kind
    assert outcome.code == code
    assert outcome.reason


def test_rate_limit_waits_until_the_reset_time(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    clean_sandbox.add_fault("mastodon", "rate_limit", retry_after=120, operation="media")
    outcome = publish("mastodon", access, Publication(text="Ảnh", media=(photo(),)))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "429"
    assert outcome.retry_after_s is not None
    assert 115 <= outcome.retry_after_s <= 120
    assert clean_sandbox.ledger(platform="mastodon", kind="status") == []


def test_published_status_can_be_read_back(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    outcome = publish("mastodon", access, Publication(text="Đọc lại <b>được</b>"))
    token = access.credentials["access_token"]
    response = httpx.get(
        f"{access.api_base}/api/v1/statuses/{outcome.remote_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    status = response.json()
    assert status["id"] == outcome.remote_id
    assert status["content"] == "<p>Đọc lại &lt;b&gt;được&lt;/b&gt;</p>"
    assert status["replies_count"] == status["reblogs_count"] == status["favourites_count"] == 0
