"""A project's event rows are append-only history: PostgreSQL refuses UPDATE and
DELETE of them; SQLite refuses UPDATE (DELETE stays allowed there because
Django's test flush empties tables with DELETE), as for mutual aid
(mutualaid/migrations/0003)."""
from django.db import migrations

TABLES = ["projects_event"]

PG = [
    """
    CREATE OR REPLACE FUNCTION projects_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'project history is never changed or deleted (%)', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
    *[f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
      f"FOR EACH ROW EXECUTE FUNCTION projects_refuse_change();" for t in TABLES],
]
SQLITE = [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} "
          f"BEGIN SELECT RAISE(ABORT, 'project history is never changed'); END;" for t in TABLES]


def install(apps, schema_editor):
    for sql in {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
