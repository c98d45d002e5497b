"""Mutual aid in the JSON API (/api/v1/mutualaid/...): every page action has a
twin here calling the same service. Points are integers; bills and money are
fen. Errors come back as ``{"code", "message", "details"}``: 401
unauthenticated, 403 not allowed, 404 missing, 409 not possible now (used or
expired code, outside the slot, balance, limits), 422 bad input. A refusal
changes nothing."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import (
    ERRORS,
    MAX_ID,
    ErrorOut,
    Text20,
    Text120,
    Text150,
    Text200,
    Text300,
    Text5000,
    Text20000,
    Time,
)
from linli.errors import NotAllowed, NotFound
from linli.mutualaid import selectors
from linli.mutualaid import services as aid
from linli.mutualaid.models import Merchant, SignUp, Slot, Task, Volunteer
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind

router = Router(tags=["mutualaid"])

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Code = Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]
ShopCode = Annotated[str, Path(..., max_length=30, pattern=r"^[A-Za-z0-9-]{1,30}$")]
Fen = Annotated[int, Field(strict=True, ge=1, le=10**8, description="amount in fen (1 yuan = 100)")]
Points = Annotated[int, Field(strict=True, ge=1, le=10**8)]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _get(model, pk: int, *related):
    obj = model.objects.filter(pk=pk).select_related(*related).first()
    if obj is None:
        raise NotFound("not_found", _("Not found."))
    return obj


def _node(code: str, kinds=None) -> Node:
    node = Node.objects.filter(code=code).first()
    if node is None or (kinds and node.kind not in kinds):
        raise NotFound("mutualaid.place", _("No place with this code."))
    return node


def _merchant(code: str) -> Merchant:
    merchant = Merchant.objects.filter(code=code).select_related("node").first()
    if merchant is None:
        raise NotFound("mutualaid.merchant", _("No such merchant."))
    return merchant


# --- public ---------------------------------------------------------------------------------

class AidCommunityRow(Schema):
    community: str
    name: str
    in_circulation: int
    pool: int
    person_times: int
    volunteers: int
    minutes: int
    hours: float


class AidTopTask(Schema):
    id: int
    title: str
    place: str
    person_times: int
    hours: float


class AidBoardOut(Schema):
    in_circulation: int = Field(..., description="points held by residents and merchants")
    person_times: int
    hours: float
    communities: list[AidCommunityRow]
    top_tasks: list[AidTopTask]


@router.get("/board", response=AidBoardOut, auth=PUBLIC)
def board(request):
    """The public board: points in circulation, person-times and hours per community, top tasks."""
    authz.require(_viewer(request), "mutualaid.board.view")
    return selectors.board()


class AidSlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    taken: int
    waiting: int


class AidTaskOut(Schema):
    id: int
    title: str
    description: str
    place: str
    posted_by: str
    community: str
    places: int
    points: int
    signup_deadline: dt.datetime
    status: str
    slots: list[AidSlotOut]


def _task(t: Task) -> dict:
    return {"id": t.pk, "title": t.title, "description": t.description, "place": t.place, "posted_by": t.node.code,
            "community": t.community.code, "places": t.places, "points": t.points,
            "signup_deadline": t.signup_deadline, "status": t.status,
            "slots": [{"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "taken": s.taken,
                       "waiting": s.waiting} for s in selectors.slots_with_counts(t)]}


@router.get("/tasks", response=list[AidTaskOut], auth=PUBLIC)
def tasks(request):
    """Open tasks with a slot still to come (public)."""
    authz.require(_viewer(request), "mutualaid.task.view")
    return [_task(t) for t in selectors.open_tasks()[:100]]


@router.get("/tasks/{id}", response={200: AidTaskOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def task(request, id: Id):  # noqa: A002
    t = _get(Task, id, "node", "community")
    authz.require(_viewer(request), "mutualaid.task.view", t.node)
    return _task(t)


# --- volunteers -------------------------------------------------------------------------------

class AidVolunteerIn(Schema):
    community: Annotated[str, Field(max_length=40, pattern=CODE_VALIDATOR_RE)]
    skills: Text200 = ""
    availability: Text200 = ""
    phone: Text20 = ""


class AidVolunteerOut(Schema):
    id: int
    community: str
    status: str
    skills: str
    availability: str


def _volunteer(v: Volunteer) -> dict:
    return {"id": v.pk, "community": v.node.code, "status": v.status, "skills": v.skills,
            "availability": v.availability}


@router.post("/volunteers", response={201: AidVolunteerOut, **ERRORS})
def volunteer_register(request, payload: AidVolunteerIn):
    """Register oneself as a volunteer of the community one lives in; the community confirms."""
    v = aid.volunteer_register(person=request.user, community=_node(payload.community, {NodeKind.COMMUNITY}),
                               skills=payload.skills, availability=payload.availability, phone=payload.phone,
                               by=request.user)
    return 201, _volunteer(v)


class AidDecisionIn(Schema):
    confirm: bool


@router.post("/volunteers/{id}/decide", response={200: AidVolunteerOut, **ERRORS})
def volunteer_decide(request, id: Id, payload: AidDecisionIn):  # noqa: A002
    """Confirm or refuse a volunteer (`mutualaid.volunteer.confirm`, community staff)."""
    v = aid.volunteer_decide(volunteer=_get(Volunteer, id, "node"), confirm=payload.confirm, by=request.user)
    return _volunteer(v)


# --- tasks, sign-ups, completion ---------------------------------------------------------------

class AidSlotIn(Schema):
    starts_at: Time
    ends_at: Time


class AidTaskIn(Schema):
    place_code: Annotated[str, Field(max_length=40, pattern=CODE_VALIDATOR_RE)]
    title: Text120
    place: Text200
    description: Text5000 = ""
    places: Annotated[int, Field(strict=True, ge=1, le=500)]
    points: Annotated[int, Field(strict=True, ge=1, le=1000)]
    signup_deadline: Time
    slots: list[AidSlotIn] = Field(..., min_length=1, max_length=50)


@router.post("/tasks", response={201: AidTaskOut, **ERRORS})
def task_post(request, payload: AidTaskIn):
    """Post a task of a community or compound with its slots (`mutualaid.task.manage`)."""
    t = aid.task_post(node=_node(payload.place_code), title=payload.title, place=payload.place, places=payload.places,
                      points=payload.points, signup_deadline=payload.signup_deadline,
                      slots=[(s.starts_at, s.ends_at) for s in payload.slots], description=payload.description,
                      by=request.user)
    return 201, _task(t)


class AidSignUpOut(Schema):
    id: int
    slot: int
    status: str


@router.post("/slots/{id}/signup", response={201: AidSignUpOut, **ERRORS})
def signup(request, id: Id):  # noqa: A002
    """Take a place in a slot, or a place on its waiting list when it is full."""
    su = aid.signup_create(slot=_get(Slot, id), by=request.user)
    return 201, {"id": su.pk, "slot": su.slot_id, "status": su.status}


@router.post("/signups/{id}/withdraw", response={200: AidSignUpOut, **ERRORS})
def withdraw(request, id: Id):  # noqa: A002
    """Withdraw before the slot starts; the first on the waiting list takes the place."""
    su = _get(SignUp, id, "slot__task__node")
    if su.person_id != request.user.pk:
        authz.require(request.user, "mutualaid.task.manage", su.slot.task.node)
    su = aid.signup_withdraw(signup=su, by=request.user)
    return {"id": su.pk, "slot": su.slot_id, "status": su.status}


class AidCompletionOut(Schema):
    id: int
    slot: int
    person: int
    method: str
    confirmed_by: int | None
    minutes: int
    points: int
    transaction: str


def _completion(c) -> dict:
    return {"id": c.pk, "slot": c.slot_id, "person": c.person_id, "method": c.method,
            "confirmed_by": c.confirmed_by_id, "minutes": c.minutes, "points": c.points,
            "transaction": str(c.transaction_id)}


class AidCheckinIn(Schema):
    token: Annotated[str, Field(min_length=10, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


@router.post("/checkin", response={201: AidCompletionOut, **ERRORS})
def checkin(request, payload: AidCheckinIn):
    """Check in with the slot's QR code, on site during the slot: the points move once."""
    return 201, _completion(aid.checkin_scan(token=payload.token, by=request.user))


