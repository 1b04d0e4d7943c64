"""What a Facebook Page post accepts."""

from __future__ import annotations

from pressroom.platforms.base import Limits

LIMITS = Limits(
    max_text=63_206, counting="code_points", max_media=10, max_image_bytes=8 * 1024 * 1024
)
