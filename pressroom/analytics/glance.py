"""A few units' figures at a glance (the desk's reading dashboard): each unit's headline
figures for a period against the one before, with what its platforms do not give; five
queries for any number of units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from pressroom.analytics.display import Headline, gaps, headlines
from pressroom.analytics.figure_notes import unavailable_by_unit
from pressroom.analytics.figures import totals_for_periods
from pressroom.analytics.period_params import params_of
from pressroom.analytics.periods import Period, Totals
from pressroom.orgs.models import Unit


@dataclass(frozen=True)
class Glance:
    unit: Unit
    headlines: list[Headline]
    # The query string that opens the same period on the dashboard and the report.
    period_query: str
    empty: bool


def glances(units: list[Unit], period: Period) -> list[Glance]:
    if not units:
        return []
    now, before = totals_for_periods(
        [unit.pk for unit in units], [period, period.previous()], by_platform=True
    )
    missing = unavailable_by_unit(units)
    totals: dict[int, list[Totals]] = defaultdict(lambda: [Totals(), Totals()])
    platforms: dict[int, set[str]] = defaultdict(set)
    for index, found in enumerate((now, before)):
        for (unit_id, platform), figures in found.items():
            totals[unit_id][index].add(figures)
            platforms[unit_id].add(platform)
    query = urlencode(params_of(period))
    result = []
    for unit in units:
        current, previous = totals[unit.pk]
        found_gaps = gaps(platforms[unit.pk], missing.get(unit.pk, {}))
        result.append(
            Glance(
                unit=unit,
                headlines=headlines(current, previous, found_gaps),
                period_query=query,
                empty=not any(current.as_dict().values()),
            )
        )
    return result
