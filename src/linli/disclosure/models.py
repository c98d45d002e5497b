"""A compound's money (双晒 / trust-style property) and its quarterly reports.

Every money entry is posted to the ledger (compound cash account against an
income or expense account of its kind), so the public hash chain covers it.
Published reports are frozen (a database trigger refuses UPDATE); a correction
is a new version that lists what changed.
"""
from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.disclosure.accounting import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT
from linli.ledger.models import Transaction
from linli.org.models import Node, Person


class MoneyKind(models.TextChoices):
    # Income
    FEE_RECEIVED = "fee_received", _("Property fees received")
    PARKING = "parking", _("Public income: parking")
    ADVERTISING = "advertising", _("Public income: advertising")
    TELECOM = "telecom", _("Public income: telecom sites")
    COMPENSATION = "compensation", _("Public income: compensation")
    INTEREST = "interest", _("Public income: interest")
    OTHER_INCOME = "other_income", _("Public income: other")
    DONATION = "donation", _("Donations")
    # Expenses
    STAFF = "staff", _("Staff")
    FACILITIES = "facilities", _("Facilities running and maintenance")
    CLEANING = "cleaning", _("Cleaning")
    GREENING = "greening", _("Greening")
    SECURITY = "security", _("Security")
    OFFICE = "office", _("Office")
    INSURANCE = "insurance", _("Insurance")
    MANAGEMENT_FEE = "management_fee", _("Management fee (酬金)")
    TAX = "tax", _("Tax")


INCOME_KINDS = (
    MoneyKind.FEE_RECEIVED, MoneyKind.PARKING, MoneyKind.ADVERTISING, MoneyKind.TELECOM, MoneyKind.COMPENSATION,
    MoneyKind.INTEREST, MoneyKind.OTHER_INCOME, MoneyKind.DONATION,
)
EXPENSE_KINDS = tuple(k for k in MoneyKind if k not in INCOME_KINDS)


def _between(field: str, low: int, high: int = MAX_AMOUNT) -> models.Q:
    return models.Q(**{f"{field}__gte": low, f"{field}__lte": high})


def yuan(fen) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), 100)
    return f"{sign}{q:,}.{r:02d}"


def is_income(kind: str) -> bool:
    return kind in INCOME_KINDS


def voucher_path(instance, filename):
    return f"vouchers/{instance.compound.code}/{timezone.now():%Y%m}/{filename}"


