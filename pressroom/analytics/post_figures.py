"""Reading what was posted: a unit's or a channel's posts with their figures, grouped by
theme and format, and the hours they reached most people. Each function is a fixed number
of queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Avg,
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)

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
