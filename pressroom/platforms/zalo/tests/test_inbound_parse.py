"""Zalo OA webhook events read into happenings; anything else is ignored or unreadable."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pressroom.platforms.inbound import HappeningKind, ThreadKind, Unreadable
from pressroom.platforms.zalo.inbound import LISTENER

OA = "388613280878808645"
PERSON = "2468458835291979224"
APP = "360846524940903967"
AT = datetime(2026, 11, 30, 8, 0, 0, 123000, tzinfo=UTC)
MS = 1796025600123


def person_writes(event: str = "user_send_text", **message: Any) -> dict[str, Any]:
    return {
        "app_id": APP,
        "sender": {"id": PERSON},
        "user_id_by_app": "552177279717587730",
        "recipient": {"id": OA},
        "event_name": event,
        "message": {"msg_id": "96d3cdf3af150460909", **message},
        "timestamp": str(MS),
    }


def test_a_text_is_a_message_in_the_persons_thread() -> None:
    [happening] = LISTENER.parse(person_writes(text="Cho tôi hỏi lịch tiếp dân"))
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.account_id == OA
    assert happening.thread_kind is ThreadKind.MESSAGES
    assert happening.thread == f"person:{PERSON}"
    assert happening.remote_id == "96d3cdf3af150460909"
    assert happening.author.id == PERSON
    assert happening.text == "Cho tôi hỏi lịch tiếp dân"
    assert happening.at == AT
    assert not happening.by_channel
    assert happening.attachments == ()


def test_a_numeric_timestamp_and_numeric_ids_read_the_same() -> None:
    payload = person_writes(text="Xin chào")
    payload.update(timestamp=MS, sender={"id": int(PERSON)}, recipient={"id": int(OA)})
    [happening] = LISTENER.parse(payload)
    assert happening.at == AT
    # A 64-bit id kept exactly, as a string.
    assert happening.thread == f"person:{PERSON}"
    assert happening.account_id == OA


def test_a_picture_without_text_is_a_message_with_an_attachment() -> None:
    attachments = [{"type": "image", "payload": {"thumbnail": "https://z/t", "url": "https://z"}}]
    [happening] = LISTENER.parse(person_writes("user_send_image", attachments=attachments))
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.text == ""
    assert happening.attachments == ("image",)


def test_a_picture_with_a_caption_keeps_both() -> None:
    attachments = [{"type": "image", "payload": {"url": "https://z/1"}}, {"type": "image"}]
    payload = person_writes("user_send_image", text="Ổ gà đường Lê Lợi", attachments=attachments)
    [happening] = LISTENER.parse(payload)
    assert happening.text == "Ổ gà đường Lê Lợi"
    assert happening.attachments == ("image", "image")


@pytest.mark.parametrize(
    "kind", ["link", "audio", "video", "sticker", "location", "file", "gif", "business_card"]
)
def test_every_kind_a_person_sends_is_a_message(kind: str) -> None:
    [happening] = LISTENER.parse(person_writes(f"user_send_{kind}"))
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.attachments == (kind,)


def test_an_anonymous_person_is_a_thread_of_their_own() -> None:
    payload = person_writes("anonymous_send_text", text="Hỏi", conversation_id="c-1")
    payload["sender"] = {"id": "anon-88"}
    [happening] = LISTENER.parse(payload)
    assert happening.thread == "person:anon-88"
    assert happening.account_id == OA


def test_what_the_oa_sent_from_elsewhere_is_the_channels_message() -> None:
    payload = {
        "app_id": APP,
        "sender": {"id": OA, "admin_id": "777"},
        "recipient": {"id": PERSON},
        "event_name": "oa_send_text",
        "message": {"text": "Chúng tôi đã nhận", "msg_id": "m-oa-1"},
        "timestamp": str(MS),
    }
    [happening] = LISTENER.parse(payload)
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.by_channel
    assert happening.account_id == OA
    assert happening.thread == f"person:{PERSON}"
    assert happening.author.id == OA


def seen(sender: str, recipient: str) -> dict[str, Any]:
    return {
        "app_id": APP,
        "sender": {"id": sender},
        "recipient": {"id": recipient},
        "event_name": "user_seen_message",
        "message": {"msg_ids": ["m-1", "m-2"]},
        "timestamp": str(MS),
    }


def test_seen_is_a_read_of_the_persons_thread() -> None:
    [happening] = LISTENER.parse(seen(OA, PERSON))
    assert happening.kind is HappeningKind.READ
    assert happening.thread == f"person:{PERSON}"
    assert happening.account_id == OA
    assert happening.remote_id == "m-2"
    assert happening.at == AT


def test_seen_with_the_ends_the_other_way_round_is_read_by_the_channel_it_came_for() -> None:
    # Which end is the OA in this event is UNCONFIRMED: the channel decides.
    assert LISTENER.account_ids(seen(PERSON, OA)) == [PERSON, OA]
    [happening] = LISTENER.parse(seen(PERSON, OA), account_id=OA)
    assert happening.account_id == OA
    assert happening.thread == f"person:{PERSON}"


@pytest.mark.parametrize(("event", "kind"), [("follow", "follow"), ("unfollow", "unfollow")])
def test_follows_are_counted_for_the_oa(event: str, kind: str) -> None:
    payload = {
        "app_id": APP,
        "oa_id": OA,
        "follower": {"id": PERSON},
        "user_id_by_app": "1",
        "event_name": event,
        "source": "oa_profile",
        "timestamp": str(MS),
    }
    [happening] = LISTENER.parse(payload)
    assert happening.kind == kind
    assert happening.account_id == OA
    assert happening.author.id == PERSON
    assert LISTENER.account_ids(payload) == [OA]
    assert LISTENER.event_key(payload, b"") == f"{event}:{PERSON}+{MS}"


@pytest.mark.parametrize(
    "payload",
    [
        {**person_writes(), "event_name": "user_received_message"},
        {**person_writes(), "event_name": "user_click_chatnow"},
        {"app_id": APP, "event_name": "add_user_to_tag", "oa_id": OA, "timestamp": "1"},
    ],
)
def test_other_events_are_ignored(payload: dict[str, Any]) -> None:
    assert LISTENER.parse(payload) == []


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "user_send_text",
        {"object": "page", "entry": []},
        {"update_id": 1, "message": {}},
        {**person_writes(), "timestamp": "yesterday"},
        {**person_writes(), "timestamp": "9" * 30},
        {**person_writes(), "sender": {}},
        {**person_writes(), "message": {"text": "no id"}},
        {"event_name": "follow", "timestamp": "1", "follower": {"id": "1"}},
    ],
)
def test_what_is_not_a_zalo_event_is_unreadable(payload: Any) -> None:
    with pytest.raises(Unreadable):
        LISTENER.parse(payload)


def test_a_message_is_one_delivery_however_often_it_comes() -> None:
    payload = person_writes(text="Xin chào")
    body = json.dumps(payload).encode()
    assert LISTENER.event_key(payload, body) == "user_send_text:96d3cdf3af150460909"
    assert LISTENER.event_key(person_writes(text="other text"), b"") == LISTENER.event_key(
        payload, body
    )
    assert LISTENER.account_ids(payload) == [OA]


def test_the_reply_rule_says_what_costs_money() -> None:
    [rule] = LISTENER.reply_rules
    assert rule.thread_kind is ThreadKind.MESSAGES
    assert rule.hours == 48
    assert rule.free_replies == 8
    with translation.override("en"):
        assert "proactive" in str(rule.label)
    assert LISTENER.moderation == frozenset()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)
EVENTS = st.sampled_from(
    [
        "user_send_text",
        "user_send_image",
        "anonymous_send_text",
        "oa_send_text",
        "user_seen_message",
        "user_received_message",
        "follow",
        "unfollow",
        "something_else",
    ]
)
IDS = st.one_of(st.text(max_size=25), st.integers(), st.none(), JSON)
NEAR_ZALO = st.fixed_dictionaries(
    {"event_name": EVENTS},
    optional={
        "app_id": IDS,
        "timestamp": st.one_of(st.integers(), st.text(max_size=30), st.floats(), st.none()),
        "sender": st.fixed_dictionaries({}, optional={"id": IDS}) | JSON,
        "recipient": st.fixed_dictionaries({}, optional={"id": IDS}) | JSON,
        "oa_id": IDS,
        "follower": st.fixed_dictionaries({}, optional={"id": IDS}) | JSON,
        "message": st.fixed_dictionaries(
            {},
            optional={
                "msg_id": IDS,
                "msg_ids": st.lists(IDS, max_size=3) | JSON,
                "text": JSON,
                "attachments": st.lists(
                    st.fixed_dictionaries({}, optional={"type": JSON, "payload": JSON}) | JSON,
                    max_size=3,
                )
                | JSON,
            },
        )
        | JSON,
    },
)


def _reads_or_refuses(payload: Any) -> None:
    try:
        happenings = LISTENER.parse(payload)
    except Unreadable:
        happenings = []
    for happening in happenings:
        assert happening.account_id
        assert happening.thread.startswith("person:")
    assert isinstance(LISTENER.event_key(payload, b"{}"), str)
    assert all(isinstance(value, str) and value for value in LISTENER.account_ids(payload))


@given(JSON)
def test_any_json_is_read_or_refused_as_unreadable(payload: Any) -> None:
    _reads_or_refuses(payload)


@given(NEAR_ZALO)
def test_anything_shaped_like_an_event_is_read_or_refused_as_unreadable(
    payload: dict[str, Any],
) -> None:
    _reads_or_refuses(payload)
