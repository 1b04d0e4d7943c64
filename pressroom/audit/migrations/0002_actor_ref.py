import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Cast


def fill_actor_ref(apps, schema_editor):
    # The chain hashed actor_id; the same id stored as text keeps every hash as it was.
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEvent.objects.filter(actor__isnull=False).update(
        actor_ref=Cast("actor_id", output_field=models.CharField(max_length=64))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_ref",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(fill_actor_ref, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.DB_SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
