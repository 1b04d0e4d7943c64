"""Reading figures for a unit (everything below it included) over a period: what the
dashboards, the reports and the benchmark ask. Each function is a fixed number of queries
over the roll-ups, whatever the size of the tree. What was posted is read in `post_figures`,
the footnotes in `figure_notes`; both are offered here too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from django.db.models import (
    Case,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from pressroom.analytics.cadence import Cadence, Cadences, cadence
from pressroom.analytics.figure_notes import (
    SeriesChange,
    series_changes,
    series_notes,
    unavailable,
    unavailable_by_unit,
)
from pressroom.analytics.models import FIGURES, SUMMED, ChannelDay, UnitDay, UnitMonth
from pressroom.analytics.periods import Period, Totals
from pressroom.analytics.post_figures import (
    best_hours,
    best_slots,
    channel_posts,
    grouped,
    posts_of,
    themes_and_formats,
    top_channel_posts,
    top_posts,
)
from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit

# The one query API: what is defined here and what is read elsewhere and offered here.
__all__ = [
    "LEVEL_WINDOW_DAYS",
    "Cadence",
    "Cadences",
    "Overview",
    "Period",
    "SeriesChange",
    "Totals",
    "UnitLine",
    "best_hours",
    "best_slots",
    "by_child",
    "by_platform",
    "cadence",
    "channel_posts",
    "channel_totals",
    "channel_trend",
    "channels_of",
    "grouped",
    "overview",
    "posts_of",
    "series_changes",
    "series_notes",
    "themes_and_formats",
    "top_channel_posts",
    "top_posts",
    "totals",
    "totals_by",
    "totals_for_periods",
    "trend",
    "unavailable",
    "unavailable_by_unit",
]

_SUMS = {name: Sum(name) for name in SUMMED}
# Followers are read back at most this far before a period's start (a level carried over).
LEVEL_WINDOW_DAYS = 400


def totals_for_periods(
    units: Iterable[int],
    periods: Sequence[Period],
    *,
    by_platform: bool = False,
    above: int | None = None,
) -> list[dict[tuple[int, str], Totals]]:
    """Totals per unit (and platform when asked; "" otherwise) for each period, in the
    periods' order: three queries for any number of units and periods (four when a period
    does not start and end at a month's edges). `above`, one of the
    units that is above all the others, has a roll-up row on every day any of them has one:
    the days the followers are read on are looked for in its rows only."""
    unit_ids = list(units)
    keys = ["unit_id", "platform"] if by_platform else ["unit_id"]
    rows = UnitDay.objects.filter(unit_id__in=unit_ids)
    found: list[dict[tuple[int, str], Totals]] = [defaultdict(Totals) for _ in periods]
    if not periods or not unit_ids:
        return found
    ordered = sorted(periods, key=lambda period: period.start)
    if any(later.start <= earlier.end for earlier, later in pairwise(ordered)):
        raise ValueError("the periods overlap")
    # Whole months are read from the months' rows, the days before and after them from the
    # days' rows, each summed into the period it belongs to (the periods may not overlap).
    months: dict[date, int] = {}
    edges: list[tuple[date, date, int]] = []
    for index, period in enumerate(periods):
        for first, last, whole in _months_of(period):
            if whole:
                months[first] = index
            else:
                edges.append((first, last, index))

    def add(rows: QuerySet[Any], buckets: list[tuple[Q, int]]) -> None:
        bucket = Case(
            *(When(condition, then=Value(index)) for condition, index in buckets),
            output_field=IntegerField(),
        )
        for row in (
            rows.annotate(bucket=bucket).values(*keys, "bucket").annotate(**_SUMS).order_by()
        ):
            totals = found[row["bucket"]][(row["unit_id"], row.get("platform", ""))]
            for name in SUMMED:
                setattr(totals, name, getattr(totals, name) + (row[name] or 0))

    if months:
        by_month: dict[int, list[date]] = defaultdict(list)
        for first, index in months.items():
            by_month[index].append(first)
        add(
            UnitMonth.objects.filter(unit_id__in=unit_ids, month__in=list(months)),
            [(Q(month__in=firsts), index) for index, firsts in by_month.items()],
        )
    if edges:
        within = Q()
        for first, last, _index in edges:
            within |= Q(day__gte=first, day__lte=last)
        add(
            rows.filter(within),
            [(Q(day__gte=first, day__lte=last), index) for first, last, index in edges],
        )
    # Followers are a level: those on each period's last day with figures, and before it.
    marks: dict[str, Any] = {}
    for index, period in enumerate(periods):
        window = Q(day__gte=period.start - timedelta(days=LEVEL_WINDOW_DAYS))
        marks[f"followers_{index}"] = Max("day", filter=window & Q(day__lte=period.end))
        marks[f"followers_before_{index}"] = Max("day", filter=window & Q(day__lt=period.start))
    days = (rows if above is None else UnitDay.objects.filter(unit_id=above)).aggregate(**marks)
    wanted = {day for day in days.values() if day is not None}
    if not wanted:
        return found
    levels: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row in rows.filter(day__in=wanted).values(*keys, "day").annotate(n=Sum("followers")):
        levels[row["day"]].append(row)
    for index in range(len(periods)):
        for attribute in ("followers", "followers_before"):
            for row in levels.get(days[f"{attribute}_{index}"], []):
                key = (row["unit_id"], row.get("platform", ""))
                setattr(found[index][key], attribute, row["n"] or 0)
    return found


def _months_of(period: Period) -> list[tuple[date, date, bool]]:
    """The period cut at the months' edges: each piece's first and last day, and whether it
    is a whole calendar month."""
    pieces = []
    first = period.start.replace(day=1)
    while first <= period.end:
        following = (first + timedelta(days=32)).replace(day=1)
        start, end = max(first, period.start), min(following - timedelta(days=1), period.end)
        pieces.append((start, end, start == first and end == following - timedelta(days=1)))
        first = following
    return pieces


def totals_by(
    units: Iterable[int], period: Period, *, by_platform: bool = False
) -> dict[tuple[int, str], Totals]:
    """Totals per unit (and platform when asked; "" otherwise): three queries for any number
    of units."""
    return totals_for_periods(units, [period], by_platform=by_platform)[0]


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
    # The same figures over the period before (by `overview`; empty from `by_child`).
    previous: Totals = field(default_factory=Totals)


def _per_unit(found: Mapping[tuple[int, str], Totals]) -> dict[int, dict[str, Totals]]:
    per_unit: dict[int, dict[str, Totals]] = defaultdict(dict)
    for (unit_id, platform), figures in found.items():
        per_unit[unit_id][platform] = figures
    return per_unit


def _summed(platforms: Iterable[Totals]) -> Totals:
    total = Totals()
    for figures in platforms:
        total.add(figures)
    return total


def _lines(
    unit: Unit,
    children: list[Unit],
    found: Mapping[tuple[int, str], Totals],
    before: Mapping[tuple[int, str], Totals] | None = None,
) -> list[UnitLine]:
    per_unit = _per_unit(found)
    per_unit_before = _per_unit(before or {})
    lines = []
    children_total: dict[str, Totals] = defaultdict(Totals)
    children_before: dict[str, Totals] = defaultdict(Totals)
    for child in children:
        platforms = per_unit.get(child.pk, {})
        for platform, figures in per_unit_before.get(child.pk, {}).items():
            children_before[platform].add(figures)
        if not child.is_active and not platforms:
            continue
        for platform, figures in platforms.items():
            children_total[platform].add(figures)
        lines.append(
            UnitLine(
                child,
                _summed(platforms.values()),
                dict(sorted(platforms.items())),
                _summed(per_unit_before.get(child.pk, {}).values()),
            )
        )
    own_platforms = {
        platform: figures.minus(children_total.get(platform, Totals()))
        for platform, figures in per_unit.get(unit.pk, {}).items()
    }
    own = _summed(own_platforms.values())
    if any(own.as_dict().values()):
        own_before = _summed(
            figures.minus(children_before.get(platform, Totals()))
            for platform, figures in per_unit_before.get(unit.pk, {}).items()
        )
        lines.append(UnitLine(None, own, dict(sorted(own_platforms.items())), own_before))
    return lines


def by_child(unit: Unit, period: Period) -> list[UnitLine]:
    """The unit's direct children (active ones, and merged ones that still carry figures),
    each with its subtree's totals, then a line for the unit's own channels."""
    children = list(unit.children.order_by("name"))
    found = totals_for_periods(
        [unit.pk] + [child.pk for child in children], [period], by_platform=True, above=unit.pk
    )[0]
    return _lines(unit, children, found)


@dataclass
class Overview:
    """A unit's period at a glance, against the period before: four queries."""

    total: Totals
    previous: Totals
    platforms: dict[str, Totals]
    previous_platforms: dict[str, Totals]
    lines: list[UnitLine]


