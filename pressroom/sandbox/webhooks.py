"""The webhooks the emulated platforms send: kept on disk, then POSTed, retried until answered.

An emulation queues what its platform would send (`store.webhooks.queue(...)`), already signed
and addressed. The sender (`WebhookOutbox.run`, a task of the server's lifespan) POSTs the
due ones a few at a time; a 2xx answer delivers one, anything else (or no answer) schedules
another attempt after 1, 2, 4 … s, and after `MAX_ATTEMPTS` the platform gives up, as
Telegram, Zalo and Facebook do. Without a running server the outbox only keeps them;
`flush()` sends every pending one at once (tests call it through
`POST /_control/webhooks/flush`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Mapping
from typing import Any

import aiohttp

from pressroom.sandbox.writes import WriteBehind

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 600.0
# Deliveries sent at the same time by one round.
CONCURRENCY = 8
# Every outgoing call has a hard limit.
TIMEOUT_S = 10.0
# How long the sender sleeps when nothing is due and nobody wakes it.
IDLE_POLL_S = 1.0
SHORTEST_WAIT_S = 0.02
# What is kept of a receiver's error answer.
ERROR_CHARS = 300

PENDING = "pending"
DELIVERED = "delivered"
GIVEN_UP = "given_up"


def retry_delay(attempts: int) -> float:
    """How long after its `attempts`-th failed attempt a delivery is tried again."""
    return float(min(FIRST_RETRY_S * 2 ** (attempts - 1), LONGEST_RETRY_S))


class WebhookOutbox:
    """Thread-safe: emulations queue from request handlers, the sender runs in the loop."""

    def __init__(self, writes: WriteBehind) -> None:
        self._writes = writes
        self._guard = threading.Lock()
        # Ids being sent now (by the sender or a flush): never sent twice at once.
        self._in_flight: set[int] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    # What emulations and tests call

    def queue(self, platform: str, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """Keep a webhook to send (the delivery's id); the sender is woken at once."""
        now = time.time()
        with self._writes.transaction() as db:
            cursor = db.execute(
                "INSERT INTO webhooks (platform, url, headers, body, attempts, next_at, "
                "created_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
                (platform, url, json.dumps(dict(headers)), bytes(body), now, now),
            )
        delivery_id = cursor.lastrowid
        assert delivery_id is not None
        self._nudge()
        return delivery_id

    def deliveries(self, platform: str | None = None, *, after: int = 0) -> list[dict[str, Any]]:
        """Every delivery (with an id above `after`), oldest first: its address, headers, body
        (as text), attempts and state (`pending`, `delivered`, `given_up`), the last answer's
        status and error."""
        query = "SELECT * FROM webhooks WHERE id > ?"
        args: list[Any] = [after]
        if platform is not None:
            query += " AND platform = ?"
            args.append(platform)
        with self._writes.reading() as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [_shown(row) for row in rows]

    def delivery(self, delivery_id: int) -> dict[str, Any] | None:
        with self._writes.reading() as db:
            row = db.execute("SELECT * FROM webhooks WHERE id = ?", (delivery_id,)).fetchone()
        return _shown(row) if row else None

    def last_id(self) -> int:
        """The newest delivery's id (0 when none): what an action queued is above it."""
        with self._writes.reading() as db:
            row = db.execute("SELECT MAX(id) FROM webhooks").fetchone()
        return int(row[0] or 0)

    def drop(self, platform: str, url: str | None = None) -> int:
        """Forget the pending deliveries of a platform (to one address): a webhook removed
        with its undelivered updates. How many were dropped."""
        query = "DELETE FROM webhooks WHERE platform = ? AND delivered_at IS NULL"
        args: list[Any] = [platform]
        if url is not None:
            query += " AND url = ?"
            args.append(url)
        with self._writes.transaction() as db:
            cursor = db.execute(query, args)
        return cursor.rowcount

    def clear(self) -> None:
        with self._writes.transaction() as db:
            db.execute("DELETE FROM webhooks")

    # Sending

    async def flush(
        self, *, platform: str | None = None, due_only: bool = False
    ) -> list[dict[str, Any]]:
        """Try every pending delivery once now (only those due when `due_only`), waiting for
        those already being sent; the deliveries tried, as `deliveries()` shows them."""
        chosen = self._pending_ids(platform=platform, due_only=due_only, skip_in_flight=False)
        async with _session() as session:
            for start in range(0, len(chosen), CONCURRENCY):
                batch = chosen[start : start + CONCURRENCY]
                await asyncio.gather(*(self._attempt(session, delivery) for delivery in batch))
        while self._busy(chosen):
            await asyncio.sleep(SHORTEST_WAIT_S)
        shown = (self.delivery(delivery_id) for delivery_id in chosen)
        return [delivery for delivery in shown if delivery is not None]

    async def run(self) -> None:
        """Send due deliveries until cancelled (the server's lifespan runs it)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            async with _session() as session:
                while True:
                    self._wake.clear()
                    try:
                        due = self._pending_ids(due_only=True, limit=CONCURRENCY)
                        if due:
                            await asyncio.gather(
                                *(self._attempt(session, delivery) for delivery in due)
                            )
                            continue
                        idle = self._idle_s()
                    except sqlite3.Error:
                        # The sender outlives a failed round: the deliveries stay on disk.
                        logger.exception("The sandbox's webhook sender could not read its outbox")
                        idle = IDLE_POLL_S
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), idle)
        finally:
            self._loop = None
            self._wake = None

    def _nudge(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(wake.set)

    def _idle_s(self) -> float:
        """Until the next delivery is due, at most the idle poll (and a little at least: a due
        one may be in a flush's hands)."""
        with self._writes.reading() as db:
            row = db.execute(
                "SELECT MIN(next_at) FROM webhooks WHERE delivered_at IS NULL"
            ).fetchone()
        if row[0] is None:
            return IDLE_POLL_S
        return max(SHORTEST_WAIT_S, min(IDLE_POLL_S, float(row[0]) - time.time()))

    def _pending_ids(
        self,
        *,
        platform: str | None = None,
        due_only: bool,
        limit: int | None = None,
        skip_in_flight: bool = True,
    ) -> list[int]:
        query = "SELECT id FROM webhooks WHERE delivered_at IS NULL AND next_at IS NOT NULL"
        args: list[Any] = []
        if platform is not None:
            query += " AND platform = ?"
            args.append(platform)
        if due_only:
            query += " AND next_at <= ?"
            args.append(time.time())
        with self._writes.reading() as db:
            found = [int(row[0]) for row in db.execute(query + " ORDER BY next_at, id", args)]
        if skip_in_flight:
            with self._guard:
                found = [delivery_id for delivery_id in found if delivery_id not in self._in_flight]
        return found[:limit] if limit is not None else found

    def _busy(self, delivery_ids: list[int]) -> bool:
        with self._guard:
            return not self._in_flight.isdisjoint(delivery_ids)

    def _claim(self, delivery_id: int) -> bool:
        with self._guard:
            if delivery_id in self._in_flight:
                return False
            self._in_flight.add(delivery_id)
            return True

    async def _attempt(self, session: aiohttp.ClientSession, delivery_id: int) -> None:
        if not self._claim(delivery_id):
            return
        try:
            with self._writes.reading() as db:
                row = db.execute(
                    "SELECT * FROM webhooks WHERE id = ? AND delivered_at IS NULL",
                    (delivery_id,),
                ).fetchone()
            if row is None:  # delivered, dropped or cleared meanwhile
                return
            status, error = await _post(session, row["url"], row["body"], row["headers"])
            self._record(delivery_id, int(row["attempts"]) + 1, status, error)
        finally:
            with self._guard:
                self._in_flight.discard(delivery_id)

    def _record(self, delivery_id: int, attempts: int, status: int | None, error: str) -> None:
        now = time.time()
        delivered = status is not None and 200 <= status < 300
        if delivered:
            next_at: float | None = None
        elif attempts >= MAX_ATTEMPTS:
            next_at = None
        else:
            next_at = now + retry_delay(attempts)
        with self._writes.transaction() as db:
            db.execute(
                "UPDATE webhooks SET attempts = ?, next_at = ?, delivered_at = ?, "
                "last_status = ?, last_error = ?, last_attempt_at = ? WHERE id = ?",
                (
                    attempts,
                    next_at,
                    now if delivered else None,
                    status,
                    "" if delivered else error,
                    now,
                    delivery_id,
                ),
            )


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S), trust_env=False)


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers_json: str
) -> tuple[int | None, str]:
    """The receiver's status (None when it did not answer) and what went wrong."""
    headers = dict(json.loads(headers_json))
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as answer:
            text = await answer.text(errors="replace")
            error = "" if answer.ok else f"HTTP {answer.status}: {text[:ERROR_CHARS]}"
            return answer.status, error
    except (aiohttp.ClientError, TimeoutError, ValueError) as problem:
        return None, f"{type(problem).__name__}: {problem}"[:ERROR_CHARS]


def _shown(row: Any) -> dict[str, Any]:
    if row["delivered_at"] is not None:
        state = DELIVERED
    elif row["next_at"] is None:
        state = GIVEN_UP
    else:
        state = PENDING
    return {
        "id": row["id"],
        "platform": row["platform"],
        "url": row["url"],
        "headers": json.loads(row["headers"]),
        "body": bytes(row["body"]).decode("utf-8", errors="replace"),
        "state": state,
        "attempts": row["attempts"],
        "next_at": row["next_at"],
        "delivered_at": row["delivered_at"],
        "last_status": row["last_status"],
        "last_error": row["last_error"],
        "last_attempt_at": row["last_attempt_at"],
        "created_at": row["created_at"],
    }
