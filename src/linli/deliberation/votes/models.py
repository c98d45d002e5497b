"""Owners' votes 业主表决 (issue 14 item 5; Civil Code art. 278).

- ``OwnerRecord``: the compound's electorate register, who owns each household
  (a person with an account, a named owner without one, or the developer's unsold
  units). A household without a record takes its owner from the owner roles
  (``RoleAssignment`` role=owner; co-owners are one owner), and a household with
  no known owner at all counts as its own owner.
- ``Vote``: one matter put to the owners of a compound; draft → notice published
  (voting opens ≥ 15 days later) → open → closed → result published (then the
  public notice period runs).
- ``Elector``: the electorate snapshot taken when the vote is created (one row per
  household: owner key, area in hundredths of m²).
- ``Ballot``: the one counted ballot of an owner, whatever the channel (online,
  paper, proxy): ``UniqueConstraint(vote, owner_key)``.
- ``PaperEntry``: a paper ballot typed in by two tellers; the second entry must
  match the first, otherwise it is a mismatch that blocks counting until resolved.
- ``Proxy``: a written proxy registered by the committee; its holder casts for the owner.
- ``VoteEvent``: the append-only audit trail of the vote and of every ballot change.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.deliberation.votes import rules
from linli.org.models import Node, Person


class Matter(models.TextChoices):
    RULES_OF_PROCEDURE = "rules_of_procedure", _("Rules of procedure of the owners' assembly")
    COVENANT = "covenant", _("Management covenant")
    COMMITTEE_ELECTION = "committee_election", _("Election of the owners' committee")
    PROPERTY_COMPANY = "property_company", _("Hiring or dismissing the property company")
    FUND_USE = "fund_use", _("Use of the maintenance funds")
    FUND_RAISE = "fund_raise", _("Raising the maintenance funds")
    REBUILD = "rebuild", _("Rebuilding")
    COMMON_PARTS = "common_parts", _("Changing the use of common parts or who runs them")
    OTHER_MAJOR = "other_major", _("Other major matter")


# Civil Code art. 278 para. 2: these need 3/4 of the participating area and owners.
MAJOR_MATTERS = frozenset({Matter.FUND_RAISE, Matter.REBUILD, Matter.COMMON_PARTS})


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOTICE = "notice", _("Notice published")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")
    PUBLISHED = "published", _("Result published")


class Choice(models.TextChoices):
    YES = rules.YES, pgettext_lazy("vote", "Yes")
    NO = rules.NO, pgettext_lazy("vote", "No")
    ABSTAIN = rules.ABSTAIN, pgettext_lazy("vote", "Abstain")


class Channel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("vote", "Online")
    PAPER = "paper", _("Paper")
    PROXY = "proxy", _("Written proxy")


class OwnerKind(models.TextChoices):
    PERSON = "person", _("Owner with an account")
    NAMED = "named", _("Named owner without an account")
    DEVELOPER = "developer", _("Developer (unsold unit)")


class OwnerRecord(models.Model):
    """The register's entry for one household (overrides the owner roles)."""

    household = models.OneToOneField(Node, verbose_name=pgettext_lazy("property", "household"), on_delete=models.PROTECT,
                                     related_name="owner_record")
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("vote", "owner"), max_length=10, choices=OwnerKind.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # A named owner: staff write the name so that it is unique for one buyer (e.g. "张三（尾号1234）").
    name = models.CharField(_("owner's name"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("electorate register entry")
        verbose_name_plural = _("electorate register")
        constraints = [
            models.CheckConstraint(name="votes_owner_record_kind", condition=(
                Q(kind="person", person__isnull=False, name="")
                | Q(kind="named", person__isnull=True) & ~Q(name="")
                | Q(kind="developer", person__isnull=True, name=""))),
        ]

    @property
    def owner_key(self) -> str:
        if self.kind == OwnerKind.PERSON:
            return f"p:{self.person_id}"
        if self.kind == OwnerKind.NAMED:
            return f"n:{self.name}"
        return rules.DEVELOPER


class RegisterEvent(models.Model):
    """Append-only history of the register: who changed which household's owner, from what to what."""

    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Node, verbose_name=pgettext_lazy("property", "household"), on_delete=models.PROTECT, related_name="+")
    before = models.CharField(_("before"), max_length=80, blank=True)
    after = models.CharField(_("after"), max_length=80, blank=True)
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("register change")
        verbose_name_plural = _("register changes")
        ordering = ["id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("register events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("register events are append-only")


class Vote(models.Model):
    compound = models.ForeignKey(Node, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="votes")
    title = models.CharField(_("title"), max_length=200)
    matter = models.CharField(_("matter"), max_length=24, choices=Matter.choices)
    description = models.TextField(_("what is put to the vote"), blank=True)
    # A free reference to a deliberation topic that was "put to a vote" (no foreign key to that app).
    topic_ref = models.CharField(_("topic"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.DRAFT)
    created_by = models.ForeignKey(Person, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    notice_at = models.DateTimeField(_("notice published"), null=True, blank=True)
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    published_at = models.DateTimeField(_("result published"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("public notice period (days)"), default=15)
    # The electorate snapshot's totals (the sums of its Elector rows, kept for the result sheet).
    total_area = models.BigIntegerField(_("total area (0.01 m²)"), default=0)
    total_owners = models.PositiveIntegerField(_("total owners"), default=0)

    class Meta:
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="votes_vote_dates",
                                   condition=Q(opens_at__isnull=True) | Q(closes_at__gt=models.F("opens_at"))),
            models.CheckConstraint(name="votes_vote_notice_before_opening", condition=(
                Q(status="draft") | Q(notice_at__isnull=False, opens_at__isnull=False, closes_at__isnull=False))),
            models.CheckConstraint(name="votes_vote_totals", condition=Q(total_area__gte=0)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def major(self) -> bool:
        return self.matter in MAJOR_MATTERS

    @property
    def result_visible(self) -> bool:
        return self.status in (VoteStatus.CLOSED, VoteStatus.PUBLISHED)


class Elector(models.Model):
    """One household in the vote's electorate snapshot."""

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="electors")
    household = models.ForeignKey(Node, verbose_name=pgettext_lazy("property", "household"), on_delete=models.PROTECT, related_name="+")
    owner_key = models.CharField(_("owner key"), max_length=80)
    # The person who may vote online for this owner (none: paper or proxy only).
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    area = models.BigIntegerField(_("area (0.01 m²)"))

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        ordering = ["household__path"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "household"], name="votes_elector_household_once"),
            models.CheckConstraint(name="votes_elector_area_positive", condition=Q(area__gt=0)),
        ]
        indexes = [models.Index(fields=["vote", "owner_key"])]


class Ballot(models.Model):
    """The counted ballot of one owner. Never edited or deleted once written."""

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="ballots")
    owner_key = models.CharField(_("owner key"), max_length=80)
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices)
    channel = models.CharField(pgettext_lazy("vote", "channel"), max_length=8, choices=Channel.choices)
    cast_by = models.ForeignKey(Person, verbose_name=_("cast by"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    proxy_document = models.CharField(_("proxy document"), max_length=100, blank=True)
    cast_at = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            # One ballot per owner across channels.
            models.UniqueConstraint(fields=["vote", "owner_key"], name="votes_one_ballot_per_owner"),
            models.CheckConstraint(name="votes_ballot_choice", condition=Q(choice__in=list(rules.CHOICES))),
            models.CheckConstraint(name="votes_ballot_proxy_document",
                                   condition=Q(channel="proxy") & ~Q(proxy_document="") | ~Q(channel="proxy")),
        ]


class PaperStatus(models.TextChoices):
    FIRST = "first", _("Entered once, waiting for the second teller")
    MATCHED = "matched", _("Both entries match: counted")
    MISMATCH = "mismatch", _("The entries differ: to be resolved")
    RESOLVED = "resolved", _("Mismatch resolved: counted")


class PaperEntry(models.Model):
    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="paper_entries")
    owner_key = models.CharField(_("owner key"), max_length=80)
    household = models.ForeignKey(Node, verbose_name=pgettext_lazy("property", "household"), on_delete=models.PROTECT, related_name="+")
    first_choice = models.CharField(_("first entry"), max_length=8, choices=Choice.choices)
    first_teller = models.ForeignKey(Person, verbose_name=_("first teller"), on_delete=models.PROTECT,
                                     related_name="+")
    second_choice = models.CharField(_("second entry"), max_length=8, choices=Choice.choices, blank=True)
    second_teller = models.ForeignKey(Person, verbose_name=_("second teller"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=PaperStatus.choices, default=PaperStatus.FIRST)
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "owner_key"], name="votes_one_paper_entry_per_owner"),
            models.CheckConstraint(name="votes_paper_two_tellers", condition=(
                Q(second_teller__isnull=True) | ~Q(second_teller=models.F("first_teller")))),
        ]


