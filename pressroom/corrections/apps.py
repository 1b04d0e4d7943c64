from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.corrections"
    label = "corrections"
    default_auto_field = "django.db.models.BigAutoField"
