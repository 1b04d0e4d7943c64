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
        description="Run a benchmark (fanout, schedule, chaos, webhooks) in a fresh database; "
        "prints JSON.",
    )
    sub = command.add_subparsers(dest="name", required=True)
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


def run(options: argparse.Namespace) -> dict[str, Any]:
    from pressroom.bench import publishing

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
