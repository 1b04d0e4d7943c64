"""Analytics pages: a unit's dashboard (everything below it included), a channel's page, and
the way in (the person's highest unit). The period comes from the query string; htmx swaps
only the board when the period changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pressroom.analytics import channel_board, dashboard
from pressroom.analytics.access import top_unit, viewable_channel, viewable_unit
from pressroom.analytics.display import COLUMNS, LABELS, POST_COLUMNS
from pressroom.analytics.figures import Period
from pressroom.analytics.period_params import KINDS, params_of, period_from
from pressroom.analytics.templatetags.analytics_tags import language
from pressroom.core.http import AuthenticatedHttpRequest


def following(period: Period) -> Period:
    """The period of the same kind just after."""
    after = period.end + timedelta(days=1)
    if period.kind == "month":
        return Period.month(after.year, after.month)
    if period.kind == "quarter":
        return Period.quarter(after.year, (after.month - 1) // 3 + 1)
    if period.kind == "year":
        return Period.year(after.year)
    return Period(after, after + timedelta(days=period.days - 1))


def query_of(period: Period) -> str:
    return urlencode(params_of(period))


def period_context(period: Period, problem: str) -> dict[str, Any]:
    """What the period chooser shows: the period, the one before and after, and why the
    period asked for could not be read."""
    return {
        "period": period,
        "period_problem": problem,
        "period_query": query_of(period),
        "previous_query": query_of(period.previous()),
        "next_query": query_of(following(period)),
        "period_kinds": KINDS,
        "quarters": (1, 2, 3, 4),
        "months": range(1, 13),
    }


def _labels(columns: tuple[str, ...]) -> list[str]:
    return [str(LABELS[column]) for column in columns]


@login_required
@require_GET
def analytics_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard of the highest unit the person may view."""
    unit = top_unit(request.user)
    if unit is None:
        return render(request, "analytics/no_unit.html")
    address = reverse("analytics_unit", args=[unit.pk])
    return redirect(f"{address}?{request.GET.urlencode()}" if request.GET else address)


@login_required
@require_GET
def unit_dashboard(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit, trail = viewable_unit(request.user, unit_id)
    period, problem = period_from(request.GET)
    board = dashboard.build(unit, period, language())
    context = {
        "unit": unit,
        "trail": trail,
        "board": board,
        "columns": _labels(COLUMNS),
        "post_columns": _labels(POST_COLUMNS),
        "board_groups": [
            (_("Per theme"), board.themes, _("Theme")),
            (_("Per format"), board.formats, _("Format")),
        ],
        "inbox_query": urlencode(
            {"unit": unit.pk, "from": period.start.isoformat(), "to": period.end.isoformat()}
        ),
        **period_context(period, problem),
    }
    template = "analytics/dashboard.html"
    if request.htmx and not request.htmx.boosted:
        template += "#board"
    return render(request, template, context)


@login_required
@require_GET
def channel_page(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    channel, trail = viewable_channel(request.user, channel_id)
    period, problem = period_from(request.GET)
    context = {
        "channel": channel,
        "unit": trail[-1],
        "trail": trail,
        "board": channel_board.build(channel, period, language()),
        "post_columns": _labels(POST_COLUMNS),
        **period_context(period, problem),
    }
    template = "analytics/channel.html"
    if request.htmx and not request.htmx.boosted:
        template += "#board"
    return render(request, template, context)