@router.post("/signups/{id}/confirm", response={201: AidCompletionOut, **ERRORS})
def confirm(request, id: Id):  # noqa: A002
    """The organiser confirms a volunteer's completion (never their own)."""
    return 201, _completion(aid.completion_confirm(signup=_get(SignUp, id, "slot__task__node"), by=request.user))


# --- the resident ---------------------------------------------------------------------------------

class AidLegOut(Schema):
    at: dt.datetime
    points: int
    memo: str


class AidMeOut(Schema):
    balance: int
    person_times: int
    minutes: int
    earned: int
    spent: int
    history: list[AidLegOut]


@router.get("/me", response={200: AidMeOut, **ERRORS})
def me(request):
    """One's balance, hours and history."""
    authz.require(request.user, "mutualaid.points.view_own", request.user)
    s = selectors.person_summary(request.user)
    return {**{k: s[k] for k in ("balance", "person_times", "minutes", "earned", "spent")},
            "history": [{"at": leg.transaction.posted_at, "points": leg.amount, "memo": leg.transaction.memo}
                        for leg in selectors.person_history(request.user)]}


class AidCodeOut(Schema):
    digits: str = Field(..., description="the 6 digits to show at the till")
    token: str = Field(..., description="what the QR code carries")
    expires_at: dt.datetime


