"""URLs of the inbox's settings, reports, moderation log and data-subject requests."""

from __future__ import annotations

urlpatterns: list = []
