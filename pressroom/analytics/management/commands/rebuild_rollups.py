"""`pressroom rebuild_rollups`: recompute every unit's figures from the channels' rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pressroom.analytics import cadence, rollup


class Command(BaseCommand):
    help = (
        "Recompute the roll-ups of every unit (its figures with every unit below it) from the "
        "channels' daily figures, and their posts per week: after restoring or importing "
        "figures by hand. The roll-ups are otherwise kept up to date as figures arrive and "
        "units move or merge."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = rollup.rebuild()
        cadence.refresh(timezone.localdate(), target=settings.ANALYTICS_CADENCE_TARGET)
        self.stdout.write(f"{written} roll-up rows written")
