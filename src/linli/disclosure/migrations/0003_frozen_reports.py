"""Published reports are frozen and events are append-only, in the database too
(UPDATE refused on both databases; DELETE refused on PostgreSQL — see docs/ledger.md
for why SQLite does not refuse DELETE)."""
from django.db import migrations

PG = [
    """
    CREATE OR REPLACE FUNCTION disclosure_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION '% rows are frozen: publish a corrected version', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER disclosure_report_frozen BEFORE UPDATE OR DELETE ON disclosure_report "
    "FOR EACH ROW WHEN (OLD.state = 'published') EXECUTE FUNCTION disclosure_refuse_change();",
    "CREATE TRIGGER disclosure_event_append_only BEFORE UPDATE OR DELETE ON disclosure_disclosureevent "
    "FOR EACH ROW EXECUTE FUNCTION disclosure_refuse_change();",
]
SQLITE = [
    "CREATE TRIGGER disclosure_report_frozen BEFORE UPDATE ON disclosure_report WHEN OLD.state = 'published' "
    "BEGIN SELECT RAISE(ABORT, 'published reports are frozen: publish a corrected version'); END;",
    "CREATE TRIGGER disclosure_event_append_only BEFORE UPDATE ON disclosure_disclosureevent "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
]


def install(apps, schema_editor):
    for sql in {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0002_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
