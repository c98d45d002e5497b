import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('mutualaid', '0003_history_append_only'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Entry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('circle', models.CharField(choices=[('government', 'Government services'), ('volunteer', 'Volunteer circle'), ('life', 'Life circle')], max_length=12, verbose_name='circle')),
                ('category', models.CharField(max_length=30, verbose_name='category')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='what it offers')),
                ('address', models.CharField(max_length=200, verbose_name='address')),
                ('lat', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                ('lng', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone')),
                ('phone_public', models.BooleanField(default=False, verbose_name='public number of an organisation')),
                ('hours', models.JSONField(blank=True, default=list, verbose_name='opening hours')),
                ('closed_dates', models.JSONField(blank=True, default=list, verbose_name='closed on these dates')),
                ('documents', models.TextField(blank=True, verbose_name='documents to bring')),
                ('link', models.URLField(blank=True, verbose_name='link')),
                ('services', models.CharField(blank=True, max_length=300, verbose_name='services offered')),
                ('service_point', models.BooleanField(default=False, verbose_name='service point')),
                ('hidden', models.BooleanField(default=False, verbose_name='hidden')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('merchant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='circle_entries', to='mutualaid.merchant', verbose_name='merchant')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='circle_entries', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'service-circle entry',
                'verbose_name_plural': 'service-circle entries',
                'ordering': ['node', 'circle', 'name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('circle__in', ['government', 'volunteer', 'life'])), name='circles_entry_circle'), models.CheckConstraint(condition=models.Q(models.Q(('lat__isnull', True), ('lng__isnull', True)), models.Q(('lat__gte', -90), ('lat__lte', 90), ('lng__gte', -180), ('lng__lte', 180)), _connector='OR'), name='circles_entry_position'), models.CheckConstraint(condition=models.Q(('service_point', False), models.Q(('services', ''), _negated=True), _connector='OR'), name='circles_entry_service_point'), models.UniqueConstraint(fields=('node', 'name', 'address'), name='circles_entry_once')],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('created', 'Entry added'), ('updated', 'Entry changed'), ('hidden', 'Entry hidden'), ('shown', 'Entry shown again'), ('location', 'Compound position set')], max_length=12, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='circles.entry', verbose_name='entry')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='community')),
            ],
            options={
                'verbose_name': 'service-circle event',
                'verbose_name_plural': 'service-circle events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CompoundLocation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('lat', models.DecimalField(decimal_places=6, max_digits=9, verbose_name='latitude')),
                ('lng', models.DecimalField(decimal_places=6, max_digits=9, verbose_name='longitude')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('compound', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='circle_location', to='org.node', verbose_name='compound')),
            ],
            options={
                'verbose_name': 'compound location',
                'verbose_name_plural': 'compound locations',
                'constraints': [models.CheckConstraint(condition=models.Q(('lat__gte', -90), ('lat__lte', 90)), name='circles_compound_lat'), models.CheckConstraint(condition=models.Q(('lng__gte', -180), ('lng__lte', 180)), name='circles_compound_lng')],
            },
        ),
    ]
