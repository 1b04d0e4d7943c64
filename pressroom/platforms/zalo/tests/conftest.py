"""An OA in the session's sandbox, with its citizens and the production client to answer them."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pressroom.platforms.base import ChannelAccess, Outcome
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.inbound import OutgoingReply, ReplyWay
from pressroom.platforms.testing import RunningSandbox
from pressroom.platforms.transport import HttpPlatformClient
from pressroom.platforms.zalo.sandbox.public import ZaloPublic
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item, SandboxStore
from pressroom.sandbox.testing import ServedApp

OA = "4200000000000007"
APP_ID = "3810862980080599037"
OA_SECRET_KEY = "oa-secret-key-for-webhooks"


@dataclass
class Official:
    """The OA, its sandbox and its client: what a test does with it, in one place."""

    sandbox: RunningSandbox
    access: ChannelAccess

    @property
    def store(self) -> SandboxStore:
        served = self.sandbox._served
        assert served is not None
        store: SandboxStore = served.app.state.store  # type: ignore[attr-defined]
        return store

    @property
    def account(self) -> Account:
        account = self.store.account("zalo", OA)
        assert account is not None
        return account

    @property
    def public(self) -> ZaloPublic:
        return ZaloPublic(self.store)

    def citizen(self, number: int = 0) -> Citizen:
        return self.public.citizen(self.account, number)

    def writes(self, text: str, number: int = 0) -> Item:
        """Citizen `number` writes to the OA."""
        item = self.public.message(self.account, self.citizen(number), text)
        assert item is not None
        return item

    def settings(self, **extra: Any) -> None:
        """The OA registered again with these settings (its token and app kept)."""
        account = self.account
        self.sandbox.add_account(
            "zalo", OA, account.token, name=account.name, app_id=APP_ID, **extra
        )

    def with_options(self, **options: Any) -> Official:
        access = dataclasses.replace(self.access, options={**self.access.options, **options})
        return Official(self.sandbox, access)

    def run[T](
        self, act: Callable[[HttpPlatformClient], Awaitable[T]], *, timeout: float = 5.0
    ) -> T:
        async def go() -> T:
            async with make_http_client() as http:
                return await act(client_class("zalo")(self.access, http, timeout=timeout))

        return asyncio.run(go())

    def reply(self, text: str, to: Item, *, timeout: float = 5.0) -> Outcome:
        return self.run(lambda client: client.send_reply(answer(text, to)), timeout=timeout)

    def messages(self) -> list[dict[str, Any]]:
        return self.sandbox.ledger(platform="zalo", kind="message")


def answer(text: str, to: Item) -> OutgoingReply:
    """The reply to a citizen's message, as the inbox makes it."""
    person = str(to.data["user_id"])
    return OutgoingReply(
        way=ReplyWay.MESSAGE,
        text=text,
        thread=f"person:{person}",
        in_reply_to=to.remote_id,
        person=person,
    )


@pytest.fixture
def official(clean_sandbox: RunningSandbox) -> Official:
    access = clean_sandbox.connect("zalo", OA, name="UBND phường Bến Thành", app_id=APP_ID)
    return Official(clean_sandbox, access)


@dataclass
class Receiver:
    """The app's webhook address: keeps what arrives, answers 200."""

    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.body()))
        return PlainTextResponse("ok")


@pytest.fixture
def receiver(official: Official) -> Iterator[Receiver]:
    """A receiving server, registered as the OA's app's webhook with its OA secret key."""
    found = Receiver()
    with ServedApp(Starlette(routes=[Route("/zalo", found.hook, methods=["POST"])])) as served:
        # As in Zalo's developer console: the app's webhook address and its OA secret key.
        app = {
            "platform": "zalo",
            "app_id": APP_ID,
            "app_secret": "app-secret",
            "webhook_url": f"{served.url}/zalo",
            "oa_secret_key": OA_SECRET_KEY,
        }
        httpx.post(f"{official.sandbox.url}/_control/apps", json=app).raise_for_status()
        yield found
