"""Everything that writes resident requests.

Each transition is one ``@transaction.atomic`` service: it locks the request
(``locks.case_lock``), asks the authorisation function, checks the status,
writes the change and one ``CaseEvent``, meets/starts clocks, and queues
notifications after commit. Pages, the JSON API and Open311 call these and
nothing else.

Clocks: ``respond``, ``on_site`` and ``plan`` start at ``received_at``;
``finish`` starts when a colour is chosen and counts from ``received_at`` (a
green request is finished within 3 days of the report); ``progress`` (red and
grey) from the plan, again after each report; ``return_visit`` from done.
A clock met late is breached in the same transaction as it is met, by the
same code the worker uses, so each breach is recorded exactly once.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import notify, photos as photo_rules, timing
from linli.cases.models import (
    OPEN_STATUSES, AssigneeKind, Campaign, Case, CaseEvent, CaseKind, Category, Clock, Colour, Deadline, Escalation,
    Photo, PolicyAssignment, PolicyClock, Rating, ReturnVisit, Source, Status, Supervision, TimeLimitPolicy,
    VisitMethod,
)
from linli.errors import DomainError, InvalidInput, NotAllowed, NotFound
from linli.org.models import Node, NodeKind, Person, Role, RoleAssignment

# ---------------------------------------------------------------------------
# Errors


class CaseStateError(DomainError):
    """The action is not possible in the request's current status (HTTP 409)."""


def _not_now(case: Case, action: str):
    return CaseStateError(
        "case_state",
        _("This cannot be done now: the request is “%(status)s”.") % {"status": case.get_status_display()},
        details=[{"action": action, "status": case.status}],
    )


# ---------------------------------------------------------------------------
# Places and policies


def place_of(node: Node) -> dict:
    """The compound and micro-grid of a place a request is about."""
    compound = node if node.kind == NodeKind.COMPOUND else node.ancestor_of_kind(NodeKind.COMPOUND)
    microgrid = None
    if node.kind == NodeKind.HOUSEHOLD:
        microgrid = node.microgrid
    elif node.kind in (NodeKind.UNIT, NodeKind.BUILDING, NodeKind.GROUP):
        # The micro-grid most households below this place belong to.
        from django.db.models import Count

        row = (
            Node.objects.filter(path__startswith=node.path, kind=NodeKind.HOUSEHOLD, microgrid__isnull=False)
            .values("microgrid").annotate(n=Count("id")).order_by("-n", "microgrid").first()
        )
        microgrid = Node.objects.get(pk=row["microgrid"]) if row else None
    elif node.kind == NodeKind.MICROGRID:
        microgrid = node
    return {"compound": compound, "microgrid": microgrid}


def policy_for(node: Node) -> TimeLimitPolicy:
    """The policy assigned to the nearest place above ``node`` (itself included), else the default."""
    ids = [int(x) for x in node.path.strip("/").split("/") if x]
    assigned = {a.node_id: a.policy for a in PolicyAssignment.objects.filter(node_id__in=ids).select_related("policy")}
    for node_id in reversed(ids):
        if node_id in assigned:
            return assigned[node_id]
    policy = TimeLimitPolicy.objects.filter(is_default=True).first()
    if policy is None:
        raise DomainError("no_policy", _("No time-limit policy is set up."))
    return policy


@transaction.atomic
def policy_assign(*, node: Node, policy: TimeLimitPolicy, by: Person) -> PolicyAssignment:
    """Choose the policy of a compound. Open requests keep their deadlines."""
    authz.require(by, "cases.policy.manage", node)
    assignment, _created = PolicyAssignment.objects.update_or_create(node=node, defaults={"policy": policy})
    return assignment


def _clock_spec(policy: TimeLimitPolicy, clock: str, colour: str = "") -> PolicyClock | None:
    return policy.clocks.filter(clock=clock, colour=colour).first()


def _due(policy: TimeLimitPolicy, spec: PolicyClock, start: dt.datetime, urgent: bool) -> dt.datetime:
    hours = None
    if spec.service_hours and not urgent and policy.service_start and policy.service_end:
        hours = (policy.service_start, policy.service_end)
    return timing.add_duration(start, spec.minutes, working_time=spec.working_time, service_hours=hours)


def _start_clock(case: Case, clock: str, start: dt.datetime, *, colour: str = "", count_from: dt.datetime | None = None,
                 due_at: dt.datetime | None = None, reason: str = "") -> Deadline | None:
    """Compute and store a deadline. ``count_from`` defaults to ``start``."""
    spec = _clock_spec(case.policy, clock, colour)
    if spec is None and due_at is None:
        return None
    if due_at is None:
        due_at = _due(case.policy, spec, count_from or start, case.urgent)
    return Deadline.objects.create(case=case, clock=clock, started_at=start, due_at=due_at,
                                   working_time=bool(spec and spec.working_time), reason=reason)


