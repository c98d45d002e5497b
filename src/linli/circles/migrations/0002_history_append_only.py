"""The change history of the service circles is append-only (linli.dbrules)."""
from django.db import migrations

from linli.dbrules import append_only


class Migration(migrations.Migration):
    dependencies = [("circles", "0001_initial")]

    operations = [append_only("circles", "service-circle history", ['circles_event'])]
