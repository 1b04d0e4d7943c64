"""Reading what was posted: a unit's or a channel's posts with their figures, grouped by
theme and format, the hours they reached most people, and how often each channel posts.
Each function is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from pressroom.analytics.models import PostFigures
from pressroom.analytics.periods import Period
from pressroom.channels.models import Channel
from pressroom.content.models import Theme
from pressroom.orgs.models import Unit


def posts_of(unit: Unit, period: Period) -> QuerySet[PostFigures]:
    return PostFigures.objects.filter(
        unit_path__startswith=unit.path,
        published_on__gte=period.start,
        published_on__lte=period.end,
    )


def top_posts(unit: Unit, period: Period, limit: int = 10) -> list[PostFigures]:
    """The posts that reached most people, chosen in a subquery before their post and
    channel are joined (joining those for every post of a large tree's quarter costs more)."""
    order = ("-reach", "-reactions", "pk")
    chosen = posts_of(unit, period).order_by(*order).values("pk")[:limit]
    return list(
        PostFigures.objects.filter(pk__in=chosen)
        .select_related("delivery__post", "delivery__channel")
        .order_by(*order)
    )


def channel_posts(channel: Channel, period: Period) -> QuerySet[PostFigures]:
    return PostFigures.objects.filter(
        delivery__channel=channel,
        published_on__gte=period.start,
        published_on__lte=period.end,
    )


def top_channel_posts(channel: Channel, period: Period, limit: int = 10) -> list[PostFigures]:
    return list(
        channel_posts(channel, period)
        .select_related("delivery__post", "delivery__channel")
        .order_by("-reach", "-reactions", "-comments", "pk")[:limit]
    )


_POST_SUMS = {
    "posts": Count("pk"),
    "reach": Sum("reach"),
    "reactions": Sum("reactions"),
    "comments": Sum("comments"),
    "shares": Sum("shares"),
}


def grouped(unit: Unit, period: Period, by: str) -> list[dict[str, Any]]:
    """Posts' figures grouped by `theme_id`, `format` or `platform`."""
    return list(posts_of(unit, period).values(by).annotate(**_POST_SUMS).order_by("-reach"))


def themes_and_formats(
    unit: Unit, period: Period
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Posts' figures per theme (with its name, "" for none) and per format, in one query."""
    rows = (
        posts_of(unit, period)
        .values("theme_id", "format")
        .annotate(**_POST_SUMS)
        # After the sums: the name is looked up once per group, not once per post.
        .annotate(
            theme_name=Subquery(Theme.objects.filter(pk=OuterRef("theme_id")).values("name")[:1])
        )
        .order_by()
    )
    themes: dict[Any, dict[str, Any]] = {}
    formats: dict[Any, dict[str, Any]] = {}
    for row in rows:
        found: dict[str, Any] = dict(row)
        for groups, key, label in (
            (
                themes,
                found["theme_id"],
                {"theme_id": found["theme_id"], "name": found["theme_name"]},
            ),
            (formats, found["format"], {"format": found["format"]}),
        ):
            group = groups.setdefault(key, {**label, **dict.fromkeys(_POST_SUMS, 0)})
            for name in _POST_SUMS:
                group[name] += found[name] or 0

    def ordered(groups: Mapping[Any, dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(groups.values(), key=lambda group: (-group["reach"], -group["posts"]))

    return ordered(themes), ordered(formats)


def best_hours(posts: QuerySet[PostFigures]) -> list[dict[str, Any]]:
    """Average reach and engagement of posts by weekday (0 = Monday) and hour published."""
    rows = (
        posts.values("published_weekday", "published_hour")
        .annotate(
            posts=Count("pk"),
            reach=Avg("reach"),
            average_engagement=Avg("reactions") + Avg("comments") + Avg("shares"),
        )
        .order_by("published_weekday", "published_hour")
    )
    return [dict(row) for row in rows]


def best_slots(
    rows: list[dict[str, Any]], count: int = 3, min_posts: int = 2, *, by: str = "reach"
) -> list[dict[str, Any]]:
    """The best weekday-hours to post, from `best_hours`: highest average `by` ("reach" or
    "average_engagement"), with at least `min_posts` posts behind each."""
    eligible = [row for row in rows if row["posts"] >= min_posts]
    return sorted(
        eligible,
        key=lambda row: (-(row[by] or 0), row["published_weekday"], row["published_hour"]),
    )[:count]


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


def cadence(
    unit: Unit, until: date, *, weeks: int = 4, target: int = 5, listed: int = 30
) -> Cadences:
    """Posts per week over the last `weeks` whole weeks (Monday to Sunday) ending at or
    before `until`, of every connected channel at or below the unit, read from the weekly
    rows (three queries)."""
    last = until - timedelta(days=(until.weekday() + 1) % 7)
    since = last - timedelta(days=7 * weeks - 1)
    connected = Channel.objects.filter(
        unit__path__startswith=unit.path, status=Channel.Status.CONNECTED
    )
    below = list(
        connected.annotate(
            recent=FilteredRelation(
                "weeks", condition=Q(weeks__week__gte=since, weeks__week__lte=last)
            )
        )
        # Grouped by the channel's id alone, not by every column of the channel.
        .values("pk")
        .annotate(period_posts=Coalesce(Sum("recent__posts"), 0))
        .filter(period_posts__lt=target * weeks)
        .order_by("period_posts", "unit__path", "platform", "name")
        .values_list("pk", "period_posts")
    )
    shown = Channel.objects.select_related("unit").in_bulk([pk for pk, _ in below[:listed]])
    return Cadences(
        since=since,
        until=last,
        weeks=weeks,
        target=target,
        channels=connected.count(),
        below=len(below),
        lowest=[
            Cadence(shown[pk], round(posts / weeks, 1), target) for pk, posts in below[:listed]
        ],
    )
