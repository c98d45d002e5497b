from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('disclosure', '0001_initial'),
        ('ledger', '0001_initial'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Its fields, constraints and indexes were folded into 0001_initial (a new database
    # migrates in half the time); it stays, empty, for the migrations that depend on it and the
    # databases that recorded it.
    operations: list[migrations.operations.base.Operation] = []
