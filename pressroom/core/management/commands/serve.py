"""`pressroom serve`: the web app under uvicorn (ASGI)."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser

from pressroom.core.checks import require_secret_key


class Command(BaseCommand):
    help = "Serve the web app with uvicorn. Put a reverse proxy (TLS) in front in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        require_secret_key()
        uvicorn.run(
            "pressroom.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level="warning",
            proxy_headers=True,
        )
