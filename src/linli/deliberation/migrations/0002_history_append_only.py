"""History the database keeps append-only: the deliberation event log and the
residents' ratings of work reports.

PostgreSQL refuses UPDATE and DELETE of these rows; SQLite refuses UPDATE
(DELETE stays allowed there because Django's test flush empties tables with
DELETE; PostgreSQL flushes with TRUNCATE, which row triggers do not see), as
for the ledger and mutual aid."""
from django.db import migrations

TABLES = ["deliberation_event", "deliberation_rating"]

PG = [
    """
    CREATE OR REPLACE FUNCTION deliberation_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'deliberation history is never changed or deleted (%)', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
    *[f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
      f"FOR EACH ROW EXECUTE FUNCTION deliberation_refuse_change();" for t in TABLES],
]
SQLITE = [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} "
          f"BEGIN SELECT RAISE(ABORT, 'deliberation history is never changed'); END;" for t in TABLES]


def install(apps, schema_editor):
    for sql in {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
