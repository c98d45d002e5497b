import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='PropertyCompany',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='unified social credit code')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='phone')),
            ],
            options={
                'verbose_name': 'property company',
                'verbose_name_plural': 'property companies',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('real_name', models.CharField(blank=True, max_length=60, verbose_name='real name')),
                ('phone', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='mobile phone')),
                ('must_change_password', models.BooleanField(default=False, verbose_name='must change password')),
                ('erased_at', models.DateTimeField(blank=True, null=True, verbose_name='personal data erased')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'people',
            },
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='AccountEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('password_reset', 'One-time password set by staff'), ('password_changed', 'Password changed'), ('data_downloaded', 'Personal data downloaded'), ('erased', 'Personal data erased')], max_length=20, verbose_name='action')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='account_events', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'account event',
                'verbose_name_plural': 'account events',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                ('prefix', models.CharField(editable=False, max_length=12, verbose_name='prefix')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Node',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('district', 'District'), ('street', 'Street / town'), ('community', 'Community'), ('grid', 'Grid'), ('microgrid', 'Micro-grid'), ('compound', 'Compound'), ('group', 'Group / phase'), ('building', 'Building'), ('unit', 'Unit'), ('household', 'Household')], db_index=True, max_length=16, verbose_name='kind')),
                ('code', models.CharField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('path', models.CharField(db_index=True, default='', editable=False, max_length=255)),
                ('property_mode', models.CharField(blank=True, choices=[('self', 'Self-managed by residents'), ('trusteeship', 'Community trusteeship'), ('professional', 'Professional property company'), ('trust', 'Trust-style property service')], max_length=16, verbose_name='property service mode')),
                ('area_m2', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='exclusive floor area (m²)')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('compound', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='org.node', verbose_name='compound')),
                ('microgrid', models.ForeignKey(blank=True, limit_choices_to={'kind': 'microgrid'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='households', to='org.node', verbose_name='micro-grid')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.node', verbose_name='parent')),
                ('request_microgrid', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='org.node', verbose_name='micro-grid its requests go to')),
                ('property_company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='org.propertycompany', verbose_name='property company')),
            ],
            options={
                'verbose_name': 'place',
                'verbose_name_plural': 'places',
                'ordering': ['path'],
                'constraints': [models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Za-z0-9][A-Za-z0-9-]{0,39}$')), name='node_code_format'), models.CheckConstraint(condition=models.Q(models.Q(('area_m2__gt', Decimal('0')), ('kind', 'household'), ('microgrid__isnull', False)), models.Q(models.Q(('kind', 'household'), _negated=True), ('area_m2__isnull', True), ('microgrid__isnull', True)), _connector='OR'), name='node_household_fields'), models.CheckConstraint(condition=models.Q(('kind', 'compound'), models.Q(('property_company__isnull', True), ('property_mode', '')), _connector='OR'), name='node_property_only_on_compound'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'district'), ('parent__isnull', True)), models.Q(models.Q(('kind', 'district'), _negated=True), ('parent__isnull', False)), _connector='OR'), name='node_root_is_district')],
            },
        ),
        migrations.CreateModel(
            name='RoleAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('resident', 'Resident'), ('owner', 'Owner'), ('building_rep', 'Building representative'), ('microgrid_leader', 'Micro-grid leader'), ('grid_worker', 'Grid worker'), ('special_member', 'Special micro-grid member'), ('property_staff', 'Property staff'), ('owners_committee', "Owners' committee"), ('governance_committee', 'Governance committee'), ('party_branch', 'Party branch'), ('community_staff', 'Community staff'), ('street_staff', 'Street staff'), ('merchant', 'Merchant'), ('volunteer', 'Volunteer')], max_length=32, verbose_name='role')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='assigned')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='role_assignments', to='org.node', verbose_name='scope')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roles', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'role',
                'verbose_name_plural': 'roles',
                'indexes': [models.Index(fields=['person', 'role'], name='org_roleass_person__8110ad_idx')],
                'constraints': [models.UniqueConstraint(fields=('person', 'role', 'node'), name='role_unique_per_scope')],
            },
        ),
        migrations.CreateModel(
            name='RoleEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('grant', 'Role given'), ('withdraw', 'Role taken away')], max_length=10, verbose_name='action')),
                ('role', models.CharField(choices=[('resident', 'Resident'), ('owner', 'Owner'), ('building_rep', 'Building representative'), ('microgrid_leader', 'Micro-grid leader'), ('grid_worker', 'Grid worker'), ('special_member', 'Special micro-grid member'), ('property_staff', 'Property staff'), ('owners_committee', "Owners' committee"), ('governance_committee', 'Governance committee'), ('party_branch', 'Party branch'), ('community_staff', 'Community staff'), ('street_staff', 'Street staff'), ('merchant', 'Merchant'), ('volunteer', 'Volunteer')], max_length=32, verbose_name='role')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='at')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='scope')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='role_events', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'role change',
                'verbose_name_plural': 'role changes',
                'ordering': ['-at', '-id'],
            },
        ),
    ]
