"""`pressroom collect`: read every channel's figures when due, and send scheduled reports."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from pressroom.analytics import cadence, collect, schedules
from pressroom.analytics.learned_slots import learn_slots
from pressroom.core.checks import require_secret_key


class Command(BaseCommand):
    help = (
        "Collect the channels' figures until stopped: each connected channel every "
        "COLLECT_INTERVAL_S (a new channel's history first, one window a round), held back "
        "after a rate limit for as long as the platform asks; keep every channel's posts of "
        "the last whole weeks every ANALYTICS_CADENCE_REFRESH_S; then e-mail the scheduled "
        "reports of periods that have ended; once a day learn the channels' good hours for the "
        "queue from their history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        require_secret_key()
        cadence_kept_at: float | None = None
        slots_learned_on = None
        while True:
            close_old_connections()
            results = collect.collect_due()
            now = time.monotonic()
            if (
                cadence_kept_at is None
                or now - cadence_kept_at >= settings.ANALYTICS_CADENCE_REFRESH_S
            ):
                cadence.refresh(timezone.localdate(), target=settings.ANALYTICS_CADENCE_TARGET)
                cadence_kept_at = now
            if slots_learned_on != timezone.localdate():
                learn_slots()
                slots_learned_on = timezone.localdate()
            sent = schedules.send_due()
            if options["verbosity"] > 1 or options["once"]:
                errors = [result for result in results if result.error]
                self.stdout.write(
                    f"{len(results)} channels read, {len(errors)} failed, {sent} reports sent"
                )
                for result in errors:
                    self.stdout.write(f"  channel {result.channel_id}: {result.error}")
            if options["once"]:
                return
            time.sleep(options["interval"])
