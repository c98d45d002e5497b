"""Finance report lines keep codes, not labels: the label frozen at publication was in
the publisher's browser language (an English browser froze "Property fees received"
into a public Chinese report). Labels are now rendered in the reader's language from
the code; this drops the frozen labels of money and fee lines from published reports
and their lists of changes. Service report lines (works, finished requests) keep their
own text. The frozen-report trigger is lifted for this one update and put back."""
from django.db import migrations

CODED = {
    "fee_received", "parking", "advertising", "telecom", "compensation", "interest", "other_income", "donation",
    "staff", "facilities", "cleaning", "greening", "security", "office", "insurance", "management_fee", "tax",
    "fees_due", "fees_prepaid", "fees_owed",
}
SQLITE_TRIGGER = (
    "CREATE TRIGGER disclosure_report_frozen BEFORE UPDATE ON disclosure_report WHEN OLD.state = 'published' "
    "BEGIN SELECT RAISE(ABORT, 'published reports are frozen: publish a corrected version'); END;"
)


def _strip(lines):
    out, changed = [], False
    for line in lines or []:
        if isinstance(line, dict) and line.get("key") in CODED and "label" in line:
            line = {k: v for k, v in line.items() if k != "label"}
            changed = True
        out.append(line)
    return out, changed


def _lift(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # ALTER TABLE refuses while deferred checks of this transaction are pending: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE disclosure_report DISABLE TRIGGER disclosure_report_frozen")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS disclosure_report_frozen")


def _restore(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE disclosure_report ENABLE TRIGGER disclosure_report_frozen")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def forwards(apps, schema_editor):
    Report = apps.get_model("disclosure", "Report")
    todo = []
    for report in Report.objects.filter(kind="finance").exclude(data=None).only("pk", "data", "changes"):
        lines, changed_lines = _strip((report.data or {}).get("lines"))
        changes, changed_changes = _strip(report.changes)
        if changed_lines or changed_changes:
            todo.append((report.pk, dict(report.data, lines=lines), changes))
    if not todo:
        return
    _lift(schema_editor)
    for pk, data, changes in todo:
        Report.objects.filter(pk=pk).update(data=data, changes=changes)
    _restore(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_chinese_admin_names")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
