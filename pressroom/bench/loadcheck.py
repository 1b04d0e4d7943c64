"""How fast the sandbox answers a burst of publishes: `python -m pressroom.bench.loadcheck`.

Starts `pressroom sandbox` in its own process (or uses --url), registers one account per call,
each with its own token, sets the latency, then makes every publish call at once with a bare
aiohttp client and prints the seconds the burst took. The sandbox must not be what limits a
fan-out: 1,000 calls with 100 ms latency should take at most 1.5 s on a 2-core machine.

    python -m pressroom.bench.loadcheck --calls 1000 --latency-ms 100 --platform telegram
    python -m pressroom.bench.loadcheck --platform mixed --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp

PLATFORMS = ("facebook", "zalo", "telegram", "mastodon")
EXTERNAL_IDS = {
    "facebook": lambda index: f"{10**14 + index}",
    "zalo": lambda index: f"{42 * 10**15 + index}",
    "telegram": lambda index: f"@load_{index}",
    "mastodon": lambda index: f"load-{index}",
}


@contextmanager
def spawned_sandbox() -> Iterator[tuple[str, int]]:
    """`pressroom sandbox` on a free port with a throw-away state directory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="sandbox-load-") as state:
        command = [
            sys.executable,
            "-m",
            "pressroom.cli",
            "sandbox",
            "--port",
            str(port),
            "--state-dir",
            state,
        ]
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "pressroom.settings"}
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
        try:
            yield f"http://127.0.0.1:{port}", process.pid
        finally:
            process.terminate()
            process.wait(timeout=10)


async def wait_until_up(session: aiohttp.ClientSession, url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            async with session.get(f"{url}/_ledger", params={"limit": "1"}) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"The sandbox at {url} did not start")
        await asyncio.sleep(0.1)


def call_for(
    session: aiohttp.ClientSession,
    url: str,
    *,
    platform: str,
    external_id: str,
    token: str,
    n: int,
) -> Callable[[], Awaitable[int]]:
    """One publish as the fan-out makes it (Zalo: create, then verify)."""
    text = f"Thông báo thử tải số {n} load#{n}#"

    async def facebook() -> int:
        headers = {"Authorization": f"Bearer {token}"}
        target = f"{url}/facebook/v24.0/{external_id}/feed"
        async with session.post(target, data={"message": text}, headers=headers) as response:
            await response.read()
            return response.status

    async def telegram() -> int:
        target = f"{url}/telegram/bot{token}/sendMessage"
        async with session.post(target, data={"chat_id": external_id, "text": text}) as response:
            await response.read()
            return response.status

    async def mastodon() -> int:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"load-{n}"}
        target = f"{url}/mastodon/api/v1/statuses"
        async with session.post(target, data={"status": text}, headers=headers) as response:
            await response.read()
            return response.status

    async def zalo() -> int:
        headers = {"access_token": token}
        article = {
            "type": "normal",
            "title": f"Thử tải {n}",
            "body": [{"type": "text", "content": text}],
        }
        target = f"{url}/zalo/v2.0/article/create"
        async with session.post(target, json=article, headers=headers) as response:
            body = await response.json()
        verify = f"{url}/zalo/v2.0/article/verify"
        async with session.post(
            verify, json={"token": body["data"]["token"]}, headers=headers
        ) as response:
            await response.read()
            return response.status if (await response.json())["error"] == 0 else 599

    return {"facebook": facebook, "telegram": telegram, "mastodon": mastodon, "zalo": zalo}[
        platform
    ]


def cpu_seconds(pid: int | None) -> float | None:
    """User and system CPU time of a process (Linux /proc), or None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def prepare(
    session: aiohttp.ClientSession, url: str, *, calls: int, latency_ms: float, platform: str
) -> list[tuple[str, str, str, int]]:
    """A clean sandbox with the latency set and one account (own token) per call."""
    async with session.post(f"{url}/_control/reset", json={}) as response:
        response.raise_for_status()
    profile = {"platform": "*", "latency_ms": {"mean": latency_ms, "jitter": 0}}
    async with session.put(f"{url}/_control/profile", json=profile) as response:
        response.raise_for_status()
    accounts = []
    for index in range(calls):
        chosen = PLATFORMS[index % len(PLATFORMS)] if platform == "mixed" else platform
        external_id = EXTERNAL_IDS[chosen](index)
        # Shaped like a Telegram bot token, which its emulation requires (a bot id from 1).
        token = f"{index + 100_000}:{secrets.token_urlsafe(26)}"
        account = {"platform": chosen, "account_id": external_id, "token": token}
        async with session.post(f"{url}/_control/accounts", json=account) as response:
            response.raise_for_status()
        accounts.append((chosen, external_id, token, index))
    return accounts


async def burst(
    url: str,
    *,
    calls: int,
    latency_ms: float,
    platform: str,
    rounds: int,
    server_pid: int | None = None,
) -> None:
    async with aiohttp.ClientSession() as control:
        await wait_until_up(control, url)
        for round_number in range(1, rounds + 1):
            accounts = await prepare(
                control, url, calls=calls, latency_ms=latency_ms, platform=platform
            )
            # A new client each time, as a fan-out starts: every call opens its connection.
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                jobs = [
                    call_for(
                        session, url, platform=chosen, external_id=external_id, token=token, n=n
                    )
                    for chosen, external_id, token, n in accounts
                ]
                cpu_before = cpu_seconds(server_pid)
                started = time.perf_counter()
                statuses = await asyncio.gather(*(job() for job in jobs))
                seconds = time.perf_counter() - started
                cpu_after = cpu_seconds(server_pid)
            async with control.get(f"{url}/_ledger/summary") as response:
                summary = await response.json()
            result = {
                "round": round_number,
                "platform": platform,
                "calls": calls,
                "latency_ms": latency_ms,
                "seconds": round(seconds, 3),
                "statuses": dict(Counter(statuses)),
                "ledger_top_level": summary["total"],
                "duplicates": summary["duplicate_objects"],
            }
            if cpu_before is not None and cpu_after is not None:
                # The sandbox's own CPU time for the burst: what other load cannot inflate.
                result["sandbox_cpu_s"] = round(cpu_after - cpu_before, 3)
            sys.stdout.write(json.dumps(result) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--url", default="", help="A running sandbox (default: start one).")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--platform", default="telegram", choices=(*PLATFORMS, "mixed"))
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args(argv)
    run: dict[str, Any] = {
        "calls": options.calls,
        "latency_ms": options.latency_ms,
        "platform": options.platform,
        "rounds": options.rounds,
    }
    if options.url:
        asyncio.run(burst(options.url.rstrip("/"), **run))
        return
    with spawned_sandbox() as (url, pid):
        asyncio.run(burst(url, server_pid=pid, **run))


if __name__ == "__main__":
    main()
