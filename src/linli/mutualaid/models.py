"""Mutual aid and trust points 信义贝 (seed 000, DOMAIN.md §6; the alliance: seed 001).

A community keeps a points pool on the ledger (``pts:<community>:pool``, fed
once from ``pts:<community>:issued``). A volunteer who completes a task slot
earns points pool → their account; at a partner merchant the points move
resident → merchant; the merchant settles merchant → pool. Points are integers
(1 point = 1 yuan at the till by default); every move is a ledger transaction,
and the rows here say why it happened and who confirmed it.
"""
from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.ledger.models import Transaction
from linli.org.models import Node, Person


def new_token() -> str:
    return secrets.token_urlsafe(18)


class PointsRule(models.Model):
    """The community's rule, as data: at the till ``points_per_step`` points off
    for every full ``step_fen`` of the bill (default 3 per full ¥30, 1 point =
    ¥1); points expire after ``expiry_days`` only if set (default never); a
    merchant scored below ``suspend_below`` is suspended from redemption."""

    node = models.OneToOneField(Node, verbose_name=_("community"), on_delete=models.PROTECT,
                                related_name="points_rule")
    step_fen = models.PositiveIntegerField(_("bill step (fen)"), default=3000)
    points_per_step = models.PositiveIntegerField(_("points off per full step"), default=3)
    fen_per_point = models.PositiveIntegerField(_("value of one point (fen)"), default=100)
    expiry_days = models.PositiveIntegerField(_("points expire after (days)"), null=True, blank=True)
    suspend_below = models.PositiveSmallIntegerField(_("suspend merchants scored below"), default=60)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        constraints = [
            models.CheckConstraint(name="ma_rule_positive",
                                   condition=Q(step_fen__gt=0, points_per_step__gt=0, fen_per_point__gt=0)),
            # The discount never exceeds the step it is earned on.
            models.CheckConstraint(name="ma_rule_discount_within_step",
                                   condition=Q(step_fen__gte=F("points_per_step") * F("fen_per_point"))),
            models.CheckConstraint(name="ma_rule_threshold", condition=Q(suspend_below__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.node}"


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    LEFT = "left", _("Left")


class Volunteer(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="volunteering")
    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="volunteers")
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("times available"), max_length=200, blank=True)
    # Private: shown to the person and to community staff in scope only.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VolunteerStatus.choices,
                              default=VolunteerStatus.APPLIED)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["node", "created_at"]
        constraints = [models.UniqueConstraint(fields=["person", "node"], name="ma_volunteer_once_per_community")]

    def __str__(self) -> str:
        return f"{self.person} · {self.node}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("sign-up", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A need posted by a community or compound; volunteers sign up per slot."""

    node = models.ForeignKey(Node, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="aid_tasks")
    community = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(pgettext_lazy("venue", "place"), max_length=200)
    places = models.PositiveSmallIntegerField(_("places per slot"))
    points = models.PositiveIntegerField(_("points per completion"))
    signup_deadline = models.DateTimeField(_("sign-up deadline"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(Person, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["signup_deadline", "id"]
        constraints = [
            models.CheckConstraint(name="ma_task_places", condition=Q(places__gte=1, places__lte=500)),
            models.CheckConstraint(name="ma_task_points", condition=Q(points__gte=1, points__lte=1000)),
        ]

    def __str__(self) -> str:
        return self.title


class Slot(models.Model):
    """A time slot of a task. Its check-in token is the QR code on site: one per
    slot, valid only within the slot."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    token = models.CharField(_("check-in code"), max_length=40, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(name="ma_slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at")))]

    def __str__(self) -> str:
        return f"{self.task} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Place confirmed")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")


ACTIVE_SIGNUP = (SignUpStatus.CONFIRMED, SignUpStatus.WAITING, SignUpStatus.COMPLETED)


class SignUp(models.Model):
    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="signups")
    person = models.ForeignKey(Person, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="aid_signups")
    status = models.CharField(_("status"), max_length=12, choices=SignUpStatus.choices)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]  # the waiting list's order
        constraints = [
            models.UniqueConstraint(fields=["slot", "person"], condition=Q(status__in=ACTIVE_SIGNUP),
                                    name="ma_signup_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.slot}"


class CompletionMethod(models.TextChoices):
    QR = "qr", _("Checked in by QR code on site")
    ORGANISER = "organiser", _("Confirmed by the organiser")


class Completion(models.Model):
    """A volunteer's completed slot: the points moved once, with who confirmed it."""

    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="completions")
    person = models.ForeignKey(Person, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="aid_completions")
    community = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("how"), max_length=12, choices=CompletionMethod.choices)
    confirmed_by = models.ForeignKey(Person, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"))
    points = models.PositiveIntegerField(_("points"))
    transaction = models.OneToOneField(Transaction, verbose_name=_("ledger transaction"), on_delete=models.PROTECT,
                                       related_name="aid_completion")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "person"], name="ma_completion_once_per_slot"),
            # Scanned on site, or confirmed by someone else: nobody confirms their own completion.
            models.CheckConstraint(
                name="ma_completion_confirmer",
                condition=Q(method="qr", confirmed_by__isnull=True)
                | (Q(method="organiser", confirmed_by__isnull=False) & ~Q(confirmed_by=F("person"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.slot}"


class MerchantStatus(models.TextChoices):
    ACTIVE = "active", _("Accepting points")
    SUSPENDED = "suspended", _("Suspended from redemption")


class Merchant(models.Model):
    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="merchants")
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MerchantStatus.choices,
                              default=MerchantStatus.ACTIVE)
    created_at = models.DateTimeField(_("admitted"), default=timezone.now)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["node", "name"]
        constraints = [models.CheckConstraint(name="ma_merchant_code", condition=Q(code__regex=r"^[A-Za-z0-9-]{1,30}$"))]

    def __str__(self) -> str:
        return self.name


class MerchantStaff(models.Model):
    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="staff")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="merchant_staff")

    class Meta:
        verbose_name = _("merchant staff")
        verbose_name_plural = _("merchant staff")
        constraints = [models.UniqueConstraint(fields=["merchant", "person"], name="ma_staff_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.merchant}"


class TillCodeState(models.TextChoices):
    LIVE = "live", _("Live")
    USED = "used", _("Used")
    REPLACED = "replaced", _("Replaced")


class TillCode(models.Model):
    """The short-lived code a resident shows at the till (QR + 6 digits)."""

    person = models.ForeignKey(Person, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="till_codes")
    digits = models.CharField(_("code"), max_length=6)
    token = models.CharField(_("QR token"), max_length=40, unique=True, default=new_token, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=TillCodeState.choices, default=TillCodeState.LIVE)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("till code")
        verbose_name_plural = _("till codes")
        constraints = [
            # Six digits identify one live code; expired ones are retired when a new one would collide.
            models.UniqueConstraint(fields=["digits"], condition=Q(state="live"), name="ma_tillcode_live_digits"),
            models.CheckConstraint(name="ma_tillcode_digits", condition=Q(digits__regex=r"^[0-9]{6}$")),
            models.CheckConstraint(name="ma_tillcode_expiry", condition=Q(expires_at__gt=F("created_at"))),
        ]

    def __str__(self) -> str:
        return self.digits


class Redemption(models.Model):
    """Points taken off a bill at a merchant: resident → merchant, once per code."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="redemptions")
    person = models.ForeignKey(Person, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="aid_redemptions")
    code = models.OneToOneField(TillCode, verbose_name=_("till code"), on_delete=models.PROTECT, related_name="redemption")
    bill_fen = models.PositiveIntegerField(_("bill (fen)"))
    points = models.PositiveIntegerField(_("points"))
    transaction = models.OneToOneField(Transaction, verbose_name=_("ledger transaction"), on_delete=models.PROTECT,
                                       related_name="aid_redemption")
    by = models.ForeignKey(Person, verbose_name=_("at the till"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(name="ma_redemption_positive", condition=Q(points__gt=0, bill_fen__gt=0))]

    def __str__(self) -> str:
        return f"{self.merchant} {self.points}"


class Settlement(models.Model):
    """A merchant hands points back to the community pool, optionally paid in money."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="settlements")
    points = models.PositiveIntegerField(_("points"))
    money_fen = models.PositiveIntegerField(_("money paid (fen)"), default=0)
    transaction = models.OneToOneField(Transaction, verbose_name=_("points transaction"), on_delete=models.PROTECT,
                                       related_name="aid_settlement")
    money_transaction = models.OneToOneField(Transaction, verbose_name=_("money transaction"), null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="aid_money_settlement")
    by = models.ForeignKey(Person, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(name="ma_settlement_positive", condition=Q(points__gt=0)),
            models.CheckConstraint(
                name="ma_settlement_money_tx",
                condition=Q(money_fen=0, money_transaction__isnull=True) | Q(money_fen__gt=0, money_transaction__isnull=False),
            ),
        ]


# --- the merchant alliance (seed 001) ----------------------------------------------------

class Covenant(models.Model):
    """The alliance's covenant 共治约定 of a community; a new version is a new row."""

    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="covenants")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    by = models.ForeignKey(Person, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")
        ordering = ["node", "-version"]
        constraints = [models.UniqueConstraint(fields=["node", "version"], name="ma_covenant_version")]


class Criterion(models.Model):
    """One line of the scoring standard 评分标准: weight (of 100) and the evidence asked for."""

    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"))
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["node", "id"]
        constraints = [models.CheckConstraint(name="ma_criterion_weight", condition=Q(weight__gte=1, weight__lte=100))]

    def __str__(self) -> str:
        return self.name


class Scoring(models.Model):
    """The committee's scoring of one merchant for one period; total 0–100."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="scorings")
    period = models.CharField(_("period"), max_length=20)
    total = models.PositiveSmallIntegerField(_("total"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(Person, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("scoring")
        verbose_name_plural = _("scorings")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "period"], name="ma_scoring_once_per_period"),
            models.CheckConstraint(name="ma_scoring_total", condition=Q(total__lte=100)),
        ]


class Score(models.Model):
    scoring = models.ForeignKey(Scoring, verbose_name=_("scoring"), on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score (0–100)"))
    evidence = models.CharField(_("evidence seen"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["scoring", "criterion"], name="ma_score_once"),
            models.CheckConstraint(name="ma_score_range", condition=Q(value__lte=100)),
        ]


class EventKind(models.TextChoices):
    VOLUNTEER_REGISTERED = "volunteer.registered", _("Volunteer registered")
    VOLUNTEER_DECIDED = "volunteer.decided", _("Volunteer confirmed or refused")
    TASK_POSTED = "task.posted", _("Task posted")
    TASK_STATUS = "task.status", _("Task status changed")
    SIGNUP = "signup", _("Signed up")
    SIGNUP_STATUS = "signup.status", _("Sign-up status changed")
    COMPLETED = "completed", _("Completion recorded")
    POOL_FUNDED = "pool.funded", _("Points issued to the pool")
    MERCHANT_ADMITTED = "merchant.admitted", _("Merchant admitted")
    MERCHANT_STAFF = "merchant.staff", _("Merchant staff added")
    MERCHANT_STATUS = "merchant.status", _("Merchant status changed")
    RULE_SET = "rule.set", _("Redemption rule set")
    CODE_ISSUED = "code.issued", _("Till code issued")
    REDEEMED = "redeemed", _("Points redeemed")
    SETTLED = "settled", _("Merchant settled")
    EXPIRED = "expired", _("Points expired")
    COVENANT = "covenant", _("Covenant published")
    CRITERION = "criterion", _("Scoring criterion set")
    SCORED = "scored", _("Merchant scored")


class Event(models.Model):
    """Append-only log of every state change in this app (who, when, what, before/after)."""

    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("mutual-aid event")
        verbose_name_plural = _("mutual-aid events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.node} {self.kind}"
