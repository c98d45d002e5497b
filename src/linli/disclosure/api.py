"""Compound money, quarterly reports, funds and crowdfunding in the JSON API
(/api/v1/disclosure/...). Every page action has a twin here.

Thin: each endpoint parses its input, calls the same service of
``linli.disclosure.services`` / ``funds`` as the page and serialises the
result; rules live in the services and in ``linli.authz``. Money is integer
minor units (fen), never floats. Errors come back as
``{"code", "message", "details"}``: 401 unauthenticated, 403 not allowed,
404 missing or not visible, 409 not possible in the object's state, 422 bad
input (nothing changed).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Path, Query, Router, Schema, UploadedFile

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import (
    ERRORS,
    MAX_ID,
    Day,
    ErrorOut,
    Text40,
    Text100,
    Text150,
    Text200,
    Text300,
    Text500,
    Text2000,
    Text5000,
)
from linli.disclosure import funds, selectors, services
from linli.disclosure.accounting import MAX_AMOUNT, escrow_account_code, fund_account_code
from linli.disclosure.models import (
    CrowdfundingCampaign,
    Fund,
    FundKind,
    IncomeSource,
    MoneyEntry,
    MoneyKind,
    Objection,
    Party,
    Pledge,
    Report,
    ReportKind,
    ReportState,
    SpendingRequest,
)
from linli.errors import NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node
from linli.tabular import read_upload

router = Router(tags=["disclosure"])

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Code = Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]
# The bounds are checked by the services, which answer 422 with a clear Chinese message;
# the schema documents them (a pydantic bound would answer only "the request is not valid").
Fen = Annotated[int, Field(strict=True, description="amount in fen (1 yuan = 100), 1 to 100 million yuan",
                           json_schema_extra={"minimum": 1, "maximum": MAX_AMOUNT})]
FenOrZero = Annotated[int, Field(strict=True, description="amount in fen, 0 to 100 million yuan",
                                 json_schema_extra={"minimum": 0, "maximum": MAX_AMOUNT})]
Year = Annotated[int, Field(strict=True, ge=2000, le=2100)]
Quarter = Annotated[int, Field(strict=True, ge=1, le=4)]
ClientToken = Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
if TYPE_CHECKING:
    MoneyKindName = str
    SourceName = str
else:
    MoneyKindName = Literal[tuple(MoneyKind.values)]
    SourceName = Literal[tuple(IncomeSource.values)]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _compound(code: str) -> Node:
    compound = services.compound_by_code(code)
    if compound is None:
        raise NotFound("compound", _("No such compound."))
    return compound


def _get(model, pk: int, **related):
    obj = model.objects.filter(pk=pk).select_related(*related.get("related", ())).first()
    if obj is None:
        raise NotFound("not_found", _("Not found."))
    return obj


# ---------------------------------------------------------------------------
# Money


class EntryOut(Schema):
    id: int
    kind: str
    income: bool
    date: dt.date
    amount: int = Field(..., description="fen; a reversal is negative")
    memo: str
    transaction: str
    corrects: int | None
    corrected_by: int | None
    voucher: str | None = Field(None, description="path of the voucher file, when there is one")


class BudgetRowOut(Schema):
    kind: str
    income: bool
    budget: int | None
    actual: int
    pct: int | None
    over: bool


class FeesOut(Schema):
    year: int
    quarter: int
    due: int
    received: int
    prepaid: int
    owed: int
    rate: str | None


class MoneyOut(Schema):
    compound: str
    year: int
    years: list[int]
    balance: int = Field(..., description="income minus expenses of every entry, fen")
    cash_account: str | None
    cash_balance: int | None
    totals: dict[str, int]
    entries: list[EntryOut]
    budget: list[BudgetRowOut]
    fees: list[FeesOut]


def _entry(e: MoneyEntry) -> dict:
    from django.urls import reverse

    return {"id": e.pk, "kind": e.kind, "income": e.income, "date": e.date, "amount": e.amount, "memo": e.memo,
            "transaction": str(e.transaction_id), "corrects": e.corrects_id,
            "corrected_by": getattr(getattr(e, "corrected_by", None), "pk", None),
            "voucher": reverse("disclosure_voucher", args=[e.pk]) if e.voucher else None}


def _fees(f) -> dict:
    rate = f.collection_rate
    return {"year": f.year, "quarter": f.quarter, "due": f.due, "received": f.received, "prepaid": f.prepaid,
            "owed": f.owed, "rate": None if rate is None else str(rate)}


@router.get("/compounds/{code}/money", response={200: MoneyOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def money(request, code: Code, year: int | None = Query(None, ge=2000, le=2100)):
    """What the money page shows: the year's entries (at most 300), totals per kind, budget
    against actual, fee figures and the cash balance (`disclosure.money.view`, public)."""
    compound = _compound(code)
    authz.require(_viewer(request), "disclosure.money.view", compound)
    m = selectors.money_overview(compound, year)  # reads only: no account is opened here
    cash = m["cash"]
    return {
        "compound": compound.code, "year": m["year"], "years": m["years"], "balance": m["balance"],
        "cash_account": cash.code if cash else None, "cash_balance": cash.balance if cash else None,
        "totals": m["totals"], "entries": [_entry(e) for e in m["entries"]],
        "budget": [{k: row[k] for k in ("kind", "income", "budget", "actual", "pct", "over")}
                   for row in m["budget_rows"]],
        "fees": [_fees(f) for f in m["fees"]],
    }


class EntryIn(Schema):
    kind: MoneyKindName
    date: Day
    amount: Fen
    memo: Text200 = ""
    client_token: ClientToken | None = Field(None, description="Sending the same token twice records the entry once")


@router.post("/compounds/{code}/money/entries", response={201: EntryOut, **ERRORS})
def money_entry_create(request, code: Code, payload: EntryIn):
    """Record one income or expense; it is posted to the compound's public ledger (`disclosure.money.enter`)."""
    compound = _compound(code)
    entry = services.money_entry_create(
        compound=compound, kind=payload.kind, date=payload.date, amount=payload.amount, memo=payload.memo,
        key=services.client_key(compound.code, request.user, payload.client_token), by=request.user)
    return 201, _entry(entry)


