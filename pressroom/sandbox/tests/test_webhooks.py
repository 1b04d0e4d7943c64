"""The webhook outbox: kept on disk, POSTed to a real receiver, retried with backoff."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.server import build_app
from pressroom.sandbox.store import SandboxStore
from pressroom.sandbox.testing import ServedApp
from pressroom.sandbox.webhooks import MAX_ATTEMPTS, WebhookOutbox, retry_delay

DEMO = Emulation(platform="demo", path="/demo", routes=lambda store: [], look=Look(brand="Demo"))
BODY = json.dumps({"object": "page", "entry": [{"id": "1", "text": "Xin chào"}]}).encode()


@dataclass
class Receiver:
    """A receiving app: answers the statuses it is given in turn (then 200), keeps what came."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def hook(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.body()))
        self.arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        return PlainTextResponse("nope" if status >= 300 else "ok", status_code=status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver()
    with ServedApp(found.app()) as served:
        yield found, f"{served.url}/hook"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[ServedApp, SandboxStore]]:
    app = build_app(tmp_path / "sandbox", [DEMO])
    with ServedApp(app) as served:
        yield served, app.state.store


def flush(served: ServedApp, **options: object) -> dict[str, Any]:
    response = httpx.post(f"{served.url}/_control/webhooks/flush", json=options, timeout=30)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_queued_webhook_reaches_the_receiver_without_being_flushed(
    receiver: tuple[Receiver, str], sandbox: tuple[ServedApp, SandboxStore]
) -> None:
    found, url = receiver
    _, store = sandbox
    delivery_id = store.webhooks.queue("demo", url, BODY, {"X-Hub-Signature-256": "sha256=abc"})
    assert found.arrived.wait(timeout=10)
    [(headers, body)] = found.received
    assert body == BODY
    assert headers["content-type"] == "application/json"
    assert headers["x-hub-signature-256"] == "sha256=abc"
    flush(sandbox[0])  # waits for a delivery the sender has in hand
    delivery = store.webhooks.delivery(delivery_id)
    assert delivery is not None
    assert delivery["state"] == "delivered"
    assert delivery["last_status"] == 200
    assert delivery["attempts"] == 1


def test_a_content_type_given_is_kept(
    receiver: tuple[Receiver, str], sandbox: tuple[ServedApp, SandboxStore]
) -> None:
    found, url = receiver
    served, store = sandbox
    store.webhooks.queue("demo", url, b"a=1", {"Content-Type": "application/x-www-form-urlencoded"})
    flush(served)
    [(headers, body)] = found.received
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert body == b"a=1"


def test_a_refused_webhook_is_tried_again_after_its_backoff(
    receiver: tuple[Receiver, str], sandbox: tuple[ServedApp, SandboxStore]
) -> None:
    found, url = receiver
    served, store = sandbox
    found.statuses = [500, 502]
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        delivery_id = store.webhooks.queue("demo", url, BODY, {})
        assert found.arrived.wait(timeout=10)  # the sender, woken by the queue
        flush(served, due_only=True)  # waits for the attempt the sender has in hand
        first = store.webhooks.delivery(delivery_id)
        assert first is not None
        assert first["state"] == "pending"
        assert first["last_status"] == 500
        assert first["last_error"] == "HTTP 500: nope"
        assert first["next_at"] == 1_800_000_000 + retry_delay(1)
        # Not due yet: neither a flush of due ones nor the sender tries it.
        assert flush(served, due_only=True)["tried"] == 0
        clock.shift(retry_delay(1) + 0.1)
        flush(served, due_only=True)
        second = store.webhooks.delivery(delivery_id)
        assert second is not None
        assert (second["attempts"], second["last_status"]) == (2, 502)
        assert second["next_at"] == pytest.approx(1_800_000_001.1 + retry_delay(2))
        clock.shift(retry_delay(2) + 0.1)
        flush(served, due_only=True)
    third = store.webhooks.delivery(delivery_id)
    assert third is not None
    assert (third["state"], third["attempts"], third["last_status"]) == ("delivered", 3, 200)
    assert third["last_error"] == ""
    assert [body for _, body in found.received] == [BODY, BODY, BODY]


