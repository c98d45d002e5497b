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
            name='Survey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('description', models.TextField(blank=True, max_length=5000, verbose_name='description')),
                ('purpose', models.CharField(choices=[('general', 'Questionnaire'), ('governance', 'Compound governance questionnaire'), ('pact', 'Neighbourhood pact'), ('theme', 'Compound theme or logo')], default='general', max_length=16, verbose_name='purpose')),
                ('anonymous', models.BooleanField(default=False, verbose_name='anonymous')),
                ('per', models.CharField(choices=[('household', 'One answer per household'), ('person', 'One answer per person')], default='household', max_length=10, verbose_name='answers')),
                ('opens_at', models.DateTimeField(verbose_name='opens')),
                ('closes_at', models.DateTimeField(verbose_name='closes')),
                ('results_public', models.BooleanField(default=False, verbose_name='results public')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='surveys', to='org.node', verbose_name='place')),
            ],
            options={
                'verbose_name': 'questionnaire',
                'verbose_name_plural': 'questionnaires',
                'ordering': ['-opens_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='survey_closes_after_opens'), models.CheckConstraint(condition=models.Q(('per__in', ['household', 'person'])), name='survey_per_valid')],
            },
        ),
        migrations.CreateModel(
            name='Response',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('respondent_key', models.CharField(max_length=80, verbose_name='respondent key')),
                ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='submitted')),
                ('household', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='household')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='surveys.survey', verbose_name='questionnaire')),
            ],
            options={
                'verbose_name': 'answer sheet',
                'verbose_name_plural': 'answer sheets',
                'ordering': ['survey', 'id'],
                'constraints': [models.UniqueConstraint(fields=('survey', 'respondent_key'), name='survey_one_answer_per_respondent')],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('created', 'Questionnaire created'), ('answered', 'Questionnaire answered'), ('closed', 'Questionnaire closed early')], max_length=16, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='surveys.survey', verbose_name='questionnaire')),
            ],
            options={
                'verbose_name': 'questionnaire event',
                'verbose_name_plural': 'questionnaire events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Option',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='order')),
                ('text', models.CharField(max_length=120, verbose_name='option')),
            ],
            options={
                'verbose_name': 'option',
                'verbose_name_plural': 'options',
                'ordering': ['question', 'position'],
            },
        ),
        migrations.CreateModel(
            name='Question',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='order')),
                ('kind', models.CharField(choices=[('single', 'Single choice'), ('multiple', 'Multiple choice'), ('text', 'Text'), ('scale', 'Scale'), ('ranking', 'Ranking'), ('matrix', 'Matrix')], max_length=10, verbose_name='kind')),
                ('text', models.CharField(max_length=300, verbose_name='question text')),
                ('required', models.BooleanField(default=True, verbose_name='must be answered')),
                ('min_choices', models.PositiveSmallIntegerField(default=1, verbose_name='at least')),
                ('max_choices', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='at most')),
                ('scale_min', models.SmallIntegerField(default=1, verbose_name='scale from')),
                ('scale_max', models.SmallIntegerField(default=5, verbose_name='scale to')),
                ('scale_min_label', models.CharField(blank=True, max_length=40, verbose_name='label of the lowest')),
                ('scale_max_label', models.CharField(blank=True, max_length=40, verbose_name='label of the highest')),
                ('rows', models.JSONField(blank=True, default=list, verbose_name='rows')),
                ('show_if', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='surveys.option', verbose_name='shown only if chosen')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='surveys.survey', verbose_name='questionnaire')),
            ],
            options={
                'verbose_name': 'survey question',
                'verbose_name_plural': 'survey questions',
                'ordering': ['survey', 'position'],
                'constraints': [models.UniqueConstraint(fields=('survey', 'position'), name='survey_question_position_unique'), models.CheckConstraint(condition=models.Q(('scale_max__gt', models.F('scale_min'))), name='survey_question_scale'), models.CheckConstraint(condition=models.Q(('max_choices__isnull', True), ('max_choices__gte', models.F('min_choices')), _connector='OR'), name='survey_question_choices')],
            },
        ),
        migrations.CreateModel(
            name='Answer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.JSONField(verbose_name='answer value')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='surveys.question', verbose_name='survey question')),
                ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.response', verbose_name='answer sheet')),
            ],
            options={
                'verbose_name': 'question answer',
                'verbose_name_plural': 'question answers',
                'constraints': [models.UniqueConstraint(fields=('response', 'question'), name='survey_one_answer_per_question')],
            },
        ),
        migrations.AddField(
            model_name='option',
            name='question',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='options', to='surveys.question', verbose_name='survey question'),
        ),
        migrations.AddConstraint(
            model_name='option',
            constraint=models.UniqueConstraint(fields=('question', 'position'), name='survey_option_position_unique'),
        ),
    ]
