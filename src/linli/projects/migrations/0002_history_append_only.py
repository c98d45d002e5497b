"""A project's event rows are append-only history (linli.dbrules)."""
from django.db import migrations

from linli.dbrules import append_only


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [append_only("projects", "project history", ['projects_event'])]
