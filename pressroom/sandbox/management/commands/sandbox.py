"""`pressroom sandbox`: run the emulated Facebook, Zalo, Telegram and Mastodon APIs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressroom.core.runtime import quiet_garbage_collector
from pressroom.sandbox.public import MAX_RATE_PER_MINUTE
from pressroom.sandbox.server import build_app, default_state_dir, uvicorn_options


class Command(BaseCommand):
    help = (
        "Run the platform sandbox: the APIs Pressroom publishes to, a ledger of what was "
        "created (/_ledger) and pages showing each account's feed (/view/)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--state-dir",
            type=Path,
            default=None,
            help="Where accounts, posts and files are kept (default: DATA_DIR/sandbox).",
        )
        parser.add_argument(
            "--public-rate",
            type=float,
            default=0.0,
            help="How many times a minute simulated citizens comment, reply, react or write "
            "to the accounts (default: 0, never; PUT /_control/public changes it).",
        )
        parser.add_argument(
            "--public-seed",
            type=int,
            default=0,
            help="The seed of the simulated public: the same seed, the same acts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        state_dir = options["state_dir"] or default_state_dir()
        if not 0 <= options["public_rate"] <= MAX_RATE_PER_MINUTE:
            raise CommandError(f"--public-rate must be from 0 to {MAX_RATE_PER_MINUTE:g}")
        app = build_app(
            state_dir, public_rate=options["public_rate"], public_seed=options["public_seed"]
        )
        quiet_garbage_collector()
        self.stdout.write(
            f"Sandbox on http://{options['host']}:{options['port']}/view/ (state in {state_dir})"
        )
        if options["public_rate"]:
            self.stdout.write(
                f"Simulated public: {options['public_rate']:g} acts a minute "
                f"(seed {options['public_seed']})"
            )
        uvicorn.run(
            app,
            host=options["host"],
            port=options["port"],
            timeout_graceful_shutdown=3,
            **uvicorn_options(),
        )
