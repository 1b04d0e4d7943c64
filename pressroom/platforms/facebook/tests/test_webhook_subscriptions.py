"""An app's webhook subscription in the sandbox's Graph API: Facebook's handshake against the
callback first, then Page webhooks to it (only for Pages subscribed to the app)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pressroom.platforms.facebook.sandbox.public import FacebookPublic
from pressroom.platforms.facebook.tests.listening import (
    APP_ID,
    APP_SECRET,
    PAGE,
    VERIFY_TOKEN,
    Receiver,
    Town,
    add_app,
    store_of,
    subscribe_page,
)
from pressroom.platforms.inbound import HappeningKind
from pressroom.platforms.testing import RunningSandbox

APP_TOKEN = f"{APP_ID}|{APP_SECRET}"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    served = Receiver().start()
    yield served
    served.stop()


@pytest.fixture
def town(clean_sandbox: RunningSandbox, receiver: Receiver) -> Town:
    receiver.received.clear()
    add_app(clean_sandbox)
    access = clean_sandbox.connect("facebook", PAGE)
    store = store_of(clean_sandbox)
    return Town(clean_sandbox, receiver, access, store, FacebookPublic(store))


def subscriptions(
    town: Town, method: str = "POST", token: str = APP_TOKEN, **params: str
) -> dict[str, Any]:
    url = f"{town.sandbox.base_for('facebook')}/{APP_ID}/subscriptions"
    sent = {"access_token": token, **params}
    if method == "POST":
        response = httpx.post(url, data=sent)
    else:
        response = httpx.request(method, url, params=sent)
    body: dict[str, Any] = response.json()
    return body


def subscribe(town: Town, **overrides: str) -> dict[str, Any]:
    params = {
        "object": "page",
        "callback_url": town.receiver.url,
        "fields": "feed,messages",
        "verify_token": VERIFY_TOKEN,
        **overrides,
    }
    return subscriptions(town, **params)


def test_the_app_subscribes_once_its_callback_answers_the_challenge(town: Town) -> None:
    assert subscribe(town) == {"success": True}
    [listed] = subscriptions(town, "GET")["data"]
    assert listed["object"] == "page"
    assert listed["callback_url"] == town.receiver.url
    assert [field["name"] for field in listed["fields"]] == ["feed", "messages"]
    # More fields add to those subscribed.
    assert subscribe(town, fields="message_echoes") == {"success": True}
    [listed] = subscriptions(town, "GET")["data"]
    assert [field["name"] for field in listed["fields"]] == ["feed", "messages", "message_echoes"]


def test_webhooks_reach_the_callback_once_the_page_subscribed_the_app(town: Town) -> None:
    subscribe(town)
    town.public.message(town.page, town.citizen(1), "Trước khi Page đăng ký")
    assert town.delivered() == []
    assert subscribe_page(town.access)["webhooks_error"] == ""
    message = town.public.message(town.page, town.citizen(1), "Sau khi Page đăng ký")
    assert message is not None
    [happening] = town.webhook_happenings()
    assert (happening.kind, happening.remote_id) == (HappeningKind.MESSAGE, message.remote_id)


def test_a_wrong_verify_token_is_refused_by_the_callback(town: Town) -> None:
    error = subscribe(town, verify_token="not-ours")["error"]
    assert error["code"] == 2200
    assert "HTTP Status Code = 403" in error["message"]
    assert subscriptions(town, "GET")["data"] == []


def test_a_callback_that_does_not_echo_the_challenge_is_refused(town: Town) -> None:
    error = subscribe(town, callback_url=f"{town.sandbox.url}/_ledger")["error"]
    assert error["code"] == 2201


def test_an_unreachable_callback_is_refused(town: Town) -> None:
    error = subscribe(town, callback_url="http://127.0.0.1:9/hook")["error"]
    assert error["code"] == 2200


@pytest.mark.parametrize(
    ("token", "code"), [("page-token", 15), (f"{APP_ID}|wrong-secret", 190), ("", 15)]
)
def test_only_the_apps_own_token_may_subscribe(town: Town, token: str, code: int) -> None:
    assert subscribe(town, access_token=token)["error"]["code"] == code


def test_unsubscribing_fields_then_everything(town: Town) -> None:
    subscribe(town)
    assert subscriptions(town, "DELETE", object="page", fields="messages") == {"success": True}
    [listed] = subscriptions(town, "GET")["data"]
    assert [field["name"] for field in listed["fields"]] == ["feed"]
    assert subscriptions(town, "DELETE", object="page") == {"success": True}
    assert subscriptions(town, "GET")["data"] == []


def test_only_page_webhooks_are_emulated(town: Town) -> None:
    error = subscribe(town, object="instagram")["error"]
    assert error["code"] == 100
