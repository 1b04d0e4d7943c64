"""`pressroom rotate_keys`: re-encrypt every stored credential with the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel
from pressroom.core.crypto import generate_key, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt channel credentials with the first key of PRESSROOM_CREDENTIAL_KEYS. "
        "Put a new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate", action="store_true", help="Print a new key and change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            self.stdout.write(generate_key())
            return
        count = 0
        with transaction.atomic():
            for channel in Channel.objects.select_for_update().exclude(credentials_encrypted=""):
                channel.credentials_encrypted = rotate(channel.credentials_encrypted)
                channel.save(update_fields=["credentials_encrypted"])
                count += 1
            record_event(actor="system", action="credentials.rotate", data={"channels": count})
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted the credentials of {count} channels."))
