"""URLs of the correction desk."""

from __future__ import annotations

urlpatterns: list = []
