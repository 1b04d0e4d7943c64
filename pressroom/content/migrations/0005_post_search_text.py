"""The folded title and text each post is searched in, filled for the posts already written.

A thousand posts at a time: a country's archive is not loaded into memory at once.
"""

from typing import Any

from django.db import migrations, models

from pressroom.core.text import fold

BATCH = 1000


def fill_search_text(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("content", "Post")
    # By ranges of ids rather than one open cursor: SQLite does not isolate a cursor from the
    # writes made on the same connection while it is read.
    last = 0
    while True:
        batch = list(
            Post.objects.filter(pk__gt=last).only("pk", "title", "body").order_by("pk")[:BATCH]
        )
        if not batch:
            return
        for post in batch:
            # As `content.models.search_text_of` (historical models have no custom methods).
            post.search_text = fold(f"{post.title} {post.body}")
        Post.objects.bulk_update(batch, ["search_text"], batch_size=BATCH)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_post_created_at_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
