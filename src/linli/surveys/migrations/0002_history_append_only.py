"""The questionnaire history is append-only in the database, not only in the model
(linli.dbrules)."""
from django.db import migrations

from linli.dbrules import append_only


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [append_only("surveys", "questionnaire history", ['surveys_event'])]
