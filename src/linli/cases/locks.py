"""Row locking for requests and their deadlines, in one place (house style 5).

The one lock order, everywhere:

1. **the request row first** (``case_lock``; several requests in id order),
2. **then its deadlines** (``open_deadlines_lock``, ``due_deadlines_lock``; in id order).

Staff actions lock the request, then meet or cancel its clocks. The deadline sweep
claims *requests* that have a due clock (``due_cases_claim``, ``SKIP LOCKED``: a
request a staff member is working on is skipped and picked up by the next sweep),
then locks their due deadlines. No transaction ever holds a deadline and waits for
its request, so the worker and staff actions cannot deadlock (tests in
tests/cases/test_worker.py and tests/faults/).
"""
from __future__ import annotations

import datetime as dt

from django.db import connection

from linli.cases.models import Case, Deadline


def case_lock(case_id: int) -> Case:
    """Lock one request row for the rest of the transaction and return it fresh."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("node", "compound", "microgrid", "policy", "category")
        .get(pk=case_id)
    )


def due_deadlines(now: dt.datetime):
    """Open deadlines whose time has come (read through the partial index ``deadline_due_open``)."""
    return Deadline.objects.filter(
        due_at__lte=now, met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True
    )


def due_cases(now: dt.datetime):
    """Ids of the requests that have a due deadline, in id order (unlocked)."""
    return Case.objects.filter(pk__in=due_deadlines(now).values("case_id")).order_by("id").values_list("id", flat=True)


def due_cases_claim(*, now: dt.datetime, batch: int, exclude=()) -> list[int]:
    """Lock up to ``batch`` requests that have a due deadline and return their ids, in
    id order. On PostgreSQL rows locked by someone else (another worker, a staff action)
    are skipped, not waited for. Call inside a transaction."""
    qs = due_cases(now).exclude(pk__in=list(exclude))
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    else:
        qs = qs.select_for_update()
    return list(qs[:batch])


def due_deadlines_lock(*, case_id: int, now: dt.datetime) -> list[Deadline]:
    """Lock the due deadlines of one request. Precondition: the request row is locked."""
    rows = list(due_deadlines(now).filter(case_id=case_id).select_for_update().order_by("id"))
    return sorted(rows, key=lambda d: (d.due_at, d.id))  # breached in the order they fell due


def open_deadlines_lock(case: Case, *clocks: str) -> list[Deadline]:
    """Lock the running (not met, not cancelled) deadlines of a request, optionally of some
    clocks only. Precondition: the request row is locked (``case_lock``)."""
    qs = Deadline.objects.filter(case=case, met_at__isnull=True, cancelled_at__isnull=True)
    if clocks:
        qs = qs.filter(clock__in=clocks)
    return list(qs.select_for_update().order_by("id"))
