"""`pressroom listen`: poll the channels, read stored webhooks, recover lost replies."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from pressroom.core.checks import require_secret_key
from pressroom.inbox.listener import Listener


class Command(BaseCommand):
    help = (
        "Run the inbox's listener until stopped: poll every channel when due (Mastodon "
        "always, the others as a fallback to webhooks), read stored webhook bodies and "
        "look for replies whose sender stopped mid-send; apply the retention period hourly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        require_secret_key()
        listener = Listener()
        while True:
            close_old_connections()
            listener.round()
            if options["once"]:
                return
            time.sleep(options["interval"])