class Proxy(models.Model):
    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="proxies")
    owner_key = models.CharField(_("owner key"), max_length=80)
    household = models.ForeignKey(Node, verbose_name=pgettext_lazy("property", "household"), on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Person, verbose_name=_("proxy holder"), on_delete=models.PROTECT, related_name="+")
    document = models.CharField(_("proxy document"), max_length=100)
    registered_by = models.ForeignKey(Person, verbose_name=_("registered by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("written proxy")
        verbose_name_plural = _("written proxies")
        constraints = [
            models.UniqueConstraint(fields=["vote", "owner_key"], name="votes_one_proxy_per_owner"),
            models.CheckConstraint(name="votes_proxy_document", condition=~Q(document="")),
        ]

    @property
    def compound(self) -> Node:
        return self.vote.compound


class EventKind(models.TextChoices):
    CREATED = "created", _("Vote created, electorate taken")
    NOTICE = "notice", _("Notice published")
    OPENED = "opened", _("Voting opened")
    CLOSED = "closed", _("Voting closed")
    PUBLISHED = "published", _("Result published")
    ONLINE = "online", _("Online ballot cast")
    PAPER_FIRST = "paper_first", _("Paper ballot: first entry")
    PAPER_MATCHED = "paper_matched", _("Paper ballot: second entry matches, counted")
    PAPER_MISMATCH = "paper_mismatch", _("Paper ballot: second entry differs")
    PAPER_RESOLVED = "paper_resolved", _("Paper ballot: mismatch resolved, counted")
    PROXY_REGISTERED = "proxy_registered", _("Written proxy registered")
    PROXY = "proxy", _("Proxy ballot cast")


class VoteEvent(models.Model):
    """Append-only: who did what to the vote or to which owner's ballot, and when."""

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    owner_key = models.CharField(_("owner key"), max_length=80, blank=True)
    household = models.ForeignKey(Node, verbose_name=pgettext_lazy("property", "household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")
        ordering = ["id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("vote events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("vote events are append-only")
