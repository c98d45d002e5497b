"""Deliberation 议事协商 (DOMAIN.md §5; seeds 000, 001, 003, 004).

Topics 议题 raised by residents (or turned from a request) and supported by
neighbours; meetings of the compound's deliberation body with an agenda of
topics, attendance and minutes that decide them; half-year reviews 评述会
where each body files a work report that residents rate; community-fund
projects 微治理项目 proposed by residents, chosen within a fund round and paid
through the ledger. Votes and questionnaires live in their own apps; a topic
or project refers to them by a plain reference (``vote_ref``, ``survey_ref``).
Every state change writes an append-only ``Event``.
"""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.ledger.models import Transaction
from linli.org.models import Node, Person


class Body(models.TextChoices):
    """The bodies that deliberate or report in a compound."""

    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    GOVERNANCE_COMMITTEE = "governance_committee", _("Special committee")
    PROPERTY = "property", _("Property company")
    PARTY_BRANCH = "party_branch", _("Party branch")
    COMMUNITY = "community", _("Community staff")


class TopicStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    SCHEDULED = "scheduled", _("Scheduled")
    DISCUSSED = "discussed", _("Discussed")
    DECIDED = "decided", pgettext_lazy("deliberation", "Decided")
    VOTE = "vote", _("Put to a vote")
    REFERRED = "referred", _("Referred upward")
    DONE = "done", _("Done")


OPEN_TOPIC = [TopicStatus.RAISED, TopicStatus.SCHEDULED, TopicStatus.DISCUSSED]
# What minutes may record for a topic on the agenda.
OUTCOMES = [TopicStatus.DISCUSSED, TopicStatus.DECIDED, TopicStatus.VOTE, TopicStatus.REFERRED]


