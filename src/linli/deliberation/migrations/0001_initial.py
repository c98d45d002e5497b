import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ledger', '0003_database_rules'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('topic.raised', 'Topic raised'), ('topic.supported', 'Topic supported'), ('topic.taken_up', 'Topic taken up'), ('topic.status', 'Topic status changed'), ('meeting.convened', 'Meeting convened'), ('meeting.agenda', 'Topic put on the agenda'), ('meeting.notified', 'Meeting notice sent'), ('meeting.minutes', 'Minutes published'), ('review.opened', 'Review opened'), ('review.closed', 'Review closed'), ('report.filed', 'Work report filed'), ('report.rated', 'Work report rated'), ('round.opened', 'Fund round opened'), ('round.status', 'Fund round moved on'), ('project.proposed', 'Project proposed'), ('project.reviewed', 'Project reviewed'), ('project.supported', 'Project supported'), ('project.selected', 'Project chosen or not'), ('milestone.added', 'Milestone added'), ('milestone.done', 'Milestone done and paid'), ('project.progress', 'Project progress reported')], max_length=24, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('data', models.JSONField(default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.node', verbose_name='place')),
            ],
            options={
                'verbose_name': 'deliberation event',
                'verbose_name_plural': 'deliberation events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='FundRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('amount', models.PositiveBigIntegerField(verbose_name='fund amount (fen)')),
                ('method', models.CharField(choices=[('approval', 'Approval by the body'), ('knapsack', 'By support, within the fund')], max_length=10, verbose_name='selection')),
                ('status', models.CharField(choices=[('proposing', 'Taking proposals'), ('supporting', 'Support phase'), ('selected', 'Projects chosen'), ('closed', 'Closed')], default='proposing', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('funding', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='funding transaction')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='fund_rounds', to='org.node', verbose_name='place')),
            ],
            options={
                'verbose_name': 'fund round',
                'verbose_name_plural': 'fund rounds',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='dlb_round_amount')],
            },
        ),
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('daily', 'Daily opinion collection'), ('weekly', 'Weekly deliberation'), ('monthly', 'Monthly face-to-face meeting'), ('open_air', 'Open-air meeting'), ('joint', 'Joint meeting')], max_length=12, verbose_name='kind')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('starts_at', models.DateTimeField(verbose_name='starts')),
                ('place', models.CharField(max_length=200, verbose_name='place')),
                ('bodies', models.CharField(max_length=200, verbose_name='bodies')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('notified', 'Notice sent'), ('held', 'Minutes published'), ('cancelled', 'Cancelled')], default='planned', max_length=12, verbose_name='status')),
                ('minutes', models.TextField(blank=True, verbose_name='minutes')),
                ('minutes_at', models.DateTimeField(blank=True, null=True, verbose_name='minutes published')),
                ('notified_at', models.DateTimeField(blank=True, null=True, verbose_name='notice sent')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='org.node', verbose_name='compound')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='convened by')),
            ],
            options={
                'verbose_name': 'meeting',
                'verbose_name_plural': 'meetings',
                'ordering': ['-starts_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'held'), _negated=True), models.Q(models.Q(('minutes', ''), _negated=True), ('minutes_at__isnull', False)), _connector='OR'), name='dlb_meeting_minutes_when_held')],
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('role', models.CharField(blank=True, max_length=60, verbose_name='as')),
                ('mode', models.CharField(choices=[('in_person', 'In person'), ('online', 'Online')], max_length=10, verbose_name='attended')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='deliberation.meeting', verbose_name='meeting')),
            ],
            options={
                'verbose_name': 'attendance',
                'verbose_name_plural': 'attendance',
                'ordering': ['meeting', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('description', models.TextField(verbose_name='description')),
                ('budget', models.PositiveBigIntegerField(verbose_name='budget (fen)')),
                ('status', models.CharField(choices=[('proposed', 'Proposed'), ('eligible', 'Eligible'), ('ineligible', 'Not eligible'), ('selected', 'Chosen'), ('not_selected', 'Not chosen'), ('done', 'Done')], default='proposed', max_length=14, verbose_name='status')),
                ('review_note', models.CharField(blank=True, max_length=300, verbose_name='review note')),
                ('supporters', models.PositiveIntegerField(default=0, verbose_name='supporters')),
                ('rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='rank')),
                ('left_after', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='left in the fund after it')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                ('paid', models.PositiveBigIntegerField(default=0, verbose_name='paid (fen)')),
                ('survey_ref', models.CharField(blank=True, max_length=40, verbose_name='questionnaire')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='proposed')),
                ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='deliberation.fundround', verbose_name='fund round')),
            ],
            options={
                'verbose_name': 'fund project',
                'verbose_name_plural': 'fund projects',
                'ordering': ['round', 'rank', '-supporters', 'budget', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('budget__gt', 0)), name='dlb_project_budget'), models.CheckConstraint(condition=models.Q(('paid__lte', models.F('budget'))), name='dlb_project_paid_within_budget'), models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='dlb_project_progress')],
            },
        ),
        migrations.CreateModel(
            name='Milestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('amount', models.PositiveBigIntegerField(default=0, verbose_name='payment (fen)')),
                ('due_on', models.DateField(verbose_name='due')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done')),
                ('payment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transaction', verbose_name='payment')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='deliberation.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'milestone',
                'verbose_name_plural': 'milestones',
                'ordering': ['project', 'due_on', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('payment__isnull', True), ('done_at__isnull', False), _connector='OR'), name='dlb_milestone_paid_when_done')],
            },
        ),
        migrations.CreateModel(
            name='ProjectSupport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supports', to='deliberation.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'project support',
                'verbose_name_plural': 'project supports',
                'constraints': [models.UniqueConstraint(fields=('project', 'person'), name='dlb_project_support_once')],
            },
        ),
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('period', models.CharField(max_length=40, verbose_name='period')),
                ('held_on', models.DateField(verbose_name='held on')),
                ('closed', models.BooleanField(default=False, verbose_name='closed for ratings')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='org.node', verbose_name='compound')),
            ],
            options={
                'verbose_name': 'half-year review',
                'verbose_name_plural': 'half-year reviews',
                'ordering': ['-held_on', '-id'],
                'constraints': [models.UniqueConstraint(fields=('compound', 'period'), name='dlb_review_once_per_period')],
            },
        ),
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.CharField(choices=[('owners_committee', "Owners' committee"), ('governance_committee', 'Special committee'), ('property', 'Property company'), ('party_branch', 'Party branch'), ('community', 'Community staff')], max_length=24, verbose_name='body')),
                ('achievements', models.TextField(verbose_name='achievements')),
                ('problems', models.TextField(verbose_name='problems')),
                ('next_steps', models.TextField(verbose_name='next steps')),
                ('filed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='filed')),
                ('filed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='filed by')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='deliberation.review', verbose_name='review')),
            ],
            options={
                'verbose_name': 'work report',
                'verbose_name_plural': 'work reports',
                'ordering': ['review', 'body'],
                'constraints': [models.UniqueConstraint(fields=('review', 'body'), name='dlb_report_once_per_body')],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stars', models.PositiveSmallIntegerField(verbose_name='rating (1–5)')),
                ('comment', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='deliberation.report', verbose_name='report')),
            ],
            options={
                'verbose_name': 'rating',
                'verbose_name_plural': 'ratings',
                'ordering': ['report', 'at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('report', 'person'), name='dlb_rating_once'), models.CheckConstraint(condition=models.Q(('stars__gte', 1), ('stars__lte', 5)), name='dlb_rating_range')],
            },
        ),
        migrations.CreateModel(
            name='Topic',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('body', models.TextField(blank=True, verbose_name='description')),
                ('case_id', models.PositiveIntegerField(blank=True, null=True, verbose_name='from request')),
                ('taken_up_by', models.CharField(blank=True, choices=[('owners_committee', "Owners' committee"), ('governance_committee', 'Special committee'), ('property', 'Property company'), ('party_branch', 'Party branch'), ('community', 'Community staff')], max_length=24, verbose_name='taken up by')),
                ('status', models.CharField(choices=[('raised', 'Raised'), ('scheduled', 'Scheduled'), ('discussed', 'Discussed'), ('decided', 'Decided'), ('vote', 'Put to a vote'), ('referred', 'Referred upward'), ('done', 'Done')], default='raised', max_length=12, verbose_name='status')),
                ('outcome', models.TextField(blank=True, verbose_name='outcome')),
                ('responsible', models.CharField(blank=True, max_length=60, verbose_name='person responsible')),
                ('review_on', models.DateField(blank=True, null=True, verbose_name='review date')),
                ('vote_ref', models.CharField(blank=True, max_length=40, verbose_name="owners' vote")),
                ('referred_to', models.CharField(blank=True, max_length=120, verbose_name='referred to')),
                ('supporters', models.PositiveIntegerField(default=0, verbose_name='supporters')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='raised')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='topics', to='org.node', verbose_name='compound')),
                ('raised_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='raised by')),
            ],
            options={
                'verbose_name': 'topic',
                'verbose_name_plural': 'topics',
                'ordering': ['-updated_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['decided', 'done']), _negated=True), models.Q(models.Q(('outcome', ''), _negated=True), models.Q(('responsible', ''), _negated=True), ('review_on__isnull', False)), _connector='OR'), name='dlb_topic_decided_has_outcome')],
            },
        ),
        migrations.CreateModel(
            name='Support',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('topic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supports', to='deliberation.topic', verbose_name='topic')),
            ],
            options={
                'verbose_name': 'support',
                'verbose_name_plural': 'supports',
                'constraints': [models.UniqueConstraint(fields=('topic', 'person'), name='dlb_support_once')],
            },
        ),
        migrations.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='position')),
                ('outcome', models.CharField(blank=True, choices=[('raised', 'Raised'), ('scheduled', 'Scheduled'), ('discussed', 'Discussed'), ('decided', 'Decided'), ('vote', 'Put to a vote'), ('referred', 'Referred upward'), ('done', 'Done')], max_length=12, verbose_name='outcome')),
                ('decision', models.TextField(blank=True, verbose_name='decision')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='deliberation.meeting', verbose_name='meeting')),
                ('topic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agenda_items', to='deliberation.topic', verbose_name='topic')),
            ],
            options={
                'verbose_name': 'agenda item',
                'verbose_name_plural': 'agenda items',
                'ordering': ['meeting', 'position'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'topic'), name='dlb_agenda_topic_once')],
            },
        ),
    ]
