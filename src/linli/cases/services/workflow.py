"""The request's workflow after intake: accept, dispatch, plan, finish, visit, close, reopen, …"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import notify, rollups
from linli.cases.models import (
    OPEN_STATUSES,
    AssigneeKind,
    Case,
    CaseKind,
    Clock,
    Colour,
    DeadlineReason,
    EventAction,
    Rating,
    ReturnVisit,
    Status,
    Supervision,
    VisitMethod,
)
from linli.cases.services.deadlines import (
    _cancel,
    _clock_spec,
    _meet,
    _open_deadlines,
    _start_clock,
)
from linli.cases.services.intake import check_due_at
from linli.cases.services.photos import _store_photos
from linli.cases.services.transitions import (
    CaseStateError,
    _event,
    _locked,
    _not_now,
    _transition,
    action_spec,
)
from linli.errors import InvalidInput, NotFound
from linli.org.models import Node, NodeKind, Person, Role, RoleAssignment

# Who answers for a request dispatched to a kind of handler (at the dispatched place).
ASSIGNEE_ROLES: dict[str, str] = {
    AssigneeKind.PROPERTY: Role.PROPERTY_STAFF,
    AssigneeKind.COMMUNITY: Role.COMMUNITY_STAFF,
    AssigneeKind.PARTY_BRANCH: Role.PARTY_BRANCH,
    AssigneeKind.MICROGRID_LEADER: Role.MICROGRID_LEADER,
}


@transaction.atomic
def case_accept(*, case: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="accept", to=Status.ACCEPTED, at=at)
    case.accepted_at = at
    case.save()
    _meet(case, Clock.RESPOND, at)
    _event(case, EventAction.ACCEPT, by, at, before, case.status, note=note)
    notify.resident(case, "accepted")
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


def _check_assignee(case: Case, kind: str, node: Node | None, person: Person | None) -> tuple[Node | None, Person | None]:
    if kind not in AssigneeKind.values:
        raise InvalidInput("bad_assignee", _("Choose whom to dispatch to."))
    if kind == AssigneeKind.PERSON:
        if person is None:
            raise InvalidInput("assignee_required", _("Choose the person to dispatch to."))
        return node, person
    defaults: dict[str, Node | None] = {
        AssigneeKind.PROPERTY: case.compound,
        AssigneeKind.PARTY_BRANCH: case.compound,
        AssigneeKind.MICROGRID_LEADER: case.microgrid,
        AssigneeKind.COMMUNITY: (case.compound or case.node).ancestor_of_kind(NodeKind.COMMUNITY),
    }
    node = node or defaults[kind]
    role = ASSIGNEE_ROLES[kind]
    if node is None or not RoleAssignment.objects.filter(node=node, role=role, person__is_active=True).exists():
        # Nobody would be told and nobody could act: refuse rather than let the request sit unseen.
        raise InvalidInput("nobody_holds_role",
                           _("Nobody would receive this request as “%(whom)s”: nobody at %(place)s holds that role. "
                             "Dispatch it to someone else, or to a named person.")
                           % {"whom": AssigneeKind(kind).label, "place": node.name if node else "—"})
    return node, person


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
    _event(case, EventAction.DISPATCH, by, at, before, case.status, note=note,
           data={"to": to, "node": node.code if node else "", "person": person.get_full_name() if person else ""})
    notify.dispatched(case, by)
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
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
    _event(case, EventAction.HELP_MATCH, by, at, before, case.status, note=note,
           data={"volunteer": volunteer.get_full_name() or str(volunteer)})
    notify.dispatched(case, by)
    if before == Status.RECEIVED:
        notify.resident(case, "accepted")
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
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
    _event(case, EventAction.TRANSFER, by, at, before, before, note=note,
           data={"to": to, "node": node.code if node else "", "person": person.get_full_name() if person else ""})
    notify.dispatched(case, by)
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


@transaction.atomic
def case_send_back(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    """The assignee returns the request to the dispatcher (wrong address, not theirs)."""
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why the request is sent back."))
    case, before, at = _transition(case, by=by, action="send_back", to=Status.ACCEPTED, at=at)
    case.assignee_kind, case.assignee_node, case.assignee = "", None, None
    case.save()
    _event(case, EventAction.SEND_BACK, by, at, before, case.status, note=note)
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


@transaction.atomic
def case_arrive(*, case: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="arrive", to=Status.ON_SITE, at=at)
    case.on_site_at = at
    case.save()
    _meet(case, Clock.ON_SITE, at)
    _event(case, EventAction.ARRIVE, by, at, before, case.status, note=note)
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


def _check_colour(colour: str) -> str:
    if colour not in Colour.values:
        raise InvalidInput("bad_colour", _("Choose a colour: green, yellow, red or grey."))
    return colour


def _start_finish(case: Case, at: dt.datetime, due_at: dt.datetime | None, reason: str = "") -> None:
    if due_at is not None:  # plan and reclassify: a deadline the domain allows (intake.check_due_at)
        check_due_at(due_at, received_at=case.received_at, now=at)
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
        _cancel(case, at, DeadlineReason.PLAN_WITHOUT_VISIT, Clock.ON_SITE)
    _meet(case, Clock.PLAN, at)
    _start_finish(case, at, due_at)
    _start_clock(case, Clock.PROGRESS, at, colour=colour)
    _event(case, EventAction.PLAN, by, at, before, case.status, note=note, data={"colour": colour})
    notify.resident(case, "planned")
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
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
    _event(case, EventAction.PROGRESS, by, at, before, case.status, note=note)
    notify.resident(case, "progress")
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


@transaction.atomic
def case_finish(*, case: Case, by: Person, note: str = "", photos=(), at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="finish", to=Status.DONE, at=at)
    case.done_at = at
    case.save()
    _store_photos(case, photos, after=True)
    _meet(case, Clock.FINISH, at)
    _cancel(case, at, DeadlineReason.DONE, Clock.PROGRESS)
    _start_clock(case, Clock.RETURN_VISIT, at)
    _event(case, EventAction.FINISH, by, at, before, case.status, note=note)
    notify.resident(case, "done")
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
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
        _event(case, EventAction.VISIT, by if tracking_code is None else None, at, before, case.status, note=comment,
               data={"method": method, "rating": rating, "reopened": True})
        _reopen_clocks(case, at)
        notify.reopened(case, by, unsatisfied=True)
    else:
        case.save()
        _event(case, EventAction.VISIT, by if tracking_code is None else None, at, before, case.status, note=comment,
               data={"method": method, "rating": rating})
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


def _reopen_clocks(case: Case, at: dt.datetime) -> None:
    spec = _clock_spec(case.policy, Clock.FINISH, case.colour) if case.colour else None
    if spec is not None:
        _start_clock(case, Clock.FINISH, at, colour=case.colour, reason=DeadlineReason.REOPENED)
    _start_clock(case, Clock.PROGRESS, at, colour=case.colour)


@transaction.atomic
def case_close(*, case: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    case, before, at = _transition(case, by=by, action="close", to=Status.CLOSED, at=at)
    case.closed_at = at
    case.save()
    _cancel(case, at, DeadlineReason.CLOSED)
    _event(case, EventAction.CLOSE, by, at, before, case.status, note=note)
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why the request is reopened."))
    case, before, at = _transition(case, by=by, action="reopen", to=Status.IN_PROGRESS, at=at)
    case.closed_at = case.done_at = None
    case.save()
    _reopen_clocks(case, at)
    _event(case, EventAction.REOPEN, by, at, before, case.status, note=note)
    notify.reopened(case, by)
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
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
    _cancel(case, at, note, Clock.FINISH, Clock.PROGRESS)  # the reason staff gave, in their words
    _start_finish(case, at, due_at, reason=DeadlineReason.RECLASSIFIED)
    _start_clock(case, Clock.PROGRESS, at, colour=colour)
    _event(case, EventAction.RECLASSIFY, by, at, before, before, note=note, data={"from": old, "to": colour})
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


def _community_or_place(case: Case) -> tuple[str, int]:
    """Where a request outside any compound is: its community (intake makes no request
    above a community; should one exist, its own place stands for it)."""
    community = case.node.ancestor_of_kind(NodeKind.COMMUNITY)
    return ("community", community.pk) if community is not None else ("place", case.node_id)


@transaction.atomic
def case_merge(*, case: Case, into: Case, by: Person, note: str = "", at: dt.datetime | None = None) -> Case:
    """Merge a duplicate into another open request of the same compound (outside any
    compound: of the same community)."""
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
    if case.compound_id is None and _community_or_place(case) != _community_or_place(into):
        raise InvalidInput("merge_other_community",
                           _("Requests outside any compound can only be merged within the same community."))
    authz.require(by, "cases.case.dispatch", into)
    case, before, at = _transition(case, by=by, action="merge", to=Status.MERGED, at=at)
    case.merged_into = into
    case.closed_at = at
    case.save()
    _cancel(case, at, DeadlineReason.MERGED)
    _event(case, EventAction.MERGE, by, at, before, case.status, note=note, data={"into": into.tracking_code})
    _event(into, EventAction.MERGED_IN, by, at, into.status, into.status, data={"from": case.tracking_code},
           public=False)
    rollups.refresh([case, into])  # the roll-ups last (cases/rollups.py)
    return case


@transaction.atomic
def case_declare_unsolvable(*, case: Case, by: Person, note: str, at: dt.datetime | None = None) -> Case:
    if not note.strip():
        raise InvalidInput("reason_required", _("Say why it cannot be solved."))
    case, before, at = _transition(case, by=by, action="declare_unsolvable", to=Status.UNSOLVABLE, at=at)
    case.colour = Colour.GREY
    case.closed_at = at
    case.save()
    _cancel(case, at, DeadlineReason.UNSOLVABLE)
    _event(case, EventAction.DECLARE_UNSOLVABLE, by, at, before, case.status, note=note)
    notify.resident(case, "unsolvable")
    rollups.refresh([case])  # the roll-ups last (cases/rollups.py)
    return case


@transaction.atomic
def case_supervise(*, case: Case, by: Person, kind: str, note: str, score: int | None = None) -> Supervision:
    """The party branch (or community) records 督办 or an evaluation."""
    authz.require(by, action_spec("supervise").rule, case)
    if kind not in Supervision.Kind.values:
        raise InvalidInput("bad_kind", _("Choose supervision or evaluation."))
    if not note.strip():
        raise InvalidInput("note_required", _("Write a note."))
    if score is not None and not 0 <= score <= 100:
        raise InvalidInput("bad_score", _("A score lies between 0 and 100."))
    now = timezone.now()
    s = Supervision.objects.create(case=case, kind=kind, note=note, score=score, by=by, at=now)
    _event(case, EventAction(kind), by, now, case.status, case.status, note=note, data={"score": score}, public=False)
    if kind == Supervision.Kind.SUPERVISE:
        notify.supervised(case, by)
    return s
