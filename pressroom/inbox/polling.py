"""Polling: the way to close a gap the webhooks left, and the only way for Mastodon.

Each channel keeps its own cursor (PollCursor): the platform's update offset, notification id
or time. What a poll brings goes through the same `processing.apply` as webhooks, so a comment
seen both ways is stored once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.inbox import processing
from pressroom.inbox.models import PollCursor
from pressroom.inbox.sending import access_of
from pressroom.platforms.base import Outcome
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.inbound import Fetched
from pressroom.platforms.registry import descriptor_for, listener_for

logger = logging.getLogger(__name__)

# Pages of one poll at most, so one busy channel does not hold up the others.
MAX_PAGES = 10


def due_channels() -> list[Channel]:
    """Connected channels whose platform has an inbound side and whose poll is due: every
    POLL_INTERVAL_S without webhooks (Mastodon), every POLL_FALLBACK_S with them."""
    now = timezone.now()
    found = []
    for channel in Channel.objects.filter(status=Channel.Status.CONNECTED).select_related(
        "poll_cursor"
    ):
        if not descriptor_for(channel.platform).listener:
            continue
        listener = listener_for(channel.platform)
        if listener.channel_secret and channel.options.get("webhook") == "set":
            # The channel's own webhook is set: the platform keeps what it could not deliver
            # and cannot be polled meanwhile (Telegram answers 409).
            continue
        every = settings.POLL_FALLBACK_S if listener.has_webhooks else settings.POLL_INTERVAL_S
        cursor = getattr(channel, "poll_cursor", None)
        if (
            cursor is None
            or cursor.polled_at is None
            or cursor.polled_at + timedelta(seconds=every) <= now
        ):
            found.append(channel)
    return found


def poll_channel(channel: Channel) -> int:
    """Poll one channel until it has nothing more (or MAX_PAGES); the happenings applied."""
    cursor, _ = PollCursor.objects.get_or_create(channel=channel)
    applied = processing.Applied()
    total = 0
    for _page in range(MAX_PAGES):
        result = asyncio.run(_fetch(channel, dict(cursor.cursor)))
        if isinstance(result, Outcome):
            PollCursor.objects.filter(pk=cursor.pk).update(
                polled_at=timezone.now(), error=f"{result.code}: {result.reason}"[:300]
            )
            break
        with transaction.atomic():
            for happening in result.happenings:
                processing.apply(channel, happening, applied)
            cursor.cursor = dict(result.cursor)
            cursor.polled_at = timezone.now()
            cursor.error = ""
            cursor.save(update_fields=["cursor", "polled_at", "error"])
            processing.announce(applied)
            applied = processing.Applied()
        total += len(result.happenings)
        if not result.more:
            break
    return total


async def _fetch(channel: Channel, cursor: dict[str, object]) -> Fetched | Outcome:
    async with make_http_client() as http:
        client = client_class(channel.platform)(access_of(channel), http)
        return await client.fetch(cursor)


def poll_due() -> int:
    total = 0
    for channel in due_channels():
        try:
            total += poll_channel(channel)
        except Exception:
            logger.exception("Polling channel %s failed", channel.pk)
    return total
