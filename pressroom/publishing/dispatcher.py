"""The dispatcher: claims due deliveries and sends them concurrently, each under a time limit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, connections

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.publishing import actions

logger = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, *, concurrency: int | None = None, poll_s: float | None = None) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.concurrency = concurrency or settings.DISPATCHER_CONCURRENCY
        self.poll_s = poll_s if poll_s is not None else settings.DISPATCHER_POLL_S
        self.in_flight: set[asyncio.Task[None]] = set()
        self.stopping = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        # SQLite allows one writer: one database thread keeps it orderly. PostgreSQL can take more.
        self.db_threads = 1 if connection.vendor == "sqlite" else 4
        self.db = ThreadPoolExecutor(
            max_workers=self.db_threads, thread_name_prefix="dispatcher-db"
        )

    def stop(self) -> None:
        """Ask a dispatcher running in another thread to finish what it has and stop."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.stopping.set)

    async def _db(self, function: Any, /, **kwargs: Any) -> Any:
        def call() -> Any:
            close_old_connections()
            return function(**kwargs)

        return await asyncio.get_running_loop().run_in_executor(self.db, call)

    async def run(self, *, once: bool = False) -> None:
        """Poll for due deliveries until stopped (or until nothing is left, with once=True)."""
        loop = self.loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stopping.set)
            except (NotImplementedError, RuntimeError, ValueError):
                # Not the main thread (tests run the dispatcher in a thread): stop() instead.
                break
        async with make_http_client() as http:
            reap_every = 30.0
            since_reap = reap_every
            while not self.stopping.is_set():
                if since_reap >= reap_every:
                    await self._db(actions.reap_expired_leases)
                    since_reap = 0.0
                room = self.concurrency - len(self.in_flight)
                claimed: list[int] = []
                if room > 0:
                    claimed = await self._db(actions.claim_due, worker=self.name, limit=room)
                for delivery_id in claimed:
                    task = asyncio.create_task(self._send(http, delivery_id))
                    self.in_flight.add(task)
                    task.add_done_callback(self.in_flight.discard)
                if once and not claimed and not self.in_flight:
                    break
                if not claimed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stopping.wait(), timeout=self.poll_s)
                    since_reap += self.poll_s
                elif len(self.in_flight) >= self.concurrency:
                    await asyncio.wait(self.in_flight, return_when=asyncio.FIRST_COMPLETED)
            if self.in_flight:
                await asyncio.wait(self.in_flight)
        self._close_db_threads()

    def _close_db_threads(self) -> None:
        """Close every database thread's connection, then the pool.

        Each task waits at a barrier until all have started, so each runs on its own thread.
        """
        barrier = threading.Barrier(self.db_threads)

        def close() -> None:
            barrier.wait(timeout=10)
            connections.close_all()

        for future in [self.db.submit(close) for _ in range(self.db_threads)]:
            future.result()
        self.db.shutdown(wait=True)

    async def _send(self, http: Any, delivery_id: int) -> None:
        try:
            job = await self._db(actions.load_job, delivery_id=delivery_id)
            client = client_class(job.platform)(job.access, http)
            outcome = await client.publish(job.publication)
        except Exception as error:
            # A bug or unreadable media must not kill the dispatcher; the delivery is kept
            # and its outcome is unknown, since the request may have gone out.
            logger.exception("delivery %s failed inside Pressroom", delivery_id)
            outcome = Outcome(OutcomeKind.UNKNOWN, code="internal", reason=type(error).__name__)
        await self._db(
            actions.record_outcome, delivery_id=delivery_id, outcome=outcome, worker=self.name
        )


def run_dispatcher(*, once: bool = False, concurrency: int | None = None) -> None:
    asyncio.run(Dispatcher(concurrency=concurrency).run(once=once))
