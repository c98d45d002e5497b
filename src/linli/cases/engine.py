"""The deadline engine: one sweep finds the clocks that are due and breaches them.

A sweep reads only what is due, through the partial index on open deadlines
(``deadline_due_open``), in small batches. Each batch is one transaction that
claims its rows with ``SELECT … FOR UPDATE SKIP LOCKED``: several workers on
PostgreSQL share the work without waiting on each other, and a worker killed
mid-batch rolls back and leaves its rows for the next sweep. The escalation row
is unique per deadline, so a breach can never be recorded twice.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from linli.cases.models import Deadline
from linli.cases.services import breach

log = logging.getLogger(__name__)


def due_deadlines(now: dt.datetime):
    return Deadline.objects.filter(
        due_at__lte=now, met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True
    ).order_by("due_at", "id")


def sweep_batch(*, now: dt.datetime | None = None, batch: int = 50) -> int:
    """Breach up to ``batch`` due deadlines; return how many were breached."""
    now = now or timezone.now()
    with transaction.atomic():
        qs = due_deadlines(now)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:batch])
        count = 0
        for deadline in rows:
            if breach(deadline, now=now) is not None:
                count += 1
        return count


def sweep(*, now: dt.datetime | None = None, batch: int = 50) -> int:
    """Run batches until nothing is due; return the number of breaches recorded."""
    total = 0
    while True:
        n = sweep_batch(now=now, batch=batch)
        total += n
        if n == 0:
            return total
