"""The Zalo client against the sandbox's OA API, over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pressroom.platforms.base import ChannelAccess, MediaFile, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

OA = "4200000000000001"
TITLE = "Thông báo của UBND xã"


PUBLIC = "https://pressroom.example/media"


def photo(name: str = "anh.jpg", color: str = "teal", *, public: bool = True) -> MediaFile:
    """A picture, served by the publishing side at a public address unless told otherwise."""
    return MediaFile(
        name,
        make_image(kind="JPEG", color=color),
        "image/jpeg",
        f"Ảnh {name}",
        public_url=f"{PUBLIC}/{name}" if public else "",
    )


def article(text: str = "Nội dung bài viết", **fields: Any) -> Publication:
    return Publication(text=text, title=TITLE, **fields)


def test_text_article_is_published(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    outcome = publish("zalo", access, article("Lịch tiêm chủng mở rộng tháng 8"))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="zalo", kind="article")
    assert entry["remote_id"] == outcome.remote_id
    assert entry["title"] == TITLE
    assert entry["text"] == "Lịch tiêm chủng mở rộng tháng 8"
    assert entry["media_count"] == 0


def test_link_goes_into_the_article_body(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    outcome = publish("zalo", access, article("Xem chi tiết", link="https://langson.gov.vn/tb"))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="zalo", kind="article")
    assert "https://langson.gov.vn/tb" in entry["text"]


def article_detail(sandbox: RunningSandbox, access: ChannelAccess, remote_id: str) -> Any:
    response = httpx.get(
        f"{sandbox.base_for('zalo')}/v2.0/article/getdetail",
        params={"id": remote_id},
        headers={"access_token": access.credentials["access_token"]},
    )
    assert response.status_code == 200
    return response.json()["data"]


@pytest.mark.parametrize("count", [1, 3])
def test_photos_are_placed_by_their_public_address_when_zalo_gives_none(
    clean_sandbox: RunningSandbox, count: int
) -> None:
    access = clean_sandbox.connect("zalo", OA)
    media = tuple(photo(f"anh-{n}.jpg") for n in range(count))
    outcome = publish("zalo", access, article("Có ảnh", media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="zalo", kind="article")
    assert entry["media_count"] == count
    assert len(clean_sandbox.ledger(platform="zalo", kind="image")) == count
    detail = article_detail(clean_sandbox, access, outcome.remote_id)
    images = [block for block in detail["body"] if block["type"] == "image"]
    assert [block["url"] for block in images] == [f"{PUBLIC}/anh-{n}.jpg" for n in range(count)]
    assert [block["caption"] for block in images] == [f"Ảnh anh-{n}.jpg" for n in range(count)]
    assert detail["cover"]["photo_url"] == f"{PUBLIC}/anh-0.jpg"


def test_photos_are_placed_by_the_address_zalo_gives_when_it_gives_one(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("zalo", OA, upload_image_url=True)
    media = (photo("a.jpg", public=False), photo("b.jpg"))
    outcome = publish("zalo", access, article("Có ảnh", media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED
    detail = article_detail(clean_sandbox, access, outcome.remote_id)
    urls = [block["url"] for block in detail["body"] if block["type"] == "image"]
    assert len(urls) == 2
    assert all(url.startswith(f"{clean_sandbox.url}/files/zalo/") for url in urls)
    assert all(httpx.get(url).status_code == 200 for url in urls)
    # The viewer shows the uploaded files themselves.
    page = httpx.get(f"{clean_sandbox.url}/view/zalo/{OA}/{outcome.remote_id}").text
    assert all(url.removeprefix(clean_sandbox.url) in page for url in urls)


def test_a_photo_without_any_address_is_refused_with_a_reason(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("zalo", OA)
    media = (photo("co-dia-chi.jpg"), photo("khong-dia-chi.jpg", public=False))
    outcome = publish("zalo", access, article("Có ảnh", media=media))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "image_url_needed"
    assert "khong-dia-chi.jpg" in outcome.reason
    assert "co-dia-chi.jpg" not in outcome.reason
    assert "public address" in outcome.reason
    assert clean_sandbox.ledger(platform="zalo", kind="article") == []


def test_an_article_needs_a_title(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    outcome = publish("zalo", access, Publication(text="Không có tiêu đề"))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "title_required"
    assert clean_sandbox.ledger(platform="zalo") == []


def test_verify_answering_id(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA, verify_id_field="id")
    outcome = publish("zalo", access, article())
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.raw.keys() == {"id"}
    assert (
        outcome.remote_id == clean_sandbox.ledger(platform="zalo", kind="article")[0]["remote_id"]
    )


def test_verify_answering_article_id(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA, verify_id_field="article_id")
    outcome = publish("zalo", access, article())
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.raw.keys() == {"article_id"}
    assert (
        outcome.remote_id == clean_sandbox.ledger(platform="zalo", kind="article")[0]["remote_id"]
    )


def test_permalink_is_link_view_when_zalo_gives_one(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA, verify_link_view=True)
    outcome = publish("zalo", access, article())
    assert outcome.permalink == f"{clean_sandbox.url}/view/zalo/{OA}/{outcome.remote_id}"
    assert httpx.get(outcome.permalink).status_code == 200


def test_permalink_is_empty_without_link_view(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    assert publish("zalo", access, article()).permalink == ""


def test_wrong_token_is_reported_inside_http_200(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    clean_sandbox.add_account("zalo", OA, "token-after-refresh")
    outcome = publish("zalo", access, article())
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert outcome.code == "-216"
    assert clean_sandbox.ledger(platform="zalo") == []


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ({"kind": "token_expired"}, OutcomeKind.CREDENTIALS_EXPIRED, "-216"),
        ({"kind": "error", "code": -124}, OutcomeKind.CREDENTIALS_EXPIRED, "-124"),
        ({"kind": "error", "code": -201}, OutcomeKind.CREDENTIALS_EXPIRED, "-201"),
        ({"kind": "error", "code": -214}, OutcomeKind.RETRY_LATER, "-214"),
        ({"kind": "rate_limit"}, OutcomeKind.RETRY_LATER, "-32"),
        ({"kind": "reject"}, OutcomeKind.REJECTED, "-210"),
        ({"kind": "error", "code": -209}, OutcomeKind.REJECTED, "-209"),
    ],
)
def test_errors_inside_http_200_map_to_outcomes(
    clean_sandbox: RunningSandbox, fault: dict[str, Any], kind: OutcomeKind, code: str
) -> None:
    access = clean_sandbox.connect("zalo", OA)
    clean_sandbox.add_fault("zalo", account_id=OA, operation="article/create", **fault)
    outcome = publish("zalo", access, article())
    assert outcome.kind is kind
    assert outcome.code == code
    assert outcome.reason
    assert clean_sandbox.ledger(platform="zalo", kind="article") == []


def test_server_error_is_retried_later(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    clean_sandbox.add_fault("zalo", "error", status=503, operation="article/create")
    outcome = publish("zalo", access, article())
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "503"


def test_verify_waits_while_media_is_processing(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    clean_sandbox.add_fault("zalo", "error", code=-214, operation="article/verify", count=2)
    outcome = publish("zalo", access, article(media=(photo(),)))
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert len(clean_sandbox.ledger(platform="zalo", kind="article")) == 1


def test_verify_waits_while_zalo_processes_the_pictures(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA, media_processing_polls=2)
    outcome = publish("zalo", access, article(media=(photo(),)))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="zalo", kind="article")
    assert entry["remote_id"] == outcome.remote_id
    # A text article has nothing to process.
    assert publish("zalo", access, article("Chỉ có chữ")).kind is OutcomeKind.PUBLISHED


def test_verify_failing_after_create_is_unknown(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    clean_sandbox.add_fault("zalo", "token_expired", operation="article/verify")
    outcome = publish("zalo", access, article())
    # The article exists already; creating it again would duplicate it.
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert outcome.code == "-216"
    assert len(clean_sandbox.ledger(platform="zalo", kind="article")) == 1


def test_read_timeout_after_create_is_unknown(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    clean_sandbox.add_fault("zalo", "timeout_after_create", delay_s=3)
    outcome = publish("zalo", access, article(media=(photo(),)), timeout=1)
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert len(clean_sandbox.ledger(platform="zalo", kind="article")) == 1


def test_rejected_image_upload_publishes_nothing(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", OA)
    too_big = MediaFile(
        "lon.png", make_image(size=(2400, 2400), kind="PNG") + b"\0" * 2**20, "image/png"
    )
    outcome = publish("zalo", access, article(media=(too_big,)))
    assert outcome.kind is OutcomeKind.REJECTED
    assert clean_sandbox.ledger(platform="zalo", kind="article") == []
