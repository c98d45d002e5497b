"""History the database keeps append-only: the deliberation event log and the
residents' ratings of work reports (linli.dbrules)."""
from django.db import migrations

from linli.dbrules import append_only


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [append_only("deliberation", "deliberation history", ['deliberation_event', 'deliberation_rating'])]
