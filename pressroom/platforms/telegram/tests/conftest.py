"""A channel with its discussion group in the session's sandbox, its simulated citizens, the
production client to listen and answer, and a server that receives the bot's webhooks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pressroom.platforms.base import ChannelAccess, Outcome, OutcomeKind, Publication
from pressroom.platforms.clients import make_http_client
from pressroom.platforms.inbound import Fetched
from pressroom.platforms.telegram.client import Client
from pressroom.platforms.telegram.sandbox.public import TelegramPublic
from pressroom.platforms.testing import RunningSandbox, credentials_for, publish
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item, SandboxStore
from pressroom.sandbox.testing import ServedApp

CHANNEL = "@ubnd_xa_hop_thanh"
CHAT_ID = -1001234567890
GROUP_ID = -1009876543210
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
BOT_ID = 7012345678


@dataclass
class Channel:
    """The channel, its sandbox and its client: what a test does with them, in one place."""

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
        account = self.store.account("telegram", CHANNEL)
        assert account is not None
        return account

    @property
    def public(self) -> TelegramPublic:
        return TelegramPublic(self.store)

    def citizen(self, number: int = 1) -> Citizen:
        return self.public.citizen(self.account, number)

    def settings(self, **extra: Any) -> None:
        """The channel registered again with these settings (its token kept)."""
        add_channel(self.sandbox, **extra)

    def post(self, text: str = "Thông báo lịch tiêm chủng") -> Item:
        """The channel publishes, as Pressroom does."""
        outcome = publish("telegram", self.access, Publication(text=text))
        assert outcome.kind is OutcomeKind.PUBLISHED, outcome
        item = self.store.item("telegram", outcome.remote_id, CHANNEL)
        assert item is not None
        return item

    def comment(self, post: Item, text: str, number: int = 1, reply_to: Item | None = None) -> Item:
        item = self.public.comment(post, self.citizen(number), text, reply_to)
        assert item is not None
        return item

    def writes(self, text: str, number: int = 1) -> Item:
        """Citizen `number` writes to the channel's bot."""
        item = self.public.message(self.account, self.citizen(number), text)
        assert item is not None
        return item

    def run[T](self, act: Callable[[Client], Awaitable[T]], *, timeout: float = 5.0) -> T:
        async def go() -> T:
            async with make_http_client() as http:
                return await act(Client(self.access, http, timeout=timeout))

        return asyncio.run(go())

    def fetch(self, cursor: dict[str, Any]) -> Fetched:
        found = self.run(lambda client: client.fetch(cursor))
        assert isinstance(found, Fetched), found
        return found

    def fetch_outcome(self, cursor: dict[str, Any]) -> Outcome:
        found = self.run(lambda client: client.fetch(cursor))
        assert isinstance(found, Outcome), found
        return found

    def api(self, method: str, token: str = TOKEN, **params: Any) -> httpx.Response:
        return httpx.post(f"{self.sandbox.base_for('telegram')}/bot{token}/{method}", json=params)

    def flush_webhooks(self) -> dict[str, Any]:
        response = httpx.post(
            f"{self.sandbox.url}/_control/webhooks/flush", json={"platform": "telegram"}
        )
        response.raise_for_status()
        done: dict[str, Any] = response.json()
        return done


def add_channel(sandbox: RunningSandbox, **extra: Any) -> None:
    sandbox.add_account(
        "telegram",
        CHANNEL,
        TOKEN,
        name="UBND xã Hợp Thành",
        chat_id=CHAT_ID,
        linked_chat_id=GROUP_ID,
        bot_username="ubnd_hop_thanh_bot",
        **extra,
    )


@pytest.fixture
def channel(clean_sandbox: RunningSandbox) -> Channel:
    add_channel(clean_sandbox)
    access = ChannelAccess(
        api_base=clean_sandbox.base_for("telegram"),
        external_id=str(CHAT_ID),
        credentials=credentials_for("telegram", TOKEN),
        options={"discussion_chat_id": GROUP_ID, "username": "ubnd_xa_hop_thanh"},
    )
    return Channel(clean_sandbox, access)


@dataclass
class Receiver:
    """The app's webhook address, as a server that keeps what it was sent."""

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    # The status it answers with (a failing app: 500).
    status: int = 200

    def hook(self, path: str = "/webhooks/telegram/7") -> str:
        return f"{self.url}{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    lock = threading.Lock()
    found = Receiver(url="")

    async def receive(request: Request) -> Response:
        body = await request.body()
        with lock:
            found.received.append(({k.lower(): v for k, v in request.headers.items()}, body))
        return PlainTextResponse("OK" if found.status < 400 else "No", status_code=found.status)

    app = Starlette(routes=[Route("/webhooks/telegram/{channel}", receive, methods=["POST"])])
    with ServedApp(app) as served:
        found.url = served.url
        yield found
