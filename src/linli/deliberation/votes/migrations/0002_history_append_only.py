"""The vote history and the owner register's history are append-only in the database, not
only in the model: PostgreSQL refuses UPDATE and DELETE of its rows; SQLite refuses UPDATE (DELETE stays
allowed there because Django's test flush empties tables with DELETE), as in circles/0002."""
from django.db import migrations

TABLES = ['votes_voteevent', 'votes_registerevent']

PG = [
    """
    CREATE OR REPLACE FUNCTION votes_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'vote history is never changed or deleted (%)', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
] + [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
     "FOR EACH ROW EXECUTE FUNCTION votes_refuse_change();" for t in TABLES]
SQLITE = [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} "
          "BEGIN SELECT RAISE(ABORT, 'vote history is never changed'); END;" for t in TABLES]


def install(apps, schema_editor):
    for sql in {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("votes", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