def overview(unit: Unit, period: Period) -> Overview:
    """The unit's totals, per platform and per child (as `by_child`), now and the period
    before, read together."""
    children = list(unit.children.order_by("name"))
    now, before = totals_for_periods(
        [unit.pk] + [child.pk for child in children],
        [period, period.previous()],
        by_platform=True,
        above=unit.pk,
    )
    platforms = dict(sorted(_per_unit(now).get(unit.pk, {}).items()))
    previous_platforms = dict(sorted(_per_unit(before).get(unit.pk, {}).items()))
    return Overview(
        total=_summed(platforms.values()),
        previous=_summed(previous_platforms.values()),
        platforms=platforms,
        previous_platforms=previous_platforms,
        lines=_lines(unit, children, now, before),
    )


def trend(unit: Unit, period: Period) -> list[dict[str, Any]]:
    """Day by day over the period: the summed figures and the followers."""
    rows = (
        UnitDay.objects.filter(unit=unit, day__gte=period.start, day__lte=period.end)
        .values("day")
        .annotate(**_SUMS, followers=Sum("followers"))
        .order_by("day")
    )
    return [dict(row) for row in rows]


def channel_trend(channel: Channel, period: Period) -> list[dict[str, Any]]:
    """The channel's figures day by day over the period."""
    rows = ChannelDay.objects.filter(
        channel=channel, day__gte=period.start, day__lte=period.end
    ).order_by("day")
    return [{"day": row.day, **{name: getattr(row, name) for name in FIGURES}} for row in rows]


