"""Renovation projects in the JSON API (/api/v1/projects/...): every page action
has a twin here calling the same service. Money is in fen (1 yuan = 100).
Errors come back as ``{"code", "message", "details"}``: 401 unauthenticated,
403 not allowed, 404 missing, 409 not possible in the project's state, 422 bad
input. A refusal changes nothing."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Path, Router, Schema, UploadedFile

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import (
    ERRORS,
    MAX_ID,
    Day,
    ErrorOut,
    Text20,
    Text40,
    Text60,
    Text100,
    Text120,
    Text200,
    Text500,
    Text2000,
    Text5000,
)
from linli.errors import InvalidInput, NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind, Person
from linli.projects import selectors
from linli.projects import services as svc
from linli.projects.models import Contribution, Milestone, Project, ScopeItem

router = Router(tags=["projects"])

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Code = Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]
Fen = Annotated[int, Field(strict=True, ge=0, le=10**11, description="amount in fen (1 yuan = 100)")]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _get(model, pk: int, *related):
    obj = model.objects.filter(pk=pk).select_related(*related).first()
    if obj is None:
        raise NotFound("not_found", _("Not found."))
    return obj


def _project(pk: int) -> Project:
    p = selectors.project_get(pk)
    if p is None:
        raise NotFound("not_found", _("Not found."))
    return p


def _person(username: str) -> Person | None:
    if not username:
        return None
    person = Person.objects.filter(username=username.strip(), is_active=True).first()
    if person is None:
        raise InvalidInput("projects.person", _("No person with this user name."))
    return person


# --- reading ---------------------------------------------------------------------------------

class OrgOut(Schema):
    name: str
    contact_name: str
    phone: str = Field(..., description="masked")


class SourceOut(Schema):
    source: str
    label: str
    planned: int
    received: int


class ItemOut(Schema):
    item: int
    title: str
    quantity: int
    unit: str
    budget: int
    spent: int


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    committee_signed: bool
    supervisor_signed: bool


class ProblemsOut(Schema):
    found: int
    fixed: int
    open: int


class PaidOut(Schema):
    name: str
    source: str
    amount: int


class ProjectOut(Schema):
    id: int
    compound: str
    kind: str
    title: str
    description: str
    status: str
    contractor: OrgOut
    supervisor: OrgOut
    committee: list[str]
    notice_until: dt.date
    start_date: dt.date
    end_date: dt.date
    share_rule: str
    share_amount: int
    opinion_ref: str
    support: int
    against: int
    decision: str
    sources: list[SourceOut]
    items: list[ItemOut]
    planned: int
    received: int
    spent: int
    balance: int
    paid: list[PaidOut]
    milestones: list[MilestoneOut]
    problems: ProblemsOut
    satisfaction: float | None
    ratings: int
    final_accounts: dict | None


def _out(p: Project) -> dict:
    m = selectors.money(p)
    c = selectors.comments(p)
    s = selectors.satisfaction(p)
    pr = selectors.problems(p)
    return {
        "id": p.pk, "compound": p.compound.code, "kind": p.kind, "title": p.title, "description": p.description,
        "status": p.status, "contractor": selectors.organisation_public(p.contractor),
        "supervisor": selectors.organisation_public(p.supervisor),
        "committee": [m_.public_name for m_ in p.committee.select_related("person")],
        "notice_until": p.notice_until, "start_date": p.start_date, "end_date": p.end_date,
        "share_rule": p.share_rule, "share_amount": p.share_amount, "opinion_ref": p.opinion_ref,
        "support": c["support"], "against": c["against"], "decision": p.decision_note,
        "sources": [{k: str(v) if k == "label" else v for k, v in x.items() if k in SourceOut.model_fields}
                    for x in m["sources"]],
        "items": [{k: v for k, v in i.items() if k in ItemOut.model_fields} for i in m["items"]],
        "planned": m["planned"], "received": m["received"], "spent": m["spent"], "balance": m["balance"],
        "paid": [{"name": r["name"], "source": str(r["source"]), "amount": r["amount"]} for r in selectors.paid_list(p)],
        "milestones": [{"id": x.pk, "title": x.title, "due": x.due, "committee_signed": x.committee_signed_at is not None,
                        "supervisor_signed": x.supervisor_signed_at is not None} for x in p.milestones.all()],
        "problems": {k: pr[k] for k in ("found", "fixed", "open")},
        "satisfaction": s["avg"], "ratings": s["n"], "final_accounts": p.final_accounts,
    }


@router.get("/compounds/{code}", response={200: list[ProjectOut], 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def compound_projects(request, code: Code):
    """The projects of a compound (public)."""
    compound = Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()
    if compound is None:
        raise NotFound("projects.compound", _("No compound with this code."))
    return [_out(p) for p in selectors.projects_visible(viewer=_viewer(request), compound=compound)[:50]]


@router.get("/{id}", response={200: ProjectOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def project(request, id: Id):  # noqa: A002
    """One project: notice, committee, contractor (phones masked), scope, money from the ledger, problems."""
    p = _project(id)
    authz.require(_viewer(request), "projects.project.view", p)
    return _out(p)


# --- creating --------------------------------------------------------------------------------

class OrgIn(Schema):
    name: Text200
    contact_name: Text60 = ""
    phone: Text20 = ""
    username: Text100 = Field("", description="the contact's account (problems go to it; a supervisor signs)")


class ProjectIn(Schema):
    compound: Annotated[str, Field(max_length=40, pattern=CODE_VALIDATOR_RE)]
    kind: Text40
    title: Text200
    description: Text5000 = ""
    contractor: OrgIn
    supervisor: OrgIn
    notice_until: Day
    start_date: Day
    end_date: Day
    share_rule: Text20
    share_amount: Fen = 0
    name_display: Text20 = "masked"
    opinion_ref: Text100 = Field("", description="a questionnaire or vote (linli.surveys / linli.deliberation)")


def _org(o: OrgIn) -> dict:
    return {"name": o.name, "contact_name": o.contact_name, "phone": o.phone, "person": _person(o.username)}


@router.post("", response={201: ProjectOut, **ERRORS})
def project_create(request, payload: ProjectIn):
    """Publish a project's notice (community or street staff in scope)."""
    compound = Node.objects.filter(code=payload.compound).first()
    if compound is None:
        raise NotFound("projects.compound", _("No compound with this code."))
    p = svc.project_create(compound=compound, kind=payload.kind, title=payload.title,
                           description=payload.description, contractor=_org(payload.contractor),
                           supervisor=_org(payload.supervisor), notice_until=payload.notice_until,
                           start_date=payload.start_date, end_date=payload.end_date, share_rule=payload.share_rule,
                           share_amount=payload.share_amount, name_display=payload.name_display,
                           opinion_ref=payload.opinion_ref, by=request.user)
    return 201, _out(p)


