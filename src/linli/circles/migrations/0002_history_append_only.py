"""The change history of the service circles is append-only: PostgreSQL refuses
UPDATE and DELETE of its rows; SQLite refuses UPDATE (DELETE stays allowed there
because Django's test flush empties tables with DELETE), as in mutualaid/0003."""
from django.db import migrations

PG = [
    """
    CREATE OR REPLACE FUNCTION circles_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'service-circle history is never changed or deleted (%)', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER circles_event_append_only BEFORE UPDATE OR DELETE ON circles_event "
    "FOR EACH ROW EXECUTE FUNCTION circles_refuse_change();",
]
SQLITE = ["CREATE TRIGGER circles_event_append_only BEFORE UPDATE ON circles_event "
          "BEGIN SELECT RAISE(ABORT, 'service-circle history is never changed'); END;"]


def install(apps, schema_editor):
    for sql in {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("circles", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
