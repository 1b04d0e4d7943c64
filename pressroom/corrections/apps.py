from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.corrections"
    label = "corrections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pressroom.corrections.matching import on_messages_received
        from pressroom.inbox.signals import messages_received

        messages_received.connect(on_messages_received, dispatch_uid="corrections.match")
