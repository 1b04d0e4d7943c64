from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pressroom.audit import signals  # noqa: F401  (connects the sign-in receivers)
