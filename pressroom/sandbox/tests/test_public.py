"""The simulated public: deterministic acts through a platform's Public, and their controls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pressroom.sandbox.public import ACTIONS, PublicDriver, Refused
from pressroom.sandbox.server import build_app
from pressroom.sandbox.store import SandboxStore
from pressroom.sandbox.testing import ServedApp
from pressroom.sandbox.tests.town import QUIET, TOWN, add_post


def town(path: Path, *, seed: int = 7) -> tuple[SandboxStore, PublicDriver]:
    store = SandboxStore(path, platforms=["town", "quiet"])
    for account_id in ("ubnd-phuong-1", "ubnd-phuong-2"):
        store.save_account(
            platform="town", account_id=account_id, token="t", name=account_id, extra={}
        )
        for number in range(3):
            add_post(store, "town", account_id, f"{account_id}-p{number}")
    return store, PublicDriver(store, [TOWN, QUIET], seed=seed)


def acts(driver: PublicDriver, count: int) -> list[tuple[Any, ...]]:
    done = []
    for _ in range(count):
        act = driver.act_at_random()
        assert act is not None
        done.append(
            (
                act.account_id,
                act.action,
                act.citizen.id,
                act.text,
                act.post_id,
                act.comment_id,
                act.reaction,
                act.created.remote_id if act.created else None,
            )
        )
    return done


def test_the_same_seed_makes_the_same_acts(tmp_path: Path) -> None:
    first_store, first = town(tmp_path / "a")
    second_store, second = town(tmp_path / "b")
    other_store, other = town(tmp_path / "c", seed=8)
    made = acts(first, 40)
    assert made == acts(second, 40)
    assert made != acts(other, 40)
    assert {act[1] for act in made} == set(ACTIONS)
    # Replies answer comments made before them, under the same post.
    comments = {item.remote_id: item for item in first_store.items(platform="town", kind="comment")}
    replies = [item for item in comments.values() if item.data["parent"] in comments]
    assert replies
    for reply in replies:
        assert comments[reply.data["parent"]].data["post"] == reply.data["post"]
    for store in (first_store, second_store, other_store):
        store.close()


def test_a_seed_given_again_starts_its_sequence_again(tmp_path: Path) -> None:
    store, driver = town(tmp_path / "a")
    # Acts that leave nothing to comment on, so the second run sees the same posts.
    driver.configure({"seed": 3, "actions": {"message": 1, "react": 1}})
    made = [
        (act.action, act.citizen.id) for act in (driver.act_at_random() for _ in range(5)) if act
    ]
    driver.configure({"seed": 3})
    again = [
        (act.action, act.citizen.id) for act in (driver.act_at_random() for _ in range(5)) if act
    ]
    assert made == again
    store.close()


def test_the_weights_choose_the_actions(tmp_path: Path) -> None:
    store, driver = town(tmp_path / "a")
    driver.configure({"actions": {"message": 1, "comment": 0}})
    assert {act[1] for act in acts(driver, 10)} == {"message"}
    store.close()


def test_without_posts_citizens_write_messages_instead(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path / "a", platforms=["town"])
    store.save_account(platform="town", account_id="xa", token="t", name="Xã", extra={})
    driver = PublicDriver(store, [TOWN], seed=1)
    driver.configure({"actions": {"comment": 1, "reply": 1, "react": 1}})
    assert {act[1] for act in acts(driver, 5)} == {"message"}
    assert len(store.items(platform="town", kind="dm")) == 5
    store.close()


def test_no_account_no_act(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path / "a", platforms=["town"])
    assert PublicDriver(store, [TOWN]).act_at_random() is None
    store.close()


def test_refusals_say_what_is_missing(tmp_path: Path) -> None:
    store, driver = town(tmp_path / "a")
    store.save_account(platform="quiet", account_id="q", token="t", name="Q", extra={})
    add_post(store, "quiet", "q", "q-p1")
    cases: list[tuple[tuple[str, str, str], dict[str, Any], str]] = [
        (("myspace", "x", "comment"), {}, "platform must be one of"),
        (("town", "nobody", "comment"), {}, "no account 'nobody'"),
        (("town", "ubnd-phuong-1", "shout"), {}, "action must be one of"),
        (("town", "ubnd-phuong-1", "comment"), {"post_id": "gone"}, "no post 'gone'"),
        (("town", "ubnd-phuong-1", "reply"), {}, "no comments to reply to"),
        (("town", "ubnd-phuong-1", "react"), {"comment_id": "c9"}, "no comment 'c9'"),
        (("town", "ubnd-phuong-1", "message"), {"citizen": 0}, "citizen must be"),
        (("quiet", "q", "message"), {}, "the quiet public cannot message"),
    ]
    for args, options, message in cases:
        with pytest.raises(Refused, match=message):
            driver.act(*args, **options)
    # What the quiet platform has works.
    assert driver.act("quiet", "q", "comment", text="Xin chào").created is not None
    store.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, SandboxStore]]:
    app = build_app(tmp_path / "sandbox", [TOWN, QUIET], public_seed=5)
    store: SandboxStore = app.state.store
    with ServedApp(app) as running:
        yield running.url, store


def register(url: str, account_id: str, **extra: Any) -> None:
    body = {"platform": "town", "account_id": account_id, "token": "t", **extra}
    httpx.post(f"{url}/_control/accounts", json=body).raise_for_status()


def act(url: str, **body: Any) -> httpx.Response:
    return httpx.post(f"{url}/_control/public/act", json=body)


def test_an_act_on_demand_answers_what_it_made_and_sends_its_webhook(
    served: tuple[str, SandboxStore],
) -> None:
    url, store = served
    hooks: list[bytes] = []

    async def hook(request: Request) -> Response:
        hooks.append(await request.body())
        return Response(status_code=204)

    with ServedApp(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as receiver:
        register(url, "ubnd", name="UBND phường", webhook_url=f"{receiver.url}/hook")
        add_post(store, "town", "ubnd", "ubnd-p1")
        answer = act(
            url,
            platform="town",
            account_id="ubnd",
            action="comment",
            text="Lịch tiêm ở phường tôi là khi nào?",
            post_id="ubnd-p1",
            citizen=12,
        )
        assert answer.status_code == 201, answer.text
        made = answer.json()
        assert made["created"]["remote_id"] == "ubnd-p1_c1"
        assert made["citizen"] == {"number": 12, "id": "ubnd-12", "name": made["citizen"]["name"]}
        assert made["kind"] == "given"
        [delivery_id] = made["webhooks"]
        reply = act(
            url,
            platform="town",
            account_id="ubnd",
            action="reply",
            comment_id="ubnd-p1_c1",
            post_id="ubnd-p1",
        ).json()
        assert reply["comment_id"] == "ubnd-p1_c1"
        stored = store.item("town", reply["created"]["remote_id"])
        assert stored is not None
        assert stored.data["parent"] == "ubnd-p1_c1"
        flushed = httpx.post(f"{url}/_control/webhooks/flush", json={}).json()
    assert [delivery["state"] for delivery in store.webhooks.deliveries()] == ["delivered"] * 2
    assert flushed["tried"] <= 2
    assert store.webhooks.deliveries()[0]["id"] == delivery_id
    assert "Lịch tiêm ở phường tôi là khi nào?".encode() in hooks[0]


def test_the_act_control_refuses_with_a_message(served: tuple[str, SandboxStore]) -> None:
    url, store = served
    register(url, "ubnd")
    add_post(store, "town", "ubnd", "ubnd-p1")
    store.save_account(platform="quiet", account_id="q", token="t", name="Q", extra={})
    cases: list[tuple[dict[str, Any], str]] = [
        ({"platform": "myspace", "account_id": "ubnd", "action": "comment"}, "platform"),
        ({"platform": "town", "account_id": "nobody", "action": "comment"}, "no account"),
        ({"platform": "town", "account_id": "ubnd", "action": "comment", "post_id": "x"}, "post"),
        ({"platform": "town", "account_id": "ubnd"}, "needed"),
        ({"platform": "town", "account_id": "ubnd", "action": "react", "citizen": "a"}, "citizen"),
        ({"platform": "town", "account_id": "ubnd", "action": "comment", "text": 5}, "strings"),
        ({"platform": "town", "account_id": "ubnd", "action": "comment", "who": 1}, "unknown"),
        ({"platform": "quiet", "account_id": "q", "action": "message"}, "cannot message"),
    ]
    for body, message in cases:
        answer = act(url, **body)
        assert answer.status_code == 400, body
        assert message in answer.json()["error"]
    assert httpx.post(f"{url}/_control/public/act", json=[]).status_code == 400
    assert httpx.post(f"{url}/_control/public/act", content=b"{}").status_code == 415


def test_the_settings_control_checks_and_reset_restores(served: tuple[str, SandboxStore]) -> None:
    url, _ = served
    control = f"{url}/_control/public"
    shown = httpx.get(control).json()
    assert shown["rate_per_minute"] == 0
    assert shown["seed"] == 5
    assert shown["platforms"] == ["quiet", "town"]
    for wrong in (
        {"rate_per_minute": -1},
        {"rate_per_minute": "fast"},
        {"rate_per_minute": True},
        {"seed": 1.5},
        {"actions": {"shout": 1}},
        {"actions": {"comment": 0}},
        {"actions": {"comment": -1, "reply": 2}},
        {"speed": 1},
    ):
        answer = httpx.put(control, json=wrong)
        assert answer.status_code == 400, wrong
        assert answer.json()["error"]
    changed = httpx.put(control, json={"seed": 9, "actions": {"comment": 2, "react": 1}}).json()
    assert (changed["seed"], changed["actions"]) == (9, {"comment": 2.0, "react": 1.0})
    httpx.post(f"{url}/_control/reset", json={}).raise_for_status()
    assert httpx.get(control).json()["seed"] == 5


def test_at_a_rate_the_public_acts_by_itself(served: tuple[str, SandboxStore]) -> None:
    url, store = served
    register(url, "ubnd")
    add_post(store, "town", "ubnd", "ubnd-p1")
    httpx.put(f"{url}/_control/public", json={"rate_per_minute": 3000}).raise_for_status()
    deadline = time.monotonic() + 20
    while httpx.get(f"{url}/_control/public").json()["acted"] < 5:
        assert time.monotonic() < deadline, "the public did not act"
        time.sleep(0.05)
    httpx.put(f"{url}/_control/public", json={"rate_per_minute": 0}).raise_for_status()
    made = store.items(platform="town", top_level=False)
    assert made
    assert all(item.text for item in made)


def test_the_sandbox_starts_with_the_rate_and_seed_it_is_given(tmp_path: Path) -> None:
    app = build_app(tmp_path / "sandbox", [TOWN], public_rate=2.5, public_seed=4)
    with ServedApp(app) as running:
        shown = httpx.get(f"{running.url}/_control/public").json()
    assert (shown["rate_per_minute"], shown["seed"]) == (2.5, 4)


def test_the_command_refuses_a_rate_out_of_range(tmp_path: Path) -> None:
    for rate in ("-1", "nan", "100000"):
        with pytest.raises(CommandError, match="--public-rate"):
            call_command("sandbox", "--public-rate", rate, "--state-dir", str(tmp_path))