@router.post("/money/entries/{id}/voucher", response={200: EntryOut, **ERRORS})
def money_entry_voucher(request, id: Id, file: File[UploadedFile]):  # noqa: A002
    """Attach the scanned voucher (PDF, JPG or PNG, at most 10 MB) to an entry that has none (multipart)."""
    entry = services.money_entry_voucher_attach(entry=_get(MoneyEntry, id, related=("compound",)), voucher=file,
                                                by=request.user)
    return _entry(entry)


class ReasonIn(Schema):
    reason: Text300


@router.post("/money/entries/{id}/correct", response={201: EntryOut, **ERRORS})
def money_entry_correct(request, id: Id, payload: ReasonIn):  # noqa: A002
    """Correct a wrong entry by reversing it; both stay in the public ledger. Answers the reversal."""
    fix = services.money_entry_correct(entry=_get(MoneyEntry, id, related=("compound",)), reason=payload.reason,
                                       by=request.user)
    return 201, _entry(fix)


class ImportedOut(Schema):
    imported: int
    entries: list[EntryOut]


@router.post("/compounds/{code}/money/import", response={201: ImportedOut, **ERRORS})
def money_import(request, code: Code, file: File[UploadedFile]):
    """Import income and expenses from a CSV or XLSX file (columns 日期, 类别, 金额(元), 摘要).
    Every row is right or nothing is written: 422 `import.rejected` lists each bad row in
    `details` (`row`, `column`, `message`); the same file twice is 409 `disclosure.import_again`."""
    compound = _compound(code)
    entries = services.money_import(compound=compound, data=read_upload(file), filename=file.name or "", by=request.user)
    return 201, {"imported": len(entries), "entries": [_entry(e) for e in entries]}


class FeesIn(Schema):
    year: Year
    quarter: Quarter
    due: FenOrZero
    received: FenOrZero
    prepaid: FenOrZero = 0
    owed: FenOrZero = 0


@router.post("/compounds/{code}/money/fees", response={200: FeesOut, **ERRORS})
def money_fees(request, code: Code, payload: FeesIn):
    """Set a quarter's property-fee figures (fen): due, received, prepaid, owed."""
    fig = services.fee_figures_set(compound=_compound(code), by=request.user, **payload.model_dump())
    return _fees(fig)


class BudgetIn(Schema):
    year: Year
    kind: MoneyKindName
    amount: FenOrZero


class BudgetOut(Schema):
    year: int
    kind: str
    amount: int


