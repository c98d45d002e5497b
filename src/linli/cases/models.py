"""Resident requests 诉求: the request, its time-limit policy and clocks, its
history, breaches and escalations, notifications, inspection campaigns.

Every state change writes a ``CaseEvent`` (append-only). Deadlines are stored
when a clock starts and never moved by later policy edits.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.org.models import Node


class Colour(models.TextChoices):
    GREEN = "green", _("Green (within 3 days)")
    YELLOW = "yellow", _("Yellow (within a month)")
    RED = "red", _("Red (within 6 months)")
    GREY = "grey", _("Grey (longer, or cannot be solved)")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("request status", "Received")
    ACCEPTED = "accepted", pgettext_lazy("request status", "Accepted")
    DISPATCHED = "dispatched", pgettext_lazy("request status", "Dispatched")
    ON_SITE = "on_site", pgettext_lazy("request status", "On site")
    PLANNED = "planned", pgettext_lazy("request status", "Plan given")
    IN_PROGRESS = "in_progress", pgettext_lazy("request status", "In progress")
    DONE = "done", pgettext_lazy("request status", "Done, waiting for the return visit")
    VISITED = "visited", pgettext_lazy("request status", "Return visit made")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    MERGED = "merged", pgettext_lazy("request status", "Merged into another request")
    UNSOLVABLE = "unsolvable", pgettext_lazy("request status", "Cannot be solved")


# Status groups, named once; every list, count and check uses these.
# Open: the request is still being handled (the return visit included).
OPEN_STATUSES = (
    Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED, Status.ON_SITE, Status.PLANNED, Status.IN_PROGRESS,
    Status.DONE, Status.VISITED,
)
# Final: nothing more happens (short of a reopen).
FINAL_STATUSES = (Status.CLOSED, Status.MERGED, Status.UNSOLVABLE)
# Fixed: the work is done (campaigns' rectification, boards' "finished", evaluation's "handled").
FIXED_STATUSES = (Status.DONE, Status.VISITED, Status.CLOSED)
# Unfixed: open and the work not yet done (boards' "open").
UNFIXED_STATUSES = tuple(s for s in OPEN_STATUSES if s not in FIXED_STATUSES)
# Working: someone has been sent and the work is under way (transfer, send back).
WORKING_STATUSES = (Status.DISPATCHED, Status.ON_SITE, Status.PLANNED, Status.IN_PROGRESS)
# Planned: a plan and a colour are given and the work goes on (progress, finish, reclassify).
PLANNED_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
# Resolved for the reporter (Open311 "closed"): fixed, or ended without a fix.
RESOLVED_STATUSES = FIXED_STATUSES + (Status.MERGED, Status.UNSOLVABLE)


class Source(models.TextChoices):
    QR = "qr", _("QR code in the stairwell")
    SNAPSHOT = "snapshot", _("Snapshot by a grid member (随手拍)")
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Door-to-door visit (敲门入户)")
    CAMPAIGN = "campaign", _("Inspection campaign")
    HOTLINE = "hotline", _("City hotline 12345")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class CaseKind(models.TextChoices):
    PROBLEM = "problem", _("Problem")
    HELP = "help", _("Mutual help")


class Clock(models.TextChoices):
    RESPOND = "respond", _("Respond")
    ON_SITE = "on_site", _("Arrival on site")
    PLAN = "plan", _("First plan")
    FINISH = "finish", _("Finish")
    RETURN_VISIT = "return_visit", _("Return visit")
    PROGRESS = "progress", _("Progress report")


class VisitMethod(models.TextChoices):
    PHONE = "phone", _("By phone")
    VISIT = "visit", _("In person")
    ONLINE = "online", _("Online")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class AssigneeKind(models.TextChoices):
    PROPERTY = "property", _("Property company")
    COMMUNITY = "community", _("Community")
    PARTY_BRANCH = "party_branch", _("Party branch")
    MICROGRID_LEADER = "microgrid_leader", _("Micro-grid leader")
    PERSON = "person", _("A named person")


class EventAction(models.TextChoices):
    """What a history row of a request records (``CaseEvent.action``). Each
    member's label is the staff history's; ``sentence`` is what the resident
    reads on the tracking page (with the event's data filled in, see
    ``selectors.public_timeline``). Rows hold codes and data, never sentences:
    each reader sees them in their own language."""

    CREATE = "create", _("Reported")
    ACCEPT = "accept", _("Accepted")
    DISPATCH = "dispatch", _("Dispatched")
    HELP_MATCH = "help_match", _("Volunteer matched")
    TRANSFER = "transfer", _("Transferred")
    SEND_BACK = "send_back", _("Sent back")
    ARRIVE = "arrive", _("Arrived on site")
    PLAN = "plan", _("Plan given")
    PROGRESS = "progress", _("Progress reported")
    FINISH = "finish", _("Finished")
    VISIT = "visit", _("Return visit")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    RECLASSIFY = "reclassify", _("Colour changed")
    MERGE = "merge", _("Merged into another request")
    MERGED_IN = "merged_in", _("A duplicate was merged in")
    DECLARE_UNSOLVABLE = "declare_unsolvable", _("Declared unsolvable")
    BREACH = "breach", _("Time limit missed")
    SUPERVISE = "supervise", _("Supervision 督办")
    EVALUATE = "evaluate", _("Evaluation")
    PHOTOS = "photos", _("Photos added")
    UPDATES = "updates", _("SMS updates switched on or off")

    @property
    def sentence(self):
        """The resident's sentence (may name ``%(whom)s``, ``%(rating)s``, ``%(code)s``)."""
        return EVENT_SENTENCES.get(self, EVENT_SENTENCES[None])

    @property
    def note_is_public(self) -> bool:
        """Whether the resident reads the note written with it (the plan, progress, the result, reasons)."""
        return self in PUBLIC_NOTE_EVENTS


