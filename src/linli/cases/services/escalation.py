"""The escalation chain, breaching a missed clock, and acknowledging an escalation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import notify
from linli.cases.models import (
    Case,
    CaseEvent,
    Clock,
    Deadline,
    Escalation,
)
from linli.cases.services.deadlines import _clock_spec, _start_clock
from linli.errors import NotAllowed
from linli.org.models import Node, NodeKind, Person, Role, RoleAssignment


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
    """Record a missed clock once and escalate. Precondition, inside a transaction:
    the request row, then the deadline row, are locked by the caller (the lock order
    of ``cases/locks.py``); a deadline already breached is left alone (returns None).
    The escalation messages go to the outbox in this same transaction."""
    if deadline.breached_at is not None:
        return None
    from linli.cases.locks import case_lock

    case = case_lock(deadline.case_id)
    deadline.breached_at = now
    deadline.save(update_fields=["breached_at"])
    level, people = _next_level(case)
    escalation = Escalation.objects.create(  # type: ignore[misc]  # _next_level keeps levels with a node
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
