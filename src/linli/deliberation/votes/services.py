"""Everything that writes in the owners' votes.

Lock order: the ``Vote`` row (``select_for_update``) first, always; every ballot,
paper entry, proxy and state change of a vote takes it, so the writes of one vote
run one after another (a compound has a few hundred owners: no contention worth
a finer lock). The ``UniqueConstraint(vote, owner_key)`` on ``Ballot`` stands
behind the code: if two writers ever got past the checks, the database refuses
the second ballot and the caller gets the same refusal.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.deliberation.votes import rules
from linli.deliberation.votes.models import (
    Ballot,
    Channel,
    Choice,
    Elector,
    EventKind,
    Matter,
    OwnerKind,
    OwnerRecord,
    PaperEntry,
    PaperStatus,
    Proxy,
    RegisterEvent,
    Vote,
    VoteEvent,
    VoteStatus,
)
from linli.errors import DomainError, InvalidInput
from linli.org.models import Node, NodeKind, Person, Role, RoleAssignment

NOTICE_DAYS = 15  # voting opens at least 15 days after the notice


class VoteRefused(DomainError):
    """Not possible in the vote's present state (or the owner has voted); nothing was written."""

    status = 409


def _event(vote: Vote, kind: str, by=None, *, owner_key: str = "", household=None, now=None, **data) -> VoteEvent:
    return VoteEvent.objects.create(vote=vote, kind=kind, owner_key=owner_key, household=household,
                                    by=by if getattr(by, "pk", None) else None, at=now or timezone.now(), data=data)


def _lock(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().select_related("compound").get(pk=vote.pk)


def _choice(value) -> str:
    if value not in Choice.values:
        raise InvalidInput("votes.choice", _("Choose yes, no or abstain."))
    return value


def area_cents(area: Decimal) -> int:
    cents = Decimal(area) * 100
    if cents != cents.to_integral_value():
        raise ValueError("areas have at most two decimals")
    return int(cents)


# --- the electorate register -----------------------------------------------------------------

def households_of(compound: Node):
    return Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=compound.path).order_by("path")


def default_owners(compound: Node) -> dict[int, int]:
    """Household id → the person owning it by the owner roles. Co-owners of one unit are one
    owner: the one whose role is oldest (lowest id) votes for the unit."""
    owners: dict[int, int] = {}
    for hid, pid in (RoleAssignment.objects.filter(role=Role.OWNER, node__path__startswith=compound.path,
                                                   node__kind=NodeKind.HOUSEHOLD)
                     .order_by("id").values_list("node_id", "person_id")):
        owners.setdefault(hid, pid)
    return owners


def electorate_rows(compound: Node) -> list[tuple[Node, str, int | None, int]]:
    """(household, owner key, person id or None, area in 0.01 m²) for every household of the
    compound: the register's entry, else the owner role, else the household is its own owner."""
    records = {r.household_id: r for r in OwnerRecord.objects.filter(compound=compound)}
    by_role = default_owners(compound)
    rows = []
    for h in households_of(compound):
        record = records.get(h.pk)
        if record is not None:
            key, person = record.owner_key, record.person_id
        elif h.pk in by_role:
            key, person = f"p:{by_role[h.pk]}", by_role[h.pk]
        else:
            key, person = f"h:{h.pk}", None
        rows.append((h, key, person, area_cents(h.area_m2)))
    return rows


@transaction.atomic
def register_set(*, household: Node, kind: str, person: Person | None = None, name: str = "",
                 by: Person) -> OwnerRecord | None:
    """Record who owns a household (``kind`` "person", "named", "developer"), or "" to go back to
    the owner roles. Later votes take it; votes already created keep their snapshot."""
    compound = household.compound if household.kind == NodeKind.HOUSEHOLD else None
    if compound is None:
        raise InvalidInput("votes.household", _("Choose a household."))
    authz.require(by, "votes.register.edit", compound)
    name = (name or "").strip()
    old = OwnerRecord.objects.select_for_update().filter(household=household).first()
    before = old.owner_key if old is not None else ""
    if kind == "":
        if old is not None:
            old.delete()
            RegisterEvent.objects.create(compound=compound, household=household, before=before, after="",
                                         by=by if getattr(by, "pk", None) else None)
        return None
    if kind not in OwnerKind.values:
        raise InvalidInput("votes.owner_kind", _("Choose who owns the household."))
    if kind == OwnerKind.PERSON and person is None:
        raise InvalidInput("votes.owner_person", _("Name the owner's account."))
    if kind == OwnerKind.NAMED and not 1 <= len(name) <= 60:
        raise InvalidInput("votes.owner_name", _("Write the owner's name (at most 60 characters)."))
    fields = {"compound": compound, "kind": kind, "person": person if kind == OwnerKind.PERSON else None,
              "name": name if kind == OwnerKind.NAMED else "", "updated_at": timezone.now()}
    record, _created = OwnerRecord.objects.update_or_create(household=household, defaults=fields)
    if record.owner_key != before:
        RegisterEvent.objects.create(compound=compound, household=household, before=before, after=record.owner_key,
                                     by=by if getattr(by, "pk", None) else None)
    return record


