"""A channel whose platform sets webhooks per channel (Telegram) gets its own address and
secret when it is connected: the secret is kept in its credentials, the address names it."""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from django.conf import settings
from django.urls import reverse

from pressroom.channels.models import Channel
from pressroom.inbox.intake import forget_channel_secret
from pressroom.inbox.sending import access_of
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.registry import descriptor_for, listener_for

logger = logging.getLogger(__name__)


def webhook_url(channel: Channel) -> str:
    path = reverse("webhook_channel", args=[channel.platform, channel.pk])
    return f"{str(settings.PUBLIC_URL).rstrip('/')}{path}"


def set_up(channel: Channel) -> Outcome | None:
    """Give the platform this channel's address and a new secret; None when the platform takes
    webhooks for the whole app instead (nothing to do per channel)."""
    if not descriptor_for(channel.platform).listener:
        return None
    key = listener_for(channel.platform).channel_secret
    if not key:
        return None
    secret = secrets.token_urlsafe(32)
    outcome = asyncio.run(_register(channel, webhook_url(channel), secret))
    if outcome.kind is OutcomeKind.PUBLISHED:
        channel.credentials = {**channel.credentials, key: secret}
        channel.options = {**channel.options, "webhook": "set"}
        channel.save(update_fields=["credentials_encrypted", "options"])
        forget_channel_secret(channel.pk)
    else:
        # Polling closes the gap: the channel is still read, only later.
        channel.options = {**channel.options, "webhook": f"failed: {outcome.code}"}
        channel.save(update_fields=["options"])
        logger.warning("Could not set channel %s's webhook: %s", channel.pk, outcome.code)
    return outcome


async def _register(channel: Channel, url: str, secret: str) -> Outcome:
    async with make_http_client() as http:
        client = client_class(channel.platform)(access_of(channel), http)
        return await client.register_webhook(url, secret)


def on_channel_connected(sender: Any, channel_id: int, **kwargs: Any) -> None:
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return
    try:
        set_up(channel)
    except Exception:
        logger.exception("Setting up channel %s's webhook failed", channel_id)
