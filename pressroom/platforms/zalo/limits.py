"""What a Zalo OA article accepts (title 150, description 300; images up to 1 MB)."""

from __future__ import annotations

from pressroom.platforms.base import Limits

LIMITS = Limits(
    max_text=50_000,
    counting="code_points",
    max_title=150,
    max_description=300,
    requires_title=True,
    max_media=10,
    image_types=frozenset({"image/jpeg", "image/png"}),
    max_image_bytes=1024 * 1024,
)
