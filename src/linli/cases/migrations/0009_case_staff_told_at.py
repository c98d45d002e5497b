from django.db import migrations, models
from django.db.models import F, Q


def already_told(apps, schema_editor):
    """Requests recorded before this change told their staff at intake."""
    Case = apps.get_model("cases", "Case")
    Case.objects.update(staff_told_at=F("received_at"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_contact_reveal"), ("org", "0003_node_compound_request_microgrid")]

    operations = [
        migrations.AddField(
            model_name="case", name="staff_told_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(already_told, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=Q(staff_told_at__isnull=True), fields=["received_at"],
                               name="case_staff_untold"),
        ),
    ]
