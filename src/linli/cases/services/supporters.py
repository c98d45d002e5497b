""""我也遇到了" (me too): a neighbour adds themself to an open request of the same
unit or building instead of reporting the same problem again.

Who counts once: a signed-in person is their account; an anonymous resident from
the QR code is their browser (``client_scope``: the digest of the browser's CSRF
cookie that the intake page sets, the same key that makes a double tap one
request). A second "me too" from the same caller is refused with a message; the
reporter of the request cannot add themself to it. A resident who clears their
cookies or uses another phone counts again: the figure is "neighbours who said so",
not a head count, and it is shown as such.
"""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import rollups
from linli.cases.locks import case_lock
from linli.cases.models import Case, CaseSupporter
from linli.cases.selectors import supportable_cases
from linli.cases.services.intake import client_scope
from linli.errors import DomainError, InvalidInput
from linli.org.models import Node, Person


class AlreadySupported(DomainError):
    status = 409


@transaction.atomic
def case_support(*, case: Case, by: Person | None, client_browser: str = "", node: Node | None = None) -> CaseSupporter:
    """Add the caller to ``case`` ("我也遇到了"). ``node``: the unit or building page the
    caller came from (the QR code); the request must be one that page offers: open,
    reported in the last 30 days, about the same building. Anyone may (public rule
    ``cases.case.support``); the caller must be known (account or browser).
    Locks the request row (lock order: the request first)."""
    authz.require(by, "cases.case.support", case)
    scope = client_scope(by=by, browser=client_browser)
    if not scope:
        raise InvalidInput("cases.support.unknown_caller",
                           _("Your browser sent no cookie: allow cookies for this site and try again."))
    locked = case_lock(case.pk)
    offered = supportable_cases(node=node or locked.node)
    if not offered.filter(pk=locked.pk).exists():
        raise DomainError("cases.support.not_open",
                          _("This request is no longer open here; report your problem as a new request."))
    if locked.client_scope == scope or (by is not None and getattr(by, "is_authenticated", False)
                                        and locked.reporter_id == by.pk):
        raise AlreadySupported("cases.support.own", _("You reported this request yourself."))
    if CaseSupporter.objects.filter(case=locked, client_scope=scope).exists():
        raise AlreadySupported("cases.support.twice",
                               _("You have already said that you have this problem too. Thank you!"))
    supporter = CaseSupporter.objects.create(case=locked, client_scope=scope,
                                             person=by if getattr(by, "is_authenticated", False) else None)
    rollups.refresh([locked])  # the board's "我也遇到了" count, last (cases/rollups.py)
    return supporter
