"""Renovation and micro-renewal projects of a compound (issue 16, seeds 002-004).

A project passes NOTICE (public notice with a comment period) -> APPROVED or
REJECTED (the decision) -> RUNNING (construction, supervised by residents) ->
ACCEPTED (milestones signed, final accounts published). Money: every yuan
received sits on the ledger in the project's public account ``project:<id>``,
fed from one income account per funding source ``project:<id>:in:<source>``,
and paid out per scope item into ``project:<id>:item:<item id>``. Budgets are
plans; what the pages call "received" and "spent" is read from the ledger.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.org.models import Node, mask_name

MAX_AMOUNT = 10**11  # fen: a billion yuan


def yuan(fen: int | None) -> str:
    fen = fen or 0
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(fen), 100)
    return f"{sign}{q:,}.{r:02d}"


class ProjectKind(models.TextChoices):
    COURTYARD = "courtyard", _("Renovation of an old courtyard")
    MICRO_RENEWAL = "micro_renewal", _("Micro-renewal")
    MICRO_GOVERNANCE = "micro_governance", _("Micro-governance project")


class ProjectStatus(models.TextChoices):
    NOTICE = "notice", _("Public notice")
    APPROVED = "approved", _("Approved, collecting funds")
    REJECTED = "rejected", _("Not approved")
    RUNNING = "running", _("Under construction")
    ACCEPTED = "accepted", _("Accepted, accounts published")


class ShareRule(models.TextChoices):
    PER_HOUSEHOLD = "household", _("The same amount per household")
    PER_M2 = "area", _("By floor area (per m²)")
    VOLUNTARY = "voluntary", _("Voluntary amount")


class NameDisplay(models.TextChoices):
    FULL = "full", _("Full name")
    MASKED = "masked", _("Surname only")
    HOUSEHOLD = "household", _("Household number only")


class Source(models.TextChoices):
    GOVERNMENT = "government", _("Government subsidy")
    WORK_UNITS = "work_units", _("Work units")
    RESIDENTS = "residents", _("Residents")
    DONATIONS = "donations", pgettext_lazy("funding source", "Donations")
    COMMUNITY_FUND = "community_fund", _("Community fund")


class ProblemKind(models.TextChoices):
    DESIGN = "design", _("Design")
    QUALITY = "quality", _("Quality")
    NOISE = "noise", _("Noise")
    SAFETY = "safety", _("Safety")


class Organisation(models.Model):
    """A construction company or a supervisor, with its contact. ``person`` is the
    contact's account: construction problems are dispatched to it (contractor) and
    it signs milestones off (supervisor)."""

    class Role(models.TextChoices):
        CONTRACTOR = "contractor", _("Construction company")
        SUPERVISOR = "supervisor", _("Supervisor")

    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("contact's account"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="projects")
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.NOTICE)
    contractor = models.ForeignKey(Organisation, verbose_name=_("construction company"), on_delete=models.PROTECT,
                                   related_name="+")
    supervisor = models.ForeignKey(Organisation, verbose_name=pgettext_lazy("construction", "supervisor"), on_delete=models.PROTECT,
                                   related_name="+")
    # The community staff member who runs the project: construction problems are routed in their name.
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.PROTECT,
                                related_name="+")
    policy = models.ForeignKey("cases.TimeLimitPolicy", verbose_name=_("time limits of construction problems"),
                               on_delete=models.PROTECT, related_name="+")
    notice_until = models.DateField(_("comments until"))
    start_date = models.DateField(_("planned start"))
    end_date = models.DateField(_("planned end"))
    share_rule = models.CharField(_("residents' share"), max_length=10, choices=ShareRule.choices)
    share_amount = models.BigIntegerField(_("share (fen per household or per m²)"), default=0)
    name_display = models.CharField(_("names on the public list"), max_length=10, choices=NameDisplay.choices,
                                    default=NameDisplay.MASKED)
    # A questionnaire or vote of linli.surveys / linli.deliberation, by reference only.
    opinion_ref = models.CharField(_("questionnaire or vote"), max_length=100, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    final_accounts = models.JSONField(_("final accounts"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="project_status_known", condition=Q(status__in=ProjectStatus.values)),
            models.CheckConstraint(name="project_dates", condition=Q(start_date__lte=models.F("end_date"))),
            models.CheckConstraint(name="project_share", condition=Q(share_amount__gte=0, share_amount__lte=MAX_AMOUNT)
                                   & (Q(share_rule="voluntary") | Q(share_amount__gt=0))),
            models.CheckConstraint(name="project_accounts_when_accepted",
                                   condition=~Q(status="accepted") | Q(final_accounts__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeMember(models.Model):
    """A member of the self-renovation committee 自改委: a resident of the compound."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="committee")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    household = models.ForeignKey(Node, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="committee_member_once")]

    @property
    def public_name(self) -> str:
        return mask_name(self.person.real_name or self.person.username)