# --- the vote's life -------------------------------------------------------------------------

@transaction.atomic
def vote_create(*, compound: Node, title: str, matter: str, description: str = "", topic_ref: str | None = None,
                publicity_days: int = 15, by: Person, now: dt.datetime | None = None) -> Vote:
    """A draft vote with the electorate snapshot of today's register. ``topic_ref`` is a free
    reference to a deliberation topic put to the vote."""
    if compound is None or compound.kind != NodeKind.COMPOUND:
        raise InvalidInput("votes.compound", _("Votes are held per compound."))
    authz.require(by, "votes.vote.manage", compound)
    title = (title or "").strip()
    if not 1 <= len(title) <= 200:
        raise InvalidInput("votes.title", _("Write a title (at most 200 characters)."))
    if matter not in Matter.values:
        raise InvalidInput("votes.matter", _("Choose the matter put to the vote."))
    if not isinstance(publicity_days, int) or isinstance(publicity_days, bool) or not 1 <= publicity_days <= 90:
        raise InvalidInput("votes.publicity_days", _("The public notice period is 1 to 90 days."))
    rows = electorate_rows(compound)
    if not rows:
        raise InvalidInput("votes.no_households", _("This compound has no households: import them first."))
    now = now or timezone.now()
    owners = rules.owners_of((key, area) for _h, key, _p, area in rows)
    vote = Vote.objects.create(compound=compound, title=title, matter=matter, description=(description or "")[:5000],
                               topic_ref=(topic_ref or "")[:100], publicity_days=publicity_days,
                               created_by=by if getattr(by, "pk", None) else None, created_at=now,
                               total_area=sum(owners.values()), total_owners=len(owners))
    Elector.objects.bulk_create([Elector(vote=vote, household=h, owner_key=key, person_id=pid, area=area)
                                 for h, key, pid, area in rows])
    _event(vote, EventKind.CREATED, by, now=now, households=len(rows), owners=len(owners),
           area=rules.m2(vote.total_area))
    return vote


