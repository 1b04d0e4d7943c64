"""The Telegram client against the sandbox's Bot API, over real HTTP."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pressroom.platforms.base import MediaFile, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

CHANNEL = "@ubnd_xa_hop_thanh"


def photo(name: str = "anh.png", color: str = "teal") -> MediaFile:
    return MediaFile(name, make_image(color=color), "image/png")


def test_text_message_is_published_with_a_public_link(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    outcome = publish("telegram", access, Publication(text="Thông báo cắt điện"))
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.permalink == f"https://t.me/ubnd_xa_hop_thanh/{outcome.remote_id}"
    [entry] = clean_sandbox.ledger(platform="telegram", account_id=CHANNEL)
    assert entry["kind"] == "message"
    assert entry["remote_id"] == outcome.remote_id
    assert entry["text"] == "Thông báo cắt điện"
    assert entry["media_count"] == 0


def test_link_is_part_of_the_message(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    outcome = publish(
        "telegram", access, Publication(text="Chi tiết", link="https://langson.gov.vn/")
    )
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert entry["text"] == "Chi tiết\n\nhttps://langson.gov.vn/"


def test_one_photo_with_caption(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    outcome = publish("telegram", access, Publication(text="Chú thích", media=(photo(),)))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert entry["media_count"] == 1
    assert entry["text"] == "Chú thích"


def test_several_photos_are_one_album(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    media = (photo("a.png"), photo("b.png", "navy"), photo("c.png", "olive"))
    outcome = publish("telegram", access, Publication(text="Album", media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert entry["media_count"] == 3
    assert entry["remote_id"] == outcome.remote_id
    # The album took three message ids: the next message comes after them.
    following = publish("telegram", access, Publication(text="Tiếp theo"))
    assert int(following.remote_id) == int(outcome.remote_id) + 3


def test_numeric_chat_id_uses_the_chat_username(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", "-1001234567890", username="kenh_tinh")
    outcome = publish("telegram", access, Publication(text="Theo số"))
    assert outcome.permalink == f"https://t.me/kenh_tinh/{outcome.remote_id}"


def test_private_channel_has_no_public_link(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", "-1009876543210")
    outcome = publish("telegram", access, Publication(text="Kênh riêng"))
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.permalink == ""


def test_wrong_token_is_unauthorized(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    clean_sandbox.add_account("telegram", CHANNEL, "999:revoked-and-replaced")
    outcome = publish("telegram", access, Publication(text="Không gửi được"))
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert outcome.code == "401"
    assert access.credentials["bot_token"] not in outcome.reason


def test_bot_removed_from_the_channel_needs_reconnecting(clean_sandbox: RunningSandbox) -> None:
    other = clean_sandbox.connect("telegram", "@kenh_khac")
    clean_sandbox.connect("telegram", CHANNEL)
    # A working bot, but not the one that is a member of this channel.
    access = dataclasses.replace(other, external_id=CHANNEL)
    outcome = publish("telegram", access, Publication(text="Sai kênh"))
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert outcome.code == "403"
    assert "not a member" in outcome.reason


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ({"kind": "token_expired"}, OutcomeKind.CREDENTIALS_EXPIRED, "401"),
        (
            {
                "kind": "error",
                "status": 403,
                "message": "Forbidden: bot was kicked from the channel chat",
            },
            OutcomeKind.CREDENTIALS_EXPIRED,
            "403",
        ),
        (
            {
                "kind": "error",
                "status": 403,
                "message": "Forbidden: bot can't send messages to bots",
            },
            OutcomeKind.REJECTED,
            "403",
        ),
        ({"kind": "reject"}, OutcomeKind.REJECTED, "400"),
        (
            {"kind": "error", "status": 502, "message": "Bad Gateway"},
            OutcomeKind.RETRY_LATER,
            "502",
        ),
        ({"kind": "rate_limit", "retry_after": 8}, OutcomeKind.RETRY_LATER, "429"),
    ],
)
def test_bot_api_errors_map_to_outcomes(
    clean_sandbox: RunningSandbox, fault: dict[str, Any], kind: OutcomeKind, code: str
) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    clean_sandbox.add_fault("telegram", account_id=CHANNEL, operation="sendMessage", **fault)
    outcome = publish("telegram", access, Publication(text="Lỗi Bot API"))
    assert outcome.kind is kind
    assert outcome.code == code
    assert outcome.reason


def test_too_many_requests_says_when_to_retry(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    clean_sandbox.add_fault("telegram", "rate_limit", retry_after=8)
    outcome = publish("telegram", access, Publication(text="Chậm lại"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.retry_after_s == 8
    assert outcome.reason == "Too Many Requests: retry after 8"


def test_caption_too_long_is_rejected(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    outcome = publish("telegram", access, Publication(text="á" * 1025, media=(photo(),)))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "400"
    assert outcome.reason == "Bad Request: message caption is too long"
    assert clean_sandbox.ledger(platform="telegram") == []


def test_text_too_long_is_rejected(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    # Telegram counts characters (code points) after parsing: 4,097 is one too many.
    outcome = publish("telegram", access, Publication(text="😀" * 4097))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.reason == "Bad Request: message is too long"


def test_the_limit_counts_characters_not_utf16_units(clean_sandbox: RunningSandbox) -> None:
    # 4,096 emoji are 8,192 UTF-16 units; tdlib's check counts code points (utf8_length).
    access = clean_sandbox.connect("telegram", CHANNEL)
    outcome = publish("telegram", access, Publication(text="😀" * 4096))
    assert outcome.kind is OutcomeKind.PUBLISHED


def test_the_limit_counts_the_text_without_its_markup(clean_sandbox: RunningSandbox) -> None:
    # A bold title and an escaped body: 4,096 characters once parsed, far more as sent.
    access = clean_sandbox.connect("telegram", CHANNEL)
    body = "&" * (4096 - len("Tin\n\n"))
    outcome = publish("telegram", access, Publication(title="Tin", text=body))
    assert outcome.kind is OutcomeKind.PUBLISHED
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert len(entry["text"]) == 4096


def test_unknown_chat_is_rejected(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    wrong = dataclasses.replace(access, external_id="@khong_ton_tai")
    outcome = publish("telegram", wrong, Publication(text="Không có kênh"))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.reason == "Bad Request: chat not found"


def test_read_timeout_after_sending_is_unknown(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", CHANNEL)
    clean_sandbox.add_fault("telegram", "timeout_after_create", delay_s=3)
    outcome = publish("telegram", access, Publication(text="Chậm"), timeout=1)
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert outcome.code == "read_timeout"
    assert access.credentials["bot_token"] not in outcome.reason
    assert len(clean_sandbox.ledger(platform="telegram")) == 1


def test_a_link_after_a_text_at_the_limit_is_too_long(clean_sandbox: RunningSandbox) -> None:
    # The client adds the link after the text; Telegram counts it with the rest.
    access = clean_sandbox.connect("telegram", CHANNEL)
    outcome = publish(
        "telegram", access, Publication(text="á" * 4096, link="https://langson.gov.vn/")
    )
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.reason == "Bad Request: message is too long"
