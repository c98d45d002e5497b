"""Public JSON of the disclosure app: published reports and funds, every step included."""
from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from linli import authz
from linli.api.main import optional_auth
from linli.disclosure import funds, selectors
from linli.disclosure.models import Fund, ReportState
from linli.errors import NotFound
from linli.org.models import Node, NodeKind

router = Router(tags=["disclosure"])


class ReportOut(Schema):
    id: int
    kind: str
    year: int
    quarter: int
    version: int
    state: str
    previous: int | None
    published_at: str | None
    chain_head: dict | None
    data: dict
    changes: list
    objections: list[dict]


class ErrorOut(Schema):
    code: str
    message: str


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@router.get("/compounds/{code}/reports", response={200: list[ReportOut], 404: ErrorOut}, auth=optional_auth)
def compound_reports(request, code: str):
    """Published quarterly reports of a compound (drafts too for staff who may see them)."""
    compound = Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()
    if compound is None:
        raise NotFound("compound", _("No such compound."))
    out = []
    for r in selectors.reports_visible(viewer=_viewer(request), compound=compound):
        out.append(ReportOut(
            id=r.pk, kind=r.kind, year=r.year, quarter=r.quarter, version=r.version, state=r.state,
            previous=r.previous_id, published_at=r.published_at.isoformat() if r.published_at else None,
            chain_head=r.chain_head, data=selectors.report_data(r), changes=r.changes or [],
            objections=[{"line": o.line, "text": o.text, "raised_at": o.created_at.isoformat(),
                         "due_at": o.due_at.isoformat(), "answer": o.answer or None, "overdue": o.overdue}
                        for o in r.objections.all()] if r.state == ReportState.PUBLISHED else [],
        ))
    return out


class FundOut(Schema):
    code: str
    name: str
    kind: str
    place: str
    account: str
    balance: int
    reserved: int
    supervisors: list[dict]
    requests: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]


@router.get("/funds/{code}", response={200: FundOut, 404: ErrorOut}, auth=optional_auth)
def fund_detail(request, code: str):
    """A fund with its supervisors, every spending request and approval step, and its campaigns."""
    fund = get_object_or_404(Fund.objects.select_related("node"), code=code)
    authz.require(_viewer(request), "disclosure.fund.view", fund.node)
    account = funds.fund_account(fund)
    return FundOut(
        code=fund.code, name=fund.name, kind=fund.kind, place=fund.node.code, account=account.code,
        balance=account.balance, reserved=account.reserved,
        supervisors=[{"party": s.party, "level": s.level, "name": s.person.real_name or s.person.username}
                     for s in fund.supervisors.select_related("person")],
        requests=[{"id": r.pk, "amount": r.amount, "payee": r.payee, "purpose": r.purpose, "state": r.state,
                   "requested_at": r.created_at.isoformat(), "expires_at": r.expires_at.isoformat(),
                   "steps": [{"level": a.level, "party": a.party, "approve": a.approve, "note": a.note,
                              "at": a.at.isoformat()} for a in r.approvals.all()]}
                  for r in fund.requests.prefetch_related("approvals")],
        campaigns=[{"id": c.pk, "title": c.title, "target": c.target, "received": funds.campaign_received(c),
                    "deadline": c.deadline.isoformat(), "state": c.state} for c in fund.campaigns.all()],
    )