class MoneyEntry(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="money_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=MoneyKind.choices)
    date = models.DateField(_("date"))
    # Fen. Positive; a correction (reversal) carries the negative amount.
    amount = models.BigIntegerField(_("amount (fen)"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    voucher = models.FileField(_("voucher"), upload_to=voucher_path, blank=True)
    transaction = models.OneToOneField(Transaction, verbose_name=_("ledger transaction"), on_delete=models.PROTECT, related_name="money_entry")
    corrects = models.OneToOneField("self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by")
    created_by = models.ForeignKey(Person, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        verbose_name = _("money entry")
        verbose_name_plural = _("money entries")
        ordering = ["-date", "-id"]
        constraints = [
            # An entry is positive; its reversal (corrects set) carries the negative amount.
            models.CheckConstraint(
                name="money_entry_amount_sign",
                condition=(models.Q(corrects__isnull=True) & _between("amount", 1))
                | (models.Q(corrects__isnull=False) & _between("amount", -MAX_AMOUNT, -1)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.date} {self.get_kind_display()} {self.amount_yuan}"

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)

    @property
    def income(self) -> bool:
        return is_income(self.kind)


class FeeFigures(models.Model):
    """Property fees of a quarter: due, received, prepaid, owed (fen)."""

    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="fee_figures")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    due = models.BigIntegerField(_("fees due"), default=0)
    received = models.BigIntegerField(_("fees received"), default=0)
    prepaid = models.BigIntegerField(_("fees prepaid"), default=0)
    owed = models.BigIntegerField(_("fees owed"), default=0)

    class Meta:
        verbose_name = _("fee figures")
        verbose_name_plural = _("fee figures")
        constraints = [
            models.UniqueConstraint(fields=["compound", "year", "quarter"], name="fee_figures_once"),
            models.CheckConstraint(name="fee_figures_quarter", condition=_between("year", FIRST_YEAR, LAST_YEAR)
                                   & _between("quarter", 1, 4)),
            models.CheckConstraint(name="fee_figures_amounts", condition=_between("due", 0) & _between("received", 0)
                                   & _between("prepaid", 0) & _between("owed", 0)),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.year}Q{self.quarter}"

    due_yuan = property(lambda self: yuan(self.due))
    received_yuan = property(lambda self: yuan(self.received))
    prepaid_yuan = property(lambda self: yuan(self.prepaid))
    owed_yuan = property(lambda self: yuan(self.owed))

    @property
    def collection_rate(self):
        """Percent with one decimal, as text; None when nothing is due."""
        if not self.due:
            return None
        permille = (self.received * 1000 + self.due // 2) // self.due
        return f"{permille // 10}.{permille % 10}"


class Budget(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=MoneyKind.choices)
    amount = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["compound", "year", "kind"], name="budget_once"),
            models.CheckConstraint(name="budget_year", condition=_between("year", FIRST_YEAR, LAST_YEAR)),
            models.CheckConstraint(name="budget_amount", condition=_between("amount", 0)),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.year} {self.get_kind_display()}"


class ReportKind(models.TextChoices):
    SERVICE = "service", _("Property service quarterly report")
    FINANCE = "finance", _("Income and expense quarterly report")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed by the owners' committee")
    PUBLISHED = "published", _("Published")


class Report(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField("self", verbose_name=_("previous version"), null=True, blank=True, on_delete=models.PROTECT, related_name="next")
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    # Manual works of a service report: [{"title": ..., "date": ..., "note": ...}]
    works = models.JSONField(_("works done"), default=list, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    # Frozen at publication.
    data = models.JSONField(_("frozen figures"), null=True, blank=True)
    changes = models.JSONField(_("changes from the previous version"), default=list, blank=True)
    chain_head = models.JSONField(_("ledger chain head"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    drafted_by = models.ForeignKey(Person, verbose_name=_("drafted by"), null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(Person, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(Person, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["-year", "-quarter", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "kind", "year", "quarter", "version"], name="report_version_once"),
            models.CheckConstraint(name="report_quarter_1_4", condition=models.Q(quarter__gte=1, quarter__lte=4)),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def title(self) -> str:
        return f"{self.compound.name} {self.year}年第{self.quarter}季度{self.get_kind_display()}"


class Objection(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="objections")
    line = models.CharField(_("line"), max_length=100)
    text = models.TextField(_("objection"))
    by = models.ForeignKey(Person, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(Person, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.report.title}: {self.line}"

    @property
    def compound(self):
        return self.report.compound

    @property
    def overdue(self) -> bool:
        return self.answered_at is None and self.due_at < timezone.now()


class DisclosureEvent(models.Model):
    """Append-only log of every state change in this app."""

    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("disclosure event")
        verbose_name_plural = _("disclosure events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.compound} {self.kind}"


# --- funds: co-managed accounts, micro-funds, crowdfunding -------------------------------

class FundKind(models.TextChoices):
    COMANAGED = "comanaged", _("Co-managed fund account")
    MICRO = "micro", _("Micro-fund")


class Fund(models.Model):
    """Money of a compound or community kept in its own public ledger account;
    spending needs approval at two levels by the configured supervisors."""

    node = models.ForeignKey(Node, verbose_name=_("place"), on_delete=models.PROTECT, related_name="funds")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=FundKind.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    approval_days = models.PositiveSmallIntegerField(_("days to approve a spending request"), default=14)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["node__path", "code"]
        constraints = [models.CheckConstraint(name="fund_approval_days", condition=_between("approval_days", 1, 90))]

    def __str__(self) -> str:
        return self.name


class Party(models.TextChoices):
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    DEVELOPER = "developer", _("Developer")
    BANK = "bank", _("Bank")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    COMMUNITY = "community", _("Community")
    OTHER = "other", _("Other")


class Supervisor(models.Model):
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="supervisors")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    party = models.CharField(_("party"), max_length=24, choices=Party.choices)
    level = models.PositiveSmallIntegerField(_("approval level"))

    class Meta:
        verbose_name = _("supervisor")
        verbose_name_plural = _("supervisors")
        constraints = [
            models.UniqueConstraint(fields=["fund", "person", "level"], name="supervisor_once"),
            models.CheckConstraint(name="supervisor_level_1_2", condition=models.Q(level__in=[1, 2])),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.get_party_display()} · {self.person}"


class SpendState(models.TextChoices):
    WAITING_1 = "waiting1", _("Waiting for first-level approval")
    WAITING_2 = "waiting2", _("Waiting for second-level approval")
    POSTED = "posted", _("Approved and paid")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired without approval")


class SpendingRequest(models.Model):
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="requests")
    amount = models.BigIntegerField(_("amount (fen)"))
    payee = models.CharField(_("payee"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=SpendState.choices, default=SpendState.WAITING_1)
    pending = models.OneToOneField("ledger.PendingTransfer", verbose_name=_("pending transfer"), on_delete=models.PROTECT, related_name="spending_request")
    requested_by = models.ForeignKey(Person, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("spending request")
        verbose_name_plural = _("spending requests")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="spending_request_amount", condition=_between("amount", 1))]

    def __str__(self) -> str:
        return f"{self.fund}: {yuan(self.amount)} → {self.payee}"

    @property
    def node(self):
        return self.fund.node


class Approval(models.Model):
    request = models.ForeignKey(SpendingRequest, verbose_name=_("spending request"), on_delete=models.PROTECT, related_name="approvals")
    level = models.PositiveSmallIntegerField(_("approval level"))
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    party = models.CharField(_("party"), max_length=24, choices=Party.choices)
    approve = models.BooleanField(_("approved"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request} · L{self.level} · {self.person}"


class IncomeSource(models.TextChoices):
    GOVERNMENT = "government", _("Government subsidy")
    EMPLOYER = "employer", _("Employer contribution")
    RESIDENTS = "residents", _("Residents")
    DONATION = "donation", _("Donations")


class CrowdfundingState(models.TextChoices):
    OPEN = "open", _("Collecting")
    SUCCEEDED = "succeeded", _("Target reached")
    FAILED = "failed", _("Failed; money refunded")


class CrowdfundingCampaign(models.Model):
    """Project crowdfunding: pledges, receipts held in a public escrow account,
    paid into the fund on success or refunded on failure."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target = models.BigIntegerField(_("target (fen)"))
    deadline = models.DateField(pgettext_lazy("crowdfunding", "deadline"))
    state = models.CharField(_("state"), max_length=10, choices=CrowdfundingState.choices, default=CrowdfundingState.OPEN)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("crowdfunding campaign")
        verbose_name_plural = _("crowdfunding campaigns")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="campaign_target", condition=_between("target", 1))]

    def __str__(self) -> str:
        return self.title

    @property
    def node(self):
        return self.fund.node


class PledgeState(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    RECEIVED = "received", _("Received")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")
    # A resident's pledge whose money never arrived (or was not theirs to give).
    REJECTED = "rejected", _("Not received")


class NameShown(models.TextChoices):
    """How a resident's pledge names them in public."""

    FULL = "full", _("My name")
    MASKED = "masked", _("My surname only (张*)")
    ANONYMOUS = "anonymous", _("Anonymous")


class GiverMixin:
    """Who gave, as shown in public: the name, or 匿名 (anonymous)."""

    @property
    def public_name(self) -> str:
        return "匿名" if self.anonymous or not self.name else self.name  # type: ignore[attr-defined]

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)  # type: ignore[attr-defined]


class Pledge(GiverMixin, models.Model):
    campaign = models.ForeignKey(CrowdfundingCampaign, verbose_name=pgettext_lazy("crowdfunding", "campaign"), on_delete=models.PROTECT, related_name="pledges")
    source = models.CharField(_("source"), max_length=12, choices=IncomeSource.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    amount = models.BigIntegerField(_("amount (fen)"))
    state = models.CharField(_("state"), max_length=10, choices=PledgeState.choices, default=PledgeState.PLEDGED)
    receipt = models.OneToOneField("ledger.Transaction", verbose_name=_("receipt"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refund = models.OneToOneField("ledger.Transaction", verbose_name=_("refund"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # A resident's own pledge from the campaign page (not one recorded by a manager):
    # pending until a manager confirms the money arrived (or rejects it).
    online = models.BooleanField(_("pledged online by the giver"), default=False)
    masked = models.BooleanField(_("name shown as surname only"), default=False)
    pledged_by = models.ForeignKey(Person, verbose_name=_("pledged by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # The giver's one-time key (their form's or API client's): the same pledge sent twice is one pledge.
    client_key = models.CharField(_("one-time key"), max_length=200, null=True, blank=True, unique=True,
                                  editable=False)
    decided_by = models.ForeignKey(Person, verbose_name=_("confirmed or rejected by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("confirmed or rejected at"), null=True, blank=True)
    reject_reason = models.CharField(_("why not received"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="pledge_amount", condition=_between("amount", 1)),
            models.CheckConstraint(name="pledge_state_known", condition=models.Q(state__in=PledgeState.values)),
            # Money counted as received is money the ledger holds.
            models.CheckConstraint(name="pledge_received_has_receipt",
                                   condition=~models.Q(state=PledgeState.RECEIVED) | models.Q(receipt__isnull=False)),
            models.CheckConstraint(name="pledge_rejected_has_reason",
                                   condition=~models.Q(state=PledgeState.REJECTED) | ~models.Q(reject_reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.public_name} {self.amount_yuan}"

    @property
    def public_name(self) -> str:
        if self.anonymous or not self.name:
            return "匿名"
        if self.masked:
            return self.name[:1] + "*" * max(1, min(len(self.name) - 1, 2))
        return self.name

    @property
    def reference(self) -> str:
        """What the giver writes on the transfer so the manager can match it: 认捐 #12."""
        return f"#{self.pk}"



class Donation(GiverMixin, models.Model):
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="donations")
    name = models.CharField(_("name"), max_length=100, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=IncomeSource.choices,
                              default=IncomeSource.DONATION)
    amount = models.BigIntegerField(_("amount (fen)"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    transaction = models.OneToOneField("ledger.Transaction", verbose_name=_("ledger transaction"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="donation_amount", condition=_between("amount", 1))]

    def __str__(self) -> str:
        return f"{self.fund}: {self.public_name} {self.amount_yuan}"
