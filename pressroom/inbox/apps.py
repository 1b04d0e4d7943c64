from __future__ import annotations

from django.apps import AppConfig


class Config(AppConfig):
    name = "pressroom.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pressroom.channels.signals import channel_connected
        from pressroom.inbox.channel_webhooks import on_channel_connected

        channel_connected.connect(on_channel_connected, dispatch_uid="inbox-channel-webhook")
