import django.db.models.deletion
import django.utils.timezone
import linli.projects.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0003_presets'),
        ('ledger', '0003_database_rules'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('contractor', 'Construction company'), ('supervisor', 'Supervisor')], max_length=12, verbose_name='role')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('contact_name', models.CharField(blank=True, max_length=60, verbose_name='contact')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name="contact's account")),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
            },
        ),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('courtyard', 'Renovation of an old courtyard'), ('micro_renewal', 'Micro-renewal'), ('micro_governance', 'Micro-governance project')], max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('status', models.CharField(choices=[('notice', 'Public notice'), ('approved', 'Approved, collecting funds'), ('rejected', 'Not approved'), ('running', 'Under construction'), ('accepted', 'Accepted, accounts published')], default='notice', max_length=10, verbose_name='status')),
                ('notice_until', models.DateField(verbose_name='comments until')),
                ('start_date', models.DateField(verbose_name='planned start')),
                ('end_date', models.DateField(verbose_name='planned end')),
                ('share_rule', models.CharField(choices=[('household', 'The same amount per household'), ('area', 'By floor area (per m²)'), ('voluntary', 'Voluntary amount')], max_length=10, verbose_name="residents' share")),
                ('share_amount', models.BigIntegerField(default=0, verbose_name='share (fen per household or per m²)')),
                ('name_display', models.CharField(choices=[('full', 'Full name'), ('masked', 'Surname only'), ('household', 'Household number only')], default='masked', max_length=10, verbose_name='names on the public list')),
                ('opinion_ref', models.CharField(blank=True, max_length=100, verbose_name='questionnaire or vote')),
                ('decision_note', models.TextField(blank=True, verbose_name='decision')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted')),
                ('final_accounts', models.JSONField(blank=True, null=True, verbose_name='final accounts')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='org.node', verbose_name='compound')),
                ('contractor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='projects.organisation', verbose_name='construction company')),
                ('manager', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='manager')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.timelimitpolicy', verbose_name='time limits of construction problems')),
                ('supervisor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='projects.organisation', verbose_name='supervisor')),
            ],
            options={
                'verbose_name': 'project',
                'verbose_name_plural': 'projects',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['notice', 'approved', 'rejected', 'running', 'accepted'])), name='project_status_known'), models.CheckConstraint(condition=models.Q(('start_date__lte', models.F('end_date'))), name='project_dates'), models.CheckConstraint(condition=models.Q(('share_amount__gte', 0), ('share_amount__lte', 100000000000), models.Q(('share_rule', 'voluntary'), ('share_amount__gt', 0), _connector='OR')), name='project_share'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'accepted'), _negated=True), ('final_accounts__isnull', False), _connector='OR'), name='project_accounts_when_accepted')],
            },
        ),
        migrations.CreateModel(
            name='Problem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('design', 'Design'), ('quality', 'Quality'), ('noise', 'Noise'), ('safety', 'Safety')], max_length=10, verbose_name='kind')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='request')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'construction problem',
                'verbose_name_plural': 'construction problems',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Milestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='milestone')),
                ('due', models.DateField(verbose_name='due')),
                ('committee_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='committee signed')),
                ('supervisor_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='supervisor signed')),
                ('committee_signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed by the committee')),
                ('supervisor_signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed by the supervisor')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'milestone',
                'verbose_name_plural': 'milestones',
                'ordering': ['due', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'project event',
                'verbose_name_plural': 'project events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Contribution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('government', 'Government subsidy'), ('work_units', 'Work units'), ('residents', 'Residents'), ('donations', 'Donations'), ('community_fund', 'Community fund')], max_length=16, verbose_name='source')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('payer', models.CharField(blank=True, max_length=100, verbose_name='payer')),
                ('state', models.CharField(choices=[('pledged', 'Pledged, waiting for payment'), ('confirmed', 'Paid'), ('refunded', 'Refunded'), ('cancelled', 'Cancelled')], default='pledged', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed')),
                ('household', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('receipt', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='receipt')),
                ('refund', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='refund')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'contribution',
                'verbose_name_plural': 'contributions',
                'ordering': ['created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0), ('amount__lte', 100000000000)), name='contribution_amount'), models.CheckConstraint(condition=models.Q(models.Q(('receipt__isnull', False), ('state__in', ['confirmed', 'refunded'])), models.Q(('receipt__isnull', True), ('state__in', ['pledged', 'cancelled'])), _connector='OR'), name='contribution_receipt'), models.CheckConstraint(condition=models.Q(models.Q(('refund__isnull', False), ('state', 'refunded')), models.Q(models.Q(('state', 'refunded'), _negated=True), ('refund__isnull', True)), _connector='OR'), name='contribution_refund'), models.UniqueConstraint(condition=models.Q(('state__in', ['pledged', 'confirmed'])), fields=('project', 'household'), name='contribution_one_live_per_household')],
            },
        ),
        migrations.CreateModel(
            name='CommitteeMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(blank=True, max_length=30, verbose_name='title')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='committee', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'committee member',
                'verbose_name_plural': 'committee members',
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(fields=('project', 'person'), name='committee_member_once')],
            },
        ),
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('support', models.BooleanField(verbose_name='supports')),
                ('text', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'comment',
                'verbose_name_plural': 'comments',
                'ordering': ['created_at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('project', 'household'), name='comment_once_per_household')],
            },
        ),
        migrations.CreateModel(
            name='BudgetLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('government', 'Government subsidy'), ('work_units', 'Work units'), ('residents', 'Residents'), ('donations', 'Donations'), ('community_fund', 'Community fund')], max_length=16, verbose_name='source')),
                ('planned', models.BigIntegerField(verbose_name='planned (fen)')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budget', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'budget line',
                'verbose_name_plural': 'budget lines',
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(fields=('project', 'source'), name='budget_line_once_per_source'), models.CheckConstraint(condition=models.Q(('planned__gte', 0), ('planned__lte', 100000000000)), name='budget_line_planned')],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.PositiveSmallIntegerField(verbose_name='satisfaction (1-5)')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'satisfaction',
                'verbose_name_plural': 'satisfaction',
                'constraints': [models.UniqueConstraint(fields=('project', 'household'), name='rating_once_per_household'), models.CheckConstraint(condition=models.Q(('score__gte', 1), ('score__lte', 5)), name='rating_score')],
            },
        ),
        migrations.CreateModel(
            name='ScopeItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='what')),
                ('quantity', models.PositiveIntegerField(verbose_name='quantity')),
                ('unit', models.CharField(max_length=10, verbose_name='unit')),
                ('budget', models.BigIntegerField(default=0, verbose_name='budget (fen)')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'scope item',
                'verbose_name_plural': 'scope items',
                'ordering': ['position', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('budget__gte', 0), ('budget__lte', 100000000000), ('quantity__gt', 0)), name='scope_item_budget')],
            },
        ),
        migrations.CreateModel(
            name='Payment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(verbose_name='amount (fen)')),
                ('payee', models.CharField(max_length=200, verbose_name='payee')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='ledger transaction')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='projects.project', verbose_name='project')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='projects.scopeitem', verbose_name='scope item')),
            ],
            options={
                'verbose_name': 'payment',
                'verbose_name_plural': 'payments',
                'ordering': ['created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0), ('amount__lte', 100000000000)), name='payment_amount')],
            },
        ),
        migrations.CreateModel(
            name='ItemPhoto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.ImageField(upload_to=linli.projects.models.photo_path, verbose_name='image')),
                ('after', models.BooleanField(default=False, verbose_name='after the work')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='photos', to='projects.scopeitem', verbose_name='scope item')),
            ],
            options={
                'verbose_name': 'photo',
                'verbose_name_plural': 'photos',
                'ordering': ['uploaded_at', 'id'],
            },
        ),
    ]
