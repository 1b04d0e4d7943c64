"""A synthetic national history for the analytics benchmarks, kept between runs.

A root unit, 34 provinces, communes under them and agencies under the communes; channels
spread over the units and the four platforms; a figure row per channel and day ending the
day before it was built (followers growing, the day's reach, visits, posts... from a cheap
hash, deterministic for a seed), where the reactions, comments and shares of all the rows add
up to exactly `engagements`; some published posts with their figures (for the top posts);
then the roll-ups, recomputed by `rollup.rebuild`.

It is cached by its parameters: a SQLite file under the cache folder
(PRESSROOM_BENCH_CACHE, by default ~/.cache/pressroom/bench), or a database
`pressroom_bench_<parameters>` on the PostgreSQL server; `fresh` builds it again.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pressroom.analytics import rollup
from pressroom.bench import benchdb
from pressroom.bench import history_rows as rows
from pressroom.bench.history_rows import Say
from pressroom.core.dates import VIETNAM
from pressroom.orgs.models import Unit

# Changes whenever the generator makes different rows: older caches are not used.
VERSION = 3
META_TABLE = "bench_history"


@dataclass(frozen=True)
class Shape:
    units: int = 3400
    channels: int = 10_000
    days: int = 730
    engagements: int = 10_000_000
    seed: int = 11

    def key(self) -> str:
        return (
            f"u{self.units}_c{self.channels}_d{self.days}_e{self.engagements}"
            f"_s{self.seed}_v{VERSION}"
        )


@dataclass
class History:
    shape: Shape
    first_day: date
    last_day: date
    root_id: int
    rows: dict[str, int]
    # None when the history came from the cache.
    built_seconds: float | None = None

    def root(self) -> Unit:
        return Unit.objects.get(pk=self.root_id)


def cache_dir() -> Path:
    configured = os.environ.get("PRESSROOM_BENCH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pressroom" / "bench"


def postgres_name(shape: Shape) -> str:
    return f"pressroom_bench_{shape.key()}"[:63]


def open_history(shape: Shape, *, db: str, fresh: bool, say: Say) -> History:
    """Point the connection at the history of `shape`, building it when it is not cached
    (or when `fresh`)."""
    if shape.units < 2 or shape.channels < 1 or shape.days < 1:
        raise ValueError("a history needs at least 2 units, 1 channel and 1 day")
    if db == "sqlite":
        path = cache_dir() / f"history-{shape.key()}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)

        def wipe() -> None:
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            benchdb.use_sqlite(path)

        benchdb.use_sqlite(path)
        where = str(path)
    else:
        name = postgres_name(shape)

        def wipe() -> None:
            benchdb.drop_postgres(name)
            benchdb.create_postgres(name)
            benchdb.use_postgres(name)

        if not benchdb.postgres_exists(name):
            benchdb.create_postgres(name)
        benchdb.use_postgres(name)
        where = f"database {name}"
    if fresh:
        wipe()
    call_command("migrate", verbosity=0, interactive=False)
    meta = _read_meta()
    if meta is not None:
        say(f"history from the cache ({where})")
        return History(
            shape=shape,
            first_day=date.fromisoformat(meta["first_day"]),
            last_day=date.fromisoformat(meta["last_day"]),
            root_id=int(meta["root_id"]),
            rows={str(k): int(v) for k, v in meta["rows"].items()},
        )
    # Nothing, or a build that did not finish: from the start.
    wipe()
    call_command("migrate", verbosity=0, interactive=False)
    say(f"building the history in {where}")
    started = time.perf_counter()
    history = _build(shape, say)
    history.built_seconds = round(time.perf_counter() - started, 1)
    _write_meta(history)
    say(f"history built in {history.built_seconds} s")
    return history


def _read_meta() -> dict[str, Any] | None:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {META_TABLE}")  # noqa: S608 (a constant)
            row = cursor.fetchone()
    except DatabaseError:
        return None
    if row is None:
        return None
    meta: dict[str, Any] = json.loads(row[0])
    return meta


def _write_meta(history: History) -> None:
    meta = {
        "shape": asdict(history.shape),
        "first_day": history.first_day.isoformat(),
        "last_day": history.last_day.isoformat(),
        "root_id": history.root_id,
        "rows": history.rows,
        "built_seconds": history.built_seconds,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {META_TABLE} (value text)")
        cursor.execute(f"INSERT INTO {META_TABLE} VALUES (%s)", [json.dumps(meta)])  # noqa: S608


def _build(shape: Shape, say: Say) -> History:
    last_day = timezone.localdate(timezone=VIETNAM) - timedelta(days=1)
    days = [last_day - timedelta(days=shape.days - 1 - index) for index in range(shape.days)]
    author = get_user_model().objects.create_user("bench.author", password=None)
    root, tree = rows.units(shape.units)
    say(f"  {len(tree):,} units")
    channels = rows.channels(shape.channels, tree, shape.seed)
    say(f"  {len(channels):,} channels")
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            # Only while the history is written: its rows are consistent by construction.
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
    written = rows.write_channel_days(shape.engagements, shape.seed, channels, days, say)
    posts = rows.published(shape.seed, channels, days, author.pk, say)
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys=ON")
    started = time.perf_counter()
    rolled = rollup.rebuild()
    say(f"  {rolled:,} roll-up rows in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        # What a deployment's maintenance does (`PRAGMA optimize`, autovacuum).
        if sqlite:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE")
    return History(
        shape=shape,
        first_day=days[0],
        last_day=last_day,
        root_id=root.pk,
        rows={
            "channel_days": written,
            "unit_days": rolled,
            "post_figures": posts,
            "units": len(tree),
            "channels": len(channels),
        },
    )
