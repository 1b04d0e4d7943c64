"""Facebook's webhooks as the listener reads them: the signature, the handshake, the bodies."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.platforms.facebook.inbound import LISTENER
from pressroom.platforms.inbound import (
    HappeningKind,
    ModerationKind,
    Person,
    ReplyWay,
    ThreadKind,
    Unreadable,
)
from pressroom.platforms.registry import listener_for

PAGE = "106820000000001"
POST = f"{PAGE}_1116689038356556"
COMMENT = "1116689038356556_2222000000000001"
REPLY = "1116689038356556_2222000000000002"
CITIZEN = "7100000000000042"
SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
BODY = b'{"object":"page","entry":[{"id":"106820000000001","time":1767000000,"changes":[]}]}'


def signature(secret: str, body: bytes, algorithm: Any = hashlib.sha256) -> str:
    return hmac.new(secret.encode(), body, algorithm).hexdigest()


# The signature


def test_the_registry_names_this_listener() -> None:
    assert listener_for("facebook") is LISTENER


def test_a_body_signed_with_the_app_secret_is_accepted() -> None:
    headers = {"x-hub-signature-256": f"sha256={signature(SECRET, BODY)}"}
    assert LISTENER.verify(headers, BODY, SECRET)


def test_a_known_vector() -> None:
    # HMAC-SHA256(key="It's a Secret to Everybody", "Hello, World!"), GitHub's documented pair.
    body = b"Hello, World!"
    expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature("It's a Secret to Everybody", body) == expected
    headers = {"x-hub-signature-256": f"sha256={expected}"}
    assert LISTENER.verify(headers, body, "It's a Secret to Everybody")


def test_header_names_are_matched_whatever_their_case() -> None:
    headers = {"X-Hub-Signature-256": f"sha256={signature(SECRET, BODY)}"}
    assert LISTENER.verify(headers, BODY, SECRET)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-hub-signature-256": ""},
        {"x-hub-signature-256": "sha256="},
        {"x-hub-signature-256": signature(SECRET, BODY)},
        {"x-hub-signature-256": f"sha1={signature(SECRET, BODY)}"},
        {"x-hub-signature-256": f"sha256={signature('another-secret', BODY)}"},
        {"x-hub-signature-256": f"sha256={signature(SECRET, BODY + b' ')}"},
        # The legacy header alone, even when right.
        {"x-hub-signature": f"sha1={signature(SECRET, BODY, hashlib.sha1)}"},
    ],
)
def test_wrong_missing_or_legacy_only_signatures_are_refused(headers: dict[str, str]) -> None:
    assert not LISTENER.verify(headers, BODY, SECRET)


def test_an_empty_secret_accepts_nothing() -> None:
    headers = {"x-hub-signature-256": f"sha256={signature('', BODY)}"}
    assert not LISTENER.verify(headers, BODY, "")


def test_the_signature_is_of_the_raw_bytes_not_the_parsed_json() -> None:
    escaped = b'{"message":"Xin ch\\u00e0o","url":"https:\\/\\/a.vn\\/"}'
    headers = {"x-hub-signature-256": f"sha256={signature(SECRET, escaped)}"}
    assert LISTENER.verify(headers, escaped, SECRET)
    reencoded = json.dumps(json.loads(escaped), ensure_ascii=False).encode()
    assert not LISTENER.verify(headers, reencoded, SECRET)


# The handshake


def test_the_handshake_answers_the_challenge() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok-123", "hub.challenge": "1158201444"}
    assert LISTENER.handshake(params, "tok-123") == "1158201444"


@pytest.mark.parametrize(
    ("params", "token"),
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "other", "hub.challenge": "1"}, "tok"),
        ({"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"}, "tok"),
        ({"hub.verify_token": "tok", "hub.challenge": "1"}, "tok"),
        ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, ""),
        ({"hub.mode": "subscribe", "hub.challenge": "1"}, "tok"),
        ({"hub.mode": "subscribe", "hub.verify_token": "tok"}, "tok"),
    ],
)
def test_the_handshake_refuses_anything_else(params: dict[str, str], token: str) -> None:
    assert LISTENER.handshake(params, token) is None


# Realistic bodies


def feed(*values: dict[str, Any], page: str = PAGE) -> dict[str, Any]:
    changes = [{"field": "feed", "value": value} for value in values]
    return {"object": "page", "entry": [{"id": page, "time": 1767000100, "changes": changes}]}


def comment_value(**overrides: Any) -> dict[str, Any]:
    value = {
        "from": {"id": CITIZEN, "name": "Nguyễn Thị Lan"},
        "post": {"status_type": "added_photos", "is_published": True, "id": POST},
        "message": "Lịch tiêm ở phường tôi là khi nào?",
        "item": "comment",
        "verb": "add",
        "post_id": POST,
        "comment_id": COMMENT,
        "parent_id": POST,
        "created_time": 1767000000,
    }
    return {**value, **overrides}


def messaging(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [{"id": PAGE, "time": 1767000000123, "messaging": list(events)}],
    }


def test_a_first_level_comment() -> None:
    [happening] = LISTENER.parse(feed(comment_value()))
    assert happening.kind is HappeningKind.COMMENT
    assert happening.account_id == PAGE
    assert happening.thread_kind is ThreadKind.COMMENTS
    assert happening.thread == f"post:{POST}"
    assert happening.remote_id == COMMENT
    assert happening.post_id == POST
    assert happening.parent_id == ""
    assert happening.author == Person(CITIZEN, "Nguyễn Thị Lan")
    assert happening.text == "Lịch tiêm ở phường tôi là khi nào?"
    assert happening.at == datetime(2025, 12, 29, 9, 20, tzinfo=UTC)
    assert not happening.by_channel


def test_a_reply_names_its_parent_and_the_pages_own_reply_is_by_the_channel() -> None:
    citizens = comment_value(comment_id=REPLY, parent_id=COMMENT, message="Cảm ơn")
    pages = comment_value(
        comment_id="1116689038356556_3",
        parent_id=COMMENT,
        message="Thứ Bảy ạ",
        **{"from": {"id": PAGE, "name": "UBND phường"}},
    )
    first, second = LISTENER.parse(feed(citizens, pages))
    assert (first.parent_id, first.by_channel) == (COMMENT, False)
    assert (second.parent_id, second.by_channel) == (COMMENT, True)
    assert second.thread == first.thread == f"post:{POST}"


@pytest.mark.parametrize(
    ("verb", "kind"),
    [
        ("edited", HappeningKind.EDIT),
        ("remove", HappeningKind.REMOVE),
        ("hide", HappeningKind.HIDE),
        ("unhide", HappeningKind.UNHIDE),
    ],
)
def test_what_happens_to_a_comment(verb: str, kind: HappeningKind) -> None:
    [happening] = LISTENER.parse(feed(comment_value(verb=verb, message="Đã sửa")))
    assert happening.kind is kind
    assert happening.remote_id == COMMENT


def test_a_removal_without_a_message() -> None:
    value = comment_value(verb="remove")
    del value["message"]
    [happening] = LISTENER.parse(feed(value))
    assert (happening.kind, happening.text) == (HappeningKind.REMOVE, "")


def test_reactions_on_a_post_and_on_a_comment() -> None:
    on_post = {
        "from": {"id": CITIZEN, "name": "Lan"},
        "post_id": POST,
        "created_time": 1767000000,
        "item": "reaction",
        "verb": "add",
        "parent_id": POST,
        "reaction_type": "love",
    }
    on_comment = {**on_post, "comment_id": COMMENT, "reaction_type": "like"}
    taken_back = {**on_post, "verb": "remove"}
    post, comment, removed = LISTENER.parse(feed(on_post, on_comment, taken_back))
    assert (post.kind, post.remote_id, post.reaction) == (HappeningKind.REACTION, POST, "love")
    assert (comment.remote_id, comment.reaction) == (COMMENT, "like")
    assert removed.reaction == ""


def test_items_and_verbs_the_inbox_does_not_follow_are_skipped() -> None:
    body = feed(
        comment_value(item="status"),
        comment_value(item="photo"),
        comment_value(item="share"),
        comment_value(verb="block"),
        {"item": "post", "verb": "add", "post_id": POST},
    )
    body["entry"][0]["changes"].append({"field": "ratings", "value": {"x": 1}})
    assert LISTENER.parse(body) == []


def test_a_message() -> None:
    event = {
        "sender": {"id": CITIZEN},
        "recipient": {"id": PAGE},
        "timestamp": 1767000000308,
        "message": {
            "mid": "m_1457764197618:41d1",
            "text": "Xin chào",
            "attachments": [{"type": "image", "payload": {"url": "https://x.vn/a.jpg"}}],
        },
    }
    [happening] = LISTENER.parse(messaging(event))
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.thread_kind is ThreadKind.MESSAGES
    assert happening.thread == f"person:{CITIZEN}"
    assert happening.remote_id == "m_1457764197618:41d1"
    assert happening.author.id == CITIZEN
    assert happening.attachments == ("image",)
    assert happening.at == datetime.fromtimestamp(1767000000.308, UTC)
    assert not happening.by_channel


def test_an_echo_is_the_pages_with_its_metadata_in_the_persons_thread() -> None:
    event = {
        "sender": {"id": PAGE},
        "recipient": {"id": CITIZEN},
        "timestamp": 1767000000500,
        "message": {
            "mid": "m_echo",
            "is_echo": True,
            "app_id": 1517776481860111,
            "metadata": "pressroom:42",
            "text": "Chúng tôi đã nhận",
        },
    }
    [happening] = LISTENER.parse(messaging(event))
    assert happening.by_channel
    assert happening.thread == f"person:{CITIZEN}"
    assert happening.reference == "pressroom:42"


def test_a_read_a_reaction_and_a_delivery() -> None:
    read = {
        "sender": {"id": CITIZEN},
        "recipient": {"id": PAGE},
        "timestamp": 1767000000900,
        "read": {"watermark": 1767000000800},
    }
    reaction = {
        "sender": {"id": CITIZEN},
        "recipient": {"id": PAGE},
        "timestamp": 1767000000950,
        "reaction": {"reaction": "love", "emoji": "❤", "action": "react", "mid": "m_echo"},
    }
    delivery = {
        "sender": {"id": CITIZEN},
        "recipient": {"id": PAGE},
        "timestamp": 1767000000960,
        "delivery": {"mids": ["m_echo"], "watermark": 1767000000960},
    }
    got_read, got_reaction = LISTENER.parse(messaging(read, reaction, delivery))
    assert got_read.kind is HappeningKind.READ
    assert got_read.at == datetime.fromtimestamp(1767000000.8, UTC)
    assert got_read.thread == f"person:{CITIZEN}"
    assert (got_reaction.kind, got_reaction.remote_id) == (HappeningKind.REACTION, "m_echo")
    assert got_reaction.reaction == "❤"


def test_several_entries_and_texts_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Phường Đông Thành")
    body = feed(comment_value(message=decomposed))
    body["entry"].append(feed(comment_value(comment_id="9_9"), page="106820000000002")["entry"][0])
    first, second = LISTENER.parse(body)
    assert first.text == unicodedata.normalize("NFC", decomposed)
    assert second.account_id == "106820000000002"
    assert LISTENER.account_ids(body) == [PAGE, "106820000000002"]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "page",
        {"object": "page"},
        {"object": "user", "entry": []},
        {"object": "page", "entry": {}},
        {"object": "page", "entry": ["x"]},
        {"object": "page", "entry": [{"changes": []}]},
        {"object": "page", "entry": [{"id": PAGE, "changes": "x"}]},
        feed(comment_value(comment_id=None)),
        feed(comment_value(post_id=7.5)),
        feed(comment_value(created_time="yesterday")),
        feed(comment_value(message=["a"])),
        feed(comment_value(**{"from": "someone"})),
        {"object": "page", "entry": [{"id": PAGE, "changes": [{"field": "feed"}]}]},
        messaging({"recipient": {"id": PAGE}, "timestamp": 1, "message": {"mid": "m"}}),
        messaging({"sender": {"id": CITIZEN}, "timestamp": 1, "message": {"text": "x"}}),
        messaging({"sender": {"id": CITIZEN}, "message": {"mid": "m"}}),
    ],
)
def test_bodies_not_shaped_like_facebooks_are_unreadable(payload: Any) -> None:
    with pytest.raises(Unreadable):
        LISTENER.parse(payload)


def test_the_event_key_is_stable_across_spacing_and_delivery_time() -> None:
    body = feed(comment_value())
    again = json.loads(json.dumps(body, indent=2))
    again["entry"][0]["time"] += 30
    key = LISTENER.event_key(body, json.dumps(body).encode())
    assert key
    assert key == LISTENER.event_key(again, json.dumps(again, indent=2).encode())
    other = feed(comment_value(verb="edited"))
    assert LISTENER.event_key(other, b"") != key
    assert LISTENER.event_key([], b"[]") == ""


def test_the_reply_rules_and_moderation() -> None:
    rules = {(rule.thread_kind, rule.way): rule for rule in LISTENER.reply_rules}
    public = rules[ThreadKind.COMMENTS, ReplyWay.PUBLIC]
    private = rules[ThreadKind.COMMENTS, ReplyWay.PRIVATE]
    message = rules[ThreadKind.MESSAGES, ReplyWay.MESSAGE]
    assert public.hours is None
    assert (private.hours, private.once) == (168, True)
    assert (message.hours, message.human_agent_hours) == (24, 168)
    assert LISTENER.moderation == {
        ModerationKind.HIDE,
        ModerationKind.UNHIDE,
        ModerationKind.DELETE,
    }


# Any JSON at all: happenings or Unreadable, nothing else.

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def parsed_or_unreadable(payload: Any) -> None:
    try:
        happenings = LISTENER.parse(payload)
    except Unreadable:
        return
    assert isinstance(happenings, list)
    LISTENER.account_ids(payload)
    LISTENER.event_key(payload, b"")


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_any_json_is_read_or_unreadable(payload: Any) -> None:
    parsed_or_unreadable(payload)


ANYTHING = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
IDS = st.sampled_from([PAGE, POST, COMMENT, CITIZEN, "", 12345, 2**70]) | ANYTHING
TIMES = st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | ANYTHING


@st.composite
def near_valid(draw: st.DrawFn) -> dict[str, Any]:
    value = {
        "from": draw(st.one_of(st.none(), st.fixed_dictionaries({"id": IDS, "name": ANYTHING}))),
        "item": draw(st.sampled_from(["comment", "reaction", "status", "post", None, 3])),
        "verb": draw(st.sampled_from(["add", "edited", "remove", "hide", "unhide", "x", None])),
        "post_id": draw(IDS),
        "comment_id": draw(IDS),
        "parent_id": draw(IDS),
        "created_time": draw(TIMES),
        "message": draw(ANYTHING),
        "reaction_type": draw(ANYTHING),
    }
    value = {key: item for key, item in value.items() if draw(st.booleans()) or key == "item"}
    event = {
        "sender": draw(st.one_of(st.none(), st.fixed_dictionaries({"id": IDS}))),
        "recipient": draw(st.fixed_dictionaries({"id": IDS})),
        "timestamp": draw(TIMES),
        draw(st.sampled_from(["message", "read", "reaction", "delivery", "message_edit"])): draw(
            st.fixed_dictionaries(
                {
                    "mid": IDS,
                    "text": ANYTHING,
                    "is_echo": st.booleans(),
                    "metadata": ANYTHING,
                    "watermark": TIMES,
                    "attachments": st.lists(ANYTHING | st.fixed_dictionaries({"type": ANYTHING})),
                    "reply_to": ANYTHING | st.fixed_dictionaries({"mid": IDS}),
                }
            )
        ),
    }
    entry = {
        "id": draw(IDS),
        "time": draw(TIMES),
        "changes": [{"field": draw(st.sampled_from(["feed", "ratings", None])), "value": value}],
        "messaging": [event],
    }
    return {"object": draw(st.sampled_from(["page", "page", "user"])), "entry": [entry]}


@settings(max_examples=500, deadline=None)
@given(near_valid())
def test_near_valid_bodies_are_read_or_unreadable(payload: dict[str, Any]) -> None:
    parsed_or_unreadable(payload)