EVENT_SENTENCES = {
    EventAction.CREATE: _("Request received"),
    EventAction.ACCEPT: _("Staff have responded"),
    EventAction.DISPATCH: _("Passed to %(whom)s"),
    EventAction.HELP_MATCH: _("A volunteer has been found"),
    EventAction.TRANSFER: _("Transferred to %(whom)s"),
    EventAction.SEND_BACK: _("Being passed to the right people"),
    EventAction.ARRIVE: _("Staff are on site"),
    EventAction.PLAN: _("Plan given"),
    EventAction.PROGRESS: _("Progress on the work"),
    EventAction.FINISH: _("The work is done"),
    EventAction.VISIT: _("Return visit: %(rating)s"),
    EventAction.CLOSE: _("The request is closed"),
    EventAction.REOPEN: _("Reopened: being handled again"),
    EventAction.RECLASSIFY: _("Time limit changed"),
    EventAction.MERGE: _("Handled together with another report of the same problem"),
    EventAction.DECLARE_UNSOLVABLE: _("Cannot be solved for now"),
    None: _("News on your request"),
}
# The resident's sentence for a return visit that reopened the request.
VISIT_REOPENED_SENTENCE = _("Return visit: %(rating)s. The request is being handled again.")
PUBLIC_NOTE_EVENTS = frozenset({EventAction.PLAN, EventAction.PROGRESS, EventAction.FINISH,
                                EventAction.DECLARE_UNSOLVABLE, EventAction.RECLASSIFY})


class DeadlineReason(models.TextChoices):
    """Why a clock started or stopped (``Deadline.reason``), as a code. A colour
    change stores the reason staff gave instead, in their own words."""

    INTAKE = "intake", _("Set at intake")
    PLAN_WITHOUT_VISIT = "plan_without_visit", _("Plan given without a visit")
    DONE = "done", _("The work is done")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    RECLASSIFIED = "reclassified", _("Colour changed")
    MERGED = "merged", _("Merged into another request")
    UNSOLVABLE = "unsolvable", _("Declared unsolvable")


