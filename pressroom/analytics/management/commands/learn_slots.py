"""`pressroom learn_slots`: learn the queue's good hours of every channel from its history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressroom.analytics.learned_slots import learn_slots
from pressroom.orgs.models import Unit


class Command(BaseCommand):
    help = (
        "Learn each channel's good hours for the queue from its posts of the last 90 days "
        "(the three half hours with the highest median reactions and comments per post, "
        "never at night), for channels with enough history; `pressroom collect` does it "
        "once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="Only this unit's channels and those below it (slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(slug=options["unit"]).first()
            if unit is None:
                raise CommandError(f"No unit {options['unit']!r}.")
        learned = learn_slots(unit=unit)
        with_slots = [row for row in learned if row.slots]
        self.stdout.write(f"{len(learned)} channels read, {len(with_slots)} with learned hours")
        if options["verbosity"] > 1:
            for row in learned:
                hours = ", ".join(row.slots) or "-"
                self.stdout.write(f"  channel {row.channel_id}: {row.posts} posts, {hours}")
