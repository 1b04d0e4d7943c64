from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.emergency"
    label = "emergency"
    default_auto_field = "django.db.models.BigAutoField"
