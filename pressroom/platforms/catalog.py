"""Look up a platform's limits by its name, and measure a text the way it does."""

from __future__ import annotations

import dataclasses
from typing import Any

from pressroom.core.text import count_code_points, count_mastodon, count_utf16
from pressroom.platforms.base import Limits
from pressroom.platforms.registry import descriptor_for

_COUNTERS = {"code_points": count_code_points, "utf16": count_utf16, "mastodon": count_mastodon}


def limits_for(platform: str, options: dict[str, Any] | None = None) -> Limits:
    """The platform's limits, adjusted by a channel's options (a Mastodon instance's limit)."""
    limits = descriptor_for(platform).limits
    max_characters = (options or {}).get("max_characters")
    if max_characters:
        limits = dataclasses.replace(limits, max_text=int(max_characters))
    return limits


def text_length(limits: Limits, text: str) -> int:
    return _COUNTERS[limits.counting](text)
