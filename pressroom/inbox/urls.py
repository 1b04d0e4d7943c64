"""URLs of the inbox: conversations and replies here; the unit's settings, reports, the
moderation log and data-subject requests in manage_urls.py."""

from __future__ import annotations

from django.urls import include, path

urlpatterns: list = [
    path("", include("pressroom.inbox.manage_urls")),
]
