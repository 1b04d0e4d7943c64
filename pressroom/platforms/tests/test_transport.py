"""Transport failures and odd answers, as every client sees them, over real loopback sockets."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from pressroom.platforms.base import ChannelAccess, MediaFile, OutcomeKind, Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.facebook.client import usage_wait
from pressroom.platforms.testing import RunningSandbox, ServedApp, credentials_for, publish
from pressroom.platforms.transport import (
    MAX_CONNECTIONS,
    _environment_proxies,
    proxy_for,
    seconds_until,
)
from pressroom.platforms.transport import Response as PlatformResponse
from pressroom.testing import make_image

TOKEN = "123456:secret-bot-token-value"


def access_for(platform: str, api_base: str) -> ChannelAccess:
    return ChannelAccess(
        api_base=api_base, external_id="@kenh", credentials=credentials_for(platform, TOKEN)
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hangs_up() -> Iterator[str]:
    """A server that reads a whole request, then closes the connection without answering."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                received = b""
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                head, _, body = received.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(body) < length:
                    body += connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stopping.set()
    thread.join(timeout=5)
    listener.close()


def test_connection_refused_never_left_so_retry() -> None:
    access = access_for("telegram", f"http://127.0.0.1:{free_port()}/telegram")
    outcome = publish("telegram", access, Publication(text="x"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "connect_failed"
    assert TOKEN not in outcome.reason


def test_connection_dropped_after_sending_is_unknown(hangs_up: str) -> None:
    access = access_for("telegram", f"{hangs_up}/telegram")
    outcome = publish("telegram", access, Publication(text="x"))
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert outcome.code == "connection_lost"
    assert TOKEN not in outcome.reason


def test_an_address_that_is_not_http_is_rejected() -> None:
    access = access_for("telegram", "ftp://127.0.0.1/telegram")
    outcome = publish("telegram", access, Publication(text="x"))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "invalid_address"


def test_dropped_upload_is_safe_to_retry(hangs_up: str) -> None:
    access = access_for("mastodon", f"{hangs_up}/mastodon")
    media = MediaFile("a.png", make_image(), "image/png")
    outcome = publish("mastodon", access, Publication(text="x", media=(media,)))
    assert outcome.kind is OutcomeKind.RETRY_LATER


def test_whole_publish_limit_during_uploads_means_retry(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "cham")
    clean_sandbox.add_fault("mastodon", "delay", operation="media", delay_s=3)
    media = MediaFile("a.png", make_image(), "image/png")
    outcome = publish(
        "mastodon", access, Publication(text="x", media=(media,)), timeout=5, total_timeout=1
    )
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "timeout"
    assert clean_sandbox.ledger(platform="mastodon", kind="status") == []


async def bad_gateway(request: Request) -> Response:
    return PlainTextResponse("<html>502 Bad Gateway</html>", status_code=502)


async def gateway_timeout(request: Request) -> Response:
    return PlainTextResponse("upstream timed out", status_code=504)


async def echoes_token(request: Request) -> Response:
    description = f"Bad Request: can't parse {request.url.path}"
    return JSONResponse(
        {"ok": False, "error_code": 400, "description": description}, status_code=400
    )


async def epoch_rate_limit(request: Request) -> Response:
    reset = str(int(time.time()) + 60)
    return JSONResponse(
        {"error": "Too many requests"}, status_code=429, headers={"X-RateLimit-Reset": reset}
    )


async def html_ok(request: Request) -> Response:
    return PlainTextResponse("OK")


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/bad-gateway/{rest:path}", bad_gateway, methods=["POST"]),
            Route("/gateway-timeout/{rest:path}", gateway_timeout, methods=["POST"]),
            Route("/echo/{rest:path}", echoes_token, methods=["POST"]),
            Route("/epoch/{rest:path}", epoch_rate_limit, methods=["POST"]),
            Route("/html/{rest:path}", html_ok, methods=["POST"]),
        ]
    )
    with ServedApp(app) as served:
        yield served.url


@pytest.mark.parametrize("platform", ["facebook", "zalo", "telegram", "mastodon"])
def test_server_error_without_json_is_retried(stub: str, platform: str) -> None:
    publication = Publication(text="x", title="Tiêu đề")
    outcome = publish(platform, access_for(platform, f"{stub}/bad-gateway"), publication)
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "502"


def test_gateway_timeout_on_the_create_may_have_published(stub: str) -> None:
    outcome = publish(
        "telegram", access_for("telegram", f"{stub}/gateway-timeout"), Publication("x")
    )
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert outcome.code == "504"


def test_tokens_are_redacted_from_reasons(stub: str) -> None:
    outcome = publish("telegram", access_for("telegram", f"{stub}/echo"), Publication("x"))
    assert outcome.kind is OutcomeKind.REJECTED
    assert TOKEN not in outcome.reason
    assert "[redacted]" in outcome.reason


def test_mastodon_rate_limit_reset_as_epoch_seconds(stub: str) -> None:
    outcome = publish("mastodon", access_for("mastodon", f"{stub}/epoch"), Publication("x"))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.retry_after_s is not None
    assert 55 <= outcome.retry_after_s <= 60


def test_unreadable_answer_to_a_create_is_unknown(stub: str) -> None:
    outcome = publish(
        "zalo", access_for("zalo", f"{stub}/html"), Publication(text="x", title="Tiêu đề")
    )
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert outcome.code == "unexpected_response"


def test_reset_times_in_both_readings() -> None:
    now = 1_750_000_000.0
    iso = datetime.fromtimestamp(now + 90, tz=UTC).isoformat().replace("+00:00", "Z")
    assert seconds_until(iso, now=now) == pytest.approx(90)
    assert seconds_until("2025-06-15T15:08:10.000Z", now=now) == pytest.approx(
        datetime(2025, 6, 15, 15, 8, 10, tzinfo=UTC).timestamp() - now
    )
    assert seconds_until(str(int(now) + 30), now=now) == pytest.approx(30)
    assert seconds_until(str(int((now + 30) * 1000)), now=now) == pytest.approx(30)
    assert seconds_until(str(int(now) - 30), now=now) == 0
    assert seconds_until("not a time", now=now) is None
    past = (datetime.fromtimestamp(now, tz=UTC) - timedelta(minutes=5)).isoformat()
    assert seconds_until(past, now=now) == 0


def test_business_use_case_header_in_minutes() -> None:
    usage = {"1234": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}
    # Header names are case-insensitive, as aiohttp gives them.
    response = PlatformResponse.of(400, {"x-business-use-case-usage": json.dumps(usage)})
    assert usage_wait(response) == 420
    assert usage_wait(PlatformResponse.of(400)) is None


def test_client_classes_and_the_shared_http_client() -> None:
    for platform in ("facebook", "zalo", "telegram", "mastodon"):
        assert client_class(platform).platform == platform
    with pytest.raises(ValueError, match="Unknown platform"):
        client_class("myspace")

    async def connector_of_new_client() -> aiohttp.BaseConnector | None:
        async with make_http_client() as http:
            return http.connector

    connector = asyncio.run(connector_of_new_client())
    assert connector is not None
    assert connector.limit == MAX_CONNECTIONS


def test_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.tinh.gov.vn:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    _environment_proxies.cache_clear()
    try:
        assert proxy_for("https://graph.facebook.com/v24.0/1/feed") == (
            "http://proxy.tinh.gov.vn:3128"
        )
        assert proxy_for("https://127.0.0.1/feed") is None
        assert proxy_for("http://openapi.zalo.me/v2.0/article/create") is None
    finally:
        _environment_proxies.cache_clear()