def _with_figures(channels: QuerySet[Channel], period: Period) -> list[tuple[Channel, Totals]]:
    """The channels with their figures over the period, in one query: each channel's
    followers are those of its last day with followers at the period's end, and before it."""

    def level(**when: date) -> Subquery:
        return Subquery(
            ChannelDay.objects.filter(
                channel=OuterRef("pk"),
                day__gte=period.start - timedelta(days=LEVEL_WINDOW_DAYS),
                **when,
            )
            .exclude(followers=0)
            .order_by("-day")
            .values("followers")[:1]
        )

    annotated = channels.annotate(
        # Joined to the period's days only, not to every day of the channel.
        in_period=FilteredRelation(
            "days", condition=Q(days__day__gte=period.start, days__day__lte=period.end)
        ),
        **{f"figure_{name}": Sum(f"in_period__{name}") for name in SUMMED},
        figure_followers=level(day__lte=period.end),
        figure_followers_before=level(day__lt=period.start),
    )
    result: list[tuple[Channel, Totals]] = []
    for channel in annotated:
        figures = Totals()
        for name in (*SUMMED, "followers", "followers_before"):
            setattr(figures, name, getattr(channel, f"figure_{name}") or 0)
        result.append((channel, figures))
    return result


def channels_of(unit: Unit, period: Period) -> list[tuple[Channel, Totals]]:
    """The unit's own channels with their figures over the period (one query)."""
    return _with_figures(unit.channels.order_by("platform", "name"), period)


def channel_totals(channel: Channel, periods: Sequence[Period]) -> list[Totals]:
    """One channel's figures over each period (a query each)."""
    return [
        _with_figures(Channel.objects.filter(pk=channel.pk), period)[0][1] for period in periods
    ]
