"""Questionnaires 问卷 (issue 14 item 4; seed 001's 小区治理问卷, the 邻里公约).

A survey belongs to a place (a compound or a community): residents and owners
of the households under it answer it, once per household or once per person
(``Response.respondent_key`` is unique per survey, so the database itself
refuses a second answer). Questions are single or multiple choice, text, scale,
ranking or matrix; a question may be shown only when an earlier choice question
was answered with a given option. An anonymous survey keeps no person or
household on its answers: the respondent key is a keyed hash, enough to refuse
a second answer and nothing more.
"""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.org.models import Node, Person


class Per(models.TextChoices):
    HOUSEHOLD = "household", _("One answer per household")
    PERSON = "person", _("One answer per person")


class Purpose(models.TextChoices):
    GENERAL = "general", _("Questionnaire")
    GOVERNANCE = "governance", _("Compound governance questionnaire")
    PACT = "pact", _("Neighbourhood pact")
    THEME = "theme", _("Compound theme or logo")


class Survey(models.Model):
    node = models.ForeignKey(Node, verbose_name=_("place"), on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GENERAL)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    per = models.CharField(_("answers"), max_length=10, choices=Per.choices, default=Per.HOUSEHOLD)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    results_public = models.BooleanField(_("results public"), default=False)
    created_by = models.ForeignKey(Person, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(name="survey_closes_after_opens", condition=Q(closes_at__gt=F("opens_at"))),
            models.CheckConstraint(name="survey_per_valid", condition=Q(per__in=["household", "person"])),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The public page of the survey (linked from projects, posters, notices)."""
        return reverse("surveys_detail", kwargs={"pk": self.pk})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Kind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Text")
    SCALE = "scale", _("Scale")
    RANKING = "ranking", _("Ranking")
    MATRIX = "matrix", _("Matrix")


class Question(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("questionnaire"), on_delete=models.CASCADE,
                               related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question text"), max_length=300)
    required = models.BooleanField(_("must be answered"), default=True)
    # Multiple choice: how many options may be chosen.
    min_choices = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    # Scale: the range and the words at both ends.
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest"), max_length=40, blank=True)
    scale_max_label = models.CharField(_("label of the highest"), max_length=40, blank=True)
    # Matrix: the rows (the options are the columns).
    rows = models.JSONField(_("rows"), default=list, blank=True)
    # Shown only when the answer to an earlier choice question includes this option.
    show_if = models.ForeignKey("Option", verbose_name=_("shown only if chosen"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position_unique"),
            models.CheckConstraint(name="survey_question_scale", condition=Q(scale_max__gt=F("scale_min"))),
            models.CheckConstraint(name="survey_question_choices",
                                   condition=Q(max_choices__isnull=True) | Q(max_choices__gte=F("min_choices"))),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Option(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("survey question"), on_delete=models.CASCADE,
                                 related_name="options")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("option"), max_length=120)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="survey_option_position_unique")]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One filled-in questionnaire. ``respondent_key`` is "household:<id>" or
    "person:<id>" for a named survey and a keyed hash of it for an anonymous
    one; household and person are empty on anonymous surveys."""

    survey = models.ForeignKey(Survey, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
                               related_name="responses")
    respondent_key = models.CharField(_("respondent key"), max_length=80)
    household = models.ForeignKey(Node, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("answer sheet")
        verbose_name_plural = _("answer sheets")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="survey_one_answer_per_respondent"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """The answer to one question: an option id (single), a list of option ids
    (multiple, ranking in order), text, an integer (scale) or a list of column
    option ids, one per row (matrix)."""

    response = models.ForeignKey(Response, verbose_name=_("answer sheet"), on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("survey question"), on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(_("answer value"))

    class Meta:
        verbose_name = _("question answer")
        verbose_name_plural = _("question answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_one_answer_per_question")]


class EventKind(models.TextChoices):
    CREATED = "created", _("Questionnaire created")
    ANSWERED = "answered", _("Questionnaire answered")
    CLOSED = "closed", _("Questionnaire closed early")


class Event(models.Model):
    """Append-only log of every state change (who, when, what). The answer of an
    anonymous survey is logged without who."""

    survey = models.ForeignKey(Survey, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("questionnaire event")
        verbose_name_plural = _("questionnaire events")
        ordering = ["at", "id"]
