from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pressroom.core import checks  # noqa: F401  (registers the system checks)
