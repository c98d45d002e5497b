import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import linli.mutualaid.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ledger', '0002_initial'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Covenant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('text', models.TextField(verbose_name='text')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='covenants', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'covenant',
                'verbose_name_plural': 'covenants',
                'ordering': ['node', '-version'],
                'constraints': [models.UniqueConstraint(fields=('node', 'version'), name='ma_covenant_version')],
            },
        ),
        migrations.CreateModel(
            name='Criterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='criterion')),
                ('weight', models.PositiveSmallIntegerField(verbose_name='weight')),
                ('evidence', models.CharField(blank=True, max_length=200, verbose_name='evidence')),
                ('active', models.BooleanField(default=True, verbose_name='in use')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='criteria', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'scoring criterion',
                'verbose_name_plural': 'scoring criteria',
                'ordering': ['node', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('weight__gte', 1), ('weight__lte', 100)), name='ma_criterion_weight')],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('volunteer.registered', 'Volunteer registered'), ('volunteer.decided', 'Volunteer confirmed or refused'), ('task.posted', 'Task posted'), ('task.status', 'Task status changed'), ('signup', 'Signed up'), ('signup.status', 'Sign-up status changed'), ('completed', 'Completion recorded'), ('pool.funded', 'Points issued to the pool'), ('merchant.admitted', 'Merchant admitted'), ('merchant.staff', 'Merchant staff added'), ('merchant.status', 'Merchant status changed'), ('rule.set', 'Redemption rule set'), ('code.issued', 'Till code issued'), ('redeemed', 'Points redeemed'), ('settled', 'Merchant settled'), ('expired', 'Points expired'), ('covenant', 'Covenant published'), ('criterion', 'Scoring criterion set'), ('scored', 'Merchant scored')], max_length=24, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'mutual-aid event',
                'verbose_name_plural': 'mutual-aid events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Merchant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=30, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                ('status', models.CharField(choices=[('active', 'Accepting points'), ('suspended', 'Suspended from redemption')], default='active', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='admitted')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merchants', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'merchant',
                'verbose_name_plural': 'merchants',
                'ordering': ['node', 'name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Za-z0-9-]{1,30}$')), name='ma_merchant_code')],
            },
        ),
        migrations.CreateModel(
            name='MerchantStaff',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='mutualaid.merchant', verbose_name='merchant')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merchant_staff', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'merchant staff',
                'verbose_name_plural': 'merchant staff',
                'constraints': [models.UniqueConstraint(fields=('merchant', 'person'), name='ma_staff_once')],
            },
        ),
        migrations.CreateModel(
            name='PointsRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step_fen', models.PositiveIntegerField(default=3000, verbose_name='bill step (fen)')),
                ('points_per_step', models.PositiveIntegerField(default=3, verbose_name='points off per full step')),
                ('fen_per_point', models.PositiveIntegerField(default=100, verbose_name='value of one point (fen)')),
                ('expiry_days', models.PositiveIntegerField(blank=True, null=True, verbose_name='points expire after (days)')),
                ('suspend_below', models.PositiveSmallIntegerField(default=60, verbose_name='suspend merchants scored below')),
                ('node', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='points_rule', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'points rule',
                'verbose_name_plural': 'points rules',
                'constraints': [models.CheckConstraint(condition=models.Q(('fen_per_point__gt', 0), ('points_per_step__gt', 0), ('step_fen__gt', 0)), name='ma_rule_positive'), models.CheckConstraint(condition=models.Q(('step_fen__gte', django.db.models.expressions.CombinedExpression(models.F('points_per_step'), '*', models.F('fen_per_point')))), name='ma_rule_discount_within_step'), models.CheckConstraint(condition=models.Q(('suspend_below__lte', 100)), name='ma_rule_threshold')],
            },
        ),
        migrations.CreateModel(
            name='Scoring',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=20, verbose_name='period')),
                ('total', models.PositiveSmallIntegerField(verbose_name='total')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scorings', to='mutualaid.merchant', verbose_name='merchant')),
            ],
            options={
                'verbose_name': 'scoring',
                'verbose_name_plural': 'scorings',
                'ordering': ['-at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('merchant', 'period'), name='ma_scoring_once_per_period'), models.CheckConstraint(condition=models.Q(('total__lte', 100)), name='ma_scoring_total')],
            },
        ),
        migrations.CreateModel(
            name='Score',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.PositiveSmallIntegerField(verbose_name='score (0–100)')),
                ('evidence', models.CharField(blank=True, max_length=200, verbose_name='evidence seen')),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mutualaid.criterion', verbose_name='criterion')),
                ('scoring', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='mutualaid.scoring', verbose_name='scoring')),
            ],
            options={
                'verbose_name': 'score',
                'verbose_name_plural': 'scores',
                'constraints': [models.UniqueConstraint(fields=('scoring', 'criterion'), name='ma_score_once'), models.CheckConstraint(condition=models.Q(('value__lte', 100)), name='ma_score_range')],
            },
        ),
        migrations.CreateModel(
            name='Settlement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('points', models.PositiveIntegerField(verbose_name='points')),
                ('money_fen', models.PositiveIntegerField(default=0, verbose_name='money paid (fen)')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlements', to='mutualaid.merchant', verbose_name='merchant')),
                ('money_transaction', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='aid_money_settlement', to='ledger.transaction', verbose_name='money transaction')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='aid_settlement', to='ledger.transaction', verbose_name='points transaction')),
            ],
            options={
                'verbose_name': 'settlement',
                'verbose_name_plural': 'settlements',
                'ordering': ['-at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('points__gt', 0)), name='ma_settlement_positive'), models.CheckConstraint(condition=models.Q(models.Q(('money_fen', 0), ('money_transaction__isnull', True)), models.Q(('money_fen__gt', 0), ('money_transaction__isnull', False)), _connector='OR'), name='ma_settlement_money_tx')],
            },
        ),
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('place', models.CharField(max_length=200, verbose_name='place')),
                ('places', models.PositiveSmallIntegerField(verbose_name='places per slot')),
                ('points', models.PositiveIntegerField(verbose_name='points per completion')),
                ('signup_deadline', models.DateTimeField(verbose_name='sign-up deadline')),
                ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed'), ('cancelled', 'Cancelled')], default='open', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='community')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='organiser')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='aid_tasks', to='org.node', verbose_name='posted by')),
            ],
            options={
                'verbose_name': 'task',
                'verbose_name_plural': 'tasks',
                'ordering': ['signup_deadline', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('places__gte', 1), ('places__lte', 500)), name='ma_task_places'), models.CheckConstraint(condition=models.Q(('points__gte', 1), ('points__lte', 1000)), name='ma_task_points')],
            },
        ),
        migrations.CreateModel(
            name='Slot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(verbose_name='starts')),
                ('ends_at', models.DateTimeField(verbose_name='ends')),
                ('token', models.CharField(default=linli.mutualaid.models.new_token, editable=False, max_length=40, unique=True, verbose_name='check-in code')),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='slots', to='mutualaid.task', verbose_name='task')),
            ],
            options={
                'verbose_name': 'slot',
                'verbose_name_plural': 'slots',
                'ordering': ['starts_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='ma_slot_ends_after_start')],
            },
        ),
        migrations.CreateModel(
            name='Completion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(choices=[('qr', 'Checked in by QR code on site'), ('organiser', 'Confirmed by the organiser')], max_length=12, verbose_name='how')),
                ('minutes', models.PositiveIntegerField(verbose_name='minutes')),
                ('points', models.PositiveIntegerField(verbose_name='points')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='community')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='aid_completions', to=settings.AUTH_USER_MODEL, verbose_name='volunteer')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='aid_completion', to='ledger.transaction', verbose_name='ledger transaction')),
                ('slot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='completions', to='mutualaid.slot', verbose_name='slot')),
            ],
            options={
                'verbose_name': 'completion',
                'verbose_name_plural': 'completions',
                'ordering': ['-at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('slot', 'person'), name='ma_completion_once_per_slot'), models.CheckConstraint(condition=models.Q(models.Q(('confirmed_by__isnull', True), ('method', 'qr')), models.Q(('confirmed_by__isnull', False), ('method', 'organiser'), models.Q(('confirmed_by', models.F('person')), _negated=True)), _connector='OR'), name='ma_completion_confirmer')],
            },
        ),
        migrations.CreateModel(
            name='SignUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('confirmed', 'Place confirmed'), ('waiting', 'On the waiting list'), ('withdrawn', 'Withdrawn'), ('completed', 'Completed')], max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='signed up')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='aid_signups', to=settings.AUTH_USER_MODEL, verbose_name='volunteer')),
                ('slot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signups', to='mutualaid.slot', verbose_name='slot')),
            ],
            options={
                'verbose_name': 'sign-up',
                'verbose_name_plural': 'sign-ups',
                'ordering': ['created_at', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ('confirmed', 'waiting', 'completed'))), fields=('slot', 'person'), name='ma_signup_once_per_slot')],
            },
        ),
        migrations.CreateModel(
            name='TillCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digits', models.CharField(max_length=6, verbose_name='code')),
                ('token', models.CharField(default=linli.mutualaid.models.new_token, editable=False, max_length=40, unique=True, verbose_name='QR token')),
                ('state', models.CharField(choices=[('live', 'Live'), ('used', 'Used'), ('replaced', 'Replaced')], default='live', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='till_codes', to=settings.AUTH_USER_MODEL, verbose_name='resident')),
            ],
            options={
                'verbose_name': 'till code',
                'verbose_name_plural': 'till codes',
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'live')), fields=('digits',), name='ma_tillcode_live_digits'), models.CheckConstraint(condition=models.Q(('digits__regex', '^[0-9]{6}$')), name='ma_tillcode_digits'), models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='ma_tillcode_expiry')],
            },
        ),
        migrations.CreateModel(
            name='Redemption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bill_fen', models.PositiveIntegerField(verbose_name='bill (fen)')),
                ('points', models.PositiveIntegerField(verbose_name='points')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='at the till')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='mutualaid.merchant', verbose_name='merchant')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='aid_redemptions', to=settings.AUTH_USER_MODEL, verbose_name='resident')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='aid_redemption', to='ledger.transaction', verbose_name='ledger transaction')),
                ('code', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='redemption', to='mutualaid.tillcode', verbose_name='till code')),
            ],
            options={
                'verbose_name': 'redemption',
                'verbose_name_plural': 'redemptions',
                'ordering': ['-at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('bill_fen__gt', 0), ('points__gt', 0)), name='ma_redemption_positive')],
            },
        ),
        migrations.CreateModel(
            name='Volunteer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('skills', models.CharField(blank=True, max_length=200, verbose_name='skills')),
                ('availability', models.CharField(blank=True, max_length=200, verbose_name='times available')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone')),
                ('status', models.CharField(choices=[('applied', 'Waiting for confirmation'), ('confirmed', 'Confirmed'), ('refused', 'Refused'), ('left', 'Left')], default='applied', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='registered')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='volunteers', to='org.node', verbose_name='community')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='volunteering', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'volunteer',
                'verbose_name_plural': 'volunteers',
                'ordering': ['node', 'created_at'],
                'constraints': [models.UniqueConstraint(fields=('person', 'node'), name='ma_volunteer_once_per_community')],
            },
        ),
    ]
