"""Clocks: start, meet and cancel a request's deadlines. Precondition for every
function here: the request row is locked (``locks.case_lock``) by the caller."""
from __future__ import annotations

import datetime as dt

from linli.cases import timing
from linli.cases.locks import open_deadlines_lock
from linli.cases.models import (
    Case,
    Deadline,
    PolicyClock,
    TimeLimitPolicy,
)


def _clock_spec(policy: TimeLimitPolicy, clock: str, colour: str = "") -> PolicyClock | None:
    """The policy's rule for a clock (and colour); reads nothing when the clocks were
    prefetched (``policy_for``)."""
    return next((c for c in policy.clocks.all() if c.clock == clock and c.colour == colour), None)


def _due(policy: TimeLimitPolicy, spec: PolicyClock, start: dt.datetime, urgent: bool) -> dt.datetime:
    hours = None
    if spec.service_hours and not urgent and policy.service_start and policy.service_end:
        hours = (policy.service_start, policy.service_end)
    return timing.add_duration(start, spec.minutes, working_time=spec.working_time, service_hours=hours)


def _new_deadline(case: Case, clock: str, start: dt.datetime, *, colour: str = "",
                  count_from: dt.datetime | None = None, due_at: dt.datetime | None = None,
                  reason: str = "") -> Deadline | None:
    """The deadline a clock gets (unsaved), or None if the policy has no such clock."""
    spec = _clock_spec(case.policy, clock, colour)
    if due_at is None:
        if spec is None:
            return None
        due_at = _due(case.policy, spec, count_from or start, case.urgent)
    return Deadline(case=case, clock=clock, started_at=start, due_at=due_at,
                    working_time=bool(spec and spec.working_time), reason=reason, colour=colour)


def _start_clock(case: Case, clock: str, start: dt.datetime, *, colour: str = "", count_from: dt.datetime | None = None,
                 due_at: dt.datetime | None = None, reason: str = "") -> Deadline | None:
    """Compute and store a deadline. ``count_from`` defaults to ``start``."""
    deadline = _new_deadline(case, clock, start, colour=colour, count_from=count_from, due_at=due_at, reason=reason)
    if deadline is not None:
        deadline.save()
    return deadline


def _open_deadlines(case: Case, *clocks: str):
    # Lock order (cases/locks.py): the request is already locked, its deadlines come second.
    return open_deadlines_lock(case, *clocks)


def _meet(case: Case, clock: str, at: dt.datetime) -> None:
    from linli.cases.services.escalation import breach  # escalation starts clocks too

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
