"""Names of their own for models that clashed with the cases app: a crowdfunding
campaign is not a cases campaign, and this app's append-only log is not a case
event. Tables are renamed, rows kept; the append-only trigger moves with its table."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0006_money_check_constraints'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='Campaign',
            new_name='CrowdfundingCampaign',
        ),
        migrations.RenameModel(
            old_name='Event',
            new_name='DisclosureEvent',
        ),
    ]
