"""The report benchmark's reference: DuckDB computing a unit's period figures straight from a
Parquet export of the channel-day rows and the unit tree (no roll-ups).

`export` writes the two Parquet files from the database (CSV first: DuckDB cannot read
SQLite or PostgreSQL here without downloading an extension); `Reference.figures` answers
in the same shape as `canonical` makes of the app's own figures, so the two compare with ==.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
from django.db import connection

from pressroom.analytics.figures import Period, Totals, UnitLine
from pressroom.analytics.models import SUMMED, ChannelDay
from pressroom.orgs.models import Unit

# What a unit's period figures are, per line: the summed measures, and followers (a level).
LEVELS = ("followers", "followers_before")
COLUMNS = (
    ("channel_id", "BIGINT"),
    ("day", "DATE"),
    ("unit_id", "BIGINT"),
    ("platform", "VARCHAR"),
    *((name, "BIGINT") for name in (*SUMMED, "followers")),
)

Figures = dict[str, int]
Canonical = dict[str, Any]


def export(directory: Path) -> tuple[Path, Path]:
    """The channel-day rows (in the order they were written) and the units, as Parquet."""
    names = ", ".join(name for name, _ in COLUMNS)
    table = connection.ops.quote_name(ChannelDay._meta.db_table)
    select = f"SELECT {names} FROM {table} ORDER BY id"  # noqa: S608 (names from the model)
    rows_csv = directory / "channel_days.csv"
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with (
            rows_csv.open("wb") as out,
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)") as copy,
        ):
            for block in copy:
                out.write(block)
    else:
        raw = connection.connection
        assert raw is not None
        with rows_csv.open("w", newline="") as text:
            csv.writer(text).writerows(raw.execute(select))
    days = directory / "channel_days.parquet"
    units = directory / "units.parquet"
    duck = duckdb.connect()
    duck.execute("SET enable_progress_bar = false")
    try:
        types = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS)
        rows = f"read_csv('{rows_csv}', header = false, columns = {{{types}}})"
        duck.execute(f"COPY (SELECT * FROM {rows}) TO '{days}' (FORMAT parquet)")  # noqa: S608
        duck.execute("CREATE TABLE units (id BIGINT, path VARCHAR)")
        duck.executemany(
            "INSERT INTO units VALUES (?, ?)", list(Unit.objects.values_list("id", "path"))
        )
        duck.execute(f"COPY units TO '{units}' (FORMAT parquet)")
    finally:
        duck.close()
    rows_csv.unlink()
    return days, units


_INSIDE = "FROM channel_days d JOIN units u ON u.id = d.unit_id WHERE starts_with(u.path, $root)"
_CHILD = "NULLIF(split_part(u.path, '/', $part), '')"
# Per child unit (NULL: the unit's own channels) and platform, and per day, in one pass.
_SUMMED = (
    f"SELECT {_CHILD} AS child, d.platform, d.day, GROUPING(d.day) AS per_line, "
    + ", ".join(f"sum(d.{name})" for name in SUMMED)
    + f", sum(d.followers) {_INSIDE} AND d.day BETWEEN $start AND $end "
    "GROUP BY GROUPING SETS ((child, d.platform), (d.day))"
)
# Followers are a level: the last day with figures up to the period's end, and the last one
# before it (both within 400 days); then the followers on those two days only.
_LEVEL_DAYS = (
    "SELECT max(d.day) FILTER (WHERE d.day <= $end), max(d.day) FILTER (WHERE d.day < $start) "
    f"{_INSIDE} AND d.day BETWEEN $early AND $end"
)
_LEVELS = (
    f"SELECT {_CHILD} AS child, d.platform, "
    "sum(d.followers) FILTER (WHERE d.day = $last), "
    "sum(d.followers) FILTER (WHERE d.day = $before) "
    f"{_INSIDE} AND d.day IN ($last, $before) GROUP BY child, d.platform"
)


class Reference:
    def __init__(self, days: Path, units: Path) -> None:
        self.duck = duckdb.connect()
        self.duck.execute("SET enable_progress_bar = false")
        # Views: every query reads the files again.
        for name, path in (("channel_days", days), ("units", units)):
            self.duck.execute(f"CREATE VIEW {name} AS FROM read_parquet('{path}')")

    def close(self) -> None:
        self.duck.close()

    def engagements(self) -> int:
        row = self.duck.execute(
            "SELECT sum(reactions + comments + shares) FROM channel_days"
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def figures(self, root_path: str, period: Period) -> Canonical:
        """The unit's totals, per platform, per child unit (and its own channels), and per
        day, over the period; followers those of the last day with figures."""
        parameters = {
            "root": root_path,
            # "/1/4/" → the child's id is the part after the unit's own.
            "part": root_path.count("/") + 1,
            "start": period.start,
            "end": period.end,
        }
        summed = self.duck.execute(_SUMMED, parameters).fetchall()
        early = period.start - timedelta(days=400)
        found = self.duck.execute(
            _LEVEL_DAYS,
            {"root": root_path, "start": period.start, "end": period.end, "early": early},
        ).fetchone()
        last, before = found if found else (None, None)
        levels: list[tuple[Any, ...]] = []
        if last is not None or before is not None:
            levels = self.duck.execute(
                _LEVELS,
                {"root": root_path, "part": parameters["part"], "last": last, "before": before},
            ).fetchall()
        return _assemble(summed, levels)


def _empty() -> Figures:
    return dict.fromkeys((*SUMMED, *LEVELS), 0)


def _assemble(summed: list[tuple[Any, ...]], levels: list[tuple[Any, ...]]) -> Canonical:
    lines: dict[str, dict[str, Figures]] = defaultdict(lambda: defaultdict(_empty))
    trend: dict[str, Figures] = {}
    count = len(SUMMED)
    for child, platform, day, per_line, *values in summed:
        if per_line:
            lines[child or "own"][platform].update(
                zip(SUMMED, map(int, values[:count]), strict=True)
            )
        else:
            trend[day.isoformat()] = {
                **dict(zip(SUMMED, map(int, values[:count]), strict=True)),
                "followers": int(values[count]),
            }
    for child, platform, last, before in levels:
        figures = lines[child or "own"][platform]
        figures["followers"] = int(last or 0)
        figures["followers_before"] = int(before or 0)
    platforms: dict[str, Figures] = defaultdict(_empty)
    whole = _empty()
    for per_platform in lines.values():
        for platform, figures in per_platform.items():
            for name, value in figures.items():
                platforms[platform][name] += value
                whole[name] += value
    return _clean(
        {
            "totals": whole,
            "platforms": dict(platforms),
            "children": {key: dict(value) for key, value in lines.items()},
            "trend": trend,
        }
    )


def _clean(found: Canonical) -> Canonical:
    """Lines and platforms with nothing in them left out (both sides may or may not list
    them)."""
    found["platforms"] = {p: f for p, f in sorted(found["platforms"].items()) if any(f.values())}
    found["children"] = {
        key: {p: f for p, f in sorted(line.items()) if any(f.values())}
        for key, line in sorted(found["children"].items())
    }
    found["children"] = {key: line for key, line in found["children"].items() if line}
    return found


def _of(totals: Totals) -> Figures:
    return {name: int(getattr(totals, name)) for name in (*SUMMED, *LEVELS)}


def canonical(
    whole: Totals,
    platforms: dict[str, Totals],
    children: list[UnitLine],
    trend: list[dict[str, Any]],
) -> Canonical:
    """The app's figures (from `pressroom.analytics.figures`) in the reference's shape."""
    return _clean(
        {
            "totals": _of(whole),
            "platforms": {platform: _of(t) for platform, t in platforms.items()},
            "children": {
                str(line.unit.pk) if line.unit is not None else "own": {
                    platform: _of(t) for platform, t in line.platforms.items()
                }
                for line in children
            },
            "trend": {
                _iso(row["day"]): {name: int(row[name] or 0) for name in (*SUMMED, "followers")}
                for row in trend
            },
        }
    )


def _iso(day: date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def differences(ours: Canonical, theirs: Canonical, limit: int = 10) -> list[str]:
    """Where the two disagree, as readable lines (at most `limit`)."""
    found: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(a.get(key), b.get(key), f"{where}/{key}")
        elif a != b:
            found.append(f"{where}: app {a!r}, DuckDB {b!r}")

    walk(ours, theirs, "")
    return found
