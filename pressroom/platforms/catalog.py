"""Look up a platform's limits by its name, and measure a text the way it does."""

from __future__ import annotations

import dataclasses
from typing import Any

from pressroom.core.text import count_code_points, count_mastodon, count_utf16
from pressroom.platforms.base import Limits
from pressroom.platforms.registry import descriptor_for

_COUNTERS = {"code_points": count_code_points, "utf16": count_utf16, "mastodon": count_mastodon}


def limits_for(platform: str, options: dict[str, Any] | None = None) -> Limits:
    """The platform's limits, adjusted by a channel's options (a Mastodon instance's own, read
    when the channel was connected)."""
    limits = descriptor_for(platform).limits
    options = options or {}
    max_text = _positive(options.get("max_characters"))
    max_media = _positive(options.get("max_media"))
    max_image_bytes = _positive(options.get("max_image_bytes"))
    return dataclasses.replace(
        limits,
        max_text=max_text or limits.max_text,
        max_media=max_media or limits.max_media,
        max_image_bytes=max_image_bytes or limits.max_image_bytes,
    )


def _positive(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def text_length(limits: Limits, text: str) -> int:
    return _COUNTERS[limits.counting](text)
