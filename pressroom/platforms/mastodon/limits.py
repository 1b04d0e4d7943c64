"""What a Mastodon status accepts: 500 characters by default (per instance), 4 images."""

from __future__ import annotations

from pressroom.platforms.base import Limits

DEFAULT_MAX_CHARACTERS = 500

LIMITS = Limits(
    max_text=DEFAULT_MAX_CHARACTERS,
    counting="mastodon",
    max_media=4,
    max_image_bytes=16 * 1024 * 1024,
)
