"""Reads of the mutual-aid app: the public board, a resident's own page, task
lists, a merchant's takings, the volunteer registry (scope-filtered)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from linli import authz
from linli.ledger.models import Account, Leg
from linli.mutualaid.models import (
    Completion,
    Covenant,
    Criterion,
    Merchant,
    MerchantStaff,
    Redemption,
    Scoring,
    SignUp,
    SignUpStatus,
    Task,
    TaskStatus,
    Volunteer,
)
from linli.org.models import Node


def _pts_accounts(community_code: str | None = None):
    prefix = f"pts:{community_code}:" if community_code else "pts:"
    return Account.objects.filter(code__startswith=prefix, asset__code="PTS")


def board() -> dict:
    """Public: points in circulation (held by residents and merchants), person-times
    and hours per community, and the tasks with the most completions."""
    communities = Node.objects.filter(
        Q(pk__in=Completion.objects.values("community")) | Q(points_rule__isnull=False)
        | Q(pk__in=Merchant.objects.values("node")) | Q(pk__in=Task.objects.values("community"))
    ).order_by("name")
    done: dict[int, Any] = {r["community"]: r for r in Completion.objects.values("community").annotate(
        n=Count("id"), minutes=Sum("minutes"), people=Count("person", distinct=True), points=Sum("points"))}
    rows = []
    for c in communities:
        held = _pts_accounts(c.code).filter(Q(code__contains=":p:") | Q(code__contains=":m:")).aggregate(
            s=Sum("balance"))["s"] or 0
        pool = _pts_accounts(c.code).filter(code=f"pts:{c.code}:pool").values_list("balance", flat=True).first() or 0
        d = done.get(c.pk, {})
        rows.append({"community": c.code, "name": c.name, "in_circulation": held, "pool": pool,
                     "person_times": d.get("n", 0), "volunteers": d.get("people", 0), "minutes": d.get("minutes") or 0,
                     "hours": round((d.get("minutes") or 0) / 60, 1), "earned": d.get("points") or 0})
    top = (Task.objects.annotate(n=Count("slots__completions"), minutes=Sum("slots__completions__minutes"))
           .filter(n__gt=0).select_related("node").order_by("-n", "title")[:10])
    return {
        "communities": rows,
        "in_circulation": sum(r["in_circulation"] for r in rows),
        "person_times": sum(r["person_times"] for r in rows),
        "hours": round(sum(r["minutes"] for r in rows) / 60, 1),
        "top_tasks": [{"id": t.pk, "title": t.title, "place": t.node.name, "person_times": t.n,
                       "hours": round((t.minutes or 0) / 60, 1)} for t in top],
    }


def person_accounts(person):
    return list(Account.objects.filter(code__startswith="pts:", code__endswith=f":p:{person.pk}")
                .select_related("node").order_by("code"))


def person_summary(person) -> dict:
    """A resident's own numbers (the caller has checked ``mutualaid.points.view_own``)."""
    accounts = person_accounts(person)
    done = Completion.objects.filter(person=person).aggregate(n=Count("id"), m=Sum("minutes"), p=Sum("points"))
    spent = Redemption.objects.filter(person=person).aggregate(p=Sum("points"))["p"] or 0
    return {"balance": sum(a.balance for a in accounts), "accounts": accounts, "person_times": done["n"],
            "minutes": done["m"] or 0, "hours": round((done["m"] or 0) / 60, 1), "earned": done["p"] or 0,
            "spent": spent}


def person_history(person, limit: int = 50) -> list[Leg]:
    return list(Leg.objects.filter(account__in=person_accounts(person)).select_related("transaction")
                .order_by("-transaction__posted_at", "-id")[:limit])


def upcoming_signups(person, now: dt.datetime | None = None):
    now = now or timezone.now()
    return (SignUp.objects.filter(person=person, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING],
                                  slot__ends_at__gte=now)
            .select_related("slot__task").order_by("slot__starts_at"))


def open_tasks(*, community: Node | None = None, now: dt.datetime | None = None):
    """Public: open tasks with a slot still to come, with their slots and places taken."""
    now = now or timezone.now()
    qs = Task.objects.filter(status=TaskStatus.OPEN, slots__ends_at__gte=now).distinct().select_related("node", "community")
    if community is not None:
        qs = qs.filter(community=community)
    return qs.order_by("signup_deadline", "id")


def slots_with_counts(task: Task):
    return task.slots.annotate(
        taken=Count("signups", filter=Q(signups__status__in=[SignUpStatus.CONFIRMED, SignUpStatus.COMPLETED])),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
    ).order_by("starts_at")


def merchants_of(person):
    return list(Merchant.objects.filter(staff__person=person).select_related("node"))


def merchant_takings(merchant: Merchant, limit: int = 100) -> dict:
    """For the shop's staff and community staff (checked by the caller)."""
    from linli.mutualaid.services.accounts import merchant_account

    redemptions = list(merchant.redemptions.select_related("by").order_by("-at", "-id")[:limit])
    totals = merchant.redemptions.aggregate(n=Count("id"), p=Sum("points"), bills=Sum("bill_fen"))
    settled = merchant.settlements.aggregate(p=Sum("points"), money=Sum("money_fen"))
    return {"held": merchant_account(merchant).balance, "redemptions": redemptions, "count": totals["n"],
            "points": totals["p"] or 0, "bills_fen": totals["bills"] or 0, "settled": settled["p"] or 0,
            "money_fen": settled["money"] or 0, "settlements": list(merchant.settlements.order_by("-at")[:20])}


def volunteers_visible(*, viewer, community: Node | None = None):
    qs = authz.filter_visible(Volunteer.objects.select_related("person", "node"), viewer, "mutualaid.volunteer.view",
                              node_field="node")
    if community is not None:
        qs = qs.filter(node=community)
    return qs.order_by("status", "created_at")


def alliance(community: Node) -> dict:
    """Public: the covenant (latest version), the standard and every merchant's scores."""
    merchants = list(Merchant.objects.filter(node=community).order_by("name"))
    scorings: dict[int, list[Scoring]] = {}
    for s in Scoring.objects.filter(merchant__node=community).prefetch_related("scores__criterion").order_by("-at"):
        scorings.setdefault(s.merchant_id, []).append(s)
    for m in merchants:
        history = scorings.get(m.pk, [])
        m.history = history  # type: ignore[attr-defined]  # read by the template
        m.latest = history[0] if history else None  # type: ignore[attr-defined]
    return {"covenant": Covenant.objects.filter(node=community).order_by("-version").first(),
            "criteria": list(Criterion.objects.filter(node=community, active=True)), "merchants": merchants}


def staff_rows(person):
    return MerchantStaff.objects.filter(person=person).select_related("merchant")

