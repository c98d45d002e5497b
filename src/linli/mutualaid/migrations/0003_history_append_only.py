"""History the database keeps append-only: event rows, completions,
redemptions, settlements, scorings and their scores, covenant versions.

PostgreSQL refuses UPDATE and DELETE of these rows; SQLite refuses UPDATE
(DELETE stays allowed there because Django's test flush empties tables with
DELETE; PostgreSQL flushes with TRUNCATE, which row triggers do not see), as
for the ledger (ledger/migrations/0002)."""
from django.db import migrations

TABLES = ["mutualaid_event", "mutualaid_completion", "mutualaid_redemption", "mutualaid_settlement",
          "mutualaid_scoring", "mutualaid_score", "mutualaid_covenant"]

PG = [
    """
    CREATE OR REPLACE FUNCTION mutualaid_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'mutual-aid history is never changed or deleted (%)', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
    *[f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
      f"FOR EACH ROW EXECUTE FUNCTION mutualaid_refuse_change();" for t in TABLES],
]
SQLITE = [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} "
          f"BEGIN SELECT RAISE(ABORT, 'mutual-aid history is never changed'); END;" for t in TABLES]


def install(apps, schema_editor):
    for sql in {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("mutualaid", "0002_initial"), ("ledger", "0003_database_rules")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
