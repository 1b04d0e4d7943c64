"""`pressroom dispatcher`: send due deliveries until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pressroom.core.checks import require_secret_key
from pressroom.publishing.dispatcher import run_dispatcher


class Command(BaseCommand):
    help = "Send due deliveries to the platforms, concurrently, until stopped (Ctrl-C)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Stop when nothing is due.")
        parser.add_argument("--concurrency", type=int, default=None)
        parser.add_argument(
            "--ready-file",
            default=None,
            help="Create this file once the dispatcher is polling (for scripts that wait).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_secret_key()
        run_dispatcher(
            once=options["once"],
            concurrency=options["concurrency"],
            ready_file=options["ready_file"],
        )
