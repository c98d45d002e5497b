"""What every mutual-aid service shares: the errors, the event row, the limits,
the community of a place and the one lock order.

Lock order (one for everyone, so two transactions cannot deadlock): the
domain row first (slot, till code or merchant), then the ledger accounts in id
order (``lock_accounts``, the same order ``ledger.services`` uses).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from linli.errors import DomainError, InvalidInput
from linli.ledger.models import Account
from linli.mutualaid.models import Event
from linli.org.models import Node, NodeKind


class AidRefused(DomainError):
    """The action is not possible now (state, time, balance or limit); nothing was written."""

    status = 409


def zh(label) -> str:
    """Chinese names go into the ledger's memos, whatever the request's language."""
    with translation.override("zh-hans"):
        return str(label)


def event(node: Node, kind: str, by=None, **data) -> Event:
    return Event.objects.create(node=node, kind=kind, by=by if getattr(by, "pk", None) else None, data=data)


def community_of(node: Node | None) -> Node:
    community = node.ancestor_of_kind(NodeKind.COMMUNITY) if node is not None else None
    if community is None:
        raise InvalidInput("mutualaid.community", _("Mutual aid is organised per community: choose a community or a compound."))
    return community


def daily_earn_limit() -> int:
    return int(getattr(settings, "LINLI_POINTS_DAILY_EARN_LIMIT", 100))


def daily_redeem_limit() -> int:
    return int(getattr(settings, "LINLI_POINTS_DAILY_REDEEM_LIMIT", 50))


def day_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def lock_accounts(*accounts: Account) -> dict[int, Account]:
    """Lock ledger accounts in id order (the ledger's own order) and return them fresh."""
    ids = sorted({a.pk for a in accounts})
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("id")}


def positive_int(value, code: str, message, *, maximum: int = 10**9) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > maximum:
        raise InvalidInput(code, message)
    return value
