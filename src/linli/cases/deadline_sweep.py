"""The deadline sweep: find the clocks that are due and breach them (``linli worker``).

A sweep reads only what is due, through the partial index on open deadlines
(``deadline_due_open``), in small batches. Each batch is one transaction that
follows the one lock order of ``cases/locks.py``: it claims *requests* with a due
clock (``SELECT … FOR UPDATE SKIP LOCKED``: several workers on PostgreSQL share the
work, and a request a staff member is changing right now is skipped until the next
sweep), then locks those requests' due deadlines and breaches them. A worker killed
mid-batch rolls back and leaves its rows for the next sweep. The escalation row is
unique per deadline, so a breach can never be recorded twice.

Each request is breached inside its own savepoint: if one request fails (a bug, bad
data), its changes roll back, the error is logged, the rest of the batch goes on, and
the request is tried again at the next sweep. One bad row never stops the sweep.

The escalation messages are written to the outbox in the same transaction; sending
them is the worker's next step (``linli.outbox.services.outbox_drain``), never part
of the sweep.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from linli.cases import locks, rollups
from linli.cases.services import breach

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    breaches: int = 0
    requests: int = 0
    failed: list[int] = field(default_factory=list)  # ids of requests whose breach raised


def _breach_due(case_id: int, now: dt.datetime) -> int:
    count = 0
    for deadline in locks.due_deadlines_lock(case_id=case_id, now=now):
        if breach(deadline, now=now) is not None:
            count += 1
    return count


def sweep_batch(*, now: dt.datetime | None = None, batch: int = 50, skip=(), result: SweepResult | None = None) -> int:
    """Claim up to ``batch`` requests with due deadlines and breach those deadlines;
    return how many requests were claimed (0: nothing left that this worker can take).
    Requests in ``skip`` are not claimed (they failed earlier in this sweep)."""
    now = now or timezone.now()
    result = result if result is not None else SweepResult()
    with transaction.atomic():
        case_ids = locks.due_cases_claim(now=now, batch=batch, exclude=skip)
        breached = []
        for case_id in case_ids:
            try:
                with transaction.atomic():  # a savepoint: one request's failure undoes only its own changes
                    result.breaches += _breach_due(case_id, now)
                breached.append(case_id)
            except Exception:
                log.exception("deadline sweep: request %s failed; it is tried again at the next sweep", case_id)
                result.failed.append(case_id)
        # The board roll-ups of the whole batch at once, last and in key order (cases/rollups.py).
        rollups.refresh(breached)
        result.requests += len(case_ids)
    return len(case_ids)


def sweep_run(*, now: dt.datetime | None = None, batch: int = 50, should_stop=lambda: False) -> SweepResult:
    """Run batches until nothing is due (or ``should_stop()``); a request that fails is
    logged and left for the next sweep."""
    result = SweepResult()
    while not should_stop():
        if sweep_batch(now=now, batch=batch, skip=result.failed, result=result) == 0:
            break
    return result


def sweep(*, now: dt.datetime | None = None, batch: int = 50) -> int:
    """Run batches until nothing is due; return the number of breaches recorded."""
    return sweep_run(now=now, batch=batch).breaches
