"""The rows of the synthetic history (see `history`): the tree, the channels, a figure row
per channel and day, and published posts with their figures, written in bulk.

Every figure comes from a seeded `random.Random` (per channel) or a cheap hash of the
channel and the day (per row), so a history is the same for the same parameters.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock
from typing import Any

from django.db import connection
from django.utils import timezone

from pressroom.analytics.models import ChannelDay, PostFigures
from pressroom.bench import benchdb
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.orgs.models import Unit
from pressroom.publishing.models import Delivery

PROVINCES = 34
# Of the units below the provinces, communes (the rest are agencies): 3,321 of 3,365.
COMMUNE_SHARE = 3321 / 3365
PLATFORMS = ("facebook", "zalo", "telegram", "mastodon")
FORMATS = ("text", "image", "image", "link", "video", "document")
# At most this many published posts (with their deliveries and figures) over the history.
POSTS_CAP = 250_000

Say = Callable[[str], None]


def mix(a: int, b: int, seed: int) -> int:
    """A cheap deterministic hash of two numbers, 32 bits."""
    h = (a * 2654435761 + b * 40503 + seed * 97) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 2246822519) & 0xFFFFFFFF
    return h ^ (h >> 13)


@dataclass(frozen=True)
class BenchChannel:
    pk: int
    unit_id: int
    unit_path: str
    platform: str
    followers: int
    growth: int
    weight: int


def units(count: int) -> tuple[Unit, list[Unit]]:
    """The root, the provinces, the communes under them and the agencies under the
    communes, level by level (each level's paths need its ids)."""
    root = Unit(name="Trung ương (benchmark)", slug="bench-root", kind=Unit.Kind.OTHER)
    root.save()
    provinces_count = min(PROVINCES, count - 1)
    rest = count - 1 - provinces_count
    communes_count = round(rest * COMMUNE_SHARE)

    def level(parents: list[Unit], count: int, kind: str, label: str) -> list[Unit]:
        made = Unit.objects.bulk_create(
            [
                Unit(
                    parent=parents[index % len(parents)],
                    name=f"{label} {index + 1}",
                    slug=f"bench-{kind}-{index + 1}",
                    kind=kind,
                )
                for index in range(count)
            ],
            batch_size=1000,
        )
        paths = {parent.pk: parent.path for parent in parents}
        for unit in made:
            assert unit.parent_id is not None
            unit.path = f"{paths[unit.parent_id]}{unit.pk}/"
        Unit.objects.bulk_update(made, ["path"], batch_size=1000)
        return made

    provinces = level([root], provinces_count, Unit.Kind.PROVINCE, "Tỉnh")
    communes = level(provinces, communes_count, Unit.Kind.COMMUNE, "Xã")
    agencies = level(communes or provinces, rest - communes_count, Unit.Kind.AGENCY, "Cơ quan")
    return root, [root, *provinces, *communes, *agencies]


def channels(count: int, tree: list[Unit], seed: int) -> list[BenchChannel]:
    """`count` channels, in turn on each unit and, within a unit, on each platform."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        unit = tree[index % len(tree)]
        turn = index // len(tree)
        platform = PLATFORMS[(turn + index) % len(PLATFORMS)]
        rows.append(
            Channel(
                unit=unit,
                platform=platform,
                name=f"{unit.name} · {platform} {turn + 1}",
                external_id=f"bench-{index}",
            )
        )
    made = Channel.objects.bulk_create(rows, batch_size=2000)
    paths = {unit.pk: unit.path for unit in tree}
    return [
        BenchChannel(
            pk=channel.pk,
            unit_id=channel.unit_id,
            unit_path=paths[channel.unit_id],
            platform=channel.platform,
            # Followers from a few hundred to tens of thousands, growing 0-40 a day.
            followers=int(200 * (100 ** rng.random())),
            growth=rng.randint(0, 40),
            weight=rng.randint(1, 100),
        )
        for channel in made
    ]


def _day_weights(days: list[date]) -> list[int]:
    """More activity as time goes on, less at weekends."""
    count = len(days)
    return [
        100 + (100 * index) // count - (30 if day.weekday() >= 5 else 0)
        for index, day in enumerate(days)
    ]


CHANNEL_DAY_FIELDS = (
    "channel",
    "day",
    "unit",
    "platform",
    "posts",
    "reach",
    "visits",
    "reactions",
    "comments",
    "shares",
    "clicks",
    "messages",
    "followers",
    "followers_read",
)


def _channel_days(
    engagements: int, seed: int, made: list[BenchChannel], days: list[date]
) -> Iterator[tuple[Any, ...]]:
    """Day by day (as collection writes them), every channel's row. The reactions, comments
    and shares are the channel's and the day's share (by weight) of `engagements`, rounded so
    that they add up to it exactly."""
    day_weights = _day_weights(days)
    total_weight = sum(channel.weight for channel in made) * sum(day_weights)
    adapt = connection.ops.adapt_datefield_value
    running = given = 0
    for day_index, (day, day_weight) in enumerate(zip(days, day_weights, strict=True)):
        value = adapt(day)
        for channel in made:
            h = mix(channel.pk, day_index, seed)
            running += channel.weight * day_weight
            reached = engagements * running // total_weight
            engagement, given = reached - given, reached
            reactions = (engagement * 6 + (h & 7)) // 10
            rest = engagement - reactions
            comments = (rest + ((h >> 3) & 1)) // 2
            followers = channel.followers + channel.growth * day_index + (h >> 20) % 7
            reach = followers // 8 + (h >> 8) % (followers // 16 + 1)
            yield (
                channel.pk,
                value,
                channel.unit_id,
                channel.platform,
                (h >> 4) % 3,  # posts
                reach,
                reach // 25 + (h >> 12) % 5,  # visits
                reactions,
                comments,
                rest - comments,  # shares
                reach // 60,  # clicks
                (h >> 16) % 3,  # messages
                followers,
                True,  # the followers were read that day
            )


def write_channel_days(
    engagements: int, seed: int, made: list[BenchChannel], days: list[date], say: Say
) -> int:
    started = time.perf_counter()
    total = len(made) * len(days)
    columns, constants = benchdb.model_columns(ChannelDay, CHANNEL_DAY_FIELDS)

    def progress() -> Iterator[tuple[Any, ...]]:
        for number, row in enumerate(_channel_days(engagements, seed, made, days), 1):
            if number % 1_000_000 == 0:
                elapsed = time.perf_counter() - started
                say(f"  {number:,} of {total:,} channel-days ({elapsed:.0f} s)")
            yield row + constants

    with benchdb.without_indexes(ChannelDay):
        written = benchdb.insert_rows(benchdb.table_of(ChannelDay), columns, progress())
        elapsed = time.perf_counter() - started
        say(f"  {written:,} channel-days written in {elapsed:.0f} s; indexing")
    return written


POST_FIELDS = (
    "id",
    "unit",
    "author",
    "title",
    "body",
    "status",
    "scheduled_at",
    "approved_at",
    "created_at",
    "updated_at",
)
DELIVERY_FIELDS = (
    "id",
    "post",
    "channel",
    "status",
    "due_at",
    "first_sent_at",
    "remote_id",
    "published_at",
    "created_at",
    "updated_at",
)
POST_FIGURES_FIELDS = (
    "delivery",
    "unit_path",
    "platform",
    "published_on",
    "published_hour",
    "published_weekday",
    "format",
    "reach",
    "reactions",
    "comments",
    "shares",
    "clicks",
    "updated_at",
)


def published(
    seed: int, made: list[BenchChannel], days: list[date], author_id: int, say: Say
) -> int:
    """Published posts, one delivery each, with their figures: spread over each channel's
    history, at most POSTS_CAP in all, written in the order they were published (as the
    app writes them)."""
    per_channel = max(1, min(len(days) // 3, POSTS_CAP // len(made)))
    step = max(1, len(days) // per_channel)
    planned = []
    for channel in made:
        for number in range(per_channel):
            h = mix(channel.pk, 100_000 + number, seed)
            index = min(len(days) - 1, number * step + h % step)
            planned.append((index, 7 + (h >> 4) % 12, channel.pk, h, channel))
    planned.sort(key=lambda plan: plan[:3])
    first_post, first_delivery = benchdb.next_id(Post), benchdb.next_id(Delivery)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    posts, deliveries, figures = [], [], []
    for number, (index, hour, _, h, channel) in enumerate(planned):
        post_id, delivery_id = first_post + number, first_delivery + number
        day = days[index]
        at = ops.adapt_datetimefield_value(datetime.combine(day, clock(hour), tzinfo=VIETNAM))
        title = f"Thông báo số {post_id}"
        posts.append((post_id, channel.unit_id, author_id, title, "…", "published", at, at, at, at))
        deliveries.append(
            (delivery_id, post_id, channel.pk, "published", at, at, f"r{delivery_id}", at, at, at)
        )
        followers = channel.followers + channel.growth * index
        reach = followers // 4 + (h >> 8) % (followers + 1)
        engagement = reach // 40 + (h >> 16) % 20
        reactions, comments = engagement * 6 // 10, engagement * 3 // 10
        figures.append(
            (
                delivery_id,
                channel.unit_path,
                channel.platform,
                ops.adapt_datefield_value(day),
                hour,
                day.weekday(),
                FORMATS[(h >> 12) % len(FORMATS)],
                reach,
                reactions,
                comments,
                engagement - reactions - comments,
                reach // 50,
                now,
            )
        )
    for model, fields, rows in (
        (Post, POST_FIELDS, posts),
        (Delivery, DELIVERY_FIELDS, deliveries),
        (PostFigures, POST_FIGURES_FIELDS, figures),
    ):
        columns, constants = benchdb.model_columns(model, fields)
        benchdb.insert_rows(benchdb.table_of(model), columns, (row + constants for row in rows))
        say(f"  {len(rows):,} rows of {benchdb.table_of(model)}")
    benchdb.reset_sequences([Post, Delivery])
    return len(figures)
