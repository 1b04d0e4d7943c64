"""The posts of alerts cancelled before this were left as drafts; they are cancelled too."""

from typing import Any

from django.db import migrations


def cancel_posts(apps: Any, schema_editor: Any) -> None:
    EmergencyAlert = apps.get_model("emergency", "EmergencyAlert")
    Post = apps.get_model("content", "Post")
    cancelled = EmergencyAlert.objects.filter(status="cancelled").values("post_id")
    Post.objects.filter(pk__in=cancelled, status="draft").update(
        status="cancelled", rejection_reason=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("emergency", "0001_initial"),
        ("content", "0003_post_cancelled_status"),
    ]

    operations = [migrations.RunPython(cancel_posts, migrations.RunPython.noop)]
