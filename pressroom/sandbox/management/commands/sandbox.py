"""`pressroom sandbox`: run the emulated Facebook, Zalo, Telegram and Mastodon APIs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser

from pressroom.core.runtime import quiet_garbage_collector
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

    def handle(self, *args: Any, **options: Any) -> None:
        state_dir = options["state_dir"] or default_state_dir()
        app = build_app(state_dir)
        quiet_garbage_collector()
        self.stdout.write(
            f"Sandbox on http://{options['host']}:{options['port']}/view/ (state in {state_dir})"
        )
        uvicorn.run(
            app,
            host=options["host"],
            port=options["port"],
            timeout_graceful_shutdown=3,
            **uvicorn_options(),
        )
