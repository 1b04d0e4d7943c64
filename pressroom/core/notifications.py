"""In-app notices for people: written by the apps, shown by the desk (the bell in the header)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pressroom.core.models import Notification

TEXT_LIMIT = Notification._meta.get_field("text").max_length or 500
LINK_LIMIT = Notification._meta.get_field("link").max_length or 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def one_line(text: str, limit: int) -> str:
    """Any text made safe for a one-line notice: control characters become spaces, and a text
    too long for the column is cut with an ellipsis (a notice must never fail on its text)."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def notify(
    *, users: Iterable[Any], kind: str, text: str, link: str = "", unit_id: int | None = None
) -> int:
    """One unread notice per person for this kind and link (safe to run twice); how many new."""
    text = one_line(text, TEXT_LIMIT)
    link = link if len(link) <= LINK_LIMIT and link.startswith("/") else ""
    made = 0
    for user in users:
        _, created = Notification.objects.get_or_create(
            user=user,
            kind=kind,
            link=link,
            read_at=None,
            defaults={"text": text, "unit_id": unit_id},
        )
        made += int(created)
    return made
