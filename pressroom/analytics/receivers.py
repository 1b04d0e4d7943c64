"""What analytics hears from the apps below it: the tree changing, the inbox receiving."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from pressroom.analytics import rollup, store
from pressroom.analytics.collect import figures_row
from pressroom.analytics.models import PostFigures
from pressroom.channels.models import Channel
from pressroom.inbox.models import Message
from pressroom.inbox.signals import messages_received, reactions_counted
from pressroom.orgs.signals import unit_merged, unit_moved
from pressroom.platforms.inbound import ThreadKind
from pressroom.publishing.models import Delivery


def on_unit_moved(sender: Any, unit_id: int, old_path: str, new_path: str, **_: Any) -> None:
    rollup.unit_moved(unit_id, old_path, new_path)


def on_unit_merged(sender: Any, source_id: int, source_path: str, into_id: int, **_: Any) -> None:
    rollup.unit_merged(source_id, source_path, into_id)


def on_messages_received(sender: Any, message_ids: list[int], **_: Any) -> None:
    """Comments and messages from the public, counted on the day they were written."""
    counts: dict[int, dict[date, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {"comments": 0, "messages": 0})
    )
    for channel_id, at, kind in Message.objects.filter(
        pk__in=message_ids, direction=Message.Direction.IN
    ).values_list("channel_id", "at", "conversation__kind"):
        figure = "messages" if kind == ThreadKind.MESSAGES else "comments"
        counts[channel_id][timezone.localdate(at)][figure] += 1
    channels = Channel.objects.select_related("unit").in_bulk(list(counts))
    for channel_id, days in counts.items():
        store.add_counts(channels[channel_id], days)


def on_reactions_counted(
    sender: Any, channel_id: int, post_remote_id: str, count: int, at: datetime, **_: Any
) -> None:
    """The platform's latest total of reactions on a post (Telegram's reaction counts)."""
    delivery = (
        Delivery.objects.filter(channel_id=channel_id, remote_id=post_remote_id)
        .select_related("post", "channel__unit")
        .prefetch_related("post__media")
        .first()
    )
    if delivery is None:
        return
    row = PostFigures.objects.filter(delivery=delivery).first() or figures_row(delivery)
    row.reactions = count
    row.save()


def connect() -> None:
    unit_moved.connect(on_unit_moved, dispatch_uid="analytics.unit_moved")
    unit_merged.connect(on_unit_merged, dispatch_uid="analytics.unit_merged")
    messages_received.connect(on_messages_received, dispatch_uid="analytics.messages")
    reactions_counted.connect(on_reactions_counted, dispatch_uid="analytics.reactions")