class ScopeItem(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("what"), max_length=120)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=10)
    budget = models.BigIntegerField(_("budget (fen)"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scope item")
        verbose_name_plural = _("scope items")
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(name="scope_item_budget",
                                              condition=Q(budget__gte=0, budget__lte=MAX_AMOUNT) & Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.title} {self.quantity} {self.unit}"


def photo_path(instance, filename):
    return f"projects/{instance.item.project_id}/{instance.item_id}-{'after' if instance.after else 'before'}-{filename}"


class ItemPhoto(models.Model):
    item = models.ForeignKey(ScopeItem, verbose_name=_("scope item"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=photo_path)
    after = models.BooleanField(pgettext_lazy("construction", "after the work"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budget")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    planned = models.BigIntegerField(_("planned (fen)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="budget_line_once_per_source"),
            models.CheckConstraint(name="budget_line_planned", condition=Q(planned__gte=0, planned__lte=MAX_AMOUNT)),
        ]


class Milestone(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due = models.DateField(pgettext_lazy("milestone", "due"))
    committee_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="+", verbose_name=_("signed by the committee"))
    committee_signed_at = models.DateTimeField(_("committee signed"), null=True, blank=True)
    supervisor_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+", verbose_name=_("signed by the supervisor"))
    supervisor_signed_at = models.DateTimeField(_("supervisor signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "id"]

    @property
    def signed(self) -> bool:
        return self.committee_signed_at is not None and self.supervisor_signed_at is not None


class Comment(models.Model):
    """A household's opinion on the notice: support or not, with a few words."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="comments")
    household = models.ForeignKey(Node, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    support = models.BooleanField(pgettext_lazy("opinion", "supports"))
    text = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "household"], name="comment_once_per_household")]


class ContributionState(models.TextChoices):
    PLEDGED = "pledged", _("Pledged, waiting for payment")
    CONFIRMED = "confirmed", pgettext_lazy("contribution", "Paid")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class Contribution(models.Model):
    """Money for a project from one source. A household's pledge waits until a
    manager confirms the money arrived (then the ledger posts it); money from the
    other sources is recorded when it arrives. A refund reverses the receipt."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="contributions")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    amount = models.BigIntegerField(_("amount (fen)"))
    household = models.ForeignKey(Node, verbose_name=_("household"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    payer = models.CharField(_("payer"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ContributionState.choices,
                             default=ContributionState.PLEDGED)
    receipt = models.OneToOneField("ledger.Transaction", verbose_name=_("receipt"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    refund = models.OneToOneField("ledger.Transaction", verbose_name=_("refund"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="contribution_amount", condition=Q(amount__gt=0, amount__lte=MAX_AMOUNT)),
            models.CheckConstraint(name="contribution_receipt",
                                   condition=Q(state__in=["confirmed", "refunded"], receipt__isnull=False)
                                   | Q(state__in=["pledged", "cancelled"], receipt__isnull=True)),
            models.CheckConstraint(name="contribution_refund",
                                   condition=Q(state="refunded", refund__isnull=False)
                                   | (~Q(state="refunded") & Q(refund__isnull=True))),
            # One live pledge per household and project.
            models.UniqueConstraint(fields=["project", "household"], condition=Q(state__in=["pledged", "confirmed"]),
                                    name="contribution_one_live_per_household"),
        ]

    def public_name(self, display: str) -> str:
        if self.household_id is None:
            return self.payer or str(Source(self.source).label)
        if display == NameDisplay.HOUSEHOLD or self.person is None:
            return self.household.name if self.household is not None else ""
        name = self.person.real_name or self.person.username
        return name if display == NameDisplay.FULL else mask_name(name)


class Payment(models.Model):
    """Money paid out for a scope item (to the contractor), posted on the ledger."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="payments")
    item = models.ForeignKey(ScopeItem, verbose_name=_("scope item"), on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(_("amount (fen)"))
    payee = models.CharField(_("payee"), max_length=200)
    transaction = models.OneToOneField("ledger.Transaction", verbose_name=_("ledger transaction"),
                                       on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(name="payment_amount", condition=Q(amount__gt=0, amount__lte=MAX_AMOUNT))]


class Problem(models.Model):
    """A construction problem reported by a resident (施工监督): the request it became."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="problems")
    case = models.OneToOneField("cases.Case", verbose_name=_("request"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ProblemKind.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("construction problem")
        verbose_name_plural = _("construction problems")
        ordering = ["-created_at", "-id"]


class Rating(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="ratings")
    household = models.ForeignKey(Node, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction")
        verbose_name_plural = _("satisfaction")
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="rating_once_per_household"),
            models.CheckConstraint(name="rating_score", condition=Q(score__gte=1, score__lte=5)),
        ]


class Event(models.Model):
    """Append-only history of every change of a project (the database refuses updates)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=40)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["at", "id"]