@router.post("/compounds/{code}/money/budget", response={200: BudgetOut, **ERRORS})
def money_budget(request, code: Code, payload: BudgetIn):
    """Set the budget of one kind of income or expense for a year (`disclosure.budget.edit`)."""
    b = services.budget_set(compound=_compound(code), year=payload.year, kind=payload.kind, amount=payload.amount,
                            by=request.user)
    return {"year": b.year, "kind": b.kind, "amount": b.amount}


# ---------------------------------------------------------------------------
# Quarterly reports


class ObjectionOut(Schema):
    id: int
    report: int
    line: str
    text: str
    raised_at: dt.datetime
    due_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None
    overdue: bool


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
    review_note: str = ""
    correction_reason: str = ""
    works: list[dict] = []
    data: dict
    changes: list
    objections: list[dict]


def _objection(o: Objection) -> dict:
    return {"id": o.pk, "report": o.report_id, "line": o.line, "text": o.text, "raised_at": o.created_at,
            "due_at": o.due_at, "answer": o.answer or None, "answered_at": o.answered_at, "overdue": o.overdue}


def _report_out(r: Report) -> dict:
    return dict(
        id=r.pk, kind=r.kind, year=r.year, quarter=r.quarter, version=r.version, state=r.state,
        previous=r.previous_id, published_at=r.published_at.isoformat() if r.published_at else None,
        chain_head=r.chain_head, correction_reason=r.correction_reason,
        # The committee's note is shown with the draft only (as on the page), never once published.
        review_note="" if r.state == ReportState.PUBLISHED else r.review_note,
        works=list(r.works or []), data=selectors.labelled(selectors.report_data(r)),
        changes=[dict(c, label=selectors.line_label(c)) for c in r.changes or []],
        objections=[{"id": o.pk, "line": o.line, "text": o.text, "raised_at": o.created_at.isoformat(),
                     "due_at": o.due_at.isoformat(), "answer": o.answer or None, "overdue": o.overdue}
                    for o in r.objections.all()] if r.state == ReportState.PUBLISHED else [],
    )


def _report(request, pk: int) -> Report:
    """The report, if the caller may see it (a draft is hidden from those who may not: 404)."""
    report = Report.objects.select_related("compound", "previous").filter(pk=pk).first()
    if report is None or not selectors.can_see_report(_viewer(request), report):
        raise NotFound("not_found", _("No such report."))
    return report


@router.get("/compounds/{code}/reports", response={200: list[ReportOut], 404: ErrorOut, 422: ErrorOut},
            auth=PUBLIC)
def compound_reports(request, code: Code):
    """Published quarterly reports of a compound (drafts too for staff who may see them)."""
    compound = _compound(code)
    authz.require(_viewer(request), "disclosure.report.view", compound)
    return [_report_out(r) for r in selectors.reports_visible(viewer=_viewer(request), compound=compound)]


class DraftIn(Schema):
    kind: Literal[tuple(ReportKind.values)]  # type: ignore[valid-type]
    year: Year
    quarter: Quarter


@router.post("/compounds/{code}/reports", response={201: ReportOut, **ERRORS})
def report_draft(request, code: Code, payload: DraftIn):
    """Start the draft of a quarter's report (`finance` or `service`; `disclosure.report.draft`).
    409 `disclosure.report_exists` when it exists already."""
    report = services.report_draft(compound=_compound(code), kind=payload.kind, year=payload.year,
                                   quarter=payload.quarter, by=request.user)
    return 201, _report_out(report)


