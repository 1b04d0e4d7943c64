"""Roll-ups up the unit tree, maintained as figures arrive.

A change of a channel's figures on a day is added to the `UnitDay` row of the channel's unit
and of every unit above it, in one upsert per row (`INSERT … ON CONFLICT … DO UPDATE SET x =
x + excluded.x`, the same statement on SQLite and PostgreSQL). A unit moved or merged carries
its rows from the units it left to the ones it joined. The same changes are added to the
units' `UnitMonth` rows, and a channel's posts to its `ChannelWeek` row. `rebuild`
recomputes everything from the channel rows, and is what the tests compare the maintained
roll-ups with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import DateField, F, QuerySet, Sum, Value
from django.db.models.functions import Concat, Substr, TruncMonth, TruncWeek

from pressroom.analytics.models import (
    FIGURES,
    SUMMED,
    ChannelDay,
    ChannelWeek,
    PostFigures,
    UnitDay,
    UnitMonth,
)
from pressroom.orgs.models import Unit

_CHUNK = 500


@dataclass(frozen=True)
class Change:
    """How one channel's figures changed on one day (new minus old, per figure)."""

    unit_path: str
    day: date
    platform: str
    deltas: Mapping[str, int]


Key = tuple[int, date, str]


def path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def add(changes: Iterable[Change]) -> int:
    """Add channel changes to the roll-ups of their units and every unit above; the number
    of roll-up rows written."""
    totals: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for change in changes:
        if not any(change.deltas.values()):
            continue
        for unit_id in path_ids(change.unit_path):
            row = totals[(unit_id, change.day, change.platform)]
            for name, delta in change.deltas.items():
                row[name] += delta
    _upsert(_months(totals), UnitMonth, "month", SUMMED)
    return _upsert(totals)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _months(totals: Mapping[Key, Mapping[str, int]]) -> dict[Key, dict[str, int]]:
    """Day rows' figures (followers left out: a level) summed into their months."""
    months: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SUMMED, 0))
    for (unit_id, day, platform), figures in totals.items():
        row = months[(unit_id, month_of(day), platform)]
        for name in SUMMED:
            row[name] += figures.get(name, 0)
    return months


