"""What a report says under its figures: where a platform's metric changed meaning, and the
measures a platform does not give (with its reason, instead of a zero)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from pressroom.analytics.models import CollectCursor, MetricSeries
from pressroom.analytics.periods import Period
from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit


@dataclass(frozen=True)
class SeriesChange:
    """Where a measure of a platform's channels began to be read from another metric."""

    platform: str
    measure: str
    metric: str
    definition: str
    first_day: date
    replaced: str  # the metric it was read from before


def _series_changes(
    unit: Unit, period: Period, channel: Channel | None = None
) -> list[tuple[MetricSeries, str]]:
    found = MetricSeries.objects.filter(channel__unit__path__startswith=unit.path)
    if channel is not None:
        found = found.filter(channel=channel)
    series = list(
        found.filter(
            Q(first_day__lte=period.end) & Q(last_day__gte=period.start - timedelta(days=1))
        )
        .select_related("channel")
        .order_by("channel_id", "measure", "first_day", "metric")
    )
    # A change is within one channel: channels of other platforms count the same measure
    # with metrics of their own.
    by_channel: dict[tuple[int, str], list[MetricSeries]] = defaultdict(list)
    for item in series:
        by_channel[(item.channel_id, item.measure)].append(item)
    changes: dict[tuple[str, str, str], tuple[MetricSeries, str]] = {}
    for items in by_channel.values():
        for before, item in itertools.pairwise(items):
            if item.first_day > period.start and item.metric != before.metric:
                key = (item.channel.platform, item.measure, item.metric)
                changes.setdefault(key, (item, before.metric))
    return sorted(changes.values(), key=lambda change: (change[0].first_day, change[0].measure))


def series_changes(unit: Unit, period: Period) -> list[MetricSeries]:
    """Metrics whose series began inside the period while another metric counted the same
    measure of the same channel before: where a figure changed meaning (reports say so in a
    footnote)."""
    return [series for series, _ in _series_changes(unit, period)]


def series_notes(
    unit: Unit, period: Period, *, channel: Channel | None = None
) -> list[SeriesChange]:
    """`series_changes` with the platform and the metric each replaced (one query); those of
    one channel of the unit when given."""
    return [
        SeriesChange(
            platform=series.channel.platform,
            measure=series.measure,
            metric=series.metric,
            definition=series.definition,
            first_day=series.first_day,
            replaced=replaced,
        )
        for series, replaced in _series_changes(unit, period, channel)
    ]


def unavailable(unit: Unit) -> dict[str, dict[str, str]]:
    """Per platform, the measures its platform does not give, with the reason."""
    found: dict[str, dict[str, str]] = {}
    for platform, missing in CollectCursor.objects.filter(
        channel__unit__path__startswith=unit.path
    ).values_list("channel__platform", "unavailable"):
        if missing:
            found.setdefault(platform, {}).update(missing)
    return found


def unavailable_by_unit(units: Iterable[Unit]) -> dict[int, dict[str, dict[str, str]]]:
    """`unavailable` of several units (each with everything below it) in one query."""
    units = list(units)
    if not units:
        return {}
    below = Q()
    for unit in units:
        below |= Q(channel__unit__path__startswith=unit.path)
    found: dict[int, dict[str, dict[str, str]]] = {unit.pk: {} for unit in units}
    for path, platform, missing in CollectCursor.objects.filter(below).values_list(
        "channel__unit__path", "channel__platform", "unavailable"
    ):
        if not missing:
            continue
        for unit in units:
            if path.startswith(unit.path):
                found[unit.pk].setdefault(platform, {}).update(missing)
    return found
