"""Units side by side over a period: one column per unit (each with everything below it),
chosen among the units the person may view; the figures against the period before."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pressroom.analytics import figures
from pressroom.analytics.access import top_unit, trail_of, viewable_unit
from pressroom.analytics.dashboard_views import period_context
from pressroom.analytics.display import (
    COLUMNS,
    LABELS,
    NO_EARLIER_FOLLOWERS,
    Cell,
    change,
    gaps,
    measure_of,
)
from pressroom.analytics.figures import Totals
from pressroom.analytics.period_params import params_of, period_from
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit

MAX_UNITS = 8


@dataclass(frozen=True)
class CompareCell:
    cell: Cell
    change: float | None


@dataclass(frozen=True)
class CompareRow:
    label: str
    cells: list[CompareCell]


def asked_ids(query: QueryDict) -> list[int]:
    """`units=1,2,3` or `units=1&units=2`, in the order given, each once."""
    ids: list[int] = []
    for value in query.getlist("units"):
        for part in value.split(","):
            text = part.strip()
            if text.isdigit() and int(text) not in ids:
                ids.append(int(text))
    return ids


def compare_rows(units: list[Unit], period: figures.Period) -> list[CompareRow]:
    """A row per figure, a cell per unit (five queries for any number of units)."""
    ids = [unit.pk for unit in units]
    now, before = figures.totals_for_periods(ids, [period, period.previous()], by_platform=True)
    unavailable = figures.unavailable_by_unit(units)
    totals: dict[int, Totals] = {unit_id: Totals() for unit_id in ids}
    previous: dict[int, Totals] = {unit_id: Totals() for unit_id in ids}
    platforms: dict[int, set[str]] = {unit_id: set() for unit_id in ids}
    for (unit_id, platform), found in now.items():
        totals[unit_id].add(found)
        platforms[unit_id].add(platform)
    for (unit_id, _platform), found in before.items():
        previous[unit_id].add(found)
    unit_gaps = {unit_id: gaps(platforms[unit_id], unavailable.get(unit_id, {})) for unit_id in ids}
    rows = []
    for column in COLUMNS:
        cells = []
        for unit_id in ids:
            gap = unit_gaps[unit_id].get(measure_of(column))
            if gap is not None and gap.everywhere:
                cells.append(CompareCell(Cell(None, gap.note), None))
                continue
            if column == "growth" and not totals[unit_id].followers_before:
                cells.append(CompareCell(Cell(None, str(NO_EARLIER_FOLLOWERS)), None))
                continue
            value = getattr(totals[unit_id], column)
            cells.append(
                CompareCell(
                    Cell(value, gap.note if gap else ""),
                    change(value, getattr(previous[unit_id], column)),
                )
            )
        rows.append(CompareRow(str(LABELS[column]), cells))
    return rows


@login_required
@require_GET
def compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    period, problem = period_from(request.GET)
    around_id = request.GET.get("unit", "")
    if around_id.isdigit():
        around, trail = viewable_unit(request.user, int(around_id))
    else:
        top = top_unit(request.user)
        if top is None:
            return render(request, "analytics/no_unit.html")
        around, trail = top, trail_of(request.user, top)
    options = [around, *around.children.filter(is_active=True).order_by("name")]
    ids = asked_ids(request.GET) or [unit.pk for unit in options[1:]] or [around.pk]
    too_many = len(ids) > MAX_UNITS
    ids = ids[:MAX_UNITS]
    visible = {
        unit.pk: unit for unit in units_for(request.user, Capability.VIEW).filter(pk__in=ids)
    }
    if any(unit_id not in visible for unit_id in ids):
        raise Http404  # a unit the person may not view, or none
    chosen = [visible[unit_id] for unit_id in ids]
    known = {unit.pk for unit in options}
    options += [unit for unit in chosen if unit.pk not in known]
    query = QueryDict(mutable=True)
    query.update(params_of(period))
    query["unit"] = str(around.pk)
    query["units"] = ",".join(str(unit_id) for unit_id in ids)
    return render(
        request,
        "analytics/compare.html",
        {
            "unit": around,
            "trail": trail,
            "chosen": chosen,
            "chosen_ids": set(ids),
            "options": options,
            "rows": compare_rows(chosen, period),
            "too_many": too_many,
            "max_units": MAX_UNITS,
            "compare_query": query.urlencode(),
            **period_context(period, problem),
        },
    )