@router.get("/reports/{id}", response={200: ReportOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def report_detail(request, id: Id):  # noqa: A002
    """One report: frozen figures when published, live figures of a draft (for those who may see drafts)."""
    return _report_out(_report(request, id))


class WorkIn(Schema):
    title: Text200
    date: Day | None = None
    note: Text500 = ""


@router.post("/reports/{id}/works", response={200: ReportOut, **ERRORS})
def report_add_work(request, id: Id, payload: WorkIn):  # noqa: A002
    """Add a work done to the draft of a property service report."""
    report = services.report_add_work(report=_report(request, id), title=payload.title, date=payload.date,
                                      note=payload.note, by=request.user)
    return _report_out(report)


class ReviewIn(Schema):
    decision: Literal["approve", "send_back"]
    note: Text300 = Field("", description="required when sending back")


@router.post("/reports/{id}/review", response={200: ReportOut, **ERRORS})
def report_review(request, id: Id, payload: ReviewIn):  # noqa: A002
    """The owners' committee approves a draft or sends it back with a note (`disclosure.report.review`)."""
    report = services.report_review(report=_report(request, id), approve=payload.decision == "approve",
                                    note=payload.note, by=request.user)
    return _report_out(report)


@router.post("/reports/{id}/publish", response={200: ReportOut, **ERRORS})
def report_publish(request, id: Id):  # noqa: A002
    """Publish a reviewed report: its figures and the ledger chain head are frozen.
    409 when not reviewed or already published."""
    return _report_out(services.report_publish(report=_report(request, id), by=request.user))


@router.post("/reports/{id}/correct", response={201: ReportOut, **ERRORS})
def report_correct(request, id: Id, payload: ReasonIn):  # noqa: A002
    """Start a corrected version (a new draft) of a published report; answers the new version."""
    new = services.report_correct(report=_report(request, id), reason=payload.reason, by=request.user)
    return 201, _report_out(new)


class ObjectionIn(Schema):
    line: Text100 = Field(..., description="the key of the report line objected to")
    text: Text2000


@router.post("/reports/{id}/objections", response={201: ObjectionOut, **ERRORS})
def objection_create(request, id: Id, payload: ObjectionIn):  # noqa: A002
    """An owner objects to a line of a published report (`disclosure.objection.create`)."""
    obj = services.objection_create(report=_report(request, id), line=payload.line, text=payload.text,
                                    by=request.user)
    return 201, _objection(obj)


class AnswerIn(Schema):
    answer: Text2000


@router.post("/objections/{id}/answer", response={200: ObjectionOut, **ERRORS})
def objection_answer(request, id: Id, payload: AnswerIn):  # noqa: A002
    """Answer an owner's objection publicly (`disclosure.objection.answer`); 409 when answered already."""
    objection = _get(Objection, id, related=("report__compound",))
    _report(request, objection.report_id)
    obj = services.objection_answer(objection=objection, answer=payload.answer, by=request.user)
    return _objection(obj)


# ---------------------------------------------------------------------------
# Funds and crowdfunding


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


def _fund(code: str) -> Fund:
    fund = Fund.objects.select_related("node").filter(code=code).first()
    if fund is None:
        raise NotFound("not_found", _("No such fund."))
    return fund


def _fund_out(fund: Fund) -> dict:
    account = funds.fund_account_of(fund)  # reads only: no account is opened here
    return dict(
        code=fund.code, name=fund.name, kind=fund.kind, place=fund.node.code, account=fund_account_code(fund),
        balance=account.balance if account else 0, reserved=account.reserved if account else 0,
        supervisors=[{"party": s.party, "level": s.level, "name": s.person.real_name or s.person.username}
                     for s in fund.supervisors.select_related("person")],
        requests=[_spending(r) for r in fund.requests.prefetch_related("approvals")],
        campaigns=[{"id": c.pk, "title": c.title, "target": c.target, "received": funds.campaign_received(c),
                    "deadline": c.deadline.isoformat(), "state": c.state} for c in fund.campaigns.all()],
    )


@router.get("/funds/{code}", response={200: FundOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def fund_detail(request, code: Code):
    """A fund with its supervisors, every spending request and approval step, and its campaigns."""
    fund = _fund(code)
    authz.require(_viewer(request), "disclosure.fund.view", fund.node)
    return _fund_out(fund)


class FundIn(Schema):
    place: Text40 = Field(..., description="code of the compound or community")
    code: Text40
    name: Text200
    kind: Literal[tuple(FundKind.values)]  # type: ignore[valid-type]
    purpose: Text5000 = ""
    approval_days: Annotated[int, Field(strict=True, ge=1, le=90)] = 14


@router.post("/funds", response={201: FundOut, **ERRORS})
def fund_create(request, payload: FundIn):
    """Open a fund at a compound or community (`disclosure.fund.manage`)."""
    fund = funds.fund_create(node=funds.place_by_code(payload.place), code=payload.code, name=payload.name,
                             kind=payload.kind, purpose=payload.purpose, approval_days=payload.approval_days,
                             by=request.user)
    return 201, _fund_out(fund)


class DonationIn(Schema):
    amount: Fen
    name: Text100 = ""
    anonymous: bool = False
    source: SourceName = "donation"
    memo: Text200 = ""
    client_token: ClientToken | None = Field(None, description="Sending the same token twice records the money once")


class DonationOut(Schema):
    id: int
    fund: str
    name: str
    anonymous: bool
    source: str
    amount: int
    transaction: str
    balance: int = Field(..., description="the fund's balance afterwards, fen")


@router.post("/funds/{code}/donations", response={201: DonationOut, **ERRORS})
def fund_donate(request, code: Code, payload: DonationIn):
    """Record money a fund received (donation, subsidy, shared-asset income) in its public ledger."""
    fund = _fund(code)
    d = funds.fund_donate(fund=fund, amount=payload.amount, name=payload.name, anonymous=payload.anonymous,
                          source=payload.source, memo=payload.memo,
                          key=services.client_key(f"fund:{fund.code}", request.user, payload.client_token),
                          by=request.user)
    return 201, {"id": d.pk, "fund": fund.code, "name": d.public_name, "anonymous": d.anonymous, "source": d.source,
                 "amount": d.amount, "transaction": str(d.transaction_id), "balance": funds.fund_account_of(fund).balance}


class SupervisorIn(Schema):
    username: Text150
    party: Literal[tuple(Party.values)]  # type: ignore[valid-type]
    level: Literal[1, 2]


class SupervisorOut(Schema):
    fund: str
    username: str
    party: str
    level: int


@router.post("/funds/{code}/supervisors", response={201: SupervisorOut, **ERRORS})
def fund_supervisor(request, code: Code, payload: SupervisorIn):
    """Name a supervisor of a fund at approval level 1 or 2."""
    fund = _fund(code)
    sup = funds.supervisor_add(fund=fund, person=funds.person_by_username(payload.username), party=payload.party,
                               level=payload.level, by=request.user)
    return 201, {"fund": fund.code, "username": sup.person.username, "party": sup.party, "level": sup.level}


class SpendIn(Schema):
    amount: Fen
    payee: Text200
    purpose: Text300
    client_token: ClientToken | None = Field(
        None, description="Sending the same token twice asks (and reserves the money) once")


class SpendingOut(Schema):
    id: int
    fund: str
    amount: int
    payee: str
    purpose: str
    state: str
    requested_at: dt.datetime
    expires_at: dt.datetime
    steps: list[dict[str, Any]]


def _spending(r: SpendingRequest) -> dict:
    return {"id": r.pk, "fund": r.fund.code, "amount": r.amount, "payee": r.payee, "purpose": r.purpose,
            "state": r.state, "requested_at": r.created_at.isoformat(), "expires_at": r.expires_at.isoformat(),
            "steps": [{"level": a.level, "party": a.party, "approve": a.approve, "note": a.note,
                       "at": a.at.isoformat()} for a in r.approvals.all()]}


@router.post("/funds/{code}/requests", response={201: SpendingOut, **ERRORS})
def fund_spend(request, code: Code, payload: SpendIn):
    """Ask to spend from a fund: the money is reserved until both approval levels decide."""
    fund = _fund(code)
    req = funds.spend_request(fund=fund, amount=payload.amount, payee=payload.payee, purpose=payload.purpose,
                              key=services.client_key(f"spend:{fund.code}", request.user, payload.client_token),
                              by=request.user)
    return 201, _spending(req)


class DecisionIn(Schema):
    decision: Literal["approve", "reject"]
    note: Text300 = Field("", description="required when rejecting")


@router.post("/spending/{id}/decide", response={200: SpendingOut, **ERRORS})
def spend_decide(request, id: Id, payload: DecisionIn):  # noqa: A002
    """A named supervisor of the waiting level approves or rejects; 409 when decided already."""
    req = funds.spend_decide(request=_get(SpendingRequest, id, related=("fund",)),
                             approve=payload.decision == "approve", note=payload.note, by=request.user)
    return _spending(SpendingRequest.objects.select_related("fund").get(pk=req.pk))


class CrowdfundingIn(Schema):
    title: Text200
    target: Fen
    deadline: Day
    description: Text5000 = ""


class PledgeOut(Schema):
    id: int
    campaign: int
    name: str
    anonymous: bool
    source: str
    amount: int
    state: str
    online: bool = False


class CrowdfundingOut(Schema):
    id: int
    fund: str
    title: str
    description: str
    target: int
    received: int
    percent: int
    deadline: dt.date
    state: str
    escrow_account: str
    escrow_balance: int
    by_source: dict[str, int]
    pledges: list[PledgeOut]


def _pledge(p: Pledge) -> dict:
    return {"id": p.pk, "campaign": p.campaign_id, "name": p.public_name, "anonymous": p.anonymous,
            "source": p.source, "amount": p.amount, "state": p.state, "online": p.online}


def _campaign_out(c: CrowdfundingCampaign) -> dict:
    pledges = list(c.pledges.all())
    progress = funds.campaign_progress(c, pledges)
    escrow = funds.escrow_account_of(c)  # reads only
    return {"id": c.pk, "fund": c.fund.code, "title": c.title, "description": c.description, "target": c.target,
            "received": progress["received"], "percent": progress["pct"], "deadline": c.deadline, "state": c.state,
            "escrow_account": escrow_account_code(c), "escrow_balance": escrow.balance if escrow else 0, "by_source": progress["by_source"],
            "pledges": [_pledge(p) for p in pledges]}


def _campaign(pk: int) -> CrowdfundingCampaign:
    return _get(CrowdfundingCampaign, pk, related=("fund__node",))


@router.post("/funds/{code}/campaigns", response={201: CrowdfundingOut, **ERRORS})
def campaign_create(request, code: Code, payload: CrowdfundingIn):
    """Start a crowdfunding campaign of a fund; receipts wait in its escrow until it closes."""
    c = funds.campaign_create(fund=_fund(code), title=payload.title, target=payload.target,
                              deadline=payload.deadline, description=payload.description, by=request.user)
    return 201, _campaign_out(_campaign(c.pk))


@router.get("/campaigns/{id}", response={200: CrowdfundingOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def campaign_detail(request, id: Id):  # noqa: A002
    """A campaign with its progress, escrow, money per source and every pledge (donors by public name)."""
    c = _campaign(id)
    authz.require(_viewer(request), "disclosure.fund.view", c.fund.node)
    return _campaign_out(c)


class PledgeIn(Schema):
    source: SourceName
    amount: Fen
    name: Text100 = ""
    anonymous: bool = False


@router.post("/campaigns/{id}/pledges", response={201: PledgeOut, **ERRORS})
def pledge_create(request, id: Id, payload: PledgeIn):  # noqa: A002
    """Record a pledge to an open campaign; 409 when the campaign is closed."""
    p = funds.pledge_add(campaign=_campaign(id), source=payload.source, amount=payload.amount, name=payload.name,
                         anonymous=payload.anonymous, by=request.user)
    return 201, _pledge(p)


@router.post("/campaigns/{id}/close", response={200: CrowdfundingOut, **ERRORS})
def campaign_close(request, id: Id):  # noqa: A002
    """Close a campaign: paid into the fund when the target is reached, every receipt refunded when the
    deadline passed without it; 409 while neither holds or when closed already."""
    c = funds.campaign_close(campaign=_campaign(id), by=request.user)
    return _campaign_out(_campaign(c.pk))


@router.post("/pledges/{id}/receive", response={200: PledgeOut, **ERRORS})
def pledge_receive(request, id: Id):  # noqa: A002
    """The pledged money arrived: it goes into the campaign's escrow; 409 when received already."""
    p = funds.pledge_receive(pledge=_get(Pledge, id, related=("campaign__fund__node",)), by=request.user)
    return _pledge(p)


class PledgeOfferIn(Schema):
    amount: Fen
    name: Text100 = ""
    shown: Literal["full", "masked", "anonymous"] = "full"
    client_token: ClientToken | None = Field(None, description="Sending the same token twice records one pledge")


@router.post("/campaigns/{id}/pledges/mine", response={201: PledgeOut, **ERRORS})
def pledge_offer(request, id: Id, payload: PledgeOfferIn):  # noqa: A002
    """A signed-in resident pledges to an open campaign: pending (not counted in the progress)
    until a manager confirms the money arrived (``/pledges/{id}/receive``) or rejects it."""
    c = _campaign(id)
    token = (payload.client_token or "").strip()
    p = funds.pledge_offer(campaign=c, amount=payload.amount, name=payload.name, shown=payload.shown,
                           key=f"pledge:{c.pk}:person:{request.user.pk}:{token}" if token else None, by=request.user)
    return 201, _pledge(p)


class PledgeRejectIn(Schema):
    reason: Text300


@router.post("/pledges/{id}/reject", response={200: PledgeOut, **ERRORS})
def pledge_reject(request, id: Id, payload: PledgeRejectIn):  # noqa: A002
    """The pledged money did not arrive: the pledge is closed as rejected, with the reason; 409 when decided."""
    p = funds.pledge_reject(pledge=_get(Pledge, id, related=("campaign__fund__node",)), reason=payload.reason,
                            by=request.user)
    return _pledge(p)
