"""Webhook intake: check the platform's signature, store the raw body, answer.

A valid body is committed before the platform gets its 200, and read later by a task
(processing.py). Bodies are stored by group commit: every request that arrives while a
batch is being written waits for the next batch, so a burst of webhooks makes a few
transactions instead of one per request (see docs/DESIGN.md, "Webhook intake").

What each answer means:
- 200: stored (or stored before: the same delivery again), or the handshake's challenge;
- 400: not JSON or not the platform's shape; a copy is kept for inspection;
- 403: the signature (or Telegram's secret token) is wrong: nothing is stored;
- 413: larger than INBOX_WEBHOOK_MAX_BYTES: nothing is read or stored;
- 503: the database could not take it; the platform sends it again.
Never a 500, whatever the body.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import time
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.inbox.models import RawEvent
from pressroom.platforms.inbound import Listener, Unreadable
from pressroom.platforms.registry import listener_for

logger = logging.getLogger(__name__)

# A channel's webhook secret (Telegram's secret token) is read from the database at most this
# often per process: it is decrypted, and a burst of updates would otherwise decrypt it each time.
SECRET_CACHE_S = 60.0


@dataclass(frozen=True)
class Arrival:
    """One body to store."""

    platform: str
    key: str
    body: bytes
    state: str
    account_ids: tuple[str, ...] = ()
    channel_id: int | None = None
    error: str = ""
    # The people the body names: an erasure reaches the body even before it is read.
    people: tuple[str, ...] = ()


def event_key(platform: str, listener: Listener, payload: Any, body: bytes, scope: str) -> str:
    """The same delivery gets the same key: the platform's event id when it has one, else
    the body's hash. `scope` separates channels whose event ids are their own (Telegram)."""
    try:
        own = listener.event_key(payload, body)
    except Exception:
        own = ""
    material = own.encode() if own else body
    return hashlib.sha256(f"{platform}:{scope}:".encode() + material).hexdigest()


def write(arrivals: list[Arrival]) -> None:
    """Store a batch; a key already stored is left as it was (the first copy wins)."""
    now = timezone.now()
    rows = [
        RawEvent(
            platform=arrival.platform,
            key=arrival.key,
            body=arrival.body,
            state=arrival.state,
            account_ids=list(arrival.account_ids),
            channel_id=arrival.channel_id,
            error=arrival.error,
            people=list(arrival.people),
            received_at=now,
        )
        for arrival in arrivals
    ]
    with transaction.atomic():
        RawEvent.objects.bulk_create(rows, ignore_conflicts=True)
        if any(arrival.state == RawEvent.State.STORED for arrival in arrivals):
            transaction.on_commit(_announce)


# The processing task is enqueued to run this long after a batch; batches committed before it
# runs are read by it, so a burst enqueues about one task per this long, not one per batch.
ANNOUNCE_DELAY_S = 0.5
# When the processing task last enqueued by this process runs (monotonic clock).
_scheduled = {"next_run": 0.0}


def _announce() -> None:
    """After a batch's commit: make sure a processing task will run after it."""
    now = time.monotonic()
    if _scheduled["next_run"] > now + 0.05:
        return  # one is waiting to run, and will see this batch
    from pressroom.inbox.tasks import process_events

    run_after = timezone.now() + timedelta(seconds=ANNOUNCE_DELAY_S)
    try:
        process_events.using(run_after=run_after).enqueue()
    except Exception:
        # The events are stored; the listener reads them.
        logger.exception("Could not enqueue the processing of webhook events")
        return
    _scheduled["next_run"] = now + ANNOUNCE_DELAY_S


def write_in_own_thread(arrivals: list[Arrival]) -> None:
    """`write`, in the group commit's own thread: a broken connection is dropped so the next
    batch opens a new one."""
    try:
        write(arrivals)
    except Exception:
        connection.close()
        raise


def close_own_connection() -> None:
    """Run in the writer's thread: `connection` is that thread's own there."""
    try:
        connection.close()
    except Exception:
        logger.exception("Could not close the intake's database connection")


# The one thread every group commit writes in, whatever event loop it runs on (under WSGI each
# request has a loop of its own): one database connection for all of them.
_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-intake")


