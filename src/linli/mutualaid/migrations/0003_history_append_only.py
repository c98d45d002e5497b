"""History the database keeps append-only: event rows, completions,
redemptions, settlements, scorings and their scores, covenant versions (linli.dbrules)."""
from django.db import migrations

from linli.dbrules import append_only


class Migration(migrations.Migration):
    dependencies = [("mutualaid", "0002_initial"), ("ledger", "0003_database_rules")]

    operations = [append_only("mutualaid", "mutual-aid history", ['mutualaid_event', 'mutualaid_completion', 'mutualaid_redemption', 'mutualaid_settlement', 'mutualaid_scoring', 'mutualaid_score', 'mutualaid_covenant'])]
