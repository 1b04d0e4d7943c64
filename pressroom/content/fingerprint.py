"""What an approval is given for: one exact version of a post.

The fingerprint covers everything that goes out: the unit, title, text, link and theme, each
platform's variant, the images with their descriptions, and the chosen channels. An approval
holds while the post's fingerprint is the one stored when it was approved.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pressroom.content.models import Post


def fingerprint_of(version: dict[str, Any]) -> str:
    """sha256 of a canonical JSON text of the version (sorted keys, no spaces)."""
    text = json.dumps(version, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def version_of(post: Post) -> dict[str, Any]:
    return {
        "unit": post.unit_id,
        "title": post.title,
        "body": post.body,
        "link": post.link,
        "theme": post.theme_id,
        "variants": [
            [variant.platform, variant.title, variant.text]
            for variant in post.variants.order_by("platform")
        ],
        "media": [
            [m.file.name, m.content_type, m.size, m.width, m.height, m.description, m.position]
            for m in post.media.order_by("position", "id")
        ],
        "channels": sorted(post.channels.values_list("pk", flat=True)),
    }


def content_fingerprint(post: Post) -> str:
    """The fingerprint of the post as it is stored now."""
    return fingerprint_of(version_of(post))


def approval_holds(post: Post) -> bool:
    """Whether the post was approved and nothing that goes out has changed since."""
    return bool(post.approved_fingerprint) and post.approved_fingerprint == content_fingerprint(
        post
    )
