"""The period a page or a download is for, from its query string: `period=month|quarter|year`
with `year` and `month` or `q`, or `period=custom` with `from` and `to` (dd/mm/yyyy or ISO)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.analytics.figures import Period

KINDS = ("month", "quarter", "year", "custom")
# Longer custom periods are refused: a report of years is the year report, several times.
MAX_CUSTOM_DAYS = 3 * 366


def current_quarter(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period.quarter(today.year, (today.month - 1) // 3 + 1)


def _day(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 (a day)
        except ValueError:
            continue
    return None


def _number(params: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    try:
        value = int(params.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


def period_from(params: Mapping[str, str]) -> tuple[Period, str]:
    """The period asked for, or the current quarter with a message saying why not."""
    kind = params.get("period", "")
    if not kind:
        return current_quarter(), ""
    year = _number(params, "year", 2000, 2100)
    if kind == "month":
        month = _number(params, "month", 1, 12)
        if year and month:
            return Period.month(year, month), ""
    elif kind == "quarter":
        quarter = _number(params, "q", 1, 4)
        if year and quarter:
            return Period.quarter(year, quarter), ""
    elif kind == "year":
        if year:
            return Period.year(year), ""
    elif kind == "custom":
        start, end = _day(params.get("from", "")), _day(params.get("to", ""))
        if start and end and start <= end and (end - start).days < MAX_CUSTOM_DAYS:
            return Period(start, end), ""
        if start and end and start > end:
            return current_quarter(), _("The period's start comes after its end.")
        if start and end:
            return current_quarter(), _("A custom period is at most three years long.")
    return current_quarter(), _(
        "That period could not be read; the current quarter is shown instead."
    )


def params_of(period: Period) -> dict[str, str]:
    """The query string that asks for `period` again."""
    if period.kind == "month":
        return {"period": "month", "year": str(period.start.year), "month": str(period.start.month)}
    if period.kind == "quarter":
        return {
            "period": "quarter",
            "year": str(period.start.year),
            "q": str(period.quarter_number),
        }
    if period.kind == "year":
        return {"period": "year", "year": str(period.start.year)}
    return {"period": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}
