"""Reading figures for a unit (everything below it included) over a period: what the
dashboards, the reports and the benchmark ask. Each function is a fixed number of queries
over the roll-ups, whatever the size of the tree."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pressroom.analytics.models import (
    SUMMED,
    ChannelDay,
    CollectCursor,
    MetricSeries,
    PostFigures,
    UnitDay,
)
from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str = "custom"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        end = cls.month(year, first + 2).end
        return cls(date(year, first, 1), end, "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def previous(self) -> Period:
        """The period of the same kind just before (for growth against it)."""
        if self.kind == "month":
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.kind == "quarter":
            before = self.start - timedelta(days=1)
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def label(self) -> str:
        if self.kind == "month":
            return _("month %(month)d/%(year)d") % {
                "month": self.start.month,
                "year": self.start.year,
            }
        if self.kind == "quarter":
            return _("quarter %(quarter)d of %(year)d") % {
                "quarter": self.quarter_number,
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("the year %(year)d") % {"year": self.start.year}
        return _("%(start)s to %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{self.quarter_number}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


@dataclass
class Totals:
    posts: int = 0
    reach: int = 0
    visits: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    messages: int = 0
    followers: int = 0
    followers_before: int = 0

    @property
    def growth(self) -> int:
        return self.followers - self.followers_before

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares

    def add(self, other: Totals) -> None:
        for name in (*SUMMED, "followers", "followers_before"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def minus(self, other: Totals) -> Totals:
        result = Totals()
        for name in (*SUMMED, "followers", "followers_before"):
            setattr(result, name, getattr(self, name) - getattr(other, name))
        return result

    def as_dict(self) -> dict[str, int]:
        return {
            **{name: getattr(self, name) for name in (*SUMMED, "followers")},
            "growth": self.growth,
        }


_SUMS = {name: Sum(name) for name in SUMMED}


def _last_days(rows: QuerySet[Any], end: date, start: date) -> tuple[date | None, date | None]:
    """The last day with figures at or before `end`, and at or before the day before `start`."""
    last = rows.filter(day__lte=end).order_by("-day").values_list("day", flat=True).first()
    before = rows.filter(day__lt=start).order_by("-day").values_list("day", flat=True).first()
    return last, before


def totals_by(
    units: Iterable[int], period: Period, *, by_platform: bool = False
) -> dict[tuple[int, str], Totals]:
    """Totals per unit (and platform when asked; "" otherwise): three queries for any number
    of units."""
    unit_ids = list(units)
    keys = ["unit_id", "platform"] if by_platform else ["unit_id"]
    rows = UnitDay.objects.filter(unit_id__in=unit_ids)
    found: dict[tuple[int, str], Totals] = defaultdict(Totals)
    for row in (
        rows.filter(day__gte=period.start, day__lte=period.end).values(*keys).annotate(**_SUMS)
    ):
        totals = found[(row["unit_id"], row.get("platform", ""))]
        for name in SUMMED:
            setattr(totals, name, row[name] or 0)
    # Followers are a level: those on the period's last day with figures, and before it.
    last, before = _last_days(
        rows.filter(day__gte=period.start - timedelta(days=400)), period.end, period.start
    )
    for day, attribute in ((last, "followers"), (before, "followers_before")):
        if day is None:
            continue
        for row in rows.filter(day=day).values(*keys).annotate(n=Sum("followers")):
            setattr(found[(row["unit_id"], row.get("platform", ""))], attribute, row["n"] or 0)
    return found


def totals(unit: Unit, period: Period) -> Totals:
    return totals_by([unit.pk], period).get((unit.pk, ""), Totals())


def by_platform(unit: Unit, period: Period) -> dict[str, Totals]:
    found = totals_by([unit.pk], period, by_platform=True)
    return {platform: figures for (_, platform), figures in sorted(found.items())}


@dataclass
class UnitLine:
    unit: Unit | None  # None: the unit's own channels
    totals: Totals
    platforms: dict[str, Totals] = field(default_factory=dict)


def by_child(unit: Unit, period: Period) -> list[UnitLine]:
    """The unit's direct children (active ones, and merged ones that still carry figures),
    each with its subtree's totals, then a line for the unit's own channels."""
    children = list(unit.children.order_by("name"))
    ids = [unit.pk] + [child.pk for child in children]
    found = totals_by(ids, period, by_platform=True)
    per_unit: dict[int, dict[str, Totals]] = defaultdict(dict)
    for (unit_id, platform), figures in found.items():
        per_unit[unit_id][platform] = figures
    lines = []
    children_total: dict[str, Totals] = defaultdict(Totals)
    for child in children:
        platforms = per_unit.get(child.pk, {})
        if not child.is_active and not platforms:
            continue
        total = Totals()
        for platform, figures in platforms.items():
            total.add(figures)
            children_total[platform].add(figures)
        lines.append(UnitLine(child, total, dict(sorted(platforms.items()))))
    own_platforms = {
        platform: figures.minus(children_total.get(platform, Totals()))
        for platform, figures in per_unit.get(unit.pk, {}).items()
    }
    own = Totals()
    for figures in own_platforms.values():
        own.add(figures)
    if any(own.as_dict().values()):
        lines.append(UnitLine(None, own, dict(sorted(own_platforms.items()))))
    return lines


def trend(unit: Unit, period: Period) -> list[dict[str, Any]]:
    """Day by day over the period: the summed figures and the followers."""
    rows = (
        UnitDay.objects.filter(unit=unit, day__gte=period.start, day__lte=period.end)
        .values("day")
        .annotate(**_SUMS, followers=Sum("followers"))
        .order_by("day")
    )
    return [dict(row) for row in rows]


def channels_of(unit: Unit, period: Period) -> list[tuple[Channel, Totals]]:
    """The unit's own channels with their figures over the period."""
    channels = list(unit.channels.order_by("platform", "name"))
    rows = ChannelDay.objects.filter(channel__in=channels)
    sums = {
        row["channel_id"]: row
        for row in rows.filter(day__gte=period.start, day__lte=period.end)
        .values("channel_id")
        .annotate(**_SUMS)
    }
    last, before = _last_days(rows, period.end, period.start)
    levels: dict[tuple[int, str], int] = {}
    for day, attribute in ((last, "followers"), (before, "followers_before")):
        if day is not None:
            for channel_id, followers in rows.filter(day=day).values_list(
                "channel_id", "followers"
            ):
                levels[(channel_id, attribute)] = followers
    result = []
    for channel in channels:
        summed: dict[str, Any] = dict(sums.get(channel.pk) or {})
        figures = Totals(
            followers=levels.get((channel.pk, "followers"), 0),
            followers_before=levels.get((channel.pk, "followers_before"), 0),
        )
        for name in SUMMED:
            setattr(figures, name, summed.get(name) or 0)
        result.append((channel, figures))
    return result


