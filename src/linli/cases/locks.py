"""Row locking for requests, in one place (house style 5).

A service that changes two requests locks them in id order, so two
transactions cannot deadlock.
"""
from __future__ import annotations

from linli.cases.models import Case


def case_lock(case_id: int) -> Case:
    """Lock one request row for the rest of the transaction and return it fresh."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("node", "compound", "microgrid", "policy", "category")
        .get(pk=case_id)
    )