class GroupCommit:
    """Stores arrivals in batches on one event loop: the first waiting request starts a
    writer; whoever arrives while it writes joins the next batch.

    The writes run in the intake's own thread, with its own database connection, outside any
    request (a request's thread ends with the request; the writer outlives it). The connection
    is closed when a burst ends, so that no idle one is left behind.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[Arrival, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def _store(self, arrivals: list[Arrival]) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(_WRITER, write_in_own_thread, arrivals)

    async def store(self, arrival: Arrival) -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append((arrival, done))
        if self._writer is None or self._writer.done():
            # A context of its own: nothing of the request that happened to start it.
            self._writer = loop.create_task(self._write_batches(), context=contextvars.Context())
        await done

    async def _write_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            while self._waiting:
                await self._write_one_batch()
            # The burst is over: close the connection; whoever came meanwhile is written next.
            await loop.run_in_executor(_WRITER, close_own_connection)

    async def _write_one_batch(self) -> None:
        batch, self._waiting = self._waiting, []
        try:
            await self._store([arrival for arrival, _ in batch])
        except Exception as error:
            for _, done in batch:
                if not done.done():
                    done.set_exception(error)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)


_COMMITS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GroupCommit] = (
    weakref.WeakKeyDictionary()
)


def group_commit() -> GroupCommit:
    loop = asyncio.get_running_loop()
    commit = _COMMITS.get(loop)
    if commit is None:
        commit = _COMMITS[loop] = GroupCommit()
    return commit


def text_response(status: int, text: str = "") -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


async def read_body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is larger than allowed (declared or actual)."""
    limit = int(settings.INBOX_WEBHOOK_MAX_BYTES)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.body
    return None if len(body) > limit else body


def lower_headers(request: HttpRequest) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


async def receive(
    request: HttpRequest,
    platform: str,
    secret: str,
    *,
    channel_id: int | None = None,
    account_id: str = "",
) -> HttpResponse:
    """Check, store and answer one webhook delivery for `platform`."""
    try:
        body = await read_body(request)
    except Exception:
        body = None
    if body is None:
        return text_response(413, "Too large")
    listener = listener_for(platform)
    try:
        signed = bool(secret) and listener.verify(lower_headers(request), body, secret)
    except Exception:
        signed = False
    if not signed:
        return text_response(403, "Bad signature")
    scope = str(channel_id or "")
    try:
        payload = json.loads(body)
        happenings = listener.parse(payload, account_id=account_id)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return await _keep_malformed(platform, body, scope, channel_id, error)
    except Unreadable as error:
        return await _keep_malformed(platform, body, scope, channel_id, error)
    except Exception as error:
        logger.exception("The %s parser failed on a signed body", platform)
        return await _keep_malformed(platform, body, scope, channel_id, error)
    try:
        accounts = tuple(str(a) for a in listener.account_ids(payload))
    except Exception:
        accounts = ()
    arrival = Arrival(
        platform=platform,
        key=event_key(platform, listener, payload, body, scope),
        body=body,
        state=RawEvent.State.STORED,
        account_ids=accounts or ((account_id,) if account_id else ()),
        channel_id=channel_id,
        people=tuple(sorted({h.author.id for h in happenings if h.author.id})),
    )
    try:
        await group_commit().store(arrival)
    except Exception:
        logger.exception("Could not store a %s webhook", platform)
        return text_response(503, "Try again later")
    return text_response(200, "OK")


async def _keep_malformed(
    platform: str, body: bytes, scope: str, channel_id: int | None, error: BaseException
) -> HttpResponse:
    arrival = Arrival(
        platform=platform,
        key=hashlib.sha256(f"{platform}:{scope}:malformed:".encode() + body).hexdigest(),
        body=body,
        state=RawEvent.State.MALFORMED,
        channel_id=channel_id,
        error=f"{type(error).__name__}: {error}"[:500],
    )
    try:
        await group_commit().store(arrival)
    except Exception:
        logger.exception("Could not keep a malformed %s webhook", platform)
    return text_response(400, "Unreadable body")


_SECRETS: dict[int, tuple[float, str, str]] = {}


def channel_secret(channel_id: int, platform: str, key: str) -> tuple[str, str] | None:
    """A channel's webhook secret (the credential `key`) and its platform id, or None when
    there is no such channel on the platform (cached briefly)."""
    cached = _SECRETS.get(channel_id)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    channel = Channel.objects.filter(pk=channel_id, platform=platform).first()
    if channel is None:
        return None
    secret = str(channel.credentials.get(key) or "")
    _SECRETS[channel_id] = (time.monotonic() + SECRET_CACHE_S, secret, channel.external_id)
    return secret, channel.external_id


def forget_channel_secret(channel_id: int) -> None:
    _SECRETS.pop(channel_id, None)


def settings_secret(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def challenge(params: Mapping[str, str], platform: str, verify_token: str) -> HttpResponse:
    try:
        answer = listener_for(platform).handshake(params, verify_token) if verify_token else None
    except Exception:
        answer = None
    if answer is None:
        return text_response(403, "Verification failed")
    return text_response(200, answer)
