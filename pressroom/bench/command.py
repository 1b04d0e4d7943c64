"""`pressroom bench NAME`: run a benchmark; the last line printed is one JSON object.

Not a management command of the web app: `pressroom.cli` hands `bench` to this module, and
the package is left out of the installed wheel (benchmarks run from a source checkout).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="pressroom bench",
        description="Run a benchmark (fanout, schedule, chaos, webhooks, report, pages); "
        "prints JSON.",
    )
    sub = command.add_subparsers(dest="name", required=True)
    _analytics_parsers(sub)
    for name in ("fanout", "schedule", "chaos", "webhooks"):
        p = sub.add_parser(name)
        p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        p.add_argument("--dispatchers", type=int, default=1)
        p.add_argument("--json", action="store_true", help="Only the JSON line.")
        if name == "fanout":
            p.add_argument("--channels", type=int, default=1000)
            p.add_argument("--latency-ms", type=int, default=100)
        if name == "schedule":
            p.add_argument("--deliveries", type=int, default=5000)
            p.add_argument("--window-s", type=float, default=30.0)
            p.add_argument("--latency-ms", type=int, default=100)
        if name == "webhooks":
            p.add_argument("--events", type=int, default=20000)
            p.add_argument("--concurrency", type=int, default=50)
            p.add_argument("--workers", type=int, default=1, help="Web app processes.")
        if name == "chaos":
            p.add_argument("--deliveries", type=int, default=2000)
            p.add_argument("--kills", type=int, default=3)
            p.add_argument("--seed", type=int, default=7)
    return command


def _analytics_parsers(sub: Any) -> None:
    """`report` and `pages`: on a synthetic national history kept between runs."""
    report = sub.add_parser(
        "report",
        help="Root quarterly report and a commune's dashboard against DuckDB.",
        description="Build (or reuse from the cache) a synthetic national history, then time "
        "the root unit's quarterly report figures and one commune's dashboard figures, against "
        "DuckDB computing the same root figures over a Parquet export of the same rows.",
    )
    pages = sub.add_parser(
        "pages",
        help="Server time and SQL queries of key pages with large data.",
        description="On the cached history plus 2,000 posts in a unit's month and an inbox of "
        "50,000 messages (added in a transaction that is rolled back), request the calendar "
        "month, the inbox, the root dashboard and the root report as a person with a role at "
        "the root: p95 server time and SQL queries per page.",
    )
    for p in (report, pages):
        p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        p.add_argument("--json", action="store_true", help="Only the JSON line.")
        p.add_argument("--units", type=int, default=3400, help="Units in the tree (3400).")
        p.add_argument("--channels", type=int, default=10_000, help="Channels (10000).")
        p.add_argument("--days", type=int, default=730, help="Days of history (730).")
        p.add_argument(
            "--engagements",
            type=int,
            default=10_000_000,
            help="Reactions + comments + shares over all channel-days (10000000).",
        )
        p.add_argument("--seed", type=int, default=11)
        p.add_argument("--fresh", action="store_true", help="Build the history again.")
    report.add_argument(
        "--repeat", type=int, default=5, help="Timed runs of each part after a warm-up (5)."
    )
    pages.add_argument("--posts", type=int, default=2000, help="Posts in the month (2000).")
    pages.add_argument(
        "--messages", type=int, default=50_000, help="Messages in the inbox (50000)."
    )
    pages.add_argument("--requests", type=int, default=50, help="Requests per page (50).")
    pages.add_argument(
        "--budget-s",
        type=float,
        default=120.0,
        help="Stop a page's requests (after at least 3) once they took this long (120).",
    )


def _analytics(options: argparse.Namespace) -> dict[str, Any]:
    from pressroom.bench.history import Shape

    shape = Shape(
        units=options.units,
        channels=options.channels,
        days=options.days,
        engagements=options.engagements,
        seed=options.seed,
    )

    def say(line: str) -> None:
        sys.stderr.write(f"{line}\n")
        sys.stderr.flush()

    if options.name == "report":
        from pressroom.bench import reporting

        return reporting.report(
            shape=shape, db=options.db, fresh=options.fresh, repeat=options.repeat, say=say
        )
    from pressroom.bench import pages

    return pages.pages(
        shape=shape,
        db=options.db,
        fresh=options.fresh,
        posts=options.posts,
        messages=options.messages,
        requests=options.requests,
        budget_s=options.budget_s,
        say=say,
    )


def run(options: argparse.Namespace) -> dict[str, Any]:
    from pressroom.bench import publishing

    if options.name in ("report", "pages"):
        return _analytics(options)

    if options.name == "webhooks":
        from pressroom.bench import webhooks

        return webhooks.webhooks(
            events=options.events,
            concurrency=options.concurrency,
            db=options.db,
            workers=options.workers,
        )
    common = {"db": options.db, "dispatchers": options.dispatchers}
    if options.name == "fanout":
        return publishing.fanout(channels=options.channels, latency_ms=options.latency_ms, **common)
    if options.name == "schedule":
        return publishing.schedule(
            deliveries=options.deliveries,
            window_s=options.window_s,
            latency_ms=options.latency_ms,
            **common,
        )
    return publishing.chaos(
        deliveries=options.deliveries, kills=options.kills, seed=options.seed, **common
    )


def main(arguments: list[str]) -> int:
    import django

    options = parser().parse_args(arguments)
    django.setup()
    result = run(options)
    if not options.json:
        sys.stdout.write(f"{options.name} on {options.db}:\n")
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0
