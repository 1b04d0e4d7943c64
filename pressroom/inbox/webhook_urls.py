"""Webhook addresses (see webhook_views.py)."""

from __future__ import annotations

from django.urls import path

from pressroom.inbox import webhook_views

urlpatterns = [
    path("hello", webhook_views.hello, name="webhook_hello"),
    path("<str:platform>", webhook_views.app_webhook, name="webhook_app"),
    path(
        "<str:platform>/<int:channel_id>",
        webhook_views.channel_webhook,
        name="webhook_channel",
    ),
]