class CommitteeIn(Schema):
    username: Text100
    title: Text40 = ""


class OkOut(Schema):
    id: int


@router.post("/{id}/committee", response={201: OkOut, **ERRORS})
def committee_add(request, id: Id, payload: CommitteeIn):  # noqa: A002
    person = _person(payload.username)
    if person is None:
        raise InvalidInput("projects.person", _("No person with this user name."))
    m = svc.committee_add(project=_project(id), person=person, title=payload.title, by=request.user)
    return 201, {"id": m.pk}


class ItemIn(Schema):
    title: Text120
    quantity: Annotated[int, Field(strict=True, ge=1, le=10**6)]
    unit: Text20
    budget: Fen = 0


@router.post("/{id}/items", response={201: OkOut, **ERRORS})
def item_add(request, id: Id, payload: ItemIn):  # noqa: A002
    item = svc.item_add(project=_project(id), title=payload.title, quantity=payload.quantity, unit=payload.unit,
                        budget=payload.budget, by=request.user)
    return 201, {"id": item.pk}


@router.post("/items/{id}/photos", response={201: OkOut, **ERRORS})
def item_photo_add(request, id: Id, file: File[UploadedFile], after: Form[bool] = False):  # noqa: A002
    """A before or after photo of a scope item (multipart, field `file`); location data is removed."""
    photo = svc.item_photo_add(item=_get(ScopeItem, id, "project"), upload=file, after=after, by=request.user)
    return 201, {"id": photo.pk}


class BudgetIn(Schema):
    source: Text20
    planned: Fen


@router.post("/{id}/budget", response={200: OkOut, **ERRORS})
def budget_set(request, id: Id, payload: BudgetIn):  # noqa: A002
    line = svc.budget_set(project=_project(id), source=payload.source, planned=payload.planned, by=request.user)
    return {"id": line.pk}


class MilestoneIn(Schema):
    title: Text120
    due: Day


@router.post("/{id}/milestones", response={201: OkOut, **ERRORS})
def milestone_add(request, id: Id, payload: MilestoneIn):  # noqa: A002
    m = svc.milestone_add(project=_project(id), title=payload.title, due=payload.due, by=request.user)
    return 201, {"id": m.pk}


# --- before work -----------------------------------------------------------------------------

class CommentIn(Schema):
    support: bool
    text: Text500 = ""


@router.post("/{id}/comments", response={201: OkOut, **ERRORS})
def comment_add(request, id: Id, payload: CommentIn):  # noqa: A002
    """A household's opinion on the notice (a resident or owner of the compound)."""
    c = svc.comment_add(project=_project(id), support=payload.support, text=payload.text, by=request.user)
    return 201, {"id": c.pk}


class DecisionIn(Schema):
    approve: bool
    note: Text2000


@router.post("/{id}/decide", response={200: ProjectOut, **ERRORS})
def decide(request, id: Id, payload: DecisionIn):  # noqa: A002
    return _out(svc.project_decide(project=_project(id), approve=payload.approve, note=payload.note, by=request.user))


@router.post("/{id}/start", response={200: ProjectOut, **ERRORS})
def start(request, id: Id):  # noqa: A002
    return _out(svc.project_start(project=_project(id), by=request.user))


# --- money -----------------------------------------------------------------------------------