@router.post("/me/code", response={201: AidCodeOut, **ERRORS})
def till_code(request):
    """A fresh till code (valid 2 minutes, used once); earlier codes stop working."""
    code = aid.tillcode_issue(person=request.user, by=request.user)
    return 201, {"digits": code.digits, "token": code.token, "expires_at": code.expires_at}


# --- the merchant ------------------------------------------------------------------------------------

class AidTillIn(Schema):
    code: Annotated[str, Field(min_length=6, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
                               description="6 digits typed, or the QR token scanned")]
    bill: Fen


class AidQuoteOut(Schema):
    bill: int
    points: int
    discount: int
    to_pay: int


@router.post("/merchants/{code}/quote", response={200: AidQuoteOut, **ERRORS})
def quote(request, code: ShopCode, payload: AidTillIn):
    """What the till shows before confirming: points taken, discount and what is left to pay (fen). Writes nothing."""
    q = aid.redemption_quote(merchant=_merchant(code), code=payload.code, bill_fen=payload.bill, by=request.user)
    return {"bill": q.bill_fen, "points": q.points, "discount": q.discount_fen, "to_pay": q.to_pay_fen}


class AidRedemptionOut(Schema):
    id: int
    merchant: str
    bill: int
    points: int
    transaction: str
    at: dt.datetime


@router.post("/merchants/{code}/redeem", response={201: AidRedemptionOut, **ERRORS})
def redeem(request, code: ShopCode, payload: AidTillIn):
    """Take the points off the bill: resident → merchant, once per code (409 for a used or expired code)."""
    r = aid.redemption_confirm(merchant=_merchant(code), code=payload.code, bill_fen=payload.bill, by=request.user)
    return 201, {"id": r.pk, "merchant": code, "bill": r.bill_fen, "points": r.points,
                 "transaction": str(r.transaction_id), "at": r.at}


class AidTakingsOut(Schema):
    merchant: str
    status: str
    held: int
    count: int
    points: int
    bills: int
    settled: int
    money: int
    redemptions: list[AidRedemptionOut]


@router.get("/merchants/{code}", response={200: AidTakingsOut, **ERRORS})
def takings(request, code: ShopCode):
    """The shop's takings and what it holds to settle (its staff and community staff)."""
    m = _merchant(code)
    if not (aid.may_till(request.user, m) or authz.can(request.user, "mutualaid.merchant.manage", m)):
        raise NotAllowed("forbidden", _("You may not do this here."))
    t = selectors.merchant_takings(m)
    return {"merchant": m.code, "status": m.status, "held": t["held"], "count": t["count"], "points": t["points"],
            "bills": t["bills_fen"], "settled": t["settled"], "money": t["money_fen"],
            "redemptions": [{"id": r.pk, "merchant": m.code, "bill": r.bill_fen, "points": r.points,
                             "transaction": str(r.transaction_id), "at": r.at} for r in t["redemptions"]]}


