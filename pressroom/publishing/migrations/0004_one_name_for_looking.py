# A send whose outcome is unknown is "looked for": one name for the field, the kind of
# attempt and its label.

from django.db import migrations, models


def check_becomes_look(apps, schema_editor):
    apps.get_model("publishing", "DeliveryAttempt").objects.filter(kind="check").update(
        kind="look"
    )


def look_becomes_check(apps, schema_editor):
    apps.get_model("publishing", "DeliveryAttempt").objects.filter(kind="look").update(
        kind="check"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0003_delivery_waiting_for_person"),
    ]

    operations = [
        migrations.RenameField(model_name="delivery", old_name="needs_check", new_name="needs_look"),
        migrations.AlterField(
            model_name="deliveryattempt",
            name="kind",
            field=models.CharField(
                choices=[("send", "Send"), ("look", "Look for it on the platform")],
                default="send",
                max_length=10,
            ),
        ),
        migrations.RunPython(check_becomes_look, look_becomes_check),
    ]
