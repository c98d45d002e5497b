import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RegisterEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('before', models.CharField(blank=True, max_length=80, verbose_name='before')),
                ('after', models.CharField(blank=True, max_length=80, verbose_name='after')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='compound')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
            ],
            options={
                'verbose_name': 'register change',
                'verbose_name_plural': 'register changes',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='Vote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('matter', models.CharField(choices=[('rules_of_procedure', "Rules of procedure of the owners' assembly"), ('covenant', 'Management covenant'), ('committee_election', "Election of the owners' committee"), ('property_company', 'Hiring or dismissing the property company'), ('fund_use', 'Use of the maintenance funds'), ('fund_raise', 'Raising the maintenance funds'), ('rebuild', 'Rebuilding'), ('common_parts', 'Changing the use of common parts or who runs them'), ('other_major', 'Other major matter')], max_length=24, verbose_name='matter')),
                ('description', models.TextField(blank=True, verbose_name='what is put to the vote')),
                ('topic_ref', models.CharField(blank=True, max_length=100, verbose_name='topic')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('notice', 'Notice published'), ('open', 'Voting open'), ('closed', 'Voting closed'), ('published', 'Result published')], default='draft', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('notice_at', models.DateTimeField(blank=True, null=True, verbose_name='notice published')),
                ('opens_at', models.DateTimeField(blank=True, null=True, verbose_name='voting opens')),
                ('closes_at', models.DateTimeField(blank=True, null=True, verbose_name='voting closes')),
                ('opened_at', models.DateTimeField(blank=True, null=True, verbose_name='opened')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='result published')),
                ('publicity_days', models.PositiveSmallIntegerField(default=15, verbose_name='public notice period (days)')),
                ('total_area', models.BigIntegerField(default=0, verbose_name='total area (0.01 m²)')),
                ('total_owners', models.PositiveIntegerField(default=0, verbose_name='total owners')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='votes', to='org.node', verbose_name='compound')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
            ],
            options={
                'verbose_name': "owners' vote",
                'verbose_name_plural': "owners' votes",
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('opens_at__isnull', True), ('closes_at__gt', models.F('opens_at')), _connector='OR'), name='votes_vote_dates'), models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('closes_at__isnull', False), ('notice_at__isnull', False), ('opens_at__isnull', False)), _connector='OR'), name='votes_vote_notice_before_opening'), models.CheckConstraint(condition=models.Q(('total_area__gte', 0)), name='votes_vote_totals')],
            },
        ),
        migrations.CreateModel(
            name='Proxy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.CharField(max_length=80, verbose_name='owner key')),
                ('document', models.CharField(max_length=100, verbose_name='proxy document')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='registered')),
                ('holder', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proxy holder')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('registered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proxies', to='votes.vote', verbose_name='vote')),
            ],
            options={
                'verbose_name': 'written proxy',
                'verbose_name_plural': 'written proxies',
                'constraints': [models.UniqueConstraint(fields=('vote', 'owner_key'), name='votes_one_proxy_per_owner'), models.CheckConstraint(condition=models.Q(('document', ''), _negated=True), name='votes_proxy_document')],
            },
        ),
        migrations.CreateModel(
            name='PaperEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.CharField(max_length=80, verbose_name='owner key')),
                ('first_choice', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('abstain', 'Abstain')], max_length=8, verbose_name='first entry')),
                ('second_choice', models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No'), ('abstain', 'Abstain')], max_length=8, verbose_name='second entry')),
                ('status', models.CharField(choices=[('first', 'Entered once, waiting for the second teller'), ('matched', 'Both entries match: counted'), ('mismatch', 'The entries differ: to be resolved'), ('resolved', 'Mismatch resolved: counted')], default='first', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='entered')),
                ('first_teller', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='first teller')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('second_teller', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='second teller')),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='paper_entries', to='votes.vote', verbose_name='vote')),
            ],
            options={
                'verbose_name': 'paper ballot entry',
                'verbose_name_plural': 'paper ballot entries',
                'ordering': ['created_at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('vote', 'owner_key'), name='votes_one_paper_entry_per_owner'), models.CheckConstraint(condition=models.Q(('second_teller__isnull', True), models.Q(('second_teller', models.F('first_teller')), _negated=True), _connector='OR'), name='votes_paper_two_tellers')],
            },
        ),
        migrations.CreateModel(
            name='Elector',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.CharField(max_length=80, verbose_name='owner key')),
                ('area', models.BigIntegerField(verbose_name='area (0.01 m²)')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='electors', to='votes.vote', verbose_name='vote')),
            ],
            options={
                'verbose_name': 'elector',
                'verbose_name_plural': 'electors',
                'ordering': ['household__path'],
                'indexes': [models.Index(fields=['vote', 'owner_key'], name='votes_elect_vote_id_24a5c9_idx')],
                'constraints': [models.UniqueConstraint(fields=('vote', 'household'), name='votes_elector_household_once'), models.CheckConstraint(condition=models.Q(('area__gt', 0)), name='votes_elector_area_positive')],
            },
        ),
        migrations.CreateModel(
            name='Ballot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.CharField(max_length=80, verbose_name='owner key')),
                ('choice', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('abstain', 'Abstain')], max_length=8, verbose_name='choice')),
                ('channel', models.CharField(choices=[('online', 'Online'), ('paper', 'Paper'), ('proxy', 'Written proxy')], max_length=8, verbose_name='channel')),
                ('proxy_document', models.CharField(blank=True, max_length=100, verbose_name='proxy document')),
                ('cast_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='cast')),
                ('cast_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='cast by')),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ballots', to='votes.vote', verbose_name='vote')),
            ],
            options={
                'verbose_name': 'ballot',
                'verbose_name_plural': 'ballots',
                'constraints': [models.UniqueConstraint(fields=('vote', 'owner_key'), name='votes_one_ballot_per_owner'), models.CheckConstraint(condition=models.Q(('choice__in', ['yes', 'no', 'abstain'])), name='votes_ballot_choice'), models.CheckConstraint(condition=models.Q(models.Q(('channel', 'proxy'), models.Q(('proxy_document', ''), _negated=True)), models.Q(('channel', 'proxy'), _negated=True), _connector='OR'), name='votes_ballot_proxy_document')],
            },
        ),
        migrations.CreateModel(
            name='VoteEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('created', 'Vote created, electorate taken'), ('notice', 'Notice published'), ('opened', 'Voting opened'), ('closed', 'Voting closed'), ('published', 'Result published'), ('online', 'Online ballot cast'), ('paper_first', 'Paper ballot: first entry'), ('paper_matched', 'Paper ballot: second entry matches, counted'), ('paper_mismatch', 'Paper ballot: second entry differs'), ('paper_resolved', 'Paper ballot: mismatch resolved, counted'), ('proxy_registered', 'Written proxy registered'), ('proxy', 'Proxy ballot cast')], max_length=20, verbose_name='event')),
                ('owner_key', models.CharField(blank=True, max_length=80, verbose_name='owner key')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('household', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='votes.vote', verbose_name='vote')),
            ],
            options={
                'verbose_name': 'vote event',
                'verbose_name_plural': 'vote events',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='OwnerRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('person', 'Owner with an account'), ('named', 'Named owner without an account'), ('developer', 'Developer (unsold unit)')], max_length=10, verbose_name='owner')),
                ('name', models.CharField(blank=True, max_length=60, verbose_name="owner's name")),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='compound')),
                ('household', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='owner_record', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'electorate register entry',
                'verbose_name_plural': 'electorate register',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'person'), ('name', ''), ('person__isnull', False)), models.Q(('kind', 'named'), ('person__isnull', True), models.Q(('name', ''), _negated=True)), models.Q(('kind', 'developer'), ('name', ''), ('person__isnull', True)), _connector='OR'), name='votes_owner_record_kind')],
            },
        ),
    ]
