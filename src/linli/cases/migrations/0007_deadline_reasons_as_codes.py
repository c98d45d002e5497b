from django.db import migrations

# Deadline reasons were English sentences; they become codes (DeadlineReason),
# shown in the reader's language. A colour change keeps the reason staff gave.
FIXED_REASONS = {
    "set at intake": "intake",
    "plan given without a visit": "plan_without_visit",
    "done": "done",
    "reopened": "reopened",
    "closed": "closed",
    "declared unsolvable": "unsolvable",
}


def reasons_to_codes(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    for old, code in FIXED_REASONS.items():
        Deadline.objects.filter(reason=old).update(reason=code)
    Deadline.objects.filter(reason__startswith="reclassified from ").update(reason="reclassified")
    Deadline.objects.filter(reason__startswith="merged into ").update(reason="merged")
    for d in Deadline.objects.filter(reason__startswith="reclassified ").only("id", "reason"):
        # "reclassified green → yellow: <staff's reason>" keeps the staff's words.
        _head, sep, note = d.reason.partition(": ")
        d.reason = note if sep else "reclassified"
        d.save(update_fields=["reason"])




class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_request_vocabularies_constraints_event_time_index"),
    ]

    operations = [
        migrations.RunPython(reasons_to_codes, migrations.RunPython.noop),
    ]