def _upsert(
    totals: Mapping[Key, Mapping[str, int]],
    model: type[UnitDay | UnitMonth] = UnitDay,
    period: str = "day",
    names: tuple[str, ...] = FIGURES,
) -> int:
    rows = [
        (
            unit_id,
            connection.ops.adapt_datefield_value(day),
            platform,
            *(figures[name] for name in names),
        )
        for (unit_id, day, platform), figures in totals.items()
        if any(figures[name] for name in names)
    ]
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(("unit_id", period, "platform", *names))
    marks = ", ".join(["%s"] * (3 + len(names)))
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in names)
    # Names from the model, never from input.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT (unit_id, {period}, platform) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            cursor.executemany(sql, rows[start : start + _CHUNK])
    return len(rows)


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def add_weeks(channel_id: int, posts: Mapping[date, int]) -> int:
    """Add changes of a channel's posts on some days to its weeks; the rows written."""
    weeks: dict[date, int] = defaultdict(int)
    for day, delta in posts.items():
        weeks[week_of(day)] += delta
    rows = [
        (channel_id, connection.ops.adapt_datefield_value(week), delta)
        for week, delta in weeks.items()
        if delta
    ]
    if not rows:
        return 0
    table = connection.ops.quote_name(ChannelWeek._meta.db_table)
    # Names from the model, never from input.
    sql = (
        f"INSERT INTO {table} (channel_id, week, posts) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (channel_id, week) DO UPDATE SET posts = {table}.posts + excluded.posts"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def _carry(unit_id: int, leaving: Iterable[int], joining: Iterable[int]) -> None:
    """Take the unit's roll-up rows (its whole subtree) out of `leaving` and into `joining`."""
    left, joined = set(leaving), set(joining)
    out, into = left - joined, joined - left
    if not out and not into:
        return
    totals: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in UnitDay.objects.filter(unit_id=unit_id).values("day", "platform", *FIGURES):
        for target, sign in [(u, -1) for u in out] + [(u, 1) for u in into]:
            figures = totals[(target, row["day"], row["platform"])]
            for name in FIGURES:
                figures[name] += sign * row[name]
    _upsert(totals)
    _upsert(_months(totals), UnitMonth, "month", SUMMED)
    UnitDay.objects.filter(unit_id__in=out, **{f"{name}": 0 for name in FIGURES}).delete()
    UnitMonth.objects.filter(unit_id__in=out, **{f"{name}": 0 for name in SUMMED}).delete()


def _replace_post_paths(old: str, new: str) -> None:
    PostFigures.objects.filter(unit_path__startswith=old).update(
        unit_path=Concat(Value(new), Substr(F("unit_path"), len(old) + 1))
    )


@transaction.atomic
def unit_moved(unit_id: int, old_path: str, new_path: str) -> None:
    """After `orgs.actions.move_unit`: the unit's figures leave its old ancestors."""
    _carry(unit_id, path_ids(old_path)[:-1], path_ids(new_path)[:-1])
    _replace_post_paths(old_path, new_path)


@transaction.atomic
def unit_merged(source_id: int, source_path: str, into_id: int) -> None:
    """After `orgs.actions.merge_units`: the merged unit's figures, its channels' and the
    units below it, are the receiving unit's from now on (history included)."""
    into_path = Unit.objects.values_list("path", flat=True).get(pk=into_id)
    _carry(source_id, path_ids(source_path), path_ids(into_path))
    ChannelDay.objects.filter(unit_id=source_id).update(unit_id=into_id)
    _replace_post_paths(source_path, into_path)


def rebuild() -> int:
    """Recompute every roll-up from the channel rows (after an import, or to check): one
    INSERT … SELECT over the tree's (unit, ancestor) pairs; the number of rows written."""
    pairs = [
        (unit_id, ancestor)
        for unit_id, path in Unit.objects.values_list("id", "path")
        for ancestor in path_ids(path)
    ]
    table = connection.ops.quote_name(UnitDay._meta.db_table)
    days = connection.ops.quote_name(ChannelDay._meta.db_table)
    sums = ", ".join(f"SUM(d.{name})" for name in FIGURES)
    columns = ", ".join(("unit_id", "day", "platform", *FIGURES))
    with transaction.atomic(), connection.cursor() as cursor:
        UnitDay.objects.all().delete()
        cursor.execute("DROP TABLE IF EXISTS analytics_ancestry")
        cursor.execute(
            "CREATE TEMPORARY TABLE analytics_ancestry (unit_id bigint, ancestor_id bigint)"
        )
        for start in range(0, len(pairs), _CHUNK * 10):
            cursor.executemany(
                "INSERT INTO analytics_ancestry VALUES (%s, %s)", pairs[start : start + _CHUNK * 10]
            )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 (names from the model)
            f"SELECT a.ancestor_id, d.day, d.platform, {sums} FROM {days} d "
            "JOIN analytics_ancestry a ON a.unit_id = d.unit_id "
            "GROUP BY a.ancestor_id, d.day, d.platform"
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE analytics_ancestry")
        rebuild_months()
        rebuild_weeks()
    return int(written)


def _replace_all(
    model: Any, columns: Sequence[str], rows: QuerySet[Any], picked: Sequence[str]
) -> int:
    """Empty `model`'s table and fill it with `picked` of the ORM's `rows` as `columns`, in
    one INSERT … SELECT; the number of rows written."""
    select, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        model.objects.all().delete()
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (the ORM's SQL)
            f"SELECT {', '.join(picked)} FROM ({select}) made",
            params,
        )
        return int(cursor.rowcount)


def rebuild_months() -> int:
    """Recompute every unit's months from its days; the number of rows written."""
    months = (
        UnitDay.objects.annotate(first=TruncMonth("day", output_field=DateField()))
        .values("unit_id", "first", "platform")
        .annotate(**{f"total_{name}": Sum(name) for name in SUMMED})
        .order_by()
    )
    return _replace_all(
        UnitMonth,
        ("unit_id", "month", "platform", *SUMMED),
        months,
        ("unit_id", "first", "platform", *(f"total_{name}" for name in SUMMED)),
    )


def rebuild_weeks() -> int:
    """Recompute every channel's posts per week from its days; the number of rows written."""
    weeks = (
        ChannelDay.objects.filter(posts__gt=0)
        .annotate(monday=TruncWeek("day", output_field=DateField()))
        .values("channel_id", "monday")
        .annotate(total=Sum("posts"))
        .order_by()
    )
    return _replace_all(
        ChannelWeek, ("channel_id", "week", "posts"), weeks, ("channel_id", "monday", "total")
    )
