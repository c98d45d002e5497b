"""Rules the database itself enforces, and the two assets.

PostgreSQL:
- a deferred constraint trigger checks at COMMIT that every transaction has at
  least two legs and that its legs sum to zero per asset;
- posted transactions and legs refuse UPDATE and DELETE;
- a pending transfer may change only while pending (it is resolved once), and
  is never deleted.
SQLite has no deferred triggers: the posting service checks the written legs
with SQL just before COMMIT (services._db_check_balanced); UPDATE of posted
rows is refused by triggers. DELETE is not refused on SQLite, because Django's
test flush empties tables with DELETE there (PostgreSQL uses TRUNCATE, which row
triggers do not see).
"""
from django.db import migrations

PG = [
    """
    CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
    DECLARE tx uuid;
    BEGIN
      IF TG_TABLE_NAME = 'ledger_transaction' THEN tx := NEW.id; ELSE tx := NEW.transaction_id; END IF;
      IF (SELECT count(*) FROM ledger_leg WHERE transaction_id = tx) < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has fewer than two legs', tx USING ERRCODE = '23514';
      END IF;
      IF EXISTS (SELECT 1 FROM ledger_leg l JOIN ledger_account a ON a.id = l.account_id
                 WHERE l.transaction_id = tx GROUP BY a.asset_id HAVING sum(l.amount) <> 0) THEN
        RAISE EXCEPTION 'ledger transaction % does not sum to zero per asset', tx USING ERRCODE = '23514';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_leg_balanced AFTER INSERT ON ledger_leg
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON ledger_transaction
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'posted ledger rows are never changed or deleted (%): post a reversal', TG_TABLE_NAME
        USING ERRCODE = '55000';
    END $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();",
    "CREATE TRIGGER ledger_leg_append_only BEFORE UPDATE OR DELETE ON ledger_leg "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();",
    """
    CREATE OR REPLACE FUNCTION ledger_pending_once() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR OLD.state <> 'pending' OR NEW.legs <> OLD.legs
         OR NEW.idempotency_key <> OLD.idempotency_key THEN
        RAISE EXCEPTION 'a resolved pending transfer is never changed' USING ERRCODE = '55000';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER ledger_pending_resolved_once BEFORE UPDATE OR DELETE ON ledger_pendingtransfer "
    "FOR EACH ROW EXECUTE FUNCTION ledger_pending_once();",
]

SQLITE = [
    "CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE ON ledger_transaction "
    "BEGIN SELECT RAISE(ABORT, 'posted ledger rows are never changed: post a reversal'); END;",
    "CREATE TRIGGER ledger_leg_append_only BEFORE UPDATE ON ledger_leg "
    "BEGIN SELECT RAISE(ABORT, 'posted ledger rows are never changed: post a reversal'); END;",
    "CREATE TRIGGER ledger_pending_resolved_once BEFORE UPDATE ON ledger_pendingtransfer WHEN OLD.state <> 'pending' "
    "BEGIN SELECT RAISE(ABORT, 'a resolved pending transfer is never changed'); END;",
]


def install(apps, schema_editor):
    statements = {"postgresql": PG, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


def assets(apps, schema_editor):
    Asset = apps.get_model("ledger", "Asset")
    Asset.objects.get_or_create(code="CNY", defaults={"name": "人民币", "scale": 2})
    Asset.objects.get_or_create(code="PTS", defaults={"name": "信义贝", "scale": 0})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_initial")]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
        migrations.RunPython(assets, migrations.RunPython.noop),
    ]
