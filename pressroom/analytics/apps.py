from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pressroom.analytics import receivers

        receivers.connect()
