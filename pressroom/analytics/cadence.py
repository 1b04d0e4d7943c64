"""How often the connected channels at or below a unit post, over the last whole weeks
(Monday to Sunday), against a target number of posts a week; the lowest listed first.

Read from each channel's weekly posts (`ChannelWeek`), or, for the weeks that ended last
Sunday, from the rows `refresh` keeps (`ChannelCadence`): the collector refreshes them every
few minutes, so that the dashboard of a tree with 10,000 channels reads its lowest ones from
an index. A window with no kept rows for the unit is read from the weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from pressroom.analytics.models import ChannelCadence
from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit

WEEKS = 4
LISTED = 30


@dataclass(frozen=True)
class Cadence:
    channel: Channel
    per_week: float
    target: int

    @property
    def below(self) -> bool:
        return self.per_week < self.target


@dataclass(frozen=True)
class Cadences:
    """How often the connected channels at or below a unit posted over whole weeks."""

    since: date  # a Monday
    until: date  # a Sunday
    weeks: int
    target: int
    channels: int  # connected channels
    below: int  # of them, posting less than the target
    lowest: list[Cadence]  # the `listed` lowest of those below, lowest first


def window(until: date, weeks: int = WEEKS) -> tuple[date, date]:
    """The Monday and the Sunday of the `weeks` whole weeks ending at or before `until`."""
    last = until - timedelta(days=(until.weekday() + 1) % 7)
    return last - timedelta(days=7 * weeks - 1), last


def _counted(since: date, last: date) -> QuerySet[Any]:
    """Every connected channel with its posts over the days from `since` to `last`, grouped
    by the channel's id alone."""
    return (
        Channel.objects.filter(status=Channel.Status.CONNECTED)
        .annotate(
            recent=FilteredRelation(
                "weeks", condition=Q(weeks__week__gte=since, weeks__week__lte=last)
            )
        )
        .values("pk")
        .annotate(period_posts=Coalesce(Sum("recent__posts"), 0))
    )


def _result(
    since: date,
    last: date,
    *,
    weeks: int,
    target: int,
    channels: int,
    below: list[tuple[int, int]],
    count_below: int,
) -> Cadences:
    shown = Channel.objects.select_related("unit").in_bulk([pk for pk, _ in below])
    return Cadences(
        since=since,
        until=last,
        weeks=weeks,
        target=target,
        channels=channels,
        below=count_below,
        lowest=[
            Cadence(shown[pk], round(posts / weeks, 1), target)
            for pk, posts in below
            if pk in shown
        ],
    )


def cadence(
    unit: Unit, until: date, *, weeks: int = WEEKS, target: int = 5, listed: int = LISTED
) -> Cadences:
    """Posts per week of every connected channel at or below the unit over the last `weeks`
    whole weeks ending at or before `until` (three queries)."""
    since, last = window(until, weeks)
    kept = ChannelCadence.objects.filter(
        until=last, since=since, target=target, unit_path__startswith=unit.path
    )
    limit = target * weeks
    counts = kept.aggregate(channels=Count("pk"), below=Count("pk", filter=Q(posts__lt=limit)))
    if counts["channels"]:
        below = list(
            kept.filter(posts__lt=limit)
            .order_by("posts", "unit_path", "platform", "name")
            .values_list("channel_id", "posts")[:listed]
        )
        return _result(
            since,
            last,
            weeks=weeks,
            target=target,
            channels=counts["channels"],
            below=below,
            count_below=counts["below"],
        )
    # Not kept for this window (a past one, or before the first refresh): from the weeks,
    # every channel of the subtree in one query.
    every = list(
        _counted(since, last)
        .filter(unit__path__startswith=unit.path)
        .values_list("period_posts", "unit__path", "platform", "name", "pk")
        .order_by()
    )
    found = sorted(row for row in every if row[0] < limit)
    return _result(
        since,
        last,
        weeks=weeks,
        target=target,
        channels=len(every),
        below=[(row[-1], row[0]) for row in found[:listed]],
        count_below=len(found),
    )


def refresh(today: date, *, target: int, weeks: int = WEEKS) -> int:
    """Keep every connected channel's posts over the whole weeks ending at or before today
    (the rows kept before go); the number of channels kept."""
    since, last = window(today, weeks)
    rows = _counted(since, last).values_list("pk", "period_posts", "unit__path", "platform", "name")
    kept = [
        ChannelCadence(
            channel_id=pk,
            posts=posts,
            unit_path=unit_path,
            platform=platform,
            name=name,
            since=since,
            until=last,
            target=target,
        )
        for pk, posts, unit_path, platform, name in rows.order_by()
    ]
    with transaction.atomic():
        ChannelCadence.objects.all().delete()
        ChannelCadence.objects.bulk_create(kept, batch_size=1000)
    return len(kept)
