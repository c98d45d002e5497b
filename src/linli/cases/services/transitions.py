"""The workflow table: who may take which arrow from which status, and the
helpers every transition shares (lock, check, event)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseKind,
    Status,
)
from linli.errors import DomainError


class CaseStateError(DomainError):
    """The action is not possible in the request's current status (HTTP 409)."""


def _not_now(case: Case, action: str):
    return CaseStateError(
        "case_state",
        _("This cannot be done now: the request is “%(status)s”.") % {"status": case.get_status_display()},
        details=[{"action": action, "status": case.status}],
    )


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
