import django.db.models.deletion
import django.utils.timezone
import uuid
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
            name='Asset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=16, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('scale', models.PositiveSmallIntegerField(verbose_name='scale')),
            ],
            options={
                'verbose_name': 'asset',
                'verbose_name_plural': 'assets',
            },
        ),
        migrations.CreateModel(
            name='Account',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=80, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('kind', models.CharField(choices=[('asset', 'Asset'), ('liability', 'Liability'), ('income', 'Income'), ('expense', 'Expense'), ('equity', 'Equity')], max_length=16, verbose_name='kind')),
                ('no_negative', models.BooleanField(default=False, verbose_name='may not go negative')),
                ('is_public', models.BooleanField(default=False, verbose_name='public')),
                ('balance', models.BigIntegerField(default=0, verbose_name='balance')),
                ('reserved', models.BigIntegerField(default=0, verbose_name='reserved by pending transfers')),
                ('seq', models.PositiveIntegerField(default=0, verbose_name='chain length')),
                ('head_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64, verbose_name='chain head')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger_accounts', to='org.node', verbose_name='owner')),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='ledger.asset', verbose_name='asset')),
            ],
            options={
                'verbose_name': 'account',
                'verbose_name_plural': 'accounts',
                'ordering': ['code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('reserved__gte', 0)), name='ledger_account_reserved_nonneg'), models.CheckConstraint(condition=models.Q(('no_negative', False), ('balance__gte', models.F('reserved')), _connector='OR'), name='ledger_account_no_negative')],
            },
        ),
        migrations.CreateModel(
            name='Transaction',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('idempotency_key', models.CharField(max_length=200, unique=True, verbose_name='idempotency key')),
                ('request_hash', models.CharField(max_length=64, verbose_name='request hash')),
                ('memo', models.CharField(blank=True, max_length=300, verbose_name='memo')),
                ('posted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='posted')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='ledger.transaction', verbose_name='reverses')),
            ],
            options={
                'verbose_name': 'transaction',
                'verbose_name_plural': 'transactions',
                'ordering': ['posted_at'],
            },
        ),
        migrations.CreateModel(
            name='Leg',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(verbose_name='amount (minor units)')),
                ('seq', models.PositiveIntegerField(verbose_name='position in chain')),
                ('balance_after', models.BigIntegerField(verbose_name='balance after')),
                ('prev_hash', models.CharField(max_length=64, verbose_name='previous hash')),
                ('entry_hash', models.CharField(max_length=64, verbose_name='entry hash')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='legs', to='ledger.account', verbose_name='account')),
                ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='legs', to='ledger.transaction', verbose_name='transaction')),
            ],
            options={
                'verbose_name': 'leg',
                'verbose_name_plural': 'legs',
                'ordering': ['account_id', 'seq'],
                'constraints': [models.UniqueConstraint(fields=('account', 'seq'), name='ledger_leg_account_seq'), models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='ledger_leg_nonzero')],
            },
        ),
        migrations.CreateModel(
            name='PendingTransfer',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('idempotency_key', models.CharField(max_length=200, unique=True, verbose_name='idempotency key')),
                ('request_hash', models.CharField(max_length=64, verbose_name='request hash')),
                ('memo', models.CharField(blank=True, max_length=300, verbose_name='memo')),
                ('legs', models.JSONField(verbose_name='legs')),
                ('state', models.CharField(choices=[('pending', 'Pending'), ('posted', 'Posted'), ('voided', 'Voided')], default='pending', max_length=8, verbose_name='state')),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('transaction', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pending', to='ledger.transaction', verbose_name='transaction')),
            ],
            options={
                'verbose_name': 'pending transfer',
                'verbose_name_plural': 'pending transfers',
                'ordering': ['created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('state', 'posted'), ('transaction__isnull', False)), models.Q(models.Q(('state', 'posted'), _negated=True), ('transaction__isnull', True)), _connector='OR'), name='ledger_pending_posted_has_tx')],
            },
        ),
    ]
