"""Four eyes per version: who changed a post since its approval, and what was approved.

Posts written before this keep what they had: an approved post's approval holds for its
content as it is now, and a post not yet approved counts its author as its editor.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

from pressroom.content.fingerprint import fingerprint_of


def backfill(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("content", "Post")
    for post in Post.objects.all().iterator():
        if post.approved_by_id is None:
            post.editors.add(post.author_id)
            continue
        version = {
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
        post.approved_fingerprint = fingerprint_of(version)
        post.save(update_fields=["approved_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="approved_fingerprint",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="post",
            name="editors",
            field=models.ManyToManyField(
                blank=True, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
