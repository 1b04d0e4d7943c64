"""Webhook addresses (see webhook_views.py)."""

from __future__ import annotations

from django.urls import path

from pressroom.inbox import webhook_views

urlpatterns = [
    path("facebook", webhook_views.facebook, name="webhook_facebook"),
    path("zalo", webhook_views.zalo, name="webhook_zalo"),
    path("telegram/<int:channel_id>", webhook_views.telegram, name="webhook_telegram"),
    path("hello", webhook_views.hello, name="webhook_hello"),
]
