"""The webhook's signature: X-ZEvent-Signature = SHA-256 of app_id + body + timestamp + the OA
secret key, computed here from that description (not with the code under test)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from pressroom.platforms.zalo.inbound import LISTENER

SECRET = "3Kq8pWm2OA-secret"


def event(
    *, timestamp: str | int = "1767000000123", app_id: str | int = "360846524940903967"
) -> bytes:
    return json.dumps(
        {
            "app_id": app_id,
            "sender": {"id": "246845883529197922"},
            "user_id_by_app": "552177279717587730",
            "recipient": {"id": "388613280878808645"},
            "event_name": "user_send_text",
            "message": {"text": "Cho tôi hỏi lịch tiêm", "msg_id": "96d3cdf3af150460909"},
            "timestamp": timestamp,
        },
        ensure_ascii=False,
    ).encode()


def documented_mac(app_id: str, body: bytes, timestamp: str, key: str) -> str:
    return hashlib.sha256(f"{app_id}{body.decode()}{timestamp}{key}".encode()).hexdigest()


@pytest.mark.parametrize("prefix", ["mac=", "", "mac = ", "MAC="])
@pytest.mark.parametrize("timestamp", ["1767000000123", 1767000000123])
def test_a_signature_made_as_zalo_documents_it_is_accepted(
    prefix: str, timestamp: str | int
) -> None:
    body = event(timestamp=timestamp)
    mac = documented_mac("360846524940903967", body, str(timestamp), SECRET)
    assert LISTENER.verify({"x-zevent-signature": f"{prefix}{mac}"}, body, SECRET)


def test_a_numeric_app_id_enters_the_signature_as_its_digits() -> None:
    body = event(app_id=360846524940903967)
    mac = documented_mac("360846524940903967", body, "1767000000123", SECRET)
    assert LISTENER.verify({"x-zevent-signature": f"mac={mac}"}, body, SECRET)


def test_an_upper_case_digest_is_the_same_digest() -> None:
    body = event()
    mac = documented_mac("360846524940903967", body, "1767000000123", SECRET).upper()
    assert LISTENER.verify({"x-zevent-signature": f"mac={mac}"}, body, SECRET)


def test_the_vector_is_what_sha256_of_the_concatenation_gives() -> None:
    # A fixed vector, so a change in how the test computes it cannot hide a change in both.
    body = b'{"app_id":"1","timestamp":"2"}'
    expected = hashlib.sha256(b'1{"app_id":"1","timestamp":"2"}2k').hexdigest()
    assert documented_mac("1", body, "2", "k") == expected
    assert LISTENER.verify({"x-zevent-signature": f"mac={expected}"}, body, "k")


@pytest.mark.parametrize(
    "wrong",
    [
        # An HMAC with the key, as other platforms sign: not Zalo's.
        "hmac",
        "other key",
        "other timestamp",
        "body changed",
        "empty",
        "missing",
    ],
)
def test_a_wrong_signature_is_refused(wrong: str) -> None:
    body = event()
    right = documented_mac("360846524940903967", body, "1767000000123", SECRET)
    headers = {"x-zevent-signature": f"mac={right}"}
    if wrong == "hmac":
        mac = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"x-zevent-signature": f"mac={mac}"}
    elif wrong == "other key":
        mac = documented_mac("360846524940903967", body, "1767000000123", "another")
        headers = {"x-zevent-signature": f"mac={mac}"}
    elif wrong == "other timestamp":
        mac = documented_mac("360846524940903967", body, "1767000000124", SECRET)
        headers = {"x-zevent-signature": f"mac={mac}"}
    elif wrong == "body changed":
        body = body.replace("lịch tiêm".encode(), "lịch họp".encode())
    elif wrong == "empty":
        headers = {"x-zevent-signature": "mac="}
    else:
        headers = {}
    assert not LISTENER.verify(headers, body, SECRET)


def test_without_a_secret_nothing_is_verified() -> None:
    body = event()
    mac = documented_mac("360846524940903967", body, "1767000000123", "")
    assert not LISTENER.verify({"x-zevent-signature": f"mac={mac}"}, body, "")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"timestamp": "1"}',
        b'{"app_id": "1"}',
        b'{"app_id": true, "timestamp": "1"}',
        b'{"app_id": "1", "timestamp": 1.5}',
        b"\xff\xfe",
    ],
)
def test_a_body_without_what_the_signature_covers_is_refused(body: bytes) -> None:
    app_id, timestamp = "1", "1"
    mac = hashlib.sha256(app_id.encode() + body + timestamp.encode() + SECRET.encode())
    assert not LISTENER.verify({"x-zevent-signature": f"mac={mac.hexdigest()}"}, body, SECRET)
