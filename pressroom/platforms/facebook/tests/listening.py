"""What the inbound tests share: a Page in the sandbox with an app whose webhooks reach a
receiving server here, simulated people, and the production client run from sync code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pressroom.platforms.base import ChannelAccess
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.connecting import Found
from pressroom.platforms.facebook.connect import CONNECTOR
from pressroom.platforms.facebook.inbound import LISTENER
from pressroom.platforms.facebook.sandbox.public import FacebookPublic
from pressroom.platforms.inbound import Happening
from pressroom.platforms.testing import RunningSandbox, ServedApp
from pressroom.platforms.transport import HttpPlatformClient
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, SandboxStore

PAGE = "100000000007070"
PAGE_NAME = "UBND phường Đông Thành"
APP_ID = "880011223344556"
APP_SECRET = "listening-app-secret"
VERIFY_TOKEN = "verify-me-7070"


@dataclass
class Receiver:
    """The app's webhook endpoint: answers Facebook's handshake with our listener and keeps
    every POST (headers lower-cased, the raw body)."""

    verify_token: str = VERIFY_TOKEN
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    served: ServedApp | None = None

    async def hook(self, request: Request) -> Response:
        if request.method == "GET":
            answer = LISTENER.handshake(dict(request.query_params), self.verify_token)
            if answer is None:
                return PlainTextResponse("Forbidden", status_code=403)
            return PlainTextResponse(answer)
        self.received.append((dict(request.headers), await request.body()))
        return PlainTextResponse("EVENT_RECEIVED")

    def start(self) -> Receiver:
        app = Starlette(routes=[Route("/hook", self.hook, methods=["GET", "POST"])])
        self.served = ServedApp(app).start()
        return self

    def stop(self) -> None:
        if self.served is not None:
            self.served.stop()

    @property
    def url(self) -> str:
        assert self.served is not None
        return f"{self.served.url}/hook"


def store_of(sandbox: RunningSandbox) -> SandboxStore:
    """The running sandbox's store: simulated people act on it directly."""
    served = sandbox._served
    assert served is not None
    store: SandboxStore = served.app.state.store  # type: ignore[attr-defined]
    return store


@dataclass
class Town:
    """A Page, its app and the public around it."""

    sandbox: RunningSandbox
    receiver: Receiver
    access: ChannelAccess
    store: SandboxStore
    public: FacebookPublic

    @property
    def page(self) -> Account:
        account = self.store.account("facebook", PAGE)
        assert account is not None
        return account

    def citizen(self, number: int = 1) -> Citizen:
        return self.public.citizen(self.page, number)

    def delivered(self) -> list[tuple[dict[str, str], bytes]]:
        """Every webhook the sandbox had to send, sent now; what the receiver got so far."""
        response = httpx.post(
            f"{self.sandbox.url}/_control/webhooks/flush", json={"platform": "facebook"}
        )
        response.raise_for_status()
        return list(self.receiver.received)

    def webhook_happenings(self) -> list[Happening]:
        happenings: list[Happening] = []
        for headers, body in self.delivered():
            assert LISTENER.verify(headers, body, APP_SECRET)
            happenings += LISTENER.parse(httpx.Response(200, content=body).json())
        return happenings


def add_app(sandbox: RunningSandbox, **settings: Any) -> None:
    body = {"platform": "facebook", "app_id": APP_ID, "app_secret": APP_SECRET, **settings}
    httpx.post(f"{sandbox.url}/_control/apps", json=body).raise_for_status()


def subscribe_page(access: ChannelAccess) -> dict[str, Any]:
    """What connecting does once a Page is chosen: subscribe it to the app's webhooks."""
    found = Found(
        external_id=access.external_id,
        name=PAGE_NAME,
        api_base=access.api_base,
        credentials=dict(access.credentials),
    )
    return CONNECTOR.after_connect(found)


def client_run[T](
    access: ChannelAccess,
    action: Callable[[HttpPlatformClient], Awaitable[T]],
    *,
    timeout: float = 5.0,
    total_timeout: float | None = None,
) -> T:
    """Run one of the client's calls from sync test code, with the production HTTP client."""

    async def run() -> T:
        async with make_http_client() as http:
            client = client_class("facebook")(
                access, http, timeout=timeout, total_timeout=total_timeout
            )
            return await action(client)

    return asyncio.run(run())


def keys(happening: Happening) -> tuple[Any, ...]:
    """What identifies a happening whichever way it came (webhook or poll)."""
    return (
        happening.kind,
        happening.account_id,
        happening.thread_kind,
        happening.thread,
        happening.remote_id,
        happening.post_id,
        happening.parent_id,
        happening.author.id,
        happening.by_channel,
        happening.text,
    )