def _notify_owners(vote: Vote, event: str) -> int:
    """Tell every owner with an account: an in-app notification, and an outbox row per channel
    that can reach them (written in the event's transaction, sent by the worker)."""
    from linli.cases.models import Notification
    from linli.outbox import services as outbox
    from linli.outbox.channels import Contact, channels

    people = Person.objects.filter(pk__in=vote.electors.exclude(person=None).values("person_id"))
    with translation.override("zh-hans"):
        if event == "notice":
            subject = str(_("Owners' vote: notice"))
            body = str(_("{title}: voting opens {opens} and closes {closes}.")).format(
                title=vote.title, opens=timezone.localtime(vote.opens_at).strftime("%Y-%m-%d %H:%M"),
                closes=timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"))
        else:
            subject = str(_("Owners' vote: voting is open"))
            body = str(_("{title}: voting is open until {closes}.")).format(
                title=vote.title, closes=timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"))
    url = reverse("votes_detail", args=[vote.pk])
    site = getattr(settings, "LINLI_SITE_URL", "").rstrip("/")  # a mail or SMS needs the whole address
    queued = 0
    for person in people:
        Notification.objects.create(recipient=person, kind="vote", title=subject[:200], body=body, url=url)
        for kind, channel in channels().items():
            address = channel.address_for(Contact(email=person.email or "", phone=person.phone or ""))
            if address:
                outbox.message_enqueue(channel=kind, address=address, subject=subject, body=f"{body}\n{site}{url}", kind="vote",
                                       node=vote.compound, dedupe_key=f"vote:{vote.pk}:{event}:{person.pk}:{kind}")
                queued += 1
    return queued


def _require_status(vote: Vote, *statuses: str) -> None:
    if vote.status not in statuses:
        raise VoteRefused("votes.status", _("Not possible now: the vote is {status}.").format(
            status=vote.get_status_display()))


@transaction.atomic
def vote_publish_notice(*, vote: Vote, opens_at: dt.datetime, closes_at: dt.datetime, by: Person,
                        now: dt.datetime | None = None) -> Vote:
    """Publish the notice: voting opens no earlier than 15 days after it."""
    authz.require(by, "votes.vote.manage", vote)
    vote = _lock(vote)
    _require_status(vote, VoteStatus.DRAFT)
    now = now or timezone.now()
    if opens_at is None or closes_at is None:
        raise InvalidInput("votes.dates", _("Give the opening and closing times."))
    if opens_at < now + dt.timedelta(days=NOTICE_DAYS):
        raise InvalidInput("votes.notice_days", _("Voting opens at least 15 days after the notice."))
    if closes_at <= opens_at:
        raise InvalidInput("votes.closes_at", _("Voting closes after it opens."))
    vote.status, vote.notice_at, vote.opens_at, vote.closes_at = VoteStatus.NOTICE, now, opens_at, closes_at
    vote.save(update_fields=["status", "notice_at", "opens_at", "closes_at"])
    _event(vote, EventKind.NOTICE, by, now=now, opens_at=opens_at.isoformat(), closes_at=closes_at.isoformat(),
           queued=_notify_owners(vote, "notice"))
    return vote


@transaction.atomic
def vote_open(*, vote: Vote, by: Person, now: dt.datetime | None = None) -> Vote:
    authz.require(by, "votes.vote.manage", vote)
    vote = _lock(vote)
    _require_status(vote, VoteStatus.NOTICE)
    now = now or timezone.now()
    assert vote.opens_at is not None and vote.closes_at is not None  # a noticed vote has both (CheckConstraint)
    if now < vote.opens_at:
        raise VoteRefused("votes.too_early", _("Voting opens at {at}, not before.").format(
            at=timezone.localtime(vote.opens_at).strftime("%Y-%m-%d %H:%M")))
    if now >= vote.closes_at:
        raise VoteRefused("votes.too_late", _("The voting period is over."))
    vote.status, vote.opened_at = VoteStatus.OPEN, now
    vote.save(update_fields=["status", "opened_at"])
    _event(vote, EventKind.OPENED, by, now=now, queued=_notify_owners(vote, "open"))
    return vote


@transaction.atomic
def vote_close(*, vote: Vote, by: Person, now: dt.datetime | None = None) -> Vote:
    authz.require(by, "votes.vote.manage", vote)
    vote = _lock(vote)
    _require_status(vote, VoteStatus.OPEN)
    now = now or timezone.now()
    assert vote.closes_at is not None  # an open vote has it (CheckConstraint)
    if now < vote.closes_at:
        raise VoteRefused("votes.not_yet_closing", _("Voting closes at {at}, not before.").format(
            at=timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M")))
    vote.status, vote.closed_at = VoteStatus.CLOSED, now
    vote.save(update_fields=["status", "closed_at"])
    _event(vote, EventKind.CLOSED, by, now=now, ballots=vote.ballots.count())
    return vote


@transaction.atomic
def result_publish(*, vote: Vote, by: Person, now: dt.datetime | None = None) -> Vote:
    """Publish the result; refused while a paper ballot waits for its second entry or a mismatch."""
    authz.require(by, "votes.vote.manage", vote)
    vote = _lock(vote)
    _require_status(vote, VoteStatus.CLOSED)
    pending = vote.paper_entries.filter(status__in=[PaperStatus.FIRST, PaperStatus.MISMATCH]).count()
    if pending:
        raise VoteRefused("votes.paper_pending", _(
            "{n} paper ballots still wait for a second entry or a resolution: counting cannot finish.").format(n=pending))
    now = now or timezone.now()
    vote.status, vote.published_at = VoteStatus.PUBLISHED, now
    vote.save(update_fields=["status", "published_at"])
    outcome = rules.decide(vote_tally(vote), major=vote.major)
    _event(vote, EventKind.PUBLISHED, by, now=now, valid=outcome.valid, passed=outcome.passed)
    return vote


def vote_tally(vote: Vote) -> rules.Tally:
    owners = rules.owners_of(vote.electors.values_list("owner_key", "area"))
    return rules.tally(owners, dict(vote.ballots.values_list("owner_key", "choice")))


# --- ballots ---------------------------------------------------------------------------------

def _in_time(vote: Vote, now: dt.datetime) -> None:
    """Online and proxy ballots only until the closing time, even if nobody has closed the vote yet."""
    if vote.closes_at is not None and now >= vote.closes_at:
        raise VoteRefused("votes.too_late", _("The voting period is over."))


def _already(vote: Vote, owner_key: str) -> None:
    """Refuse when the owner has a counted ballot, or a paper ballot being typed in."""
    ballot = vote.ballots.filter(owner_key=owner_key).first()
    if ballot is not None:
        raise VoteRefused("votes.already_voted", _("This owner has already voted ({channel}); a ballot cannot be "
                                                   "cast twice or replaced.").format(channel=ballot.get_channel_display()))
    if vote.paper_entries.filter(owner_key=owner_key).exists():
        raise VoteRefused("votes.paper_first", _("This owner's paper ballot has been handed in; it counts, and a "
                                                 "later ballot cannot replace it."))


def _ballot(vote: Vote, **fields) -> Ballot:
    try:
        with transaction.atomic():
            return Ballot.objects.create(vote=vote, **fields)
    except IntegrityError:
        raise VoteRefused("votes.already_voted", _("This owner has already voted; a ballot cannot be cast twice "
                                                   "or replaced.")) from None


def _electors_of(vote: Vote, owner_key: str) -> list[Elector]:
    return list(vote.electors.filter(owner_key=owner_key).select_related("household"))


@transaction.atomic
def ballot_cast(*, vote: Vote, elector: Elector, choice: str, by: Person, now: dt.datetime | None = None) -> Ballot:
    """An owner casts online for the owner this electorate row names (once for all their units)."""
    authz.require(by, "votes.ballot.cast", elector)
    choice = _choice(choice)
    vote = _lock(vote)
    if elector.vote_id != vote.pk:
        raise InvalidInput("votes.elector", _("This household is not in this vote."))
    _require_status(vote, VoteStatus.OPEN)
    now = now or timezone.now()
    _in_time(vote, now)
    _already(vote, elector.owner_key)
    ballot = _ballot(vote, owner_key=elector.owner_key, choice=choice, channel=Channel.ONLINE, cast_by=by, cast_at=now)
    _event(vote, EventKind.ONLINE, by, owner_key=elector.owner_key, household=elector.household, now=now, choice=choice)
    return ballot


def elector_by_household(vote: Vote, code: str) -> Elector:
    elector = vote.electors.filter(household__code=(code or "").strip()).select_related("household").first()
    if elector is None:
        raise InvalidInput("votes.household_code", _("No household with this code in this vote's electorate."))
    return elector


@transaction.atomic
def paper_enter(*, vote: Vote, household_code: str, choice: str, by: Person,
                now: dt.datetime | None = None) -> PaperEntry:
    """A teller types in a paper ballot. The first entry waits; the second, by another teller,
    must match it (then the ballot counts) or it is a mismatch that blocks counting."""
    authz.require(by, "votes.paper.enter", vote)
    choice = _choice(choice)
    vote = _lock(vote)
    _require_status(vote, VoteStatus.OPEN, VoteStatus.CLOSED)
    elector = elector_by_household(vote, household_code)
    key, now = elector.owner_key, now or timezone.now()
    entry = vote.paper_entries.filter(owner_key=key).first()
    if entry is None:
        # Paper ballots handed in before the close may still be typed in after it (not online ones).
        ballot = vote.ballots.filter(owner_key=key).first()
        if ballot is not None:
            raise VoteRefused("votes.already_voted", _("This owner has already voted ({channel}); the paper ballot "
                                                       "does not count.").format(channel=ballot.get_channel_display()))
        entry = PaperEntry.objects.create(vote=vote, owner_key=key, household=elector.household, first_choice=choice,
                                          first_teller=by, created_at=now)
        _event(vote, EventKind.PAPER_FIRST, by, owner_key=key, household=elector.household, now=now, choice=choice)
        return entry
    if entry.status != PaperStatus.FIRST:
        raise VoteRefused("votes.paper_done", _("This paper ballot has been entered twice already."))
    if entry.first_teller_id == by.pk:
        raise VoteRefused("votes.same_teller", _("The second entry must be made by another teller."))
    entry.second_choice, entry.second_teller = choice, by
    if choice == entry.first_choice:
        entry.status = PaperStatus.MATCHED
        entry.save(update_fields=["second_choice", "second_teller", "status"])
        _ballot(vote, owner_key=key, choice=choice, channel=Channel.PAPER, cast_by=by, cast_at=now)
        _event(vote, EventKind.PAPER_MATCHED, by, owner_key=key, household=elector.household, now=now, choice=choice)
    else:
        entry.status = PaperStatus.MISMATCH
        entry.save(update_fields=["second_choice", "second_teller", "status"])
        _event(vote, EventKind.PAPER_MISMATCH, by, owner_key=key, household=elector.household, now=now,
               first=entry.first_choice, second=choice)
    return entry


@transaction.atomic
def paper_resolve(*, entry: PaperEntry, choice: str, note: str, by: Person,
                  now: dt.datetime | None = None) -> PaperEntry:
    """A manager who was neither teller reads the paper ballot again and records what it says."""
    authz.require(by, "votes.vote.manage", entry.vote)
    choice = _choice(choice)
    note = (note or "").strip()
    if not 1 <= len(note) <= 300:
        raise InvalidInput("votes.note", _("Say how the mismatch was resolved (at most 300 characters)."))
    vote = _lock(entry.vote)
    _require_status(vote, VoteStatus.OPEN, VoteStatus.CLOSED)
    entry = PaperEntry.objects.select_related("household").get(pk=entry.pk)
    if entry.status != PaperStatus.MISMATCH:
        raise VoteRefused("votes.not_mismatch", _("Only a mismatch can be resolved."))
    if by.pk in (entry.first_teller_id, entry.second_teller_id):
        raise VoteRefused("votes.resolver_teller", _("A mismatch is resolved by someone who was not one of its tellers."))
    now = now or timezone.now()
    entry.status = PaperStatus.RESOLVED
    entry.save(update_fields=["status"])
    _ballot(vote, owner_key=entry.owner_key, choice=choice, channel=Channel.PAPER, cast_by=by, cast_at=now)
    _event(vote, EventKind.PAPER_RESOLVED, by, owner_key=entry.owner_key, household=entry.household, now=now,
           choice=choice, note=note)
    return entry


@transaction.atomic
def proxy_register(*, vote: Vote, household_code: str, holder: Person | None, document: str, by: Person,
                   now: dt.datetime | None = None) -> Proxy:
    """Record a written proxy (the document's reference, e.g. its number in the committee's file)."""
    authz.require(by, "votes.vote.manage", vote)
    document = (document or "").strip()
    if not 1 <= len(document) <= 100:
        raise InvalidInput("votes.proxy_document", _("Give the proxy document's reference (at most 100 characters)."))
    if holder is None:
        raise InvalidInput("votes.proxy_holder", _("Name the proxy holder's account."))
    if holder.pk == by.pk:
        # Whoever records a proxy must not be the one who then votes with it.
        raise VoteRefused("votes.proxy_self", _("You cannot record a proxy naming yourself; ask another manager."))
    vote = _lock(vote)
    _require_status(vote, VoteStatus.NOTICE, VoteStatus.OPEN)
    elector = elector_by_household(vote, household_code)
    if vote.proxies.filter(owner_key=elector.owner_key).exists():
        raise VoteRefused("votes.proxy_exists", _("This owner already has a proxy holder for this vote."))
    now = now or timezone.now()
    proxy = Proxy.objects.create(vote=vote, owner_key=elector.owner_key, household=elector.household, holder=holder,
                                 document=document, registered_by=by, created_at=now)
    _event(vote, EventKind.PROXY_REGISTERED, by, owner_key=elector.owner_key, household=elector.household, now=now,
           holder=holder.pk, document=document)
    return proxy


@transaction.atomic
def proxy_cast(*, proxy: Proxy, choice: str, by: Person, now: dt.datetime | None = None) -> Ballot:
    """The proxy holder casts for the owner."""
    authz.require(by, "votes.proxy.cast", proxy)
    choice = _choice(choice)
    vote = _lock(proxy.vote)
    _require_status(vote, VoteStatus.OPEN)
    now = now or timezone.now()
    _in_time(vote, now)
    _already(vote, proxy.owner_key)
    ballot = _ballot(vote, owner_key=proxy.owner_key, choice=choice, channel=Channel.PROXY, cast_by=by,
                     proxy_document=proxy.document, cast_at=now)
    _event(vote, EventKind.PROXY, by, owner_key=proxy.owner_key, household=proxy.household, now=now, choice=choice,
           document=proxy.document)
    return ballot
