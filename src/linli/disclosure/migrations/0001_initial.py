import django.db.models.deletion
import django.utils.timezone
import linli.disclosure.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ledger', '0001_initial'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Budget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('kind', models.CharField(choices=[('fee_received', 'Property fees received'), ('parking', 'Public income: parking'), ('advertising', 'Public income: advertising'), ('telecom', 'Public income: telecom sites'), ('compensation', 'Public income: compensation'), ('interest', 'Public income: interest'), ('other_income', 'Public income: other'), ('donation', 'Donations'), ('staff', 'Staff'), ('facilities', 'Facilities running and maintenance'), ('cleaning', 'Cleaning'), ('greening', 'Greening'), ('security', 'Security'), ('office', 'Office'), ('insurance', 'Insurance'), ('management_fee', 'Management fee (酬金)'), ('tax', 'Tax')], max_length=20, verbose_name='kind')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='budgets', to='org.node', verbose_name='compound')),
            ],
            options={
                'verbose_name': 'budget line',
                'verbose_name_plural': 'budget lines',
                'constraints': [models.UniqueConstraint(fields=('compound', 'year', 'kind'), name='budget_once'), models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='budget_year'), models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('amount__lte', 10000000000)), name='budget_amount')],
            },
        ),
        migrations.CreateModel(
            name='DisclosureEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='compound')),
            ],
            options={
                'verbose_name': 'disclosure event',
                'verbose_name_plural': 'disclosure events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='FeeFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('quarter', models.PositiveSmallIntegerField(verbose_name='quarter')),
                ('due', models.BigIntegerField(default=0, verbose_name='fees due')),
                ('received', models.BigIntegerField(default=0, verbose_name='fees received')),
                ('prepaid', models.BigIntegerField(default=0, verbose_name='fees prepaid')),
                ('owed', models.BigIntegerField(default=0, verbose_name='fees owed')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='fee_figures', to='org.node', verbose_name='compound')),
            ],
            options={
                'verbose_name': 'fee figures',
                'verbose_name_plural': 'fee figures',
                'constraints': [models.UniqueConstraint(fields=('compound', 'year', 'quarter'), name='fee_figures_once'), models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100), ('quarter__gte', 1), ('quarter__lte', 4)), name='fee_figures_quarter'), models.CheckConstraint(condition=models.Q(('due__gte', 0), ('due__lte', 10000000000), ('received__gte', 0), ('received__lte', 10000000000), ('prepaid__gte', 0), ('prepaid__lte', 10000000000), ('owed__gte', 0), ('owed__lte', 10000000000)), name='fee_figures_amounts')],
            },
        ),
        migrations.CreateModel(
            name='Fund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('kind', models.CharField(choices=[('comanaged', 'Co-managed fund account'), ('micro', 'Micro-fund')], max_length=10, verbose_name='kind')),
                ('purpose', models.TextField(blank=True, verbose_name='purpose')),
                ('approval_days', models.PositiveSmallIntegerField(default=14, verbose_name='days to approve a spending request')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='funds', to='org.node', verbose_name='place')),
            ],
            options={
                'verbose_name': 'fund',
                'verbose_name_plural': 'funds',
                'ordering': ['node__path', 'code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('approval_days__gte', 1), ('approval_days__lte', 90)), name='fund_approval_days')],
            },
        ),
        migrations.CreateModel(
            name='CrowdfundingCampaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('target', models.BigIntegerField(verbose_name='target (fen)')),
                ('deadline', models.DateField(verbose_name='deadline')),
                ('state', models.CharField(choices=[('open', 'Collecting'), ('succeeded', 'Target reached'), ('failed', 'Failed; money refunded')], default='open', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='disclosure.fund', verbose_name='fund')),
            ],
            options={
                'verbose_name': 'crowdfunding campaign',
                'verbose_name_plural': 'crowdfunding campaigns',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('target__gte', 1), ('target__lte', 10000000000)), name='campaign_target')],
            },
        ),
        migrations.CreateModel(
            name='Donation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                ('anonymous', models.BooleanField(default=False, verbose_name='anonymous')),
                ('source', models.CharField(choices=[('government', 'Government subsidy'), ('employer', 'Employer contribution'), ('residents', 'Residents'), ('donation', 'Donations')], default='donation', max_length=12, verbose_name='source')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('memo', models.CharField(blank=True, max_length=200, verbose_name='memo')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='ledger transaction')),
                ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='disclosure.fund', verbose_name='fund')),
            ],
            options={
                'verbose_name': 'donation',
                'verbose_name_plural': 'donations',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gte', 1), ('amount__lte', 10000000000)), name='donation_amount')],
            },
            bases=(linli.disclosure.models.GiverMixin, models.Model),
        ),
        migrations.CreateModel(
            name='MoneyEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('fee_received', 'Property fees received'), ('parking', 'Public income: parking'), ('advertising', 'Public income: advertising'), ('telecom', 'Public income: telecom sites'), ('compensation', 'Public income: compensation'), ('interest', 'Public income: interest'), ('other_income', 'Public income: other'), ('donation', 'Donations'), ('staff', 'Staff'), ('facilities', 'Facilities running and maintenance'), ('cleaning', 'Cleaning'), ('greening', 'Greening'), ('security', 'Security'), ('office', 'Office'), ('insurance', 'Insurance'), ('management_fee', 'Management fee (酬金)'), ('tax', 'Tax')], max_length=20, verbose_name='kind')),
                ('date', models.DateField(verbose_name='date')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('memo', models.CharField(blank=True, max_length=200, verbose_name='memo')),
                ('voucher', models.FileField(blank=True, upload_to=linli.disclosure.models.voucher_path, verbose_name='voucher')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='entered')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='money_entries', to='org.node', verbose_name='compound')),
                ('corrects', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrected_by', to='disclosure.moneyentry', verbose_name='corrects')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='money_entry', to='ledger.transaction', verbose_name='ledger transaction')),
            ],
            options={
                'verbose_name': 'money entry',
                'verbose_name_plural': 'money entries',
                'ordering': ['-date', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('corrects__isnull', True), ('amount__gte', 1), ('amount__lte', 10000000000)), models.Q(('corrects__isnull', False), ('amount__gte', -10000000000), ('amount__lte', -1)), _connector='OR'), name='money_entry_amount_sign')],
            },
        ),
        migrations.CreateModel(
            name='Pledge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('government', 'Government subsidy'), ('employer', 'Employer contribution'), ('residents', 'Residents'), ('donation', 'Donations')], max_length=12, verbose_name='source')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                ('anonymous', models.BooleanField(default=False, verbose_name='anonymous')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('state', models.CharField(choices=[('pledged', 'Pledged'), ('received', 'Received'), ('refunded', 'Refunded'), ('cancelled', 'Cancelled')], default='pledged', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='disclosure.crowdfundingcampaign', verbose_name='campaign')),
                ('receipt', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='receipt')),
                ('refund', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='refund')),
            ],
            options={
                'verbose_name': 'pledge',
                'verbose_name_plural': 'pledges',
                'ordering': ['created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gte', 1), ('amount__lte', 10000000000)), name='pledge_amount')],
            },
            bases=(linli.disclosure.models.GiverMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('service', 'Property service quarterly report'), ('finance', 'Income and expense quarterly report')], max_length=8, verbose_name='kind')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('quarter', models.PositiveSmallIntegerField(verbose_name='quarter')),
                ('version', models.PositiveSmallIntegerField(default=1, verbose_name='version')),
                ('state', models.CharField(choices=[('draft', 'Draft'), ('reviewed', "Reviewed by the owners' committee"), ('published', 'Published')], default='draft', max_length=10, verbose_name='state')),
                ('works', models.JSONField(blank=True, default=list, verbose_name='works done')),
                ('correction_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the correction')),
                ('review_note', models.CharField(blank=True, max_length=300, verbose_name='review note')),
                ('data', models.JSONField(blank=True, null=True, verbose_name='frozen figures')),
                ('changes', models.JSONField(blank=True, default=list, verbose_name='changes from the previous version')),
                ('chain_head', models.JSONField(blank=True, null=True, verbose_name='ledger chain head')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='org.node', verbose_name='compound')),
                ('drafted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='drafted by')),
                ('previous', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next', to='disclosure.report', verbose_name='previous version')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='published by')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
            ],
            options={
                'verbose_name': 'quarterly report',
                'verbose_name_plural': 'quarterly reports',
                'ordering': ['-year', '-quarter', 'kind', '-version'],
                'constraints': [models.UniqueConstraint(fields=('compound', 'kind', 'year', 'quarter', 'version'), name='report_version_once'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='report_quarter_1_4')],
            },
        ),
        migrations.CreateModel(
            name='Objection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.CharField(max_length=100, verbose_name='line')),
                ('text', models.TextField(verbose_name='objection')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='raised')),
                ('due_at', models.DateTimeField(verbose_name='answer due')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='raised by')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='objections', to='disclosure.report', verbose_name='report')),
            ],
            options={
                'verbose_name': 'objection',
                'verbose_name_plural': 'objections',
                'ordering': ['created_at'],
            },
        ),
        migrations.CreateModel(
            name='SpendingRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('payee', models.CharField(max_length=200, verbose_name='payee')),
                ('purpose', models.CharField(max_length=300, verbose_name='purpose')),
                ('state', models.CharField(choices=[('waiting1', 'Waiting for first-level approval'), ('waiting2', 'Waiting for second-level approval'), ('posted', 'Approved and paid'), ('rejected', 'Rejected'), ('expired', 'Expired without approval')], default='waiting1', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='disclosure.fund', verbose_name='fund')),
                ('pending', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='spending_request', to='ledger.pendingtransfer', verbose_name='pending transfer')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'spending request',
                'verbose_name_plural': 'spending requests',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gte', 1), ('amount__lte', 10000000000)), name='spending_request_amount')],
            },
        ),
        migrations.CreateModel(
            name='Approval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(verbose_name='approval level')),
                ('party', models.CharField(choices=[('residents_committee', "Residents' committee"), ('developer', 'Developer'), ('bank', 'Bank'), ('owners_committee', "Owners' committee"), ('community', 'Community'), ('other', 'Other')], max_length=24, verbose_name='party')),
                ('approve', models.BooleanField(verbose_name='approved')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='approvals', to='disclosure.spendingrequest', verbose_name='spending request')),
            ],
            options={
                'verbose_name': 'approval step',
                'verbose_name_plural': 'approval steps',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Supervisor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('party', models.CharField(choices=[('residents_committee', "Residents' committee"), ('developer', 'Developer'), ('bank', 'Bank'), ('owners_committee', "Owners' committee"), ('community', 'Community'), ('other', 'Other')], max_length=24, verbose_name='party')),
                ('level', models.PositiveSmallIntegerField(verbose_name='approval level')),
                ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supervisors', to='disclosure.fund', verbose_name='fund')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'supervisor',
                'verbose_name_plural': 'supervisors',
                'constraints': [models.UniqueConstraint(fields=('fund', 'person', 'level'), name='supervisor_once'), models.CheckConstraint(condition=models.Q(('level__in', [1, 2])), name='supervisor_level_1_2')],
            },
        ),
    ]
