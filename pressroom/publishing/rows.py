"""Rows of a delivery table: each delivery with its state explained in plain words.

The post page, the channel page, the dashboard and an alert's board all show deliveries
this way (the table itself is `publishing/delivery_table.html`).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from pressroom.platforms.registry import descriptor_for
from pressroom.publishing.explanations import explain_error, explain_status
from pressroom.publishing.models import Delivery


@dataclass(frozen=True)
class DeliveryRow:
    delivery: Delivery
    status_explanation: str
    error_explanation: str
    # The channel's platform by its brand name ("Telegram"), for the words around the row.
    platform_label: str = ""
    # Whether the viewer may open the delivery's post (otherwise its title is not a link).
    post_link: bool = True


def delivery_rows(
    deliveries: Iterable[Delivery], *, openable_posts: Container[int] | None = None
) -> list[DeliveryRow]:
    """One row per delivery (its channel loaded); `openable_posts`, when given, are the ids
    of the posts the viewer may open."""
    return [
        DeliveryRow(
            delivery=delivery,
            status_explanation=explain_status(delivery),
            error_explanation=explain_error(delivery),
            platform_label=descriptor_for(delivery.channel.platform).label,
            post_link=openable_posts is None or delivery.post_id in openable_posts,
        )
        for delivery in deliveries
    ]


def any_running(deliveries: Iterable[Delivery]) -> bool:
    """Whether Pressroom itself is working on one of them (a page polls while it is), not
    when they only wait for a person (a paused channel, a send nobody can look for)."""
    return any(delivery.in_progress for delivery in deliveries)