class PledgeIn(Schema):
    amount: Fen | None = Field(None, description="only for a voluntary share; otherwise the rule fixes it")


class ContributionOut(Schema):
    id: int
    source: str
    amount: int
    state: str


def _c(c: Contribution) -> dict:
    return {"id": c.pk, "source": c.source, "amount": c.amount, "state": c.state}


@router.post("/{id}/pledges", response={201: ContributionOut, **ERRORS})
def pledge_add(request, id: Id, payload: PledgeIn):  # noqa: A002
    """Pledge one's household's share; it waits until a manager confirms the money."""
    return 201, _c(svc.pledge_add(project=_project(id), amount=payload.amount, by=request.user))


class RecordIn(Schema):
    source: Text20
    amount: Fen
    payer: Text100 = ""
    client_token: Text100 = ""  # a one-time token: the same token sent twice records once


@router.post("/{id}/contributions", response={201: ContributionOut, **ERRORS})
def contribution_record(request, id: Id, payload: RecordIn):  # noqa: A002
    """Money from a subsidy, work units, donations or the community fund has arrived (posted at once)."""
    return 201, _c(svc.contribution_record(project=_project(id), source=payload.source, amount=payload.amount,
                                           payer=payload.payer, by=request.user,
                                           client_token=payload.client_token or None))


@router.post("/contributions/{id}/confirm", response={200: ContributionOut, **ERRORS})
def contribution_confirm(request, id: Id):  # noqa: A002
    return _c(svc.contribution_confirm(contribution=_get(Contribution, id, "project"), by=request.user))


@router.post("/contributions/{id}/refund", response={200: ContributionOut, **ERRORS})
def contribution_refund(request, id: Id):  # noqa: A002
    return _c(svc.contribution_refund(contribution=_get(Contribution, id, "project"), by=request.user))


@router.post("/contributions/{id}/cancel", response={200: ContributionOut, **ERRORS})
def contribution_cancel(request, id: Id):  # noqa: A002
    return _c(svc.contribution_cancel(contribution=_get(Contribution, id, "project"), by=request.user))


class PayIn(Schema):
    amount: Fen
    payee: Text200
    client_token: Text100 = ""  # a one-time token: the same token sent twice pays once


@router.post("/items/{id}/payments", response={201: OkOut, **ERRORS})
def item_pay(request, id: Id, payload: PayIn):  # noqa: A002
    pay = svc.item_pay(item=_get(ScopeItem, id, "project"), amount=payload.amount, payee=payload.payee,
                       by=request.user, client_token=payload.client_token or None)
    return 201, {"id": pay.pk}


# --- supervision and acceptance ----------------------------------------------------------------

class ProblemOut(Schema):
    id: int
    tracking_code: str
    status: str


class ProblemIn(Schema):
    kind: Text20 = Field(..., description="design, quality, noise or safety")
    description: Text2000
    place: Text40 = Field("", description="code of the place in the compound (the stairwell's unit)")
    contact_name: Text60 = ""
    contact_phone: Text20 = ""
    client_token: Text100 = ""


@router.post("/{id}/problems", response={201: ProblemOut, **ERRORS}, auth=PUBLIC)
def problem_report(request, id: Id, payload: Form[ProblemIn],  # noqa: A002
                   file: File[list[UploadedFile]] = None):  # type: ignore[assignment]
    """Report a construction problem (multipart; photos in `file`, location data removed). It becomes a
    request under the project's time limits, sent to the construction company. No login needed."""
    p = _project(id)
    node = Node.objects.filter(code=payload.place).first() if payload.place else None
    if payload.place and node is None:
        raise InvalidInput("projects.place", _("No place with this code."))
    problem = svc.problem_report(project=p, kind=payload.kind, description=payload.description, node=node,
                                 files=file or [], contact_name=payload.contact_name,
                                 contact_phone=payload.contact_phone, by=_viewer(request),
                                 client_token=payload.client_token or None)
    return 201, {"id": problem.pk, "tracking_code": problem.case.tracking_code, "status": problem.case.status}


@router.post("/milestones/{id}/sign", response={200: MilestoneOut, **ERRORS})
def milestone_sign(request, id: Id):  # noqa: A002
    """Sign a milestone off as a committee member or as the supervisor's contact."""
    m = svc.milestone_sign(milestone=_get(Milestone, id, "project"), by=request.user)
    return {"id": m.pk, "title": m.title, "due": m.due, "committee_signed": m.committee_signed_at is not None,
            "supervisor_signed": m.supervisor_signed_at is not None}


@router.post("/{id}/accept", response={200: ProjectOut, **ERRORS})
def accept(request, id: Id):  # noqa: A002
    """Final acceptance; publishes the final accounts."""
    return _out(svc.project_accept(project=_project(id), by=request.user))


class RatingIn(Schema):
    score: Annotated[int, Field(strict=True, ge=1, le=5)]


@router.post("/{id}/ratings", response={201: OkOut, **ERRORS})
def rating_add(request, id: Id, payload: RatingIn):  # noqa: A002
    return 201, {"id": svc.rating_add(project=_project(id), score=payload.score, by=request.user).pk}
