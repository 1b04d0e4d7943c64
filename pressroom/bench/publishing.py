"""Publishing benchmarks: fanout, schedule and chaos (see BENCHMARKS in the shared notes)."""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from django.db.models import Q
from django.utils import timezone

from pressroom.bench.harness import BenchChannel, Harness, credentials_for, duplicates_in
from pressroom.bench.loadcheck import call_for
from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.content.models import Post, Variant, search_text_of
from pressroom.platforms.registry import descriptor_for
from pressroom.publishing import channel_state, scheduling
from pressroom.publishing.models import Delivery

MARK = re.compile(r"bench#(\d+)#")


def _wait_until_settled(query: Q, *, timeout_s: float, poll_s: float = 0.03) -> bool:
    deadline = time.monotonic() + timeout_s
    while Delivery.objects.filter(query).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(poll_s)
    return True


def _approved_post(unit: Any, editor: Any, approver: Any, channels: list[Channel]) -> Post:
    post = content.save_post(
        by=editor,
        unit=unit,
        title="Thông báo khẩn: benchmark",
        body="Thông báo của UBND tỉnh về lịch làm việc. bench#0#",
        channels=channels,
    )
    content.submit_post(post=post, by=editor)
    return content.approve_post(post=post, by=approver)


# fanout --------------------------------------------------------------------------------------
def fanout(*, channels: int, latency_ms: int, db: str, dispatchers: int) -> dict[str, Any]:
    env = {"DISPATCHER_PLATFORM_CONCURRENCY": str(max(channels, 100))}
    with Harness(db=db, dispatcher_env=env) as harness:
        harness.set_profile(latency_ms={"mean": latency_ms, "jitter": 0})
        unit, editor, approver = harness.people()
        bench_channels = harness.channels(unit, channels)
        post = _approved_post(unit, editor, approver, list(Channel.objects.all()))
        harness.start_dispatchers(dispatchers)
        started = time.perf_counter()
        started_wall = time.time()
        scheduling.schedule_post(post=post, by=approver)
        schedule_s = time.perf_counter() - started
        settled = _wait_until_settled(
            Q(post=post) & ~Q(status__in=Delivery.TERMINAL), timeout_s=300
        )
        seconds = time.perf_counter() - started
        counts = Counter(Delivery.objects.filter(post=post).values_list("status", flat=True))
        ledger = harness.ledger()
        duplicates = duplicates_in(ledger)
        # When the platforms received the first and the last call (the rest is recording).
        received = sorted(_parse_time(entry["received_at"]) - started_wall for entry in ledger)
        limit_seconds = asyncio.run(_reference(harness, bench_channels))
    return {
        "benchmark": "fanout",
        "channels": channels,
        "published": counts.get(Delivery.Status.PUBLISHED, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "settled": settled,
        "duplicates": duplicates,
        "seconds": round(seconds, 3),
        # Of which the publish action itself (checks and one delivery per channel).
        "publish_action_seconds": round(schedule_s, 3),
        "first_call_seconds": round(received[0], 3) if received else None,
        "last_call_seconds": round(received[-1], 3) if received else None,
        "limit_seconds": round(limit_seconds, 3),
        "ratio": round(seconds / limit_seconds, 2),
        "latency_ms": latency_ms,
        "dispatchers": dispatchers,
        "db": db,
    }


async def _reference(harness: Harness, channels: list[BenchChannel]) -> float:
    """The same publish calls straight to the sandbox with a bare aiohttp client (the load
    check's)."""
    base = harness.sandbox_url
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int, channel: BenchChannel) -> None:
            call = call_for(
                session,
                base,
                platform=channel.platform,
                external_id=channel.external_id,
                token=channel.token,
                n=index,
            )
            await call()

        started = time.perf_counter()
        await asyncio.gather(*(one(index, channel) for index, channel in enumerate(channels)))
        return time.perf_counter() - started


