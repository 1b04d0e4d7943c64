"""`pressroom inbox_retention`: delete message texts and webhook bodies past the retention
period (settings.INBOX_RETENTION_DAYS). Safe to run as often as one likes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pressroom.inbox.privacy import erase_old_bodies


class Command(BaseCommand):
    help = "Delete inbox message texts and webhook bodies older than INBOX_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = erase_old_bodies()
        self.stdout.write(
            f"Older than {settings.INBOX_RETENTION_DAYS} days: {outcome.messages} messages "
            f"erased, {outcome.conversations} conversations blanked, "
            f"{outcome.raw_events_emptied} webhook bodies emptied, "
            f"{outcome.raw_events_deleted} read webhook events deleted."
        )
