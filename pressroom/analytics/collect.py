"""Collecting figures: each connected channel in turn, through its platform client, resumable.

A channel's cursor says up to which day its daily figures are complete. A new channel's
history is read back `ANALYTICS_BACKFILL_DAYS`, one window of at most `WINDOW_DAYS` per
round, so a long backfill never holds a round up; a rate limit holds the channel back for as
long as the platform asks; metrics the platform refuses are dropped and not asked again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from pressroom.analytics import store
from pressroom.analytics.models import CollectCursor, PostDay, PostFigures
from pressroom.channels.models import Channel
from pressroom.inbox.sending import access_of
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.metrics import MetricsRequest, PostReading, Reading
from pressroom.publishing.models import Delivery

logger = logging.getLogger(__name__)

WINDOW_DAYS = 90
# After a failure that gave no wait: try again after this long, doubled each time (≤ a day).
BACKOFF_S = 5 * 60


@dataclass
class Collected:
    channel_id: int
    days: int = 0
    posts: int = 0
    dropped: list[str] = field(default_factory=list)
    error: str = ""
    more: bool = False


def today() -> date:
    return timezone.localdate()


def due_channels(now: datetime | None = None) -> list[Channel]:
    now = now or timezone.now()
    return list(
        Channel.objects.filter(status=Channel.Status.CONNECTED)
        .filter(
            Q(collect_cursor__isnull=True)
            | Q(collect_cursor__next_at__isnull=True)
            | Q(collect_cursor__next_at__lte=now)
        )
        .select_related("unit")
        .order_by("pk")
    )


def request_for(channel: Channel, cursor: CollectCursor) -> MetricsRequest:
    last_full_day = today() - timedelta(days=1)
    if cursor.complete_until is None:
        since = today() - timedelta(days=settings.ANALYTICS_BACKFILL_DAYS)
    else:
        since = min(cursor.complete_until + timedelta(days=1), last_full_day)
    until = min(since + timedelta(days=WINDOW_DAYS - 1), last_full_day)
    followed_since = timezone.now() - timedelta(days=settings.ANALYTICS_POST_DAYS)
    post_ids = tuple(
        Delivery.objects.filter(
            channel=channel,
            status=Delivery.Status.PUBLISHED,
            published_at__gte=followed_since,
        )
        .exclude(remote_id="")
        .order_by("-published_at")
        .values_list("remote_id", flat=True)[:200]
    )
    return MetricsRequest(
        since=since,
        until=until,
        post_ids=post_ids,
        skip_metrics=tuple(cursor.dropped),
        today=today(),
    )


async def _read(channel: Channel, request: MetricsRequest) -> Reading | Outcome:
    async with make_http_client() as http:
        client = client_class(channel.platform)(access_of(channel), http)
        return await client.read_metrics(request)


def collect_channel(channel: Channel) -> Collected:
    cursor, _ = CollectCursor.objects.get_or_create(channel=channel)
    request = request_for(channel, cursor)
    result = Collected(channel.pk)
    now = timezone.now()
    reading = asyncio.run(_read(channel, request))
    cursor.last_run_at = now
    if isinstance(reading, Outcome):
        cursor.failures += 1
        wait = reading.retry_after_s or min(BACKOFF_S * 2 ** (cursor.failures - 1), 86_400)
        if reading.kind is OutcomeKind.REJECTED and reading.code == "not_supported":
            wait = settings.COLLECT_INTERVAL_S
        cursor.next_at = now + timedelta(seconds=wait)
        cursor.last_error = f"{reading.code}: {reading.reason}"[:300]
        cursor.save()
        result.error = cursor.last_error
        return result
    result.days = _store_days(channel, reading)
    result.posts = _store_posts(channel, reading.posts)
    _count_posts(channel, request.since)
    if reading.dropped:
        logger.warning(
            "Metrics refused by %s for channel %s, dropped: %s",
            channel.platform,
            channel.pk,
            ", ".join(reading.dropped),
        )
    cursor.dropped = sorted(set(cursor.dropped) | set(reading.dropped))
    result.dropped = list(reading.dropped)
    cursor.unavailable = dict(reading.unavailable)
    cursor.complete_until = max(
        filter(None, [cursor.complete_until, reading.complete_until or request.until])
    )
    cursor.failures = 0
    cursor.last_error = ""
    # A backfill goes on at once while its windows have not reached yesterday; days the
    # platform has not finished (Facebook's days end in California) are read next time.
    result.more = request.until < today() - timedelta(days=1)
    cursor.next_at = now if result.more else now + timedelta(seconds=settings.COLLECT_INTERVAL_S)
    cursor.save()
    return result


def _store_days(channel: Channel, reading: Reading) -> int:
    days: dict[date, dict[str, int]] = defaultdict(dict)
    for value in reading.values:
        days[value.day][str(value.measure)] = value.value
    store.note_series(channel, reading.values)
    return store.set_days(channel, days)


def format_of(delivery: Delivery) -> str:
    """The post's format as reports group it: its first medium's kind, else link or text."""
    kinds = [media.content_type for media in delivery.post.media.all()]
    for kind in kinds:
        if kind.startswith("video/"):
            return "video"
        if kind == "application/pdf":
            return "document"
    if kinds:
        return "image"
    return "link" if delivery.post.link else "text"


def figures_row(delivery: Delivery) -> PostFigures:
    published = timezone.localtime(delivery.published_at or delivery.created_at)
    return PostFigures(
        delivery=delivery,
        unit_path=delivery.channel.unit.path,
        platform=delivery.channel.platform,
        published_on=published.date(),
        published_hour=published.hour,
        published_weekday=published.weekday(),
        theme_id=delivery.post.theme_id,
        format=format_of(delivery),
    )


def _store_posts(channel: Channel, posts: tuple[PostReading, ...]) -> int:
    by_remote = {reading.remote_id: reading for reading in posts}
    if not by_remote:
        return 0
    deliveries = (
        Delivery.objects.filter(channel=channel, remote_id__in=by_remote)
        .select_related("post", "channel__unit", "figures")
        .prefetch_related("post__media")
    )
    stored = 0
    for delivery in deliveries:
        reading = by_remote[delivery.remote_id]
        row = getattr(delivery, "figures", None) or figures_row(delivery)
        day = max((value.day for value in reading.values), default=today())
        for value in reading.values:
            if hasattr(row, str(value.measure)):
                setattr(row, str(value.measure), value.value)
        row.save()
        PostDay.objects.update_or_create(
            delivery=delivery,
            day=day,
            defaults={
                name: getattr(row, name)
                for name in ("reach", "reactions", "comments", "shares", "clicks")
            },
        )
        stored += 1
    return stored


def _count_posts(channel: Channel, since: date) -> None:
    """The channel's published posts per day, from `since` to today."""
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    counted = (
        Delivery.objects.filter(
            channel=channel, status=Delivery.Status.PUBLISHED, published_at__gte=start
        )
        .annotate(day=TruncDate("published_at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    days: dict[date, dict[str, int]] = {}
    day = since
    while day <= today():
        days[day] = {"posts": 0}
        day += timedelta(days=1)
    for row in counted:
        days[row["day"]] = {"posts": row["n"]}
    store.set_days(channel, days)


def collect_due(limit: int | None = None) -> list[Collected]:
    """One round: every channel whose collection is due (a backfill goes one window on)."""
    results = []
    for channel in due_channels()[:limit]:
        try:
            results.append(collect_channel(channel))
        except Exception:
            logger.exception("Collection failed for channel %s", channel.pk)
    return results
