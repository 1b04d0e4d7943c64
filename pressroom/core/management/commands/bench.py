"""`pressroom bench NAME`: run a benchmark; the last line printed is one JSON object."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pressroom.bench import publishing


class Command(BaseCommand):
    help = "Run a benchmark (fanout, schedule, chaos) in a fresh database; prints JSON."
    # The benchmark switches to its own fresh database before touching one.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="name", required=True)
        for name in ("fanout", "schedule", "chaos"):
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
            if name == "chaos":
                p.add_argument("--deliveries", type=int, default=2000)
                p.add_argument("--kills", type=int, default=3)
                p.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        common = {"db": options["db"], "dispatchers": options["dispatchers"]}
        if name == "fanout":
            result = publishing.fanout(
                channels=options["channels"], latency_ms=options["latency_ms"], **common
            )
        elif name == "schedule":
            result = publishing.schedule(
                deliveries=options["deliveries"],
                window_s=options["window_s"],
                latency_ms=options["latency_ms"],
                **common,
            )
        else:
            result = publishing.chaos(
                deliveries=options["deliveries"],
                kills=options["kills"],
                seed=options["seed"],
                **common,
            )
        if not options["json"]:
            self.stdout.write(f"{name} on {options['db']}:")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
