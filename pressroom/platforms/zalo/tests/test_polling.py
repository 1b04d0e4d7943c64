"""Polling an OA's conversations (listrecentchat, then each person's conversation), against the
sandbox over HTTP: what a lost webhook would have said, in the same shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import time_machine

from pressroom.platforms.base import Outcome
from pressroom.platforms.inbound import Fetched, HappeningKind, ThreadKind
from pressroom.platforms.zalo.tests.conftest import OA, Official


def poll(official: Official, cursor: dict[str, Any] | None = None) -> Fetched:
    fetched = official.run(lambda client: client.fetch(cursor or {}))
    assert isinstance(fetched, Fetched), fetched
    return fetched


def test_a_poll_finds_a_citizens_message(official: Official) -> None:
    question = official.writes("Đường Nguyễn Huệ mất điện từ sáng")
    fetched = poll(official)
    [happening] = fetched.happenings
    citizen = official.citizen()
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.account_id == OA
    assert happening.thread_kind is ThreadKind.MESSAGES
    assert happening.thread == f"person:{citizen.id}"
    assert happening.remote_id == question.remote_id
    assert happening.author.id == citizen.id
    assert happening.author.name == citizen.name
    assert happening.text == "Đường Nguyễn Huệ mất điện từ sáng"
    assert not happening.by_channel
    assert fetched.cursor["since_ms"] == question.data["time"]


def test_the_next_poll_brings_only_what_is_new_oldest_first(official: Official) -> None:
    official.writes("Câu đầu", 0)
    cursor = dict(poll(official).cursor)
    assert poll(official, cursor).happenings == ()
    second = official.writes("Câu hai", 1)
    reply = official.reply("Chúng tôi đã nhận", second)
    third = official.writes("Câu ba", 2)
    fetched = poll(official, cursor)
    assert [happening.remote_id for happening in fetched.happenings] == [
        second.remote_id,
        reply.remote_id,
        third.remote_id,
    ]
    answered = fetched.happenings[1]
    assert answered.by_channel
    assert answered.author.id == OA
    assert answered.thread == f"person:{second.data['user_id']}"
    assert poll(official, dict(fetched.cursor)).happenings == ()


def test_many_people_and_long_conversations_are_read_page_by_page(official: Official) -> None:
    written = [official.writes(f"Người {number}", number) for number in range(13)]
    written += [official.writes(f"Thêm {number}", 0) for number in range(12)]
    fetched = poll(official)
    assert sorted(happening.remote_id for happening in fetched.happenings) == sorted(
        item.remote_id for item in written
    )
    assert len({happening.thread for happening in fetched.happenings}) == 13


def test_without_a_cursor_a_poll_goes_back_48_hours(official: Official) -> None:
    old = official.writes("Tuần trước", 0)
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(hours=50), tick=True):
        recent = official.writes("Hôm nay", 1)
        fetched = poll(official)
    assert [happening.remote_id for happening in fetched.happenings] == [recent.remote_id]
    assert old.remote_id not in {happening.remote_id for happening in fetched.happenings}


def test_the_reads_answer_as_zalo_does(official: Official) -> None:
    question = official.writes("Xin chào")
    headers = {"access_token": official.access.credentials["access_token"]}
    base = official.access.api_base
    chats = httpx.get(
        f"{base}/v2.0/oa/listrecentchat",
        params={"data": '{"offset":0,"count":10}'},
        headers=headers,
    ).json()
    assert chats["error"] == 0
    assert chats["message"] == "Success"
    [chat] = chats["data"]
    assert {"msg_id", "src", "time", "type", "message", "from_id", "to_id"} <= chat.keys()
    assert {"from_display_name", "from_avatar", "to_display_name"} <= chat.keys()
    # The ids are 64-bit numbers in the JSON.
    assert chat["from_id"] == int(question.data["user_id"])
    assert chat["to_id"] == int(OA)
    too_many = httpx.get(
        f"{base}/v2.0/oa/listrecentchat",
        params={"data": '{"offset":0,"count":11}'},
        headers=headers,
    ).json()
    assert too_many["error"] == -210
    stranger = httpx.get(
        f"{base}/v2.0/oa/conversation",
        params={"data": '{"user_id":1000000000000000001,"offset":0,"count":10}'},
        headers=headers,
    ).json()
    assert stranger == {"error": 0, "message": "Success", "data": []}


def test_a_poll_with_an_expired_token_says_so(official: Official) -> None:
    official.sandbox.add_fault("zalo", "token_expired", operation="oa/listrecentchat")
    outcome = official.run(lambda client: client.fetch({}))
    assert isinstance(outcome, Outcome)
    assert outcome.kind == "credentials_expired"
