"""The emulated Zalo's webhooks, delivered over HTTP to a receiving server, signed as the
listener verifies them, and read as polling reads the same messages."""

from __future__ import annotations

import json
from typing import Any

import httpx

from pressroom.platforms.inbound import Fetched, Happening, HappeningKind
from pressroom.platforms.zalo.inbound import LISTENER
from pressroom.platforms.zalo.tests.conftest import OA, OA_SECRET_KEY, Official, Receiver


def delivered(official: Official, receiver: Receiver) -> list[tuple[dict[str, str], bytes]]:
    """Send what the sandbox has queued now, and what the receiver got."""
    response = httpx.post(
        f"{official.sandbox.url}/_control/webhooks/flush", json={"platform": "zalo"}
    )
    response.raise_for_status()
    assert all(delivery["state"] == "delivered" for delivery in response.json()["deliveries"])
    arrived = list(receiver.received)
    receiver.received.clear()
    return arrived


def read(arrived: tuple[dict[str, str], bytes]) -> list[Happening]:
    headers, body = arrived
    assert LISTENER.verify(
        {name.lower(): value for name, value in headers.items()}, body, OA_SECRET_KEY
    )
    return LISTENER.parse(json.loads(body))


def test_a_citizens_message_arrives_signed_and_reads_as_the_poll_does(
    official: Official, receiver: Receiver
) -> None:
    question = official.writes("Cho hỏi giờ làm việc của bộ phận một cửa")
    [arrived] = delivered(official, receiver)
    headers, body = arrived
    assert headers["x-zevent-signature"].startswith("mac=")
    payload: dict[str, Any] = json.loads(body)
    assert payload["event_name"] == "user_send_text"
    assert isinstance(payload["timestamp"], str)
    [from_webhook] = read(arrived)
    fetched = official.run(lambda client: client.fetch({}))
    assert isinstance(fetched, Fetched)
    [from_poll] = fetched.happenings

    def key(happening: Happening) -> tuple[Any, ...]:
        return (
            happening.kind,
            happening.account_id,
            happening.thread,
            happening.remote_id,
            happening.author.id,
            happening.text,
            happening.at,
            happening.by_channel,
        )

    assert key(from_webhook) == key(from_poll)
    assert from_webhook.remote_id == question.remote_id
    assert LISTENER.event_key(payload, body) == f"user_send_text:{question.remote_id}"
    assert LISTENER.account_ids(payload) == [OA]


def test_the_oas_reply_comes_back_as_its_own_message(
    official: Official, receiver: Receiver
) -> None:
    question = official.writes("Hỏi")
    outcome = official.reply("Đáp", question)
    _, reply_event = delivered(official, receiver)
    [happening] = read(reply_event)
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.by_channel
    assert happening.remote_id == outcome.remote_id
    assert happening.thread == f"person:{question.data['user_id']}"
    assert happening.account_id == OA


def test_follows_and_unfollows_arrive(official: Official, receiver: Receiver) -> None:
    citizen = official.citizen(3)
    official.public.follow(official.account, citizen)
    official.public.unfollow(official.account, citizen)
    kinds = [
        happening.kind for arrived in delivered(official, receiver) for happening in read(arrived)
    ]
    # Two deliveries, sent at the same time: Zalo promises no order between them (the
    # event's own timestamp says which came first).
    assert sorted(kinds) == sorted([HappeningKind.FOLLOW, HappeningKind.UNFOLLOW])


def test_a_webhook_checked_with_another_key_is_refused(
    official: Official, receiver: Receiver
) -> None:
    official.writes("Hỏi")
    [(headers, body)] = delivered(official, receiver)
    lowered = {name.lower(): value for name, value in headers.items()}
    assert not LISTENER.verify(lowered, body, "the app secret, not the OA secret key")
    assert not LISTENER.verify(lowered, body.replace(b"H", b"h", 1), OA_SECRET_KEY)


def test_an_app_without_a_webhook_gets_none(official: Official) -> None:
    official.writes("Hỏi")
    response = httpx.get(f"{official.sandbox.url}/_control/webhooks", params={"platform": "zalo"})
    assert response.json() == []


def test_the_simulated_public_writes_through_the_same_road(
    official: Official, receiver: Receiver
) -> None:
    act = {"platform": "zalo", "account_id": OA, "action": "message", "citizen": 4}
    response = httpx.post(f"{official.sandbox.url}/_control/public/act", json=act)
    assert response.status_code == 201, response.text
    assert response.json()["created"]["kind"] == "message"
    [arrived] = delivered(official, receiver)
    [happening] = read(arrived)
    assert happening.kind is HappeningKind.MESSAGE
    assert happening.text
    assert happening.thread.removeprefix("person:").isdigit()
    comment = {**act, "action": "comment"}
    response = httpx.post(f"{official.sandbox.url}/_control/public/act", json=comment)
    # Citizens do not comment on Zalo: a message instead, or a refusal; never a comment item.
    assert response.status_code in {201, 400}
    assert official.sandbox.ledger(platform="zalo", kind="comment") == []