class AidSettleIn(Schema):
    points: Points | None = None
    money: Annotated[int, Field(strict=True, ge=0, le=10**10)] = 0


class AidSettlementOut(Schema):
    id: int
    points: int
    money: int
    transaction: str
    money_transaction: str | None


@router.post("/merchants/{code}/settle", response={201: AidSettlementOut, **ERRORS})
def settle(request, code: ShopCode, payload: AidSettleIn):
    """Hand points back to the community pool (all by default); community staff may record money paid (fen)."""
    s = aid.merchant_settle(merchant=_merchant(code), points=payload.points, money_fen=payload.money, by=request.user)
    return 201, {"id": s.pk, "points": s.points, "money": s.money_fen, "transaction": str(s.transaction_id),
                 "money_transaction": str(s.money_transaction_id) if s.money_transaction_id else None}


# --- the alliance -------------------------------------------------------------------------------------

class AidScoreRow(Schema):
    criterion: str
    value: int


class AidScoringOut(Schema):
    period: str
    total: int
    scores: list[AidScoreRow]


class AidAllianceMerchant(Schema):
    code: str
    name: str
    status: str
    scorings: list[AidScoringOut]


class AidCriterionOut(Schema):
    id: int
    name: str
    weight: int
    evidence: str


class AidAllianceOut(Schema):
    community: str
    covenant: str | None
    covenant_version: int | None
    suspend_below: int
    criteria: list[AidCriterionOut]
    merchants: list[AidAllianceMerchant]


@router.get("/communities/{code}/alliance", response={200: AidAllianceOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def alliance(request, code: Code):
    """Public: the covenant, the scoring standard, each merchant's scores and status."""
    community = _node(code, {NodeKind.COMMUNITY})
    authz.require(_viewer(request), "mutualaid.alliance.view", community)
    a = selectors.alliance(community)
    cov = a["covenant"]
    return {"community": community.code, "covenant": cov.text if cov else None,
            "covenant_version": cov.version if cov else None, "suspend_below": aid.rule_for(community).suspend_below,
            "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight, "evidence": c.evidence} for c in a["criteria"]],
            "merchants": [{"code": m.code, "name": m.name, "status": m.status,
                           "scorings": [{"period": s.period, "total": s.total,
                                         "scores": [{"criterion": x.criterion.name, "value": x.value}
                                                    for x in s.scores.all()]} for s in m.history]}
                          for m in a["merchants"]]}


class AidScoreIn(Schema):
    period: Text20
    scores: dict[int, Annotated[int, Field(strict=True, ge=0, le=100)]]
    note: Text300 = ""


@router.post("/merchants/{code}/scores", response={201: AidScoringOut, **ERRORS})
def score(request, code: ShopCode, payload: AidScoreIn):
    """Score a merchant for a period against every criterion (criterion id → 0–100); below the
    threshold the shop is suspended from redemption until rescored."""
    s = aid.merchant_score(merchant=_merchant(code), period=payload.period, scores=payload.scores, note=payload.note,
                           by=request.user)
    return 201, {"period": s.period, "total": s.total,
                 "scores": [{"criterion": x.criterion.name, "value": x.value} for x in s.scores.all()]}


# --- community staff: the pool, the rule, merchants, the covenant and the standard -----------------

class AidFundIn(Schema):
    points: Points
    key: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                              description="one key per issue: sending it twice issues once")]


class AidPoolOut(Schema):
    account: str
    balance: int


@router.post("/communities/{code}/pool", response={201: AidPoolOut, **ERRORS})
def pool_fund(request, code: Code, payload: AidFundIn):
    """Issue points into the community's pool (`mutualaid.merchant.manage`)."""
    pool = aid.pool_fund(community=_node(code, {NodeKind.COMMUNITY}), points=payload.points, key=payload.key,
                         by=request.user)
    return 201, {"account": pool.code, "balance": pool.balance}


class AidRuleIn(Schema):
    step: Fen = 3000
    points_per_step: Annotated[int, Field(strict=True, ge=1, le=10**6)] = 3
    fen_per_point: Annotated[int, Field(strict=True, ge=1, le=10**6)] = 100
    expiry_days: Annotated[int, Field(strict=True, ge=1, le=36500)] | None = None
    suspend_below: Annotated[int, Field(strict=True, ge=0, le=100)] = 60


