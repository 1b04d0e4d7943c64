"""The Facebook client against the sandbox's Graph API, over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from pressroom.platforms.base import MediaFile, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

PAGE = "102030405060708"


def photo(name: str = "anh.png", color: str = "teal") -> MediaFile:
    return MediaFile(name, make_image(color=color), "image/png", f"Ảnh {name}")


def test_text_post_is_published_with_its_permalink(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    outcome = publish("facebook", access, Publication(text="Thông báo lịch tiếp dân tháng 7"))
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.remote_id.startswith(f"{PAGE}_")
    assert outcome.permalink == f"https://www.facebook.com/{outcome.remote_id}"
    [entry] = clean_sandbox.ledger(platform="facebook", account_id=PAGE)
    assert entry["kind"] == "post"
    assert entry["remote_id"] == outcome.remote_id
    assert entry["text"] == "Thông báo lịch tiếp dân tháng 7"
    assert entry["media_count"] == 0


def test_link_post_carries_the_link(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    outcome = publish(
        "facebook",
        access,
        Publication(text="Cổng dịch vụ công", link="https://dichvucong.gov.vn/"),
    )
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="facebook", top_level=1)
    assert entry["link"] == "https://dichvucong.gov.vn/"


def test_one_photo_is_a_photo_post_with_caption(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    outcome = publish("facebook", access, Publication(text="Một ảnh", media=(photo(),)))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [post] = clean_sandbox.ledger(platform="facebook", kind="post")
    assert post["remote_id"] == outcome.remote_id
    assert post["media_count"] == 1
    assert post["text"] == "Một ảnh"


def test_several_photos_are_uploaded_then_attached(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    media = (photo("a.png"), photo("b.png", "navy"), photo("c.png", "olive"))
    outcome = publish("facebook", access, Publication(text="Ba ảnh", media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [post] = clean_sandbox.ledger(platform="facebook", kind="post")
    assert post["remote_id"] == outcome.remote_id
    assert post["media_count"] == 3
    uploads = clean_sandbox.ledger(platform="facebook", kind="photo")
    assert len(uploads) == 3
    assert not any(upload["top_level"] for upload in uploads)


def test_permalink_base_option_points_at_the_viewer(clean_sandbox: RunningSandbox) -> None:
    base = f"{clean_sandbox.url}/view/facebook/{PAGE}"
    access = clean_sandbox.connect("facebook", PAGE, options={"permalink_base": base})
    outcome = publish("facebook", access, Publication(text="Xem trong sandbox"))
    assert outcome.permalink == f"{base}/{outcome.remote_id}"


def test_wrong_token_means_credentials_expired(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    clean_sandbox.add_account("facebook", PAGE, "a-new-token-after-password-change")
    outcome = publish("facebook", access, Publication(text="Không đăng được"))
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert outcome.code == "190"
    assert access.credentials["page_token"] not in outcome.reason
    assert clean_sandbox.ledger(platform="facebook") == []


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ({"kind": "error", "code": 1}, OutcomeKind.RETRY_LATER, "1"),
        ({"kind": "error", "code": 2}, OutcomeKind.RETRY_LATER, "2"),
        ({"kind": "rate_limit", "code": 4}, OutcomeKind.RETRY_LATER, "4"),
        ({"kind": "rate_limit", "code": 17}, OutcomeKind.RETRY_LATER, "17"),
        ({"kind": "rate_limit", "code": 32}, OutcomeKind.RETRY_LATER, "32"),
        ({"kind": "rate_limit", "code": 613}, OutcomeKind.RETRY_LATER, "613"),
        ({"kind": "rate_limit"}, OutcomeKind.RETRY_LATER, "80001"),
        ({"kind": "token_expired"}, OutcomeKind.CREDENTIALS_EXPIRED, "190"),
        ({"kind": "error", "code": 102}, OutcomeKind.CREDENTIALS_EXPIRED, "102"),
        ({"kind": "error", "code": 506}, OutcomeKind.UNKNOWN, "506"),
        ({"kind": "error", "code": 368}, OutcomeKind.UNKNOWN, "368"),
        ({"kind": "reject"}, OutcomeKind.REJECTED, "100"),
        ({"kind": "error", "code": 10}, OutcomeKind.REJECTED, "10"),
        ({"kind": "error", "code": 200}, OutcomeKind.REJECTED, "200"),
        ({"kind": "error", "code": 299}, OutcomeKind.REJECTED, "299"),
    ],
)
def test_graph_errors_map_to_outcomes(
    clean_sandbox: RunningSandbox, fault: dict[str, Any], kind: OutcomeKind, code: str
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    clean_sandbox.add_fault("facebook", account_id=PAGE, operation="feed", **fault)
    outcome = publish("facebook", access, Publication(text="Lỗi từ Graph API"))
    assert outcome.kind is kind
    assert outcome.code == code
    assert outcome.reason


def test_rate_limit_waits_for_the_usage_header(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    clean_sandbox.add_fault("facebook", "rate_limit", code=32, retry_after=600)
    outcome = publish("facebook", access, Publication(text="Quá nhiều lượt gọi"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.retry_after_s == 600


def test_duplicate_of_the_latest_post_may_already_be_published(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    first = publish("facebook", access, Publication(text="Đăng hai lần"))
    again = publish("facebook", access, Publication(text="Đăng hai lần"))
    assert first.kind is OutcomeKind.PUBLISHED
    assert again.kind is OutcomeKind.UNKNOWN
    assert again.code == "506"
    assert len(clean_sandbox.ledger(platform="facebook", kind="post")) == 1


def test_failed_upload_publishes_nothing_and_can_be_retried(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    clean_sandbox.add_fault("facebook", "error", code=2, operation="photos")
    publication = Publication(text="Hai ảnh", media=(photo("a.png"), photo("b.png")))
    outcome = publish("facebook", access, publication)
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert clean_sandbox.ledger(platform="facebook", kind="post") == []
    assert publish("facebook", access, publication).kind is OutcomeKind.PUBLISHED


def test_read_timeout_after_the_post_was_created_is_unknown(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("facebook", PAGE)
    clean_sandbox.add_fault("facebook", "timeout_after_create", delay_s=3)
    outcome = publish("facebook", access, Publication(text="Chậm trả lời"), timeout=1)
    assert outcome.kind is OutcomeKind.UNKNOWN
    # The page has the post: a blind retry would publish it twice.
    assert len(clean_sandbox.ledger(platform="facebook", kind="post")) == 1
