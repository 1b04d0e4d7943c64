"""The webhook intake benchmark: signed Facebook `feed` comment webhooks sent as fast as the
web app takes them, against `pressroom serve` (the production server) on loopback.

The reference is the same server's trivial endpoint (`/webhooks/hello`), hit the same way in
the same run. A share of the events is sent twice (as Facebook does when it retries), so
"stored once each" is measured too.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import aiohttp
import httpx

from pressroom.bench.harness import Harness, free_port
from pressroom.channels.models import Channel
from pressroom.inbox.models import RawEvent

PAGE_ID = "100000000000777"
# Of the events, this share is delivered again after the first pass.
REPEATED = 0.02


def comment_body(number: int, page_id: str = PAGE_ID) -> bytes:
    post_id = f"{page_id}_{1000 + number % 50}"
    value = {
        "from": {"id": f"{7000000 + number % 997}", "name": "Người dân"},
        "post": {"id": post_id, "status_type": "added_photos", "is_published": True},
        "message": f"Cho tôi hỏi lịch làm việc tuần này? #{number}",
        "post_id": post_id,
        "comment_id": f"{post_id}_{900000 + number}",
        "created_time": 1767000000 + number,
        "item": "comment",
        "parent_id": post_id,
        "verb": "add",
    }
    body = {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": 1767000000 + number,
                "changes": [{"field": "feed", "value": value}],
            }
        ],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _send_all(
    url: str, bodies: list[bytes], secret: str, concurrency: int
) -> tuple[float, list[float], dict[int, int]]:
    """Send every body with `concurrency` requests in flight; seconds, latencies, statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(range(len(bodies)))
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            for index in queue:
                body = bodies[index]
                headers = {"Content-Type": "application/json"}
                if secret:
                    headers["X-Hub-Signature-256"] = signature(secret, body)
                started = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        await response.read()
                        status = response.status
                except aiohttp.ClientError:
                    status = 0
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, statuses


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def webhooks(*, events: int, concurrency: int, db: str, workers: int = 1) -> dict[str, Any]:
    secret = secrets.token_urlsafe(24)
    with Harness(db=db, dispatcher_env={"FACEBOOK_APP_SECRET": secret}) as harness:
        unit = harness.people()[0]
        Channel.objects.create(
            unit=unit,
            platform="facebook",
            name="Trang bench",
            external_id=PAGE_ID,
            api_base=f"{harness.sandbox_url}/facebook/v24.0",
            is_sandbox=True,
        )
        port = free_port()
        harness._spawn(
            "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/webhooks/hello", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the web app did not start")
            time.sleep(0.2)
        bodies = [comment_body(number) for number in range(events)]
        # Warm both paths (first requests import and connect).
        asyncio.run(_send_all(f"{base}/webhooks/hello", bodies[:200], "", concurrency))
        hello_s, hello_latencies, hello_statuses = asyncio.run(
            _send_all(f"{base}/webhooks/hello", bodies, "", concurrency)
        )
        elapsed, latencies, statuses = asyncio.run(
            _send_all(f"{base}/webhooks/facebook", bodies, secret, concurrency)
        )
        repeated = bodies[: max(1, int(events * REPEATED))]
        _again_s, _again, again_statuses = asyncio.run(
            _send_all(f"{base}/webhooks/facebook", repeated, secret, concurrency)
        )
        accepted = statuses.get(200, 0)
        stored = RawEvent.objects.filter(platform="facebook").count()
        return {
            "events": events,
            "concurrency": concurrency,
            "db": db,
            "workers": workers,
            "sent": events,
            "accepted": accepted,
            "stored": stored,
            "lost": events - stored,
            "repeated": len(repeated),
            "repeated_accepted": again_statuses.get(200, 0),
            "stored_once_each": stored == events,
            "other_statuses": {str(k): v for k, v in statuses.items() if k != 200},
            "events_per_s": round(events / elapsed, 1),
            "hello_per_s": round(events / hello_s, 1),
            "ratio": round((events / elapsed) / (events / hello_s), 3),
            "p99_ms": round(_p99(latencies), 1),
            "hello_p99_ms": round(_p99(hello_latencies), 1),
            "hello_other_statuses": {str(k): v for k, v in hello_statuses.items() if k != 200},
        }
