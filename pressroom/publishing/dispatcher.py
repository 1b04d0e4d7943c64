"""The dispatcher: claims due deliveries and sends them concurrently, each under a time limit.

Each platform has its own share of the in-flight calls, so a slow or throttled platform does
not hold back the others; each channel gets one call at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone

from pressroom.channels import tokens
from pressroom.core.runtime import quiet_garbage_collector
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.registry import Platform
from pressroom.publishing import claims, reaper, results, wakeup

logger = logging.getLogger(__name__)

# Tries to record a batch of results before leaving them to the reaper.
RECORD_ATTEMPTS = 3
# A dispatcher claims for at most this long before it starts the calls it claimed.
CLAIM_BUDGET_S = 0.03
# Results wait at most this long for a burst's claims and calls to finish before they are
# written.
RECORD_MAX_WAIT_S = 1.0


class Dispatcher:
    def __init__(
        self,
        *,
        concurrency: int | None = None,
        poll_s: float | None = None,
        name: str | None = None,
        ready_file: str | None = None,
    ) -> None:
        self.ready_file = ready_file
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self) % 10_000}"
        self.platform_limit = concurrency or settings.DISPATCHER_PLATFORM_CONCURRENCY
        self.channel_limit = settings.DISPATCHER_CHANNEL_CONCURRENCY
        self.poll_s = poll_s if poll_s is not None else settings.DISPATCHER_POLL_S
        # Claimed and prepared this far ahead, sent at the due moment.
        self.lookahead_s = settings.DISPATCHER_LOOKAHEAD_S
        self.in_flight: dict[str, set[asyncio.Task[None]]] = defaultdict(set)
        self.channel_slots: dict[int, asyncio.Semaphore] = {}
        self.stopping = asyncio.Event()
        self.wake = asyncio.Event()
        # Set while no claim round is under way: recording waits for it (a while at most),
        # so a burst is claimed and sent before its first results are written.
        self.claims_idle = asyncio.Event()
        self.claims_idle.set()
        # Calls to the platforms under way.
        self.calls_out = 0
        # Results are written in batches by one writer: one transaction for many deliveries.
        self.results: asyncio.Queue[results.Result] = asyncio.Queue()
        # Deliveries claimed ahead, waiting to be marked sending just before they are due.
        self.waiting: dict[int, tuple[Any, asyncio.Future[bool]]] = {}
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

    def _all_tasks(self) -> set[asyncio.Task[None]]:
        return set().union(*self.in_flight.values()) if self.in_flight else set()

    async def run(self, *, once: bool = False) -> None:
        """Poll for due deliveries until stopped (or until nothing is left, with once=True)."""
        loop = self.loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stopping.set)
            except (NotImplementedError, RuntimeError, ValueError):
                # Not the main thread (tests run the dispatcher in a thread): stop() instead.
                break
        writer = asyncio.create_task(self._write_results())
        promoter = asyncio.create_task(self._promote_due())
        listener = await self._db(
            wakeup.Listener.start_if_supported,
            wake=lambda: loop.call_soon_threadsafe(self.wake.set),
        )
        async with make_http_client() as http:
            last_reap = 0.0
            while not self.stopping.is_set():
                # Several times per lease, so a dead dispatcher's work is picked up promptly.
                if loop.time() - last_reap >= settings.DELIVERY_LEASE_S / 4:
                    await self._db(reaper.reap_expired_leases)
                    last_reap = loop.time()
                self.claims_idle.clear()
                # Cleared before claiming: an announcement during the claim means look again.
                self.wake.clear()
                claimed, more = await self._claim_and_start(http)
                if not more:
                    self.claims_idle.set()
                if self.ready_file:
                    Path(self.ready_file).touch()
                    self.ready_file = None
                if once and not claimed and not self._all_tasks():
                    await self.results.join()
                    if not await self._db(claims.due_count):
                        break
                if not more:
                    # Nothing more is waiting: poll again later (or when deliveries are
                    # announced, or a full platform has room again).
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            _first(self.stopping.wait(), self.wake.wait()), timeout=self.poll_s
                        )
            tasks = self._all_tasks()
            if tasks:
                await asyncio.wait(tasks)
        await self.results.join()
        writer.cancel()
        promoter.cancel()
        if listener is not None:
            await asyncio.to_thread(listener.stop)
        self._close_db_threads()

    async def _promote_due(self) -> None:
        """Every 50 ms, mark the waiting deliveries that are nearly due as sending, together."""
        while True:
            await asyncio.sleep(0.05)
            horizon = timezone.now() + timedelta(seconds=claims.SEND_MARGIN_S)
            ready = [pk for pk, (due, _future) in self.waiting.items() if due <= horizon]
            if not ready:
                continue
            try:
                promoted = set(await self._db(claims.promote, delivery_ids=ready, worker=self.name))
            except Exception:
                logger.exception("could not mark %d deliveries as sending", len(ready))
                continue
            for pk in ready:
                _due, future = self.waiting.pop(pk)
                if not future.done():
                    future.set_result(pk in promoted)

    async def _write_results(self) -> None:
        while True:
            first = await self.results.get()
            await self._quiet_moment()
            batch = [first]
            while not self.results.empty() and len(batch) < 1000:
                batch.append(self.results.get_nowait())
            await self._record(batch)
            for _ in batch:
                self.results.task_done()

    async def _quiet_moment(self) -> None:
        """Wait (a while at most) until no claim round is under way and no call is out:
        sending on time comes first, results are written in bigger batches after."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + RECORD_MAX_WAIT_S
        while loop.time() < give_up:
            if self.claims_idle.is_set() and not self.calls_out:
                return
            await asyncio.sleep(0.02)

    async def _record(self, batch: list[results.Result]) -> None:
        """Record a batch, trying again on a passing database failure (a deadlock, a lost
        connection). Should it still fail, the leases expire and the reaper makes these
        deliveries unknown: they are looked for before any resend, never lost."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            began = time.perf_counter()
            try:
                await self._db(results.record_results, results=batch, worker=self.name)
            except DatabaseError:
                if attempt == RECORD_ATTEMPTS:
                    logger.exception("could not record %d delivery results", len(batch))
                    return
                logger.warning(
                    "recording %d delivery results failed (try %d), trying again",
                    len(batch),
                    attempt,
                    exc_info=True,
                )
                await asyncio.sleep(0.1 * attempt)
            except Exception:
                logger.exception("could not record %d delivery results", len(batch))
                return
            else:
                logger.debug(
                    "recorded %d results in %.3f s", len(batch), time.perf_counter() - began
                )
                return

    async def _claim_and_start(self, http: Any) -> tuple[int, bool]:
        """Claim what each platform has room for, load it, start the calls.

        Answers how many were started, and whether more may be waiting.
        """
        if not self._all_tasks() and not await self._db(
            claims.anything_due, lookahead_s=self.lookahead_s
        ):
            return 0, False
        room = {
            platform: self.platform_limit - len(self.in_flight[platform])
            for platform in Platform.values
        }
        began = time.perf_counter()
        jobs, more = await self._db(self._claim_jobs, room=room)
        if jobs:
            logger.debug("claimed and loaded %d in %.3f s", len(jobs), time.perf_counter() - began)
        for job in jobs:
            task = asyncio.create_task(self._run_job(http, job))
            self.in_flight[job.platform].add(task)
            task.add_done_callback(self._finished(job.platform))
        if jobs and not any(job.sending for job in jobs):
            # All claimed ahead of their moment: there is time to let the other dispatchers
            # take their share at their next poll, rather than take the whole burst here.
            more = False
        return len(jobs), more

    def _claim_jobs(self, *, room: dict[str, int]) -> tuple[list[claims.Job], bool]:
        """In the database thread: claim in chunks per platform (so dispatchers share a
        burst) for up to CLAIM_BUDGET_S, then load the jobs. All of it before any call is
        started: claims made while hundreds of calls leave are slowed down many times over."""
        claimed: list[int] = []
        deadline = time.perf_counter() + CLAIM_BUDGET_S
        full = {platform for platform, free in room.items() if free > 0}
        while full:
            for platform in sorted(full):
                limit = min(settings.DISPATCHER_CLAIM_CHUNK, room[platform])
                taken = claims.claim_due(
                    worker=self.name, limit=limit, platform=platform, lookahead_s=self.lookahead_s
                )
                claimed += taken
                room[platform] -= len(taken)
                if len(taken) < limit or room[platform] <= 0:
                    full.discard(platform)
            if time.perf_counter() >= deadline:
                break
        if not claimed:
            return [], False
        return claims.start_jobs(delivery_ids=claimed, worker=self.name), bool(full)

    def _finished(self, platform: str) -> Any:
        def done(task: asyncio.Task[None]) -> None:
            was_full = len(self.in_flight[platform]) >= self.platform_limit
            self.in_flight[platform].discard(task)
            if was_full:
                # Room on a full platform again: claim without waiting for the next poll.
                self.wake.set()

        return done

    async def _run_job(self, http: Any, job: claims.Job) -> None:
        if not job.sending:
            future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            self.waiting[job.delivery_id] = (job.due_at, future)
            if not await future:
                return  # The claim was lost (its lease ran out): another dispatcher sends it.
        early = (job.due_at - timezone.now()).total_seconds()
        if early > 0:
            await asyncio.sleep(early)
        slot = self.channel_slots.setdefault(job.channel_id, asyncio.Semaphore(self.channel_limit))
        started = timezone.now()
        not_found = False
        async with slot:
            self.calls_out += 1
            try:
                # Expired credentials are renewed by the client and stored at once.
                keeper = tokens.ChannelKeeper(job.channel_id, self._db)
                client = client_class(job.platform)(job.access, http, keeper=keeper)
                if job.look:
                    found = await client.look_for(job.publication, job.since)
                    not_found = found is None
                    outcome = found or Outcome(OutcomeKind.UNKNOWN, code="not_found")
                else:
                    outcome = await client.publish(job.publication)
            except Exception as error:
                # A bug or unreadable media must not kill the dispatcher. The request may have
                # gone out, so the outcome is unknown: the delivery is looked for, not resent.
                logger.exception("delivery %s failed inside Pressroom", job.delivery_id)
                outcome = Outcome(OutcomeKind.UNKNOWN, code="internal", reason=type(error).__name__)
            finally:
                self.calls_out -= 1
        if self.channel_slots.get(job.channel_id) is slot and not slot.locked():
            self.channel_slots.pop(job.channel_id, None)
        result = results.Result(
            delivery_id=job.delivery_id,
            outcome=outcome,
            started_at=started,
            look=job.look,
            not_found=not_found,
        )
        self.results.put_nowait(result)

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


async def _first(*awaitables: Any) -> None:
    """Return when the first of these finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def run_dispatcher(
    *, once: bool = False, concurrency: int | None = None, ready_file: str | None = None
) -> None:
    # A dispatcher process keeps its database connections (opening one per call costs more
    # than most calls); one that fails its health check is replaced.
    for alias in connections:
        connections[alias].settings_dict.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=True)
    quiet_garbage_collector()
    dispatcher = Dispatcher(concurrency=concurrency, ready_file=ready_file)
    asyncio.run(dispatcher.run(once=once), loop_factory=_fast_loop_factory())


def _fast_loop_factory() -> Any:
    """uvloop where it is installed (Linux, macOS): the same sends for a fraction of the CPU."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