class Topic(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(Person, verbose_name=_("raised by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # The request it was turned from (a plain id: the request stays in its own app).
    case_id = models.PositiveIntegerField(_("from request"), null=True, blank=True)
    taken_up_by = models.CharField(_("taken up by"), max_length=24, choices=Body.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.RAISED)
    outcome = models.TextField(_("outcome"), blank=True)
    responsible = models.CharField(_("person responsible"), max_length=60, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    vote_ref = models.CharField(_("owners' vote"), max_length=40, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=120, blank=True)
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # A decided topic names what was decided, who answers for it and when it is looked at again.
            models.CheckConstraint(name="dlb_topic_decided_has_outcome", condition=~Q(status__in=["decided", "done"]) | (
                ~Q(outcome="") & ~Q(responsible="") & Q(review_on__isnull=False))),
        ]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """"我也关心": one per person and topic."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["topic", "person"], name="dlb_support_once")]


class MeetingKind(models.TextChoices):
    DAILY = "daily", _("Daily opinion collection")
    WEEKLY = "weekly", _("Weekly deliberation")
    MONTHLY = "monthly", _("Monthly face-to-face meeting")
    OPEN_AIR = "open_air", _("Open-air meeting")
    JOINT = "joint", _("Joint meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    NOTIFIED = "notified", _("Notice sent")
    HELD = "held", _("Minutes published")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(pgettext_lazy("venue", "place"), max_length=200)
    # The bodies taking part (several for a joint meeting), comma-separated Body values.
    bodies = models.CharField(_("bodies"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(pgettext_lazy("meeting", "minutes"), blank=True)
    minutes_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    created_by = models.ForeignKey(Person, verbose_name=_("convened by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(name="dlb_meeting_minutes_when_held",
                                   condition=~Q(status="held") | (~Q(minutes="") & Q(minutes_at__isnull=False))),
        ]

    def __str__(self) -> str:
        return self.title

    def body_labels(self) -> list[str]:
        return [str(Body(b).label) for b in self.bodies.split(",") if b in Body.values]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    # Filled by the minutes.
    outcome = models.CharField(_("outcome"), max_length=12, choices=TopicStatus.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], name="dlb_agenda_topic_once")]


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("attendance", "In person")
    ONLINE = "online", pgettext_lazy("attendance", "Online")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    role = models.CharField(_("as"), max_length=60, blank=True)
    mode = models.CharField(_("attended"), max_length=10, choices=AttendanceMode.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "id"]


class Review(models.Model):
    """A half-year review meeting 评述会 of a compound."""

    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(_("title"), max_length=120)
    period = models.CharField(pgettext_lazy("review", "period"), max_length=40)
    held_on = models.DateField(_("held on"))
    closed = models.BooleanField(_("closed for ratings"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("half-year review")
        verbose_name_plural = _("half-year reviews")
        ordering = ["-held_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["compound", "period"], name="dlb_review_once_per_period")]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="reports")
    body = models.CharField(pgettext_lazy("organisation", "body"), max_length=24, choices=Body.choices)
    achievements = models.TextField(_("achievements"))
    problems = models.TextField(_("problems"))
    next_steps = models.TextField(_("next steps"))
    filed_by = models.ForeignKey(Person, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["review", "body"]
        constraints = [models.UniqueConstraint(fields=["review", "body"], name="dlb_report_once_per_body")]

    @property
    def compound(self) -> Node:
        return self.review.compound


class Rating(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("rating (1–5)"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("stars", "rating")
        verbose_name_plural = _("ratings")
        ordering = ["report", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "person"], name="dlb_rating_once"),
            models.CheckConstraint(name="dlb_rating_range", condition=Q(stars__gte=1, stars__lte=5)),
        ]


class RoundMethod(models.TextChoices):
    APPROVAL = "approval", _("Approval by the body")
    KNAPSACK = "knapsack", _("By support, within the fund")


class RoundStatus(models.TextChoices):
    PROPOSING = "proposing", _("Taking proposals")
    SUPPORTING = "supporting", _("Support phase")
    SELECTED = "selected", _("Projects chosen")
    CLOSED = "closed", pgettext_lazy("finished", "Closed")


class FundRound(models.Model):
    """A round of the community fund 社区基金 / e管家: an amount (fen) that
    residents' projects compete for."""

    node = models.ForeignKey(Node, verbose_name=_("place"), on_delete=models.PROTECT, related_name="fund_rounds")
    title = models.CharField(_("title"), max_length=120)
    amount = models.PositiveBigIntegerField(_("fund amount (fen)"))
    method = models.CharField(_("selection"), max_length=10, choices=RoundMethod.choices)
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.PROPOSING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    funding = models.ForeignKey(Transaction, verbose_name=_("funding transaction"), on_delete=models.PROTECT,
                                related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = _("fund round")
        verbose_name_plural = _("fund rounds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="dlb_round_amount", condition=Q(amount__gt=0)),
            # The same form sent twice opens one round (and puts the money in once).
            models.UniqueConstraint(fields=["node", "title"], name="dlb_round_title_once"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    SELECTED = "selected", _("Chosen")
    NOT_SELECTED = "not_selected", _("Not chosen")
    DONE = "done", _("Done")


class Project(models.Model):
    round = models.ForeignKey(FundRound, verbose_name=_("fund round"), on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    budget = models.PositiveBigIntegerField(_("budget (fen)"))
    proposed_by = models.ForeignKey(Person, verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=14, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    # Written by the selection: the order it was looked at and what was left of the fund after it.
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    left_after = models.PositiveBigIntegerField(_("left in the fund after it"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    paid = models.PositiveBigIntegerField(_("paid (fen)"), default=0)
    survey_ref = models.CharField(_("questionnaire"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        verbose_name = _("fund project")
        verbose_name_plural = _("fund projects")
        ordering = ["round", "rank", "-supporters", "budget", "id"]
        constraints = [
            models.CheckConstraint(name="dlb_project_budget", condition=Q(budget__gt=0)),
            models.CheckConstraint(name="dlb_project_paid_within_budget", condition=Q(paid__lte=F("budget"))),
            models.CheckConstraint(name="dlb_project_progress", condition=Q(progress__lte=100)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def node(self) -> Node:
        return self.round.node


class ProjectSupport(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("project support")
        verbose_name_plural = _("project supports")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="dlb_project_support_once")]


class Milestone(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=120)
    amount = models.PositiveBigIntegerField(_("payment (fen)"), default=0)
    due_on = models.DateField(pgettext_lazy("milestone", "due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    payment = models.ForeignKey(Transaction, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "id"]
        constraints = [models.CheckConstraint(name="dlb_milestone_paid_when_done",
                                              condition=Q(payment__isnull=True) | Q(done_at__isnull=False))]


class EventKind(models.TextChoices):
    TOPIC_RAISED = "topic.raised", _("Topic raised")
    TOPIC_SUPPORTED = "topic.supported", _("Topic supported")
    TOPIC_TAKEN_UP = "topic.taken_up", _("Topic taken up")
    TOPIC_STATUS = "topic.status", _("Topic status changed")
    MEETING_CONVENED = "meeting.convened", _("Meeting convened")
    MEETING_AGENDA = "meeting.agenda", _("Topic put on the agenda")
    MEETING_NOTIFIED = "meeting.notified", _("Meeting notice sent")
    MEETING_MINUTES = "meeting.minutes", _("Minutes published")
    REVIEW_OPENED = "review.opened", _("Review opened")
    REVIEW_CLOSED = "review.closed", _("Review closed")
    REPORT_FILED = "report.filed", _("Work report filed")
    REPORT_RATED = "report.rated", _("Work report rated")
    ROUND_OPENED = "round.opened", _("Fund round opened")
    ROUND_STATUS = "round.status", _("Fund round moved on")
    PROJECT_PROPOSED = "project.proposed", _("Project proposed")
    PROJECT_REVIEWED = "project.reviewed", _("Project reviewed")
    PROJECT_SUPPORTED = "project.supported", _("Project supported")
    PROJECT_SELECTED = "project.selected", _("Project chosen or not")
    MILESTONE_ADDED = "milestone.added", _("Milestone added")
    MILESTONE_DONE = "milestone.done", _("Milestone done and paid")
    PROJECT_PROGRESS = "project.progress", _("Project progress reported")


class Event(models.Model):
    """Append-only log of every state change in this app (who, when, what)."""

    node = models.ForeignKey(Node, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("deliberation event")
        verbose_name_plural = _("deliberation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.node} {self.kind}"
