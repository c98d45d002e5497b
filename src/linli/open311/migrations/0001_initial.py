import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0002_initial'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Open311Key',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='integration')),
                ('prefix', models.CharField(editable=False, max_length=12, verbose_name='prefix')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('jurisdiction', models.ForeignKey(blank=True, help_text='Empty: every jurisdiction.', null=True, on_delete=django.db.models.deletion.PROTECT, to='org.node', verbose_name='jurisdiction')),
            ],
            options={
                'verbose_name': 'Open311 key',
                'verbose_name_plural': 'Open311 keys',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Open311Submission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('attributes', models.JSONField(blank=True, default=dict, verbose_name='attributes')),
                ('account_id', models.CharField(blank=True, max_length=100, verbose_name='account id')),
                ('device_id', models.CharField(blank=True, max_length=100, verbose_name='device id')),
                ('media_url', models.URLField(blank=True, max_length=500, verbose_name='media URL')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='open311', to='cases.case', verbose_name='request')),
                ('key', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='open311.open311key', verbose_name='integration')),
            ],
            options={
                'verbose_name': 'Open311 submission',
                'verbose_name_plural': 'Open311 submissions',
            },
        ),
        migrations.CreateModel(
            name='ServiceAttribute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('datatype', models.CharField(choices=[('string', 'short text'), ('number', 'number'), ('datetime', 'date and time'), ('text', 'long text'), ('singlevaluelist', 'one of a list'), ('multivaluelist', 'several of a list')], default='string', max_length=16, verbose_name='type')),
                ('required', models.BooleanField(default=False, verbose_name='required')),
                ('description', models.CharField(max_length=200, verbose_name='question')),
                ('datatype_description', models.CharField(blank=True, max_length=200, verbose_name='hint')),
                ('order', models.PositiveSmallIntegerField(default=1, verbose_name='order')),
                ('values', models.JSONField(blank=True, default=list, verbose_name='values')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='open311_attributes', to='cases.category', verbose_name='category')),
            ],
            options={
                'verbose_name': 'service attribute',
                'verbose_name_plural': 'service attributes',
                'ordering': ['category', 'order', 'code'],
                'constraints': [models.UniqueConstraint(fields=('category', 'code'), name='open311_attribute_code_unique')],
            },
        ),
    ]