# schedule ------------------------------------------------------------------------------------
def _bulk_posts(*, unit: Any, editor: Any, approver: Any, count: int) -> list[Post]:
    """Approved, scheduled posts made in bulk (the benchmark measures sending, not composing)."""
    now = timezone.now()
    made = []
    for index in range(count):
        title, body = f"Bài {index}", f"Thông tin chính thức số {index}."
        made.append(
            Post(
                unit=unit,
                author=editor,
                approved_by=approver,
                approved_at=now,
                title=title,
                body=body,
                # bulk_create does not call save(), which keeps the search text.
                search_text=search_text_of(title, body),
                status=Post.Status.SCHEDULED,
            )
        )
    posts = Post.objects.bulk_create(made, batch_size=500)
    return posts


def _bulk_deliveries(
    *, posts: list[Post], channels: list[BenchChannel], due: list[datetime]
) -> list[Delivery]:
    """One delivery per due time, each a post on a channel, each with its own marked text."""
    rows, variants = [], []
    per_post = max(1, len(due) // len(posts))
    for index, due_at in enumerate(due):
        post = posts[min(index // per_post, len(posts) - 1)]
        channel = channels[index % len(channels)]
        rows.append(
            Delivery(
                post=post,
                channel_id=channel.pk,
                due_at=due_at,
                give_up_at=due_at + timedelta(hours=1),
            )
        )
    deliveries = Delivery.objects.bulk_create(rows, batch_size=500)
    # Each (post, platform) variant carries the post's marker; channels differ by account.
    seen = set()
    for delivery, channel in zip(
        deliveries, [channels[i % len(channels)] for i in range(len(due))], strict=True
    ):
        key = (delivery.post_id, channel.platform)
        if key in seen:
            continue
        seen.add(key)
        variants.append(
            Variant(
                post_id=delivery.post_id,
                platform=channel.platform,
                title=f"Bài {delivery.post_id}",
                text=f"Thông tin chính thức bench#{delivery.post_id}#",
            )
        )
    Variant.objects.bulk_create(variants, batch_size=500)
    return deliveries


def _parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def schedule(
    *, deliveries: int, window_s: float, latency_ms: int, db: str, dispatchers: int
) -> dict[str, Any]:
    # The burst is one post each on 1,000 different channels (an alert to every unit), as a
    # real channel takes about one post a second (Telegram's per-chat pace).
    channel_count = min(1000, deliveries)
    with Harness(db=db) as harness:
        harness.set_profile(latency_ms={"mean": latency_ms, "jitter": 0})
        unit, editor, approver = harness.people()
        bench_channels = harness.channels(unit, channel_count)
        harness.start_dispatchers(dispatchers)
        start = timezone.now() + timedelta(seconds=5)
        spike = min(1000, deliveries)
        rest = deliveries - spike
        spike_at = start + timedelta(seconds=window_s / 3)
        due = [spike_at] * spike + [
            start + timedelta(seconds=window_s * index / max(rest, 1)) for index in range(rest)
        ]
        posts = _bulk_posts(
            unit=unit, editor=editor, approver=approver, count=max(1, deliveries // channel_count)
        )
        _bulk_deliveries(posts=posts, channels=bench_channels, due=due)
        end = start + timedelta(seconds=window_s)
        settle_by = (end - timezone.now()).total_seconds() + 30
        # By post, not by a list of 5,000 ids: polling must not take CPU from what it measures.
        _wait_until_settled(
            Q(post__in=posts) & ~Q(status__in=Delivery.TERMINAL),
            timeout_s=settle_by,
            poll_s=0.2,
        )
        # Remote ids are unique per account only (Telegram numbers messages per chat).
        ledger = {
            (entry["account_id"], str(entry["remote_id"])): entry for entry in harness.ledger()
        }
        rows = Delivery.objects.filter(post__in=posts).values(
            "status", "remote_id", "due_at", "channel__external_id"
        )
        lateness, spike_lateness, missed = [], [], 0
        for row in rows:
            entry = ledger.get((row["channel__external_id"], row["remote_id"]))
            if row["status"] != Delivery.Status.PUBLISHED or entry is None:
                missed += 1
                continue
            late = _parse_time(entry["received_at"]) - row["due_at"].timestamp()
            lateness.append(late)
            if row["due_at"] == spike_at:
                spike_lateness.append(late)
        duplicates = duplicates_in(list(ledger.values()))
    lateness.sort()
    spike_lateness.sort()
    return {
        "benchmark": "schedule",
        "deliveries": deliveries,
        "missed": missed,
        "duplicates": duplicates,
        "lateness_p50_s": round(_quantile(lateness, 0.50), 3),
        "lateness_p99_s": round(_quantile(lateness, 0.99), 3),
        "lateness_max_s": round(lateness[-1], 3) if lateness else None,
        # The 1,000 due in the same second, on their own.
        "spike_lateness_p50_s": round(_quantile(spike_lateness, 0.50), 3),
        "spike_lateness_p90_s": round(_quantile(spike_lateness, 0.90), 3),
        "late_over_1s": sum(late > 1.0 for late in lateness),
        "window_s": window_s,
        "latency_ms": latency_ms,
        "dispatchers": dispatchers,
        "db": db,
    }


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


# chaos ---------------------------------------------------------------------------------------
def chaos(*, deliveries: int, kills: int, db: str, dispatchers: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    channel_count = min(400, deliveries)
    env = {
        "PLATFORM_TIMEOUT_S": "1",
        "DELIVERY_LEASE_S": "8",
        "DISPATCHER_PLATFORM_CONCURRENCY": "200",
    }
    with Harness(db=db, dispatcher_env=env) as harness:
        harness.set_profile(
            latency_ms={"mean": 50, "jitter": 20},
            server_error_rate=0.10,
            timeout_after_create_rate=0.05,
            timeout_delay_s=3,
            rate_limit_rate=0.05,
            retry_after_s=1,
            reject_rate=0.01,
            seed=seed,
        )
        unit, editor, approver = harness.people()
        bench_channels = harness.channels(unit, channel_count)
        expiring = rng.sample(bench_channels, max(1, channel_count // 50))
        for channel in expiring:
            harness.sandbox(
                "PUT",
                "/_control/profile",
                json={
                    "platform": channel.platform,
                    "account_id": channel.external_id,
                    "token_expired": True,
                },
            )
        posts = _bulk_posts(
            unit=unit, editor=editor, approver=approver, count=max(1, deliveries // channel_count)
        )
        now = timezone.now()
        due = [now + timedelta(seconds=rng.uniform(0, 10)) for _ in range(deliveries)]
        _bulk_deliveries(posts=posts, channels=bench_channels, due=due)
        # Its deliveries, by post (a list of 2,000 ids in every poll costs CPU it measures).
        ours = Q(post__in=posts)
        harness.start_dispatchers(dispatchers)
        started = time.monotonic()
        kill_times = sorted(rng.uniform(1, 12) for _ in range(kills))
        reconnected = False
        # Settled: published, failed, or waiting for a person (no dispatcher touches it).
        open_work = ours & Q(
            status__in=(
                Delivery.Status.PENDING,
                Delivery.Status.CLAIMED,
                Delivery.Status.SENDING,
                Delivery.Status.RETRY,
                Delivery.Status.UNKNOWN,
                Delivery.Status.PAUSED,
            )
        )
        while time.monotonic() - started < 600:
            elapsed = time.monotonic() - started
            if kill_times and elapsed >= kill_times[0]:
                kill_times.pop(0)
                harness.kill_dispatcher(rng.randrange(len(harness.dispatchers)))
            if not reconnected and elapsed > 8:
                _reconnect(harness, expiring)
                reconnected = True
            if reconnected and not kill_times and not Delivery.objects.filter(open_work).exists():
                break
            time.sleep(0.25)
        rows: list[dict[str, Any]] = [
            dict(row)
            for row in Delivery.objects.filter(ours).values(
                "pk",
                "status",
                "remote_id",
                "post_id",
                "error_code",
                "channel__external_id",
                "channel__platform",
            )
        ]
        ledger = harness.ledger()
    return _compare(rows, ledger, deliveries=deliveries, kills=kills, db=db, seconds=elapsed)


def _reconnect(harness: Harness, channels: list[BenchChannel]) -> None:
    """The unit administrator reconnects the expired channels with new tokens."""
    for channel in channels:
        token = f"renewed-{channel.token}"
        harness.sandbox(
            "POST",
            "/_control/accounts",
            json={
                "platform": channel.platform,
                "account_id": channel.external_id,
                "token": token,
                "name": "renewed",
            },
        )
        harness.sandbox(
            "PUT",
            "/_control/profile",
            json={
                "platform": channel.platform,
                "account_id": channel.external_id,
                "token_expired": False,
            },
        )
        channel_state.reconnect_channel(
            channel=Channel.objects.get(pk=channel.pk),
            credentials=credentials_for(channel.platform, token),
            by="benchmark",
        )


def _compare(
    rows: list[dict[str, Any]],
    ledger: list[dict[str, Any]],
    *,
    deliveries: int,
    kills: int,
    db: str,
    seconds: float,
) -> dict[str, Any]:
    """The sandbox's ledger (what the platforms hold) against the Delivery table."""
    on_platform: Counter[tuple[str, int]] = Counter()
    remote_ids = set()
    for entry in ledger:
        match = MARK.search(entry.get("text") or "")
        if match:
            on_platform[(entry["account_id"], int(match.group(1)))] += 1
            remote_ids.add((entry["account_id"], str(entry["remote_id"])))
    duplicates = sum(count - 1 for count in on_platform.values() if count > 1)
    counts: Counter[str] = Counter()
    lost = mismatched = waiting = waiting_on_platform = 0
    waiting_codes: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    for row in rows:
        key = (row["channel__external_id"], row["post_id"])
        present = on_platform.get(key, 0) > 0
        status = row["status"]
        counts[status] += 1
        if status == Delivery.Status.PUBLISHED:
            if not present or (row["channel__external_id"], row["remote_id"]) not in remote_ids:
                mismatched += 1
                examples.append({**row, "present": present})
        elif (
            status == Delivery.Status.WAITING_FOR_PERSON
            and descriptor_for(row["channel__platform"]).asks_after_lost_answer
        ):
            # Nobody can look on the platform and a resend may duplicate: a person looks on
            # the channel and says whether it is there (see docs). Not lost: it waits.
            waiting += 1
            waiting_on_platform += present
            waiting_codes[row["error_code"]] += 1
        elif status == Delivery.Status.FAILED:
            if present:
                mismatched += 1
                examples.append({**row, "present": present})
        else:
            lost += 1
    return {
        "benchmark": "chaos",
        "deliveries": deliveries,
        "published": counts.get(Delivery.Status.PUBLISHED, 0),
        "failed_terminal": counts.get(Delivery.Status.FAILED, 0),
        "duplicates": duplicates,
        "lost": lost,
        "mismatched": mismatched,
        "waiting_for_person": waiting,
        # Of those, how many the channel does show (the person answering will see it).
        "waiting_for_person_on_platform": waiting_on_platform,
        # Why their answer was lost: a time-out or dropped connection, or a dispatcher that
        # died mid-call (lease_expired).
        "waiting_for_person_codes": dict(waiting_codes),
        "failed_codes": dict(
            Counter(row["error_code"] for row in rows if row["status"] == Delivery.Status.FAILED)
        ),
        "mismatch_examples": examples[:5],
        "kills": kills,
        "seconds": round(seconds, 1),
        "db": db,
    }
