from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pressroom.core import checks, language  # noqa: F401  (system checks, sign-in signal)