def test_the_platform_gives_up_after_its_attempts(
    receiver: tuple[Receiver, str], sandbox: tuple[ServedApp, SandboxStore]
) -> None:
    found, url = receiver
    served, store = sandbox
    found.statuses = [500] * (MAX_ATTEMPTS + 5)
    with time_machine.travel(1_800_000_000, tick=False):
        delivery_id = store.webhooks.queue("demo", url, BODY, {})
        for _ in range(MAX_ATTEMPTS):
            flush(served)
        assert flush(served)["tried"] == 0
    delivery = store.webhooks.delivery(delivery_id)
    assert delivery is not None
    assert (delivery["state"], delivery["attempts"]) == ("given_up", MAX_ATTEMPTS)
    assert len(found.received) == MAX_ATTEMPTS


def test_no_answer_is_an_error_kept_with_the_delivery(
    sandbox: tuple[ServedApp, SandboxStore],
) -> None:
    served, store = sandbox
    with ServedApp(Receiver().app()) as gone:
        url = f"{gone.url}/hook"
    with time_machine.travel(1_800_000_000, tick=False):
        store.webhooks.queue("demo", url, BODY, {})
        [delivery] = flush(served)["deliveries"]
    assert delivery["state"] == "pending"
    assert delivery["last_status"] is None
    assert delivery["last_error"].startswith("Client")


def test_queued_without_a_server_and_sent_once_one_runs(
    receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    found, url = receiver
    store = SandboxStore(tmp_path / "sandbox", platforms=["demo"])
    first = store.webhooks.queue("demo", url, BODY, {"X-Telegram-Bot-Api-Secret-Token": "s"})
    second = store.webhooks.queue("demo", url, b"{}", {})
    assert [delivery["state"] for delivery in store.webhooks.deliveries()] == ["pending"] * 2
    store.close()
    assert found.received == []

    app = build_app(tmp_path / "sandbox", [DEMO])
    with ServedApp(app) as served:
        flush(served)
        listing = httpx.get(f"{served.url}/_control/webhooks").json()
    assert [(delivery["id"], delivery["state"]) for delivery in listing] == [
        (first, "delivered"),
        (second, "delivered"),
    ]
    assert sorted(body for _, body in found.received) == sorted([BODY, b"{}"])
    assert listing[0]["headers"] == {"X-Telegram-Bot-Api-Secret-Token": "s"}
    assert json.loads(listing[0]["body"]) == json.loads(BODY)


def test_a_flush_without_a_server_sends_them(
    receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    found, url = receiver
    store = SandboxStore(tmp_path / "sandbox", platforms=["demo"])
    store.webhooks.queue("demo", url, BODY, {})
    [delivery] = asyncio.run(store.webhooks.flush())
    store.close()
    assert delivery["state"] == "delivered"
    assert len(found.received) == 1


def test_listing_filters_by_platform_and_reset_clears(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path / "sandbox", platforms=["demo", "other"])
    outbox: WebhookOutbox = store.webhooks
    outbox.queue("demo", "http://127.0.0.1:9/a", b"1", {})
    outbox.queue("other", "http://127.0.0.1:9/b", b"2", {})
    assert [delivery["url"] for delivery in outbox.deliveries("other")] == ["http://127.0.0.1:9/b"]
    assert outbox.drop("demo") == 1
    assert [delivery["platform"] for delivery in outbox.deliveries()] == ["other"]
    store.reset()
    assert outbox.deliveries() == []
    assert outbox.queue("demo", "http://127.0.0.1:9/a", b"3", {}) == 3  # ids are not reused
    store.close()


def test_the_backoff_doubles_up_to_a_limit() -> None:
    assert [retry_delay(attempts) for attempts in range(1, 6)] == [1, 2, 4, 8, 16]
    assert retry_delay(30) == 600


def test_the_flush_control_checks_what_it_is_given(
    sandbox: tuple[ServedApp, SandboxStore],
) -> None:
    served, _ = sandbox
    url = f"{served.url}/_control/webhooks/flush"
    assert httpx.post(url, json={"platform": "myspace"}).status_code == 400
    assert httpx.post(url, json={"due_only": "yes"}).status_code == 400
    assert httpx.post(url, json=[]).status_code == 400
    assert httpx.post(url, content=b"{}").status_code == 415
    assert (
        httpx.post(url, json={}, headers={"Origin": "https://elsewhere.example"}).status_code == 403
    )
    assert httpx.get(f"{served.url}/_control/webhooks", params={"platform": "demo"}).json() == []