class Category(models.Model):
    """What a request is about; also the Open311 service list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.PROBLEM)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class TimeLimitPolicy(models.Model):
    """A set of named clocks ("515303 四色", "4小时/24小时"…). Each compound picks one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    service_start = models.TimeField(_("service hours start"), null=True, blank=True)
    service_end = models.TimeField(_("service hours end"), null=True, blank=True)
    # Names of the colours under this policy (the 4h/24h preset calls them general/medium/difficult).
    label_green = models.CharField(_("label for green"), max_length=30, blank=True)
    label_yellow = models.CharField(_("label for yellow"), max_length=30, blank=True)
    label_red = models.CharField(_("label for red"), max_length=30, blank=True)
    label_grey = models.CharField(_("label for grey"), max_length=30, blank=True)
    is_default = models.BooleanField(_("default policy"), default=False)

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_policy"),
            models.CheckConstraint(
                condition=Q(service_start__isnull=True, service_end__isnull=True)
                | Q(service_start__isnull=False, service_end__isnull=False, service_start__lt=models.F("service_end")),
                name="policy_service_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def colour_label(self, colour: str) -> str:
        return getattr(self, f"label_{colour}", "") or str(Colour(colour).label)


class PolicyClock(models.Model):
    """One clock of a policy. ``colour`` is set only for the finish clock (one row per colour)."""

    policy = models.ForeignKey(TimeLimitPolicy, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("policy"))
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, blank=True)
    minutes = models.PositiveIntegerField(_("duration in minutes"))
    working_time = models.BooleanField(_("counts working days only"), default=False)
    service_hours = models.BooleanField(_("counts within service hours only"), default=False)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        constraints = [
            models.UniqueConstraint(fields=["policy", "clock", "colour"], name="one_clock_per_policy_colour"),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="clock_minutes_positive"),
            models.CheckConstraint(
                condition=Q(clock="finish") | Q(clock="progress") | Q(colour=""),
                name="colour_only_for_finish_or_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_clock_display()} {self.colour}"


class PolicyAssignment(models.Model):
    """Which policy a compound (or a whole community/street) uses; the nearest one above a request wins."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="time_limit_policy", verbose_name=_("node"))
    policy = models.ForeignKey(TimeLimitPolicy, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("policy"))

    class Meta:
        verbose_name = _("policy of a place")
        verbose_name_plural = _("policies of places")


class Holiday(models.Model):
    """A day that overrides the official calendar (or extends it beyond the years chinese-calendar knows)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["date"]


def new_tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Campaign(models.Model):
    """An inspection campaign 问题大家找·整改我来办: everyone finds problems, each becomes a request."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("place"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="campaigns",
                                          verbose_name=_("participants"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("inspection campaign")
        verbose_name_plural = _("inspection campaigns")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates")]

    def __str__(self) -> str:
        return self.title


class Case(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, default=new_tracking_code)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.PROBLEM)
    # Where: the unit/building/household of the QR code (or the compound when only an address is known).
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="cases", verbose_name=_("place"))
    compound = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="compound_cases",
                                 verbose_name=_("compound"), null=True, blank=True)
    # The micro-grid responsible for the place (for scope and the escalation chain).
    microgrid = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="microgrid_cases",
                                  verbose_name=_("micro-grid"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"))
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("campaign"))
    external_id = models.CharField(_("external id"), max_length=60, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="reported_cases", verbose_name=_("reported by"))
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    # A caller's one-time key (a double tap sends it twice): unique per caller, never global,
    # so that nobody can claim another's request by sending its key.
    client_token = models.CharField(max_length=64, null=True, blank=True, editable=False, verbose_name=_("client token"))
    client_scope = models.CharField(max_length=80, blank=True, default="", editable=False,
                                    verbose_name=_("caller of the client token"))
    urgent = models.BooleanField(_("urgent"), default=False)
    # The resident ticked "tell me how it goes": updates go to ``contact_phone`` by SMS
    # (notify.resident), until they follow the opt-out link /u/<updates_token>/.
    updates_wanted = models.BooleanField(_("wants updates by SMS"), default=False)
    updates_token = models.CharField(max_length=24, null=True, blank=True, unique=True, editable=False,
                                     verbose_name=_("opt-out key"))

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, blank=True)
    policy = models.ForeignKey(TimeLimitPolicy, on_delete=models.PROTECT, related_name="cases", verbose_name=_("policy"))

    assignee_kind = models.CharField(_("dispatched to"), max_length=20, choices=AssigneeKind.choices, blank=True)
    assignee_node = models.ForeignKey(Node, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases", verbose_name=_("assignee node"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_cases", verbose_name=_("assignee"))
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="helped_cases", verbose_name=_("volunteer"))
    responsible = models.CharField(_("responsible party"), max_length=120, blank=True)
    plan = models.TextField(_("plan"), blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("merged into"))
    escalation_level = models.PositiveSmallIntegerField(default=0, verbose_name=_("escalation level"))

    received_at = models.DateTimeField(_("received at"), db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))
    on_site_at = models.DateTimeField(null=True, blank=True, verbose_name=_("on site at"))
    planned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("planned at"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))
    visited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("visited at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    # When the micro-grid leaders and property staff were told of the new request: the
    # worker does it (notify.received_fanout), so intake costs the same however many staff.
    staff_told_at = models.DateTimeField(_("staff told"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["compound", "status"]),
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["received_at"], condition=Q(staff_told_at__isnull=True), name="case_staff_untold"),
        ]
        constraints = [
            # The vocabularies hold in the database too (an import, a shell, a bad migration).
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_known"),
            models.CheckConstraint(condition=Q(colour="") | Q(colour__in=Colour.values), name="case_colour_known"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="case_source_known"),
            models.CheckConstraint(condition=Q(kind__in=CaseKind.values), name="case_kind_known"),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="merged_case_has_target"
            ),
            # A hotline ticket (or any external id of a source) becomes one request: imports are idempotent.
            models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                    name="case_external_id_once_per_source"),
            models.UniqueConstraint(fields=["client_scope", "client_token"], condition=Q(client_token__isnull=False),
                                    name="case_client_token_once_per_caller"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def colour_label(self) -> str:
        return self.policy.colour_label(self.colour) if self.colour else ""


class Photo(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos", verbose_name=_("request"))
    image = models.ImageField(upload_to="cases/%Y/%m/", verbose_name=_("image"))
    after = models.BooleanField(_("after the work"), default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]


class CaseEvent(models.Model):
    """Append-only history of a request: who did what, when, from which status to which."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("request"))
    action = models.CharField(_("action"), max_length=30, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(max_length=12, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=12, blank=True, verbose_name=_("to status"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    # Whether the resident sees this event on the tracking page.
    public = models.BooleanField(default=True, verbose_name=_("public"))

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"]),
            # Open311 servicerequestupdates: every public status change in a time window, by time.
            models.Index(fields=["at"], name="caseevent_at"),
        ]


class Deadline(models.Model):
    """One running of a clock for one request. Stored when the clock starts."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("request"))
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    started_at = models.DateTimeField(verbose_name=_("started at"))
    due_at = models.DateTimeField(_("due at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))
    working_time = models.BooleanField(default=False, verbose_name=_("working time"))
    # A DeadlineReason code, or (a colour change) the reason staff gave.
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    # The colour the clock was started for (finish and progress clocks); a later
    # colour change starts new clocks and leaves this one as it was.
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [
            # The worker's sweep reads only what is due: open deadlines by due time.
            models.Index(fields=["due_at"], name="deadline_due_open",
                         condition=Q(met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.clock} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def reason_label(self) -> str:
        """The reason in the reader's language (a code's label, or staff's own words)."""
        return str(DeadlineReason(self.reason).label) if self.reason in DeadlineReason.values else self.reason

    @property
    def on_time(self) -> bool | None:
        if self.met_at is None:
            return None
        return self.met_at <= self.due_at


class Escalation(models.Model):
    """A missed clock moves the request one level up the chain. One per breached deadline (DB-unique)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("request"))
    deadline = models.OneToOneField(Deadline, on_delete=models.PROTECT, related_name="escalation", verbose_name=_("deadline"))
    level = models.PositiveSmallIntegerField(verbose_name=_("level"))
    role = models.CharField(max_length=30, verbose_name=_("role"))
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("node"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-id"]


class ReturnVisit(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="return_visits", verbose_name=_("request"))
    method = models.CharField(_("method"), max_length=10, choices=VisitMethod.choices)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(verbose_name=_("at"))

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["at", "id"]


class Supervision(models.Model):
    """督办 or evaluation recorded by the party branch or the community."""

    class Kind(models.TextChoices):
        SUPERVISE = "supervise", _("Supervision 督办")
        EVALUATE = "evaluate", _("Evaluation 评议")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("request"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    note = models.TextField(_("note"))
    score = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("score"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(verbose_name=_("at"))

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        constraints = [models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="score_max_100")]


class Notification(models.Model):
    """An in-app message; staff read theirs in the app, residents on their tracking page."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications", verbose_name=_("recipient"))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("request"))
    # For residents without an account: the message belongs to the tracking page.
    for_reporter = models.BooleanField(default=False, verbose_name=_("for reporter"))
    kind = models.CharField(max_length=30, verbose_name=_("kind"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    url = models.CharField(max_length=300, blank=True, verbose_name=_("url"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(recipient__isnull=False) | Q(for_reporter=True), name="notification_has_reader"),
        ]


class ContactReveal(models.Model):
    """Append-only: someone was shown a reporter's full phone number or e-mail
    (who, when, which request, through which page or endpoint). Written by
    ``selectors.case_contact``; never edited or deleted (PIPL: a person may ask
    who saw their number)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contact_reveals", verbose_name=_("request"))
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("seen by"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=10)
    path = models.CharField(_("address asked"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact shown")
        verbose_name_plural = _("contacts shown")
        ordering = ["-at", "-id"]


class CaseSupporter(models.Model):
    """"我也遇到了": a neighbour who has the same problem adds themself to an open
    request instead of reporting it again. One row per caller (``client_scope``: a
    signed-in person's account, or an anonymous resident's browser), append-only;
    the count is shown on the request, its tracking page and the public board."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supporters", verbose_name=_("request"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("person"))
    client_scope = models.CharField(_("caller"), max_length=80, editable=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("neighbour with the same problem")
        verbose_name_plural = _("neighbours with the same problem")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "client_scope"], name="case_supporter_once_per_caller"),
            models.CheckConstraint(condition=~Q(client_scope=""), name="case_supporter_has_caller"),
        ]

    def __str__(self) -> str:
        return f"{self.case} +1"

    @property
    def node(self):
        return self.case.node


# ---------------------------------------------------------------------------
# Board roll-ups (issue 15 item 2): kept by ``linli.cases.rollups`` in the
# transaction of every change, read by ``linli.cases.stats.board_figures``.
# Plain integer keys (no foreign keys): a roll-up row never blocks or follows
# the deletion of what it counts; ``rollups.refresh`` and ``rollups.rebuild``
# keep them right.

ROLLUP_CLOCKS = tuple(Clock.values)
ROLLUP_TOTALS = (
    *(f"st_{s}" for s in Status.values),
    *(f"col_{c}" for c in (*Colour.values, "none")),
    "me_too",
    *(f"rt_{r}" for r in Rating.values),
    *(f"due_{c}" for c in ROLLUP_CLOCKS),
    *(f"met_{c}" for c in ROLLUP_CLOCKS),
)


def _rollup_name(name: str):
    """The Chinese (and English) column name of a roll-up counter: "st_closed" ->
    状态“已结案”, "met_finish" -> 按时“办结”…"""
    kind, _sep, key = name.partition("_")
    if name == "me_too":
        return pgettext_lazy("roll-up", "me too")
    if kind == "col" and key == "none":
        return pgettext_lazy("roll-up", "no colour yet")
    choices: dict[str, type[models.TextChoices]] = {"st": Status, "col": Colour, "rt": Rating, "due": Clock,
                                                     "met": Clock}
    label = choices[kind](key).label
    pattern = {"st": pgettext_lazy("roll-up", "status “{}”"), "col": pgettext_lazy("roll-up", "colour “{}”"),
               "rt": pgettext_lazy("roll-up", "rating “{}”"), "due": pgettext_lazy("roll-up", "clocks due “{}”"),
               "met": pgettext_lazy("roll-up", "met on time “{}”")}[kind]
    return format_lazy(pattern, label)


class CaseTally(models.Model):
    """What one request last added to the roll-ups (its place, status, colour,
    rating, months, response minutes, "我也遇到了" count and its settled clocks).
    ``rollups.refresh`` compares it with the request as it is now and moves the
    roll-ups by the difference, so a change needs no "before" picture."""

    case_id = models.BigIntegerField(pgettext_lazy("roll-up", "request number"), primary_key=True)
    place_id = models.BigIntegerField(pgettext_lazy("roll-up", "place number"))
    path = models.CharField(max_length=255)
    status = models.CharField(pgettext_lazy("roll-up", "status"), max_length=12)
    counted = models.BooleanField(pgettext_lazy("roll-up", "counted"))  # not merged into another request
    colour = models.CharField(pgettext_lazy("roll-up", "colour"), max_length=10, blank=True)
    rating = models.CharField(pgettext_lazy("roll-up", "rating"), max_length=12, blank=True)
    received_month = models.DateField(pgettext_lazy("roll-up", "month reported"))
    done_month = models.DateField(pgettext_lazy("roll-up", "month finished"), null=True)
    # whole minutes from received to accepted
    minute = models.IntegerField(pgettext_lazy("roll-up", "minutes to respond"), null=True)
    me_too = models.IntegerField(_rollup_name("me_too"), default=0)
    for _c in ROLLUP_CLOCKS:
        locals()[f"due_{_c}"] = models.IntegerField(_rollup_name(f"due_{_c}"), default=0)
        locals()[f"met_{_c}"] = models.IntegerField(_rollup_name(f"met_{_c}"), default=0)
    del _c

    class Meta:
        verbose_name = _("roll-up of a request")
        verbose_name_plural = _("roll-ups of requests")


class BoardTotal(models.Model):
    """All-time counts of one place (a compound, or the place of a request outside
    any compound). A board sums the rows whose ``path`` starts with its node's."""

    place_id = models.BigIntegerField(pgettext_lazy("roll-up", "place number"), primary_key=True)
    path = models.CharField(max_length=255, db_index=True)
    for _n in ROLLUP_TOTALS:
        locals()[_n] = models.IntegerField(_rollup_name(_n), default=0)
    del _n

    class Meta:
        verbose_name = _("board totals of a place")
        verbose_name_plural = _("board totals of places")


class BoardMonth(models.Model):
    """Requests reported and finished per place and calendar month (local time)."""

    place_id = models.BigIntegerField(pgettext_lazy("roll-up", "place number"))
    path = models.CharField(max_length=255)
    month = models.DateField(pgettext_lazy("roll-up", "month"))
    reported = models.IntegerField(pgettext_lazy("roll-up", "reported"), default=0)
    finished = models.IntegerField(pgettext_lazy("roll-up", "finished"), default=0)

    class Meta:
        verbose_name = _("board month of a place")
        verbose_name_plural = _("board months of places")
        constraints = [models.UniqueConstraint(fields=["place_id", "month"], name="boardmonth_once")]
        indexes = [models.Index(fields=["month", "path"], name="boardmonth_month_path")]


class BoardResponse(models.Model):
    """How many requests were accepted after ``minute`` whole minutes, per board node
    (the place and every place above it): the exact median response time of a
    board reads one node's rows, as many as there are distinct minutes."""

    node_id = models.BigIntegerField(pgettext_lazy("roll-up", "place number"))
    minute = models.IntegerField(pgettext_lazy("roll-up", "minutes to respond"))
    n = models.IntegerField(pgettext_lazy("roll-up", "requests"), default=0)

    class Meta:
        verbose_name = _("response times of a board")
        verbose_name_plural = _("response times of boards")
        constraints = [models.UniqueConstraint(fields=["node_id", "minute"], name="boardresponse_once")]
