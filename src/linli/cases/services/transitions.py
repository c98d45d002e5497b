"""What every transition shares: the lock, the check against the action table
(``cases/actions.py``: who may take which arrow from which status) and the event."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases.models import Case, CaseEvent, EventAction
from linli.errors import DomainError


class CaseStateError(DomainError):
    """The action is not possible in the request's current status (HTTP 409)."""


def _not_now(case: Case, action: str):
    return CaseStateError(
        "case_state",
        _("This cannot be done now: the request is “%(status)s”.") % {"status": case.get_status_display()},
        details=[{"action": action, "status": case.status}],
    )


def _event(case, action: EventAction, by, at, from_status, to_status, *, note="", data=None,
           public=True) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=action, actor=by if getattr(by, "is_authenticated", False) else None, at=at,
        from_status=from_status, to_status=to_status, note=note, data=data or {}, public=public,
    )


def _locked(case: Case) -> Case:
    from linli.cases.locks import case_lock

    return case_lock(case.pk)


def action_spec(name: str):
    """The row of the action table (``cases/actions.py``): its authz rule and allowed statuses."""
    from linli.cases.actions import ACTIONS  # the table names these services: imported when first asked

    return ACTIONS[name]


def transition_possible(case: Case, action: str, by) -> bool:
    """Whether ``by`` may take this arrow now (status and authorisation), without doing it."""
    spec = action_spec(action)
    if case.status not in spec.allowed_from:
        return False
    if spec.kinds and case.kind not in spec.kinds:
        return False
    return authz.can(by, spec.rule, case)


def _transition(case, *, by, action, to, rule=None, at=None):
    spec = action_spec(action)
    case = _locked(case)
    authz.require(by, rule or spec.rule, case)
    if case.status not in spec.allowed_from:
        raise _not_now(case, action)
    at = at or timezone.now()
    before = case.status
    case.status = to
    return case, before, at
