"""The vote history and the owner register's history are append-only in the database,
not only in the model (linli.dbrules)."""
from django.db import migrations

from linli.dbrules import append_only


class Migration(migrations.Migration):
    dependencies = [("votes", "0001_initial")]

    operations = [append_only("votes", "vote history", ['votes_voteevent', 'votes_registerevent'])]