def _open_deadlines(case: Case, *clocks: str):
    qs = Deadline.objects.filter(case=case, met_at__isnull=True, cancelled_at__isnull=True)
    if clocks:
        qs = qs.filter(clock__in=clocks)
    return list(qs.select_for_update().order_by("id"))


def _meet(case: Case, clock: str, at: dt.datetime) -> None:
    for d in _open_deadlines(case, clock):
        if d.breached_at is None and d.due_at < at:
            breach(d, now=at)
        d.met_at = at
        d.save(update_fields=["met_at"])


def _cancel(case: Case, at: dt.datetime, reason: str, *clocks: str) -> None:
    for d in _open_deadlines(case, *clocks):
        d.cancelled_at = at
        d.reason = reason[:200]
        d.save(update_fields=["cancelled_at", "reason"])


# ---------------------------------------------------------------------------
# Escalation chain


@dataclass(frozen=True)
class ChainLevel:
    level: int
    roles: tuple[str, ...]
    node: Node | None


def escalation_chain(case: Case) -> list[ChainLevel]:
    """micro-grid leader → building representative → group → compound committee → community → street."""
    node = case.node
    building = node if node.kind == NodeKind.BUILDING else node.ancestor_of_kind(NodeKind.BUILDING)
    group = node.ancestor_of_kind(NodeKind.GROUP)
    compound = case.compound
    community = compound.ancestor_of_kind(NodeKind.COMMUNITY) if compound else node.ancestor_of_kind(NodeKind.COMMUNITY)
    street = (community or node).ancestor_of_kind(NodeKind.STREET)
    committee = (Role.OWNERS_COMMITTEE, Role.GOVERNANCE_COMMITTEE)
    return [
        ChainLevel(1, (Role.MICROGRID_LEADER,), case.microgrid),
        ChainLevel(2, (Role.BUILDING_REP,), building),
        ChainLevel(3, committee + (Role.BUILDING_REP,), group),
        ChainLevel(4, committee, compound),
        ChainLevel(5, (Role.COMMUNITY_STAFF,), community),
        ChainLevel(6, (Role.STREET_STAFF,), street),
    ]


def _holders(level: ChainLevel) -> list[Person]:
    if level.node is None:
        return []
    ids = RoleAssignment.objects.filter(node=level.node, role__in=level.roles).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids, is_active=True).order_by("id"))


def _next_level(case: Case) -> tuple[ChainLevel, list[Person]]:
    chain = [lv for lv in escalation_chain(case) if lv.node is not None]
    staffed = [(lv, _holders(lv)) for lv in chain]
    staffed_above = [(lv, people) for lv, people in staffed if people and lv.level > case.escalation_level]
    if staffed_above:
        return staffed_above[0]
    staffed_any = [(lv, people) for lv, people in staffed if people]
    if staffed_any:  # already at the top: stay there
        return staffed_any[-1]
    return chain[-1], []


def breach(deadline: Deadline, *, now: dt.datetime) -> Escalation | None:
    """Record a missed clock once and escalate. Precondition: the deadline row is
    locked (SELECT … FOR UPDATE) by the caller, inside a transaction; a deadline
    already breached is left alone (returns None)."""
    if deadline.breached_at is not None:
        return None
    from linli.cases.locks import case_lock

    case = case_lock(deadline.case_id)
    deadline.breached_at = now
    deadline.save(update_fields=["breached_at"])
    level, people = _next_level(case)
    escalation = Escalation.objects.create(
        case=case, deadline=deadline, level=level.level, role=level.roles[0], node=level.node, created_at=now
    )
    case.escalation_level = max(case.escalation_level, level.level)
    case.save(update_fields=["escalation_level", "updated_at"])
    CaseEvent.objects.create(
        case=case, action="breach", at=now, from_status=case.status, to_status=case.status, public=False,
        data={"clock": deadline.clock, "due_at": deadline.due_at.isoformat(), "level": level.level,
              "node": level.node.code if level.node else ""},
    )
    if deadline.clock == Clock.PROGRESS and case.is_open:
        # The next report is due one interval after the missed one.
        spec = _clock_spec(case.policy, Clock.PROGRESS, case.colour)
        if spec is not None:
            _start_clock(case, Clock.PROGRESS, deadline.due_at, colour=case.colour)
    notify.escalated(escalation, people)
    return escalation


