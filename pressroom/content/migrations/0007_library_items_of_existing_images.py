"""Every image already attached to a post becomes an item of its unit's media library (the
same file, not a copy), so the library shows it and where it is used."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations

from pressroom.core.text import fold

BATCH = 500


def _digest(field: Any) -> str:
    try:
        with field.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, ValueError):
        return ""


def forwards(apps: Any, schema_editor: Any) -> None:
    Media = apps.get_model("content", "Media")
    Asset = apps.get_model("content", "Asset")
    pending = Media.objects.filter(asset__isnull=True).select_related("post").order_by("pk")
    while batch := list(pending[:BATCH]):
        for media in batch:
            name = (media.file.name or "image").rsplit("/", 1)[-1]
            asset = Asset.objects.create(
                unit_id=media.post.unit_id,
                kind="image",
                file=media.file.name,
                name=name,
                content_type=media.content_type,
                size=media.size,
                width=media.width,
                height=media.height,
                description=media.description,
                sha256=_digest(media.file),
                uploaded_by_id=media.post.author_id,
                uploaded_at=media.post.created_at,
                search_text=fold(f"{name} {media.description}"),
            )
            media.asset = asset
            media.save(update_fields=["asset"])


class Migration(migrations.Migration):
    dependencies = [("content", "0006_media_library_and_packs")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
