"""What a Telegram channel post accepts: 4,096 for text, 1,024 for a caption (UTF-16 units)."""

from __future__ import annotations

from pressroom.platforms.base import Limits

LIMITS = Limits(
    max_text=4096,
    counting="utf16",
    max_caption=1024,
    max_media=10,
    max_image_bytes=10 * 1024 * 1024,
)
