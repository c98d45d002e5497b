"""Rules the database itself enforces, shared by the apps' migrations.

``append_only`` makes history tables append-only: PostgreSQL refuses UPDATE and DELETE
of their rows; SQLite refuses UPDATE (DELETE stays allowed there because Django's test
flush empties tables with DELETE; PostgreSQL flushes with TRUNCATE, which row triggers
do not see). The ledger's rules (ledger/migrations) are their own.

Migrations import this module: keep what it emits stable (a change here changes only
databases migrated afresh).
"""
from __future__ import annotations

from django.db import migrations


def append_only_sql(prefix: str, what: str, tables: list[str]) -> dict[str, list[str]]:
    """The statements per database vendor; ``what`` names the history in the error."""
    pg = [
        f"""
    CREATE OR REPLACE FUNCTION {prefix}_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION '{what} is never changed or deleted (%)', TG_TABLE_NAME USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
        *[f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
          f"FOR EACH ROW EXECUTE FUNCTION {prefix}_refuse_change();" for t in tables],
    ]
    sqlite = [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} "
              f"BEGIN SELECT RAISE(ABORT, '{what} is never changed'); END;" for t in tables]
    return {"postgresql": pg, "sqlite": sqlite}


def append_only(prefix: str, what: str, tables: list[str]) -> migrations.RunPython:
    """A migration operation that makes ``tables`` append-only (see the module docstring)."""
    statements = append_only_sql(prefix, what, tables)

    def install(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(install, migrations.RunPython.noop)