@router.put("/communities/{code}/rule", response={200: AidRuleIn, **ERRORS})
def rule_set(request, code: Code, payload: AidRuleIn):
    """Set the community's redemption rule (default 3 points per full ¥30, 1 point = ¥1, never expire)."""
    r = aid.rule_set(community=_node(code, {NodeKind.COMMUNITY}), step_fen=payload.step,
                     points_per_step=payload.points_per_step, fen_per_point=payload.fen_per_point,
                     expiry_days=payload.expiry_days, suspend_below=payload.suspend_below, by=request.user)
    return {"step": r.step_fen, "points_per_step": r.points_per_step, "fen_per_point": r.fen_per_point,
            "expiry_days": r.expiry_days, "suspend_below": r.suspend_below}


class AidMerchantIn(Schema):
    code: Annotated[str, Field(max_length=30, pattern=r"^[A-Za-z0-9-]{1,30}$")]
    name: Text120
    address: Text200 = ""


class AidMerchantOut(Schema):
    code: str
    name: str
    community: str
    status: str


@router.post("/communities/{code}/merchants", response={201: AidMerchantOut, **ERRORS})
def merchant_create(request, code: Code, payload: AidMerchantIn):
    """Admit a merchant to the community's alliance (`mutualaid.merchant.manage`)."""
    m = aid.merchant_create(community=_node(code, {NodeKind.COMMUNITY}), code=payload.code, name=payload.name,
                            address=payload.address, by=request.user)
    return 201, {"code": m.code, "name": m.name, "community": m.node.code, "status": m.status}


class AidStaffIn(Schema):
    username: Text150


@router.post("/merchants/{code}/staff", response={201: AidMerchantOut, **ERRORS})
def merchant_staff_add(request, code: ShopCode, payload: AidStaffIn):
    """Name a person as the shop's staff: they work its till."""
    from linli.org.models import Person

    m = _merchant(code)
    person = Person.objects.filter(username=payload.username.strip()).first()
    if person is None:
        authz.require(request.user, "mutualaid.merchant.manage", m)
        raise NotFound("mutualaid.person", _("No person with this user name."))
    aid.merchant_staff_add(merchant=m, person=person, by=request.user)
    return 201, {"code": m.code, "name": m.name, "community": m.node.code, "status": m.status}


class AidCovenantIn(Schema):
    text: Text20000


class AidCovenantOut(Schema):
    version: int
    text: str


@router.post("/communities/{code}/covenant", response={201: AidCovenantOut, **ERRORS})
def covenant_publish(request, code: Code, payload: AidCovenantIn):
    """Publish a new version of the alliance's covenant 共治约定."""
    c = aid.covenant_publish(community=_node(code, {NodeKind.COMMUNITY}), text=payload.text, by=request.user)
    return 201, {"version": c.version, "text": c.text}


class AidCriterionIn(Schema):
    name: Text120
    weight: Annotated[int, Field(strict=True, ge=1, le=100)]
    evidence: Text200 = ""


@router.post("/communities/{code}/criteria", response={201: AidCriterionOut, **ERRORS})
def criterion_add(request, code: Code, payload: AidCriterionIn):
    """Add a line to the scoring standard 评分标准 (weights add up to at most 100)."""
    c = aid.criterion_add(community=_node(code, {NodeKind.COMMUNITY}), name=payload.name, weight=payload.weight,
                          evidence=payload.evidence, by=request.user)
    return 201, {"id": c.pk, "name": c.name, "weight": c.weight, "evidence": c.evidence}


class AidTaskStatusIn(Schema):
    action: Annotated[str, Field(pattern=r"^(close|cancel|reopen)$")]


@router.post("/tasks/{id}/status", response={200: AidTaskOut, **ERRORS})
def task_status(request, id: Id, payload: AidTaskStatusIn):  # noqa: A002
    """Close, cancel or reopen a task (`mutualaid.task.manage`)."""
    t = aid.task_set_status(task=_get(Task, id, "node", "community"), arrow=payload.action, by=request.user)
    return _task(Task.objects.select_related("node", "community").get(pk=t.pk))