# ---------------------------------------------------------------------------
# Intake


# A call-back number: an 11-digit mobile (1…) or a landline with its area code (028-…),
# optionally written with the country code +86 / 0086 and spaces.
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def normalise_phone(raw: str) -> str:
    """The one rule for contact phones, used by the pages, the imports, the API
    and Open311: spaces and a +86/0086 prefix dropped; empty allowed."""
    phone = (raw or "").replace(" ", "").replace("\u00a0", "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):].lstrip("-")
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput("bad_phone", _("Enter an 11-digit mobile number or a landline like 028-12345678."))
    return phone


@transaction.atomic
def case_create(
    *,
    node: Node,
    category: Category,
    description: str,
    source: str,
    by: Person | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    address: str = "",
    photos=(),
    received_at: dt.datetime | None = None,
    client_token: str | None = None,
    urgent: bool = False,
    campaign: Campaign | None = None,
    responsible: str = "",
    plan: str = "",
    due_at: dt.datetime | None = None,
    external_id: str = "",
) -> Case:
    """Record a new request. Anyone may report from a QR code (source ``qr``);
    snapshots, phone calls and visits need ``cases.case.record`` in scope;
    a past ``received_at`` (hotline import) needs ``cases.case.import``.
    The same ``client_token`` twice returns the first request (a double tap)."""
    description = (description or "").strip()
    if len(description) < 2:
        raise InvalidInput("description_required", _("Describe the problem in a few words."))
    if not category.active:
        raise InvalidInput("category_inactive", _("This category is no longer in use."))
    if source not in Source.values:
        raise InvalidInput("bad_source", _("Unknown source."))
    if client_token:
        existing = Case.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    now = timezone.now()
    backdated = received_at is not None and abs((received_at - now).total_seconds()) > 60
    if backdated and received_at > now:
        raise InvalidInput("received_in_future", _("The received time lies in the future."))
    received_at = received_at or now
    place = place_of(node)
    if place["compound"] is None and node.kind not in (NodeKind.COMMUNITY, NodeKind.GRID, NodeKind.MICROGRID):
        raise InvalidInput("bad_place", _("A request must be about a compound or a place in one."))
    kind = CaseKind.HELP if category.kind == CaseKind.HELP else CaseKind.PROBLEM
    case = Case(
        node=node, compound=place["compound"], microgrid=place["microgrid"], category=category, kind=kind,
        description=description, source=source, reporter=by if getattr(by, "is_authenticated", False) else None,
        contact_name=contact_name.strip(), contact_phone=normalise_phone(contact_phone), contact_email=contact_email,
        address=address, received_at=received_at, client_token=client_token or None, urgent=urgent,
        campaign=campaign, responsible=responsible, plan=plan, external_id=external_id,
        policy=policy_for(node),
    )
    # Asked of the unsaved request, so that its micro-grid counts for scope.
    if source in (Source.SNAPSHOT, Source.PHONE, Source.VISIT):  # campaigns: campaign_add_problem checks
        authz.require(by, "cases.case.record", case)
    if backdated:
        authz.require(by, "cases.case.import", case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        if client_token and Case.objects.filter(client_token=client_token).exists():
            return Case.objects.get(client_token=client_token)
        raise
    _store_photos(case, photos, after=False)
    _event(case, "create", by, received_at, "", Status.RECEIVED, note="",
           data={"source": source, "category": category.code})
    for clock in (Clock.RESPOND, Clock.ON_SITE, Clock.PLAN):
        _start_clock(case, clock, received_at)
    if due_at is not None:  # a campaign item or a hotline ticket with its own deadline
        _start_clock(case, Clock.FINISH, received_at, due_at=due_at, reason="set at intake")
    notify.case_received(case)
    return case


# ---------------------------------------------------------------------------
# Transitions


def _event(case, action, by, at, from_status, to_status, *, note="", data=None, public=True) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=action, actor=by if getattr(by, "is_authenticated", False) else None, at=at,
        from_status=from_status, to_status=to_status, note=note, data=data or {}, public=public,
    )


def _locked(case: Case) -> Case:
    from linli.cases.locks import case_lock

    return case_lock(case.pk)


WORKING = (Status.DISPATCHED, Status.ON_SITE, Status.PLANNED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class Transition:
    """Who may take an arrow of the workflow (an authz action) and from which statuses."""

    rule: str
    allowed_from: tuple[str, ...]


# The workflow in one table: the services enforce it, and the staff pages ask
# ``transition_possible`` to offer exactly the forms the services would accept.
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition("cases.case.work", (Status.RECEIVED,)),
    "dispatch": Transition("cases.case.dispatch", (Status.ACCEPTED,)),
    "match_helper": Transition("cases.help.match", (Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED)),
    "transfer": Transition("cases.case.dispatch", WORKING),
    "send_back": Transition("cases.case.work", WORKING),
    "arrive": Transition("cases.case.work", (Status.DISPATCHED,)),
    "plan": Transition("cases.case.work", (Status.DISPATCHED, Status.ON_SITE)),
    "progress": Transition("cases.case.work", (Status.PLANNED, Status.IN_PROGRESS)),
    "finish": Transition("cases.case.work", (Status.PLANNED, Status.IN_PROGRESS)),
    "visit": Transition("cases.case.work", (Status.DONE,)),
    "close": Transition("cases.case.work", (Status.VISITED,)),
    "reopen": Transition("cases.case.dispatch", (Status.VISITED, Status.CLOSED)),
    "reclassify": Transition("cases.case.dispatch", (Status.PLANNED, Status.IN_PROGRESS)),
    "merge": Transition("cases.case.dispatch", tuple(OPEN_STATUSES)),
    "declare_unsolvable": Transition("cases.case.dispatch", (Status.ACCEPTED,) + WORKING),
    "supervise": Transition("cases.case.supervise", tuple(Status.values)),
}


def transition_possible(case: Case, action: str, by) -> bool:
    """Whether ``by`` may take this arrow now (status and authorisation), without doing it."""
    spec = TRANSITIONS[action]
    if case.status not in spec.allowed_from:
        return False
    if action == "match_helper" and case.kind != CaseKind.HELP:
        return False
    return authz.can(by, spec.rule, case)


def _transition(case, *, by, action, to, rule=None, at=None):
    spec = TRANSITIONS[action]
    case = _locked(case)
    authz.require(by, rule or spec.rule, case)
    if case.status not in spec.allowed_from:
        raise _not_now(case, action)
    at = at or timezone.now()
    before = case.status
    case.status = to
    return case, before, at


@transaction.atomic
def case_accept(*, case: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="accept", to=Status.ACCEPTED, at=at)
    case.accepted_at = at
    case.save()
    _meet(case, Clock.RESPOND, at)
    _event(case, "accept", by, at, before, case.status, note=note)
    notify.resident(case, "accepted")
    return case


def _check_assignee(case: Case, kind: str, node: Node | None, person: Person | None) -> tuple[Node | None, Person | None]:
    if kind not in AssigneeKind.values:
        raise InvalidInput("bad_assignee", _("Choose whom to dispatch to."))
    if kind == AssigneeKind.PERSON:
        if person is None:
            raise InvalidInput("assignee_required", _("Choose the person to dispatch to."))
        return node, person
    default = {
        AssigneeKind.PROPERTY: case.compound,
        AssigneeKind.PARTY_BRANCH: case.compound,
        AssigneeKind.MICROGRID_LEADER: case.microgrid,
        AssigneeKind.COMMUNITY: (case.compound or case.node).ancestor_of_kind(NodeKind.COMMUNITY),
    }[kind]
    return node or default, person


@transaction.atomic
def case_dispatch(*, case: Case, by: Person, to: str, node: Node | None = None, person: Person | None = None,
                  note: str = "", at: dt.datetime | None = None) -> Case:
    """Send an accepted request to the property company, community, party branch,
    micro-grid leader or a named person. For a help request, a named person is
    the matched volunteer."""
    rule = "cases.help.match" if case.kind == CaseKind.HELP and to == AssigneeKind.PERSON else "cases.case.dispatch"
    case, before, at = _transition(case, by=by, action="dispatch", to=Status.DISPATCHED, rule=rule, at=at)
    node, person = _check_assignee(case, to, node, person)
    case.assignee_kind, case.assignee_node, case.assignee = to, node, person
    if case.kind == CaseKind.HELP and person is not None:
        case.helper = person
    case.save()
    _event(case, "dispatch", by, at, before, case.status, note=note,
           data={"to": to, "node": node.code if node else "", "person": person.get_full_name() if person else ""})
    notify.dispatched(case, by)
    return case


@transaction.atomic
def case_match_helper(*, case: Case, volunteer: Person, by: Person, note: str = "",
                      at: dt.datetime | None = None) -> Case:
    """Mutual help (seed 002): the micro-grid leader matches a volunteer (someone
    holding the volunteer role, or a resident, of the same building or micro-grid,
    see ``selectors.help_candidates``). The volunteer becomes the named assignee
    and handles the request through the usual arrows (arrive, plan, finish).
    Matching a request still ``received`` also accepts it; matching again replaces
    the volunteer."""
    case, before, at = _transition(case, by=by, action="match_helper", to=Status.DISPATCHED, at=at)
    if case.kind != CaseKind.HELP:
        raise InvalidInput("not_help", _("Only mutual-help requests are matched to a volunteer."))
    from linli.cases.selectors import help_candidates

    if volunteer is None or volunteer.pk not in {c.person.pk for c in help_candidates(case)}:
        raise InvalidInput("not_a_helper",
                           _("Choose a volunteer or resident of this building, micro-grid or compound."))
    if before == Status.RECEIVED:
        case.accepted_at = at
    case.assignee_kind, case.assignee_node, case.assignee, case.helper = AssigneeKind.PERSON, None, volunteer, volunteer
    case.save()
    if before == Status.RECEIVED:
        _meet(case, Clock.RESPOND, at)
    _event(case, "help_match", by, at, before, case.status, note=note,
           data={"volunteer": volunteer.get_full_name() or str(volunteer)})
    notify.dispatched(case, by)
    if before == Status.RECEIVED:
        notify.resident(case, "accepted")
    return case


@transaction.atomic
def case_transfer(*, case: Case, by: Person, to: str, node: Node | None = None, person: Person | None = None,
                  note: str = "", at: dt.datetime | None = None) -> Case:
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why the request is transferred."))
    case, before, at = _transition(case, by=by, action="transfer", to=None, at=at)
    case.status = before
    node, person = _check_assignee(case, to, node, person)
    case.assignee_kind, case.assignee_node, case.assignee = to, node, person
    case.save()
    _event(case, "transfer", by, at, before, before, note=note,
           data={"to": to, "node": node.code if node else "", "person": person.get_full_name() if person else ""})
    notify.dispatched(case, by)
    return case


@transaction.atomic
def case_send_back(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    """The assignee returns the request to the dispatcher (wrong address, not theirs)."""
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why the request is sent back."))
    case, before, at = _transition(case, by=by, action="send_back", to=Status.ACCEPTED, at=at)
    case.assignee_kind, case.assignee_node, case.assignee = "", None, None
    case.save()
    _event(case, "send_back", by, at, before, case.status, note=note)
    return case


@transaction.atomic
def case_arrive(*, case: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="arrive", to=Status.ON_SITE, at=at)
    case.on_site_at = at
    case.save()
    _meet(case, Clock.ON_SITE, at)
    _event(case, "arrive", by, at, before, case.status, note=note)
    return case


def _check_colour(colour: str) -> str:
    if colour not in Colour.values:
        raise InvalidInput("bad_colour", _("Choose a colour: green, yellow, red or grey."))
    return colour


def _start_finish(case: Case, at: dt.datetime, due_at: dt.datetime | None, reason: str = "") -> None:
    if case.colour == Colour.GREY:
        return  # grey has no finish limit; progress reports keep the resident informed
    spec = _clock_spec(case.policy, Clock.FINISH, case.colour)
    if spec is None and due_at is None:
        raise InvalidInput("due_required",
                           _("Under this policy a %(colour)s request needs the deadline you promised.")
                           % {"colour": case.colour_label})
    _start_clock(case, Clock.FINISH, at, colour=case.colour, count_from=case.received_at,
                 due_at=due_at if spec is None else None, reason=reason)


@transaction.atomic
def case_plan(*, case: Case, by: Person, colour: str, note: str, due_at: dt.datetime | None = None,
              at: dt.datetime | None = None) -> Case:
    """Give the first plan and choose the colour. Starts the finish clock (from
    the report) and, for red and grey, the progress-report clock."""
    _check_colour(colour)
    if not note.strip():
        raise InvalidInput("plan_required", _("Write the plan: what will be done and by when."))
    case, before, at = _transition(case, by=by, action="plan", to=Status.PLANNED, at=at)
    case.colour, case.plan, case.planned_at = colour, note, at
    case.save()
    if before == Status.DISPATCHED:
        _cancel(case, at, "plan given without a visit", Clock.ON_SITE)
    _meet(case, Clock.PLAN, at)
    _start_finish(case, at, due_at)
    _start_clock(case, Clock.PROGRESS, at, colour=colour)
    _event(case, "plan", by, at, before, case.status, note=note, data={"colour": colour})
    notify.resident(case, "planned")
    return case


@transaction.atomic
def case_progress(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    """A progress note; for red/grey it is the report to the resident that meets the interval."""
    if not note.strip():
        raise InvalidInput("note_required", _("Write what has been done."))
    case, before, at = _transition(case, by=by, action="progress", to=Status.IN_PROGRESS, at=at)
    case.save()
    had_clock = bool(_open_deadlines(case, Clock.PROGRESS))
    _meet(case, Clock.PROGRESS, at)
    if had_clock:
        _start_clock(case, Clock.PROGRESS, at, colour=case.colour)
    _event(case, "progress", by, at, before, case.status, note=note)
    notify.resident(case, "progress")
    return case


@transaction.atomic
def case_finish(*, case: Case, by: Person, note: str = "", photos=(), at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="finish", to=Status.DONE, at=at)
    case.done_at = at
    case.save()
    _store_photos(case, photos, after=True)
    _meet(case, Clock.FINISH, at)
    _cancel(case, at, "done", Clock.PROGRESS)
    _start_clock(case, Clock.RETURN_VISIT, at)
    _event(case, "finish", by, at, before, case.status, note=note)
    notify.resident(case, "done")
    return case


@transaction.atomic
def case_visit(*, case: Case, by: Person | None, method: str, rating: str, comment: str = "",
               at: dt.datetime | None = None, tracking_code: str | None = None) -> Case:
    """Record the return visit. Staff call this with ``by``; the resident rates
    online through the tracking link (``tracking_code`` proves it is theirs).
    Unsatisfied reopens the request."""
    if method not in VisitMethod.values:
        raise InvalidInput("bad_method", _("Choose how the return visit was made."))
    if rating not in Rating.values:
        raise InvalidInput("bad_rating", _("Choose satisfied, basically satisfied or unsatisfied."))
    if tracking_code is not None:
        case = _locked(case)
        if case.tracking_code != tracking_code:
            raise NotFound("not_found", _("No request with this tracking code."))
        if case.status != Status.DONE:
            raise _not_now(case, "visit")
        at = at or timezone.now()
        before = case.status
        case.status = Status.VISITED
        method = VisitMethod.ONLINE
    else:
        case, before, at = _transition(case, by=by, action="visit", to=Status.VISITED, at=at)
    ReturnVisit.objects.create(case=case, method=method, rating=rating, comment=comment, by=by if tracking_code is None else None, at=at)
    case.rating, case.visited_at = rating, at
    _meet(case, Clock.RETURN_VISIT, at)
    if rating == Rating.UNSATISFIED:
        case.status = Status.IN_PROGRESS
        case.done_at = None
        case.save()
        _event(case, "visit", by if tracking_code is None else None, at, before, case.status, note=comment,
               data={"method": method, "rating": rating, "reopened": True})
        _reopen_clocks(case, at)
    else:
        case.save()
        _event(case, "visit", by if tracking_code is None else None, at, before, case.status, note=comment,
               data={"method": method, "rating": rating})
    return case


def _reopen_clocks(case: Case, at: dt.datetime) -> None:
    spec = _clock_spec(case.policy, Clock.FINISH, case.colour) if case.colour else None
    if spec is not None:
        _start_clock(case, Clock.FINISH, at, colour=case.colour, reason="reopened")
    _start_clock(case, Clock.PROGRESS, at, colour=case.colour)


@transaction.atomic
def case_close(*, case: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="close", to=Status.CLOSED, at=at)
    case.closed_at = at
    case.save()
    _cancel(case, at, "closed")
    _event(case, "close", by, at, before, case.status, note=note)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why the request is reopened."))
    case, before, at = _transition(case, by=by, action="reopen", to=Status.IN_PROGRESS, at=at)
    case.closed_at = case.done_at = None
    case.save()
    _reopen_clocks(case, at)
    _event(case, "reopen", by, at, before, case.status, note=note)
    return case


@transaction.atomic
def case_reclassify(*, case: Case, by: Person, colour: str, note: str, due_at: dt.datetime | None = None,
                    at: dt.datetime | None = None) -> Case:
    """Change the colour: the finish deadline is recomputed from the report and the reason recorded."""
    _check_colour(colour)
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why the colour changes."))
    case, before, at = _transition(case, by=by, action="reclassify", to=None, at=at)
    case.status = before
    if colour == case.colour:
        raise InvalidInput("same_colour", _("The request already has this colour."))
    old = case.colour
    case.colour = colour
    case.save()
    _cancel(case, at, f"reclassified {old} → {colour}: {note}", Clock.FINISH, Clock.PROGRESS)
    _start_finish(case, at, due_at, reason=f"reclassified from {old}")
    _start_clock(case, Clock.PROGRESS, at, colour=colour)
    _event(case, "reclassify", by, at, before, before, note=note, data={"from": old, "to": colour})
    return case


@transaction.atomic
def case_merge(*, case: Case, into: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    """Merge a duplicate into another open request of the same compound."""
    if into.pk == case.pk:
        raise InvalidInput("merge_self", _("A request cannot be merged into itself."))
    first, second = sorted([case.pk, into.pk])
    from linli.cases.locks import case_lock

    case_lock(first), case_lock(second)  # fixed order: no deadlock
    into = Case.objects.get(pk=into.pk)
    if into.status not in OPEN_STATUSES:
        raise CaseStateError("merge_target_closed", _("The other request is no longer open."))
    if into.compound_id != case.compound_id:
        raise InvalidInput("merge_other_compound", _("Only requests of the same compound can be merged."))
    authz.require(by, "cases.case.dispatch", into)
    case, before, at = _transition(case, by=by, action="merge", to=Status.MERGED, at=at)
    case.merged_into = into
    case.closed_at = at
    case.save()
    _cancel(case, at, f"merged into {into.tracking_code}")
    _event(case, "merge", by, at, before, case.status, note=note, data={"into": into.tracking_code})
    _event(into, "merged_in", by, at, into.status, into.status, data={"from": case.tracking_code}, public=False)
    return case


@transaction.atomic
def case_declare_unsolvable(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why it cannot be solved."))
    case, before, at = _transition(case, by=by, action="declare_unsolvable", to=Status.UNSOLVABLE, at=at)
    case.colour = Colour.GREY
    case.closed_at = at
    case.save()
    _cancel(case, at, "declared unsolvable")
    _event(case, "declare_unsolvable", by, at, before, case.status, note=note)
    notify.resident(case, "unsolvable")
    return case


@transaction.atomic
def case_supervise(*, case: Case, by: Person, kind: str, note: str, score: int | None = None) -> Supervision:
    """The party branch (or community) records 督办 or an evaluation."""
    authz.require(by, "cases.case.supervise", case)
    if kind not in Supervision.Kind.values:
        raise InvalidInput("bad_kind", _("Choose supervision or evaluation."))
    if not note.strip():
        raise InvalidInput("note_required", _("Write a note."))
    if score is not None and not 0 <= score <= 100:
        raise InvalidInput("bad_score", _("A score lies between 0 and 100."))
    now = timezone.now()
    s = Supervision.objects.create(case=case, kind=kind, note=note, score=score, by=by, at=now)
    _event(case, kind, by, now, case.status, case.status, note=note, data={"score": score}, public=False)
    if kind == Supervision.Kind.SUPERVISE:
        notify.supervised(case, by)
    return s


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: Person) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    authz.require(by, "cases.escalation.view", escalation.node)
    # The escalation is put in the queue of one role at one place: only its holders take it.
    if not by.is_superuser and not RoleAssignment.objects.filter(
            person=by, role=escalation.role, node_id=escalation.node_id).exists():
        raise NotAllowed("escalation.not_addressed",
                         _("This escalation is addressed to another role; only its holders can acknowledge it."))
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at, escalation.acknowledged_by = timezone.now(), by
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return escalation


# ---------------------------------------------------------------------------
# Photos (intake, finish and the API share one limit and one cleaning)

# After-photos show the work done: from the statuses the request can be finished
# in (the finish form offers them) until the return visit.
AFTER_PHOTO_STATUSES = TRANSITIONS["finish"].allowed_from + (Status.DONE,)


def _photo_room(case: Case, count: int, *, after: bool) -> None:
    """At most MAX_PHOTOS before-photos and MAX_PHOTOS after-photos per request, in total."""
    have = Photo.objects.filter(case=case, after=after).count()
    if have + count > photo_rules.MAX_PHOTOS:
        raise InvalidInput(
            "photo.too_many",
            _("A request keeps at most %(n)d photos of each kind; it has %(have)d already.")
            % {"n": photo_rules.MAX_PHOTOS, "have": have},
            details=[{"after": after, "have": have, "max": photo_rules.MAX_PHOTOS}],
        )


def _store_photos(case: Case, uploads, *, after: bool) -> list[Photo]:
    """Store photos already cleaned (``photos.clean_photo``: no EXIF/GPS), within the limit."""
    uploads = list(uploads)
    if uploads:
        _photo_room(case, len(uploads), after=after)
    return [Photo.objects.create(case=case, image=upload, after=after) for upload in uploads]


def _may_add_photos(case: Case, by: Person, *, after: bool) -> None:
    if after:
        authz.require(by, TRANSITIONS["finish"].rule, case)
        if case.status not in AFTER_PHOTO_STATUSES:
            raise _not_now(case, "add_photos")
    else:
        authz.require(by, "cases.case.record", case)
        if case.status not in OPEN_STATUSES:
            raise _not_now(case, "add_photos")


def case_add_photos(*, case: Case, by: Person, files, after: bool = False) -> list[Photo]:
    """Add photos to a request: ``files`` are uploaded files (``.read()``, ``.name``),
    read and cleaned here like the pages' (a real image, upright, resized, no EXIF/GPS).

    Before-photos (the problem) need ``cases.case.record`` while the request is
    open; after-photos (the work done) need what finishing needs
    (``cases.case.work``) and a request that can be finished or is done. All
    the photos of one call are stored, or none.

    The (slow) cleaning happens before the request's row is locked; the rights,
    the status and the limit are checked again under the lock."""
    _may_add_photos(case, by, after=after)
    files = list(files)
    if not files:
        raise InvalidInput("photo.required", _("Choose at least one photo."))
    _photo_room(case, len(files), after=after)
    cleaned = photo_rules.clean_photos(photo_rules.read_upload(f) for f in files)
    stored: list[Photo] = []
    try:
        with transaction.atomic():
            case = _locked(case)
            _may_add_photos(case, by, after=after)
            _photo_room(case, len(cleaned), after=after)
            for c in cleaned:  # one by one, so that a failure knows which files were written
                stored.append(Photo.objects.create(case=case, image=c.as_file(), after=after))
            _event(case, "photos", by, timezone.now(), case.status, case.status, public=False,
                   data={"after": after, "photos": [p.pk for p in stored]})
    except BaseException:
        for p in stored:  # the rows are rolled back: leave no files behind either
            p.image.delete(save=False)
        raise
    return stored


# ---------------------------------------------------------------------------
# In-app notifications (``notification_mark_read`` is at the end of the module)


@transaction.atomic
def notifications_mark_all_read(*, by: Person) -> int:
    from linli.cases.models import Notification

    authz.require(by, "cases.notification.view", by)
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------------------
# Campaigns


@transaction.atomic
def campaign_create(*, node: Node, title: str, starts_on: dt.date, ends_on: dt.date, by: Person,
                    description: str = "", participants=()) -> Campaign:
    authz.require(by, "cases.campaign.manage", node)
    if not title.strip():
        raise InvalidInput("title_required", _("Give the campaign a title."))
    if ends_on < starts_on:
        raise InvalidInput("bad_dates", _("The campaign cannot end before it starts."))
    campaign = Campaign.objects.create(node=node, title=title.strip(), description=description,
                                       starts_on=starts_on, ends_on=ends_on, created_by=by)
    campaign.participants.set(list(participants) + [by])
    return campaign


@transaction.atomic
def campaign_add_problem(*, campaign: Campaign, node: Node, category: Category, description: str, by: Person,
                         responsible: str, measure: str, due_at: dt.datetime, photos=()) -> Case:
    """A problem found in the campaign becomes a request (source = campaign) with
    a responsible party, a measure and a deadline."""
    if not campaign.participants.filter(pk=by.pk).exists() and not authz.can(by, "cases.campaign.manage", campaign.node):
        raise NotAllowed("not_participant", _("Only the campaign's participants can add problems."))
    if not node.path.startswith(campaign.node.path):
        raise InvalidInput("outside_campaign", _("This place lies outside the campaign."))
    if not responsible.strip() or not measure.strip():
        raise InvalidInput("measure_required", _("Name the responsible party and the measure."))
    if due_at <= timezone.now():
        raise InvalidInput("due_in_past", _("The deadline must lie in the future."))
    return case_create(node=node, category=category, description=description, source=Source.CAMPAIGN, by=by,
                       campaign=campaign, responsible=responsible.strip(), plan=measure.strip(), due_at=due_at,
                       photos=photos)


# ---------------------------------------------------------------------------
# Notifications (API and pages)


@transaction.atomic
def notification_mark_read(*, notification, by: Person):
    """Mark one of one's own in-app notifications read (idempotent)."""
    if notification.recipient_id is None or notification.recipient_id != getattr(by, "pk", None):
        raise NotFound("not_found", _("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def campaign_participant_add(*, campaign: Campaign, person: Person, by: Person) -> Campaign:
    """Add a participant (party member, volunteer, building representative …) to an
    inspection campaign; participants may register the problems they find."""
    authz.require(by, "cases.campaign.manage", campaign.node)
    if not person.is_active:
        raise InvalidInput("person_inactive", _("This account is disabled."))
    campaign.participants.add(person)
    return campaign
