"""What is planned on each channel over a week, against its target: the channels with too
few posts (and the days with nothing, "nothing planned Thursday to Sunday") and those with too
many (a flood for their followers).

Planned means scheduled, or already out, in the week (Vietnam days). Four queries whatever
the tree's size: the lowest channels, the highest, the posts-a-week policies of their units and
those above, and the days of those listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet

from pressroom.channels.cadence_target import Target, policies_above, target_of
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.orgs.models import Unit

PLANNED = (Post.Status.SCHEDULED, Post.Status.PUBLISHED, Post.Status.PARTLY_FAILED)
LISTED = 10
# A run of empty days worth a warning (one quiet day in a week is normal).
EMPTY_RUN = 2


@dataclass(frozen=True)
class Gap:
    channel: Channel
    planned: int
    target: Target
    empty: list[tuple[date, date]]  # runs of days with nothing planned, first and last

    @property
    def too_few(self) -> bool:
        return self.planned < self.target.low

    @property
    def too_many(self) -> bool:
        return self.planned > self.target.high


@dataclass(frozen=True)
class Gaps:
    first: date
    last: date
    few: list[Gap]
    many: list[Gap]


def _bounds(first: date, days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=VIETNAM)
    return start, start + timedelta(days=days)


def gaps_of(channels: QuerySet[Channel], *, first: date, days: int = 7) -> Gaps:
    start, end = _bounds(first, days)
    counted = (
        channels.filter(status=Channel.Status.CONNECTED)
        .annotate(
            planned=Count(
                "posts",
                filter=Q(
                    posts__scheduled_at__gte=start,
                    posts__scheduled_at__lt=end,
                    posts__status__in=PLANNED,
                ),
                distinct=True,
            )
        )
        .select_related("unit")
    )
    lowest = list(counted.order_by("planned", "unit__path", "name")[: LISTED * 3])
    highest = list(counted.order_by("-planned", "unit__path", "name")[:LISTED])
    policies = policies_above(channel.unit for channel in [*lowest, *highest])
    few = [g for g in (_gap(c, policies) for c in lowest) if g.too_few][:LISTED]
    many = [g for g in (_gap(c, policies) for c in highest) if g.too_many]
    _fill_empty_days([*few, *many], first=first, days=days)
    return Gaps(first=first, last=first + timedelta(days=days - 1), few=few, many=many)


def _gap(channel: Channel, policies: dict[int, Unit]) -> Gap:
    planned: int = getattr(channel, "planned", 0)
    return Gap(channel=channel, planned=planned, target=target_of(channel, policies), empty=[])


def _fill_empty_days(listed: list[Gap], *, first: date, days: int) -> None:
    if not listed:
        return
    start, end = _bounds(first, days)
    busy: dict[int, set[date]] = defaultdict(set)
    rows = Post.channels.through.objects.filter(
        channel_id__in=[gap.channel.pk for gap in listed],
        post__scheduled_at__gte=start,
        post__scheduled_at__lt=end,
        post__status__in=PLANNED,
    ).values_list("channel_id", "post__scheduled_at")
    for channel_id, at in rows:
        if at is not None:
            busy[channel_id].add(at.astimezone(VIETNAM).date())
    for gap in listed:
        gap.empty.extend(empty_runs(busy[gap.channel.pk], first=first, days=days))


def empty_runs(busy: set[date], *, first: date, days: int) -> list[tuple[date, date]]:
    """The runs of at least EMPTY_RUN days in the window with nothing planned."""
    runs: list[tuple[date, date]] = []
    run: list[date] = []
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        if offset < days and day not in busy:
            run.append(day)
            continue
        if len(run) >= EMPTY_RUN:
            runs.append((run[0], run[-1]))
        run = []
    return runs