def posts_of(unit: Unit, period: Period) -> QuerySet[PostFigures]:
    return PostFigures.objects.filter(
        unit_path__startswith=unit.path,
        published_on__gte=period.start,
        published_on__lte=period.end,
    )


def top_posts(unit: Unit, period: Period, limit: int = 10) -> list[PostFigures]:
    return list(
        posts_of(unit, period)
        .select_related("delivery__post", "delivery__channel")
        .order_by("-reach", "-reactions", "pk")[:limit]
    )


def grouped(unit: Unit, period: Period, by: str) -> list[dict[str, Any]]:
    """Posts' figures grouped by `theme_id`, `format` or `platform`."""
    return list(
        posts_of(unit, period)
        .values(by)
        .annotate(
            posts=Count("pk"),
            reach=Sum("reach"),
            reactions=Sum("reactions"),
            comments=Sum("comments"),
            shares=Sum("shares"),
        )
        .order_by("-reach")
    )


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
    rows: list[dict[str, Any]], count: int = 3, min_posts: int = 2
) -> list[dict[str, Any]]:
    """The best weekday-hours to post, from `best_hours`: highest average reach, with at
    least `min_posts` posts behind each."""
    eligible = [row for row in rows if row["posts"] >= min_posts]
    return sorted(eligible, key=lambda row: (-(row["reach"] or 0), row["published_weekday"]))[
        :count
    ]


@dataclass(frozen=True)
class Cadence:
    channel: Channel
    per_week: float
    target: int

    @property
    def below(self) -> bool:
        return self.per_week < self.target


def cadence(unit: Unit, until: date, *, weeks: int = 4, target: int = 5) -> list[Cadence]:
    """Posts per week over the last `weeks` weeks for every channel at or below the unit."""
    since = until - timedelta(days=7 * weeks - 1)
    channels = Channel.objects.filter(
        unit__path__startswith=unit.path, status=Channel.Status.CONNECTED
    ).select_related("unit")
    posts = dict(
        ChannelDay.objects.filter(channel__in=channels, day__gte=since, day__lte=until)
        .values("channel_id")
        .annotate(n=Sum("posts"))
        .values_list("channel_id", "n")
    )
    return [
        Cadence(channel, round((posts.get(channel.pk) or 0) / weeks, 1), target)
        for channel in channels
    ]


def series_changes(unit: Unit, period: Period) -> list[MetricSeries]:
    """Metrics whose series began inside the period while another metric counted the same
    measure before: where a figure changed meaning (reports say so in a footnote)."""
    series = list(
        MetricSeries.objects.filter(channel__unit__path__startswith=unit.path)
        .filter(Q(first_day__lte=period.end) & Q(last_day__gte=period.start - timedelta(days=1)))
        .order_by("measure", "first_day")
    )
    by_measure: dict[str, list[MetricSeries]] = defaultdict(list)
    for item in series:
        by_measure[item.measure].append(item)
    changes: dict[tuple[str, str], MetricSeries] = {}
    for items in by_measure.values():
        metrics = {item.metric for item in items}
        if len(metrics) > 1:
            for item in items:
                if item.first_day > period.start:
                    changes.setdefault((item.measure, item.metric), item)
    return list(changes.values())


def unavailable(unit: Unit) -> dict[str, dict[str, str]]:
    """Per platform, the measures its platform does not give, with the reason."""
    found: dict[str, dict[str, str]] = {}
    for platform, missing in CollectCursor.objects.filter(
        channel__unit__path__startswith=unit.path
    ).values_list("channel__platform", "unavailable"):
        if missing:
            found.setdefault(platform, {}).update(missing)
    return found


def as_rows(lines: Mapping[str, Totals]) -> list[tuple[str, Totals]]:
    return sorted(lines.items())
