"""The report benchmark: a national history (see `history`), the root unit's quarterly report
read through `pressroom.analytics.figures`, against DuckDB computing the same root figures
over a Parquet export of the same rows, in the same run; and, besides, the report's whole
document (`analytics.report.build`) and one commune's dashboard (`analytics.dashboard.build`).

Each timed part runs once to warm up, then `repeat` times, the app and DuckDB alternately;
the figures given are the medians.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pressroom.analytics import dashboard as analytics_dashboard
from pressroom.analytics import figures
from pressroom.analytics import report as analytics_report
from pressroom.analytics.figures import Period
from pressroom.bench import benchdb, reference
from pressroom.bench.history import History, Shape, open_history
from pressroom.bench.history_rows import Say
from pressroom.orgs.models import Unit


def report_quarter(history: History) -> Period:
    """The last whole quarter of the history; the one it ends in when it is shorter."""
    last = history.last_day
    quarter = Period.quarter(last.year, (last.month - 1) // 3 + 1)
    if quarter.end != last:
        before = quarter.previous()
        if before.start >= history.first_day:
            return before
    return quarter


def root_report(unit: Unit, period: Period) -> dict[str, Any]:
    """The figures the period report shows (as `analytics.report.build` asks them)."""
    return {
        "totals": figures.totals(unit, period),
        "previous": figures.totals(unit, period.previous()),
        "platforms": figures.by_platform(unit, period),
        "children": figures.by_child(unit, period),
        "trend": figures.trend(unit, period),
        "top_posts": figures.top_posts(unit, period),
        "themes": figures.grouped(unit, period, "theme_id"),
        "formats": figures.grouped(unit, period, "format"),
        "series_changes": figures.series_changes(unit, period),
        "unavailable": figures.unavailable(unit),
    }


def dashboard(unit: Unit, period: Period) -> Any:
    """What a unit's dashboard shows, as its page builds it."""
    return analytics_dashboard.build(unit, period, "vi")


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def _queries(work: Callable[[], Any]) -> int:
    return benchdb.count_queries(work)[0]


def report(*, shape: Shape, db: str, fresh: bool, repeat: int, say: Say) -> dict[str, Any]:
    history = open_history(shape, db=db, fresh=fresh, say=say)
    root = history.root()
    period = report_quarter(history)
    commune = (
        Unit.objects.filter(kind=Unit.Kind.COMMUNE, children__isnull=False).order_by("pk").first()
        or Unit.objects.filter(kind=Unit.Kind.COMMUNE).order_by("pk").first()
        or root
    )
    dashboard_period = Period.quarter(history.last_day.year, (history.last_day.month - 1) // 3 + 1)
    with tempfile.TemporaryDirectory(prefix="pressroom-report-") as directory:
        say("exporting the channel-day rows to Parquet for DuckDB")
        export_s, (days, units) = _timed(lambda: reference.export(Path(directory)))
        duck = reference.Reference(days, units)
        try:
            engagements = duck.engagements()
            say(f"timing: one warm-up, then {repeat} runs of each")

            def app_figures() -> dict[str, Any]:
                return root_report(root, period)

            def duck_figures() -> reference.Canonical:
                return duck.figures(root.path, period)

            app_runs, duck_runs, dashboard_runs, document_runs = [], [], [], []
            parts: dict[str, list[float]] = {}
            for run in range(repeat + 1):
                app_s, ours = _timed(app_figures)
                duck_s, theirs = _timed(duck_figures)
                dashboard_s, _ = _timed(lambda: dashboard(commune, dashboard_period))
                document_s = _timed(lambda: analytics_report.build(root, period))[0]
                if run:
                    app_runs.append(app_s)
                    duck_runs.append(duck_s)
                    dashboard_runs.append(dashboard_s)
                    document_runs.append(document_s)
                    for name, part in _parts(root, period).items():
                        parts.setdefault(name, []).append(part)
        finally:
            duck.close()
    mine = reference.canonical(ours["totals"], ours["platforms"], ours["children"], ours["trend"])
    seconds, duckdb_seconds = _median(app_runs), _median(duck_runs)
    rows = history.rows
    result: dict[str, Any] = {
        "benchmark": "report",
        "db": db,
        "units": rows["units"],
        "channels": rows["channels"],
        "days": shape.days,
        "engagements": shape.engagements,
        "engagements_in_rows": engagements,
        "rows": rows["channel_days"] + rows["unit_days"] + rows["post_figures"],
        "channel_days": rows["channel_days"],
        "unit_days": rows["unit_days"],
        "post_figures": rows["post_figures"],
        "history": "built" if history.built_seconds is not None else "cached",
        "build_seconds": history.built_seconds,
        "period": period.key(),
        "timing": f"median of {repeat} runs after one warm-up",
        "seconds": seconds,
        "seconds_runs": [round(value, 4) for value in app_runs],
        "parts": {name: _median(values) for name, values in parts.items()},
        "queries": _queries(app_figures),
        "duckdb_seconds": duckdb_seconds,
        "duckdb_runs": [round(value, 4) for value in duck_runs],
        "export_seconds": round(export_s, 1),
        "ratio": round(seconds / duckdb_seconds, 2) if duckdb_seconds else None,
        "equal": mine == theirs and engagements == shape.engagements,
        "differences": reference.differences(mine, theirs),
        "dashboard_unit": f"{commune.name} (#{commune.pk})",
        "dashboard_period": dashboard_period.key(),
        "dashboard_seconds": _median(dashboard_runs),
        "dashboard_queries": _queries(lambda: dashboard(commune, dashboard_period)),
    }
    result["document_seconds"] = _median(document_runs)
    return result


def _parts(unit: Unit, period: Period) -> dict[str, float]:
    """Each figure of the report on its own (to see where the time goes)."""
    calls: dict[str, Callable[[], Any]] = {
        "totals": lambda: figures.totals(unit, period),
        "previous": lambda: figures.totals(unit, period.previous()),
        "by_platform": lambda: figures.by_platform(unit, period),
        "by_child": lambda: figures.by_child(unit, period),
        "trend": lambda: figures.trend(unit, period),
        "top_posts": lambda: figures.top_posts(unit, period),
        "grouped_theme": lambda: figures.grouped(unit, period, "theme_id"),
        "grouped_format": lambda: figures.grouped(unit, period, "format"),
        "series_changes": lambda: figures.series_changes(unit, period),
        "unavailable": lambda: figures.unavailable(unit),
    }
    return {name: _timed(call)[0] for name, call in calls.items()}
