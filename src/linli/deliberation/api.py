"""Deliberation in the JSON API (/api/v1/deliberation/...): every page action
has a twin here calling the same service. Money is integer fen. Errors come
back as ``{"code", "message", "details"}``: 401 unauthenticated, 403 not
allowed, 404 missing, 409 not possible now (status, phase, already done), 422
bad input. A refusal changes nothing."""
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
    Day,
    ErrorOut,
    Text20,
    Text40,
    Text60,
    Text120,
    Text300,
    Text500,
    Text2000,
    Text5000,
    Text20000,
    Time,
)
from linli.deliberation import selectors
from linli.deliberation import services as dlb
from linli.deliberation.models import FundRound, Meeting, Milestone, Project, Report, Review, Topic
from linli.errors import NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind

router = Router(tags=["deliberation"])

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Code = Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]
Fen = Annotated[int, Field(strict=True, ge=1, le=10**11, description="amount in fen (1 yuan = 100)")]
ShowFilter = Annotated[str, Field(pattern=r"^(|open|decided|done)$")]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _get(model, pk: int, *related):
    obj = model.objects.filter(pk=pk).select_related(*related).first()
    if obj is None:
        raise NotFound("not_found", _("Not found."))
    return obj


def _node(code: str, kinds) -> Node:
    node = Node.objects.filter(code=code, kind__in=kinds).first()
    if node is None:
        raise NotFound("deliberation.place", _("No place with this code."))
    return node


# --- topics ---------------------------------------------------------------------------------

class DlbTopicOut(Schema):
    id: int
    compound: str
    title: str
    body: str
    status: str
    status_label: str
    supporters: int
    taken_up_by: str
    request_id: int | None
    outcome: str
    responsible: str
    review_on: dt.date | None
    vote_ref: str
    referred_to: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _topic(t: Topic) -> dict:
    return {"id": t.pk, "compound": t.compound.code, "title": t.title, "body": t.body, "status": t.status,
            "status_label": str(t.get_status_display()), "supporters": t.supporters, "taken_up_by": t.taken_up_by,
            "request_id": t.case_id, "outcome": t.outcome, "responsible": t.responsible, "review_on": t.review_on,
            "vote_ref": t.vote_ref, "referred_to": t.referred_to, "created_at": t.created_at,
            "updated_at": t.updated_at}


@router.get("/compounds/{code}/topics", response={200: list[DlbTopicOut], 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def topics(request, code: Code, show: ShowFilter = ""):
    """A compound's topics (public), newest change first; ``show`` = open, decided or done."""
    compound = _node(code, [NodeKind.COMPOUND])
    authz.require(_viewer(request), "deliberation.topic.view", compound)
    return [_topic(t) for t in selectors.topics(viewer=_viewer(request), compound=compound, which=show)
            .select_related("compound")[:200]]


@router.get("/topics/{id}", response={200: DlbTopicOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def topic(request, id: Id):  # noqa: A002
    t = _get(Topic, id, "compound")
    authz.require(_viewer(request), "deliberation.topic.view", t)
    return _topic(t)


class DlbTopicIn(Schema):
    title: Text120
    body: Text2000 = ""


@router.post("/compounds/{code}/topics", response={201: DlbTopicOut, **ERRORS})
def topic_raise(request, code: Code, payload: DlbTopicIn):
    """Raise a topic about one's own compound (residents and owners)."""
    t = dlb.topic_raise(compound=_node(code, [NodeKind.COMPOUND]), title=payload.title, body=payload.body,
                        by=request.user)
    return 201, _topic(t)


class DlbFromRequestIn(Schema):
    request_id: int = Field(..., ge=1, le=MAX_ID)
    title: Text120 = ""


@router.post("/compounds/{code}/topics/from-request", response={201: DlbTopicOut, **ERRORS})
def topic_from_request(request, code: Code, payload: DlbFromRequestIn):
    """Turn a request of the compound into a topic, keeping the request's id (the deliberation body)."""
    from linli.cases.models import Case

    compound = _node(code, [NodeKind.COMPOUND])
    authz.require(request.user, "deliberation.topic.manage", compound)
    case = Case.objects.select_related("compound", "node").filter(pk=payload.request_id, compound=compound).first()
    t = dlb.topic_from_case(case=case, title=payload.title, by=request.user)
    return 201, _topic(t)


@router.post("/topics/{id}/support", response={200: DlbTopicOut, **ERRORS})
def topic_support(request, id: Id):  # noqa: A002
    """我也关心: support a topic of one's compound, once."""
    return _topic(dlb.topic_support(topic=_get(Topic, id), by=request.user))


class DlbTakeUpIn(Schema):
    body: Text40


@router.post("/topics/{id}/take-up", response={200: DlbTopicOut, **ERRORS})
def topic_take_up(request, id: Id, payload: DlbTakeUpIn):  # noqa: A002
    return _topic(dlb.topic_take_up(topic=_get(Topic, id), body=payload.body, by=request.user))


class DlbOutcomeIn(Schema):
    outcome: Text20 = Field(..., description="discussed, decided, vote or referred")
    decision: Text2000
    responsible: Text60 = ""
    review_on: Day | None = None
    vote_ref: Text40 = ""
    referred_to: Text120 = ""


@router.post("/topics/{id}/decide", response={200: DlbTopicOut, **ERRORS})
def topic_decide(request, id: Id, payload: DlbOutcomeIn):  # noqa: A002
    """Record an outcome outside a meeting; a decision names the person responsible and a review date."""
    return _topic(dlb.topic_decide(topic=_get(Topic, id), outcome=payload.outcome, decision=payload.decision,
                                   responsible=payload.responsible, review_on=payload.review_on,
                                   vote_ref=payload.vote_ref, referred_to=payload.referred_to, by=request.user))


class DlbNoteIn(Schema):
    note: Text500 = ""


@router.post("/topics/{id}/done", response={200: DlbTopicOut, **ERRORS})
def topic_done(request, id: Id, payload: DlbNoteIn):  # noqa: A002
    return _topic(dlb.topic_done(topic=_get(Topic, id), note=payload.note, by=request.user))


# --- meetings -------------------------------------------------------------------------------

class DlbItemOut(Schema):
    topic: int
    title: str
    outcome: str
    decision: str


class DlbAttendeeOut(Schema):
    name: str
    role: str
    mode: str


class DlbMeetingOut(Schema):
    id: int
    compound: str
    kind: str
    title: str
    starts_at: dt.datetime
    place: str
    bodies: list[str]
    status: str
    notified_at: dt.datetime | None
    minutes: str
    minutes_at: dt.datetime | None
    agenda: list[DlbItemOut]
    attendance: list[DlbAttendeeOut]


def _meeting(m: Meeting) -> dict:
    return {"id": m.pk, "compound": m.compound.code, "kind": m.kind, "title": m.title, "starts_at": m.starts_at,
            "place": m.place, "bodies": m.bodies.split(","), "status": m.status, "notified_at": m.notified_at,
            "minutes": m.minutes, "minutes_at": m.minutes_at,
            "agenda": [{"topic": i.topic_id, "title": i.topic.title, "outcome": i.outcome, "decision": i.decision}
                       for i in m.items.select_related("topic").order_by("position")],
            "attendance": [{"name": a.name, "role": a.role, "mode": a.mode} for a in m.attendance.all()]}


@router.get("/meetings/{id}", response={200: DlbMeetingOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def meeting(request, id: Id):  # noqa: A002
    """A meeting's notice, agenda, attendance and minutes (public)."""
    m = _get(Meeting, id, "compound")
    authz.require(_viewer(request), "deliberation.meeting.view", m)
    return _meeting(m)


class DlbMeetingIn(Schema):
    kind: Text20 = Field(..., description="daily, weekly, monthly, open_air or joint")
    title: Text120
    starts_at: Time
    place: Text300
    bodies: list[Text40] = Field(..., max_length=5)


@router.post("/compounds/{code}/meetings", response={201: DlbMeetingOut, **ERRORS})
def meeting_convene(request, code: Code, payload: DlbMeetingIn):
    m = dlb.meeting_convene(compound=_node(code, [NodeKind.COMPOUND]), kind=payload.kind, title=payload.title,
                            starts_at=payload.starts_at, place=payload.place, bodies=payload.bodies, by=request.user)
    return 201, _meeting(m)


class DlbAgendaIn(Schema):
    topic: int = Field(..., ge=1, le=MAX_ID)


@router.post("/meetings/{id}/agenda", response={200: DlbMeetingOut, **ERRORS})
def agenda_add(request, id: Id, payload: DlbAgendaIn):  # noqa: A002
    """Put an open topic of the compound on the agenda (the topic is scheduled)."""
    m = _get(Meeting, id, "compound")
    authz.require(request.user, "deliberation.meeting.manage", m)
    dlb.agenda_add(meeting=m, topic=_get(Topic, payload.topic), by=request.user)
    return _meeting(m)


class DlbNotifiedOut(Schema):
    participants: int


@router.post("/meetings/{id}/notify", response={200: DlbNotifiedOut, **ERRORS})
def meeting_notify(request, id: Id):  # noqa: A002
    """Send the notice to the participants (in-app, and queued on the outbox's channels)."""
    return {"participants": dlb.meeting_notify(meeting=_get(Meeting, id), by=request.user)}


class DlbAttendeeIn(Schema):
    name: Text60
    role: Text60 = ""
    mode: Text20 = Field("in_person", description="in_person or online")


class DlbMinuteOutcomeIn(DlbOutcomeIn):
    topic: int = Field(..., ge=1, le=MAX_ID)


class DlbMinutesIn(Schema):
    minutes: Text20000
    attendance: list[DlbAttendeeIn] = Field(..., max_length=500)
    outcomes: list[DlbMinuteOutcomeIn] = Field(..., max_length=30)


@router.post("/meetings/{id}/minutes", response={200: DlbMeetingOut, **ERRORS})
def meeting_minutes(request, id: Id, payload: DlbMinutesIn):  # noqa: A002
    """Publish the minutes: attendance and an outcome for every agenda topic (which moves the topic)."""
    m = dlb.meeting_minutes(meeting=_get(Meeting, id), minutes=payload.minutes,
                            attendance=[(a.name, a.role, a.mode) for a in payload.attendance],
                            outcomes={o.topic: o.dict(exclude={"topic"}) for o in payload.outcomes}, by=request.user)
    return _meeting(m)


# --- half-year reviews ------------------------------------------------------------------------

class DlbReportOut(Schema):
    id: int
    body: str
    body_label: str
    achievements: str
    problems: str
    next_steps: str
    ratings: int
    average: str = Field(..., description="average stars, one decimal; empty when not rated")


class DlbReviewOut(Schema):
    id: int
    compound: str
    title: str
    period: str
    held_on: dt.date
    closed: bool
    reports: list[DlbReportOut]


def _review(r: Review) -> dict:
    return {"id": r.pk, "compound": r.compound.code, "title": r.title, "period": r.period, "held_on": r.held_on,
            "closed": r.closed, "reports": [
                {"id": x.pk, "body": x.body, "body_label": str(x.get_body_display()), "achievements": x.achievements,
                 "problems": x.problems, "next_steps": x.next_steps, "ratings": x.n, "average": x.avg_text}
                for x in selectors.reports(r)]}


@router.get("/reviews/{id}", response={200: DlbReviewOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def review(request, id: Id):  # noqa: A002
    """A half-year review with every body's report and its ratings (public)."""
    r = _get(Review, id, "compound")
    authz.require(_viewer(request), "deliberation.review.view", r)
    return _review(r)


class DlbReviewIn(Schema):
    title: Text120
    period: Text40
    held_on: Day


@router.post("/compounds/{code}/reviews", response={201: DlbReviewOut, **ERRORS})
def review_open(request, code: Code, payload: DlbReviewIn):
    r = dlb.review_open(compound=_node(code, [NodeKind.COMPOUND]), title=payload.title, period=payload.period,
                        held_on=payload.held_on, by=request.user)
    return 201, _review(r)


@router.post("/reviews/{id}/close", response={200: DlbReviewOut, **ERRORS})
def review_close(request, id: Id):  # noqa: A002
    return _review(dlb.review_close(review=_get(Review, id), by=request.user))


class DlbReportIn(Schema):
    body: Text40 = Field(..., description="owners_committee, governance_committee, property, party_branch, community")
    achievements: Text5000
    problems: Text5000
    next_steps: Text5000


@router.post("/reviews/{id}/reports", response={201: DlbReviewOut, **ERRORS})
def report_file(request, id: Id, payload: DlbReportIn):  # noqa: A002
    """File a body's work report (the body's own members, or community staff)."""
    r = _get(Review, id, "compound")
    dlb.report_file(review=r, body=payload.body, achievements=payload.achievements, problems=payload.problems,
                    next_steps=payload.next_steps, by=request.user)
    return 201, _review(r)


class DlbRatingIn(Schema):
    stars: int = Field(..., ge=1, le=5, strict=True)
    comment: Text500 = ""


class DlbRatingOut(Schema):
    id: int
    report: int
    stars: int
    comment: str


@router.post("/reports/{id}/ratings", response={201: DlbRatingOut, **ERRORS})
def report_rate(request, id: Id, payload: DlbRatingIn):  # noqa: A002
    """Rate a work report 1–5 with an optional comment (residents and owners of the compound, once)."""
    rating = dlb.report_rate(report=_get(Report, id), stars=payload.stars, comment=payload.comment, by=request.user)
    return 201, {"id": rating.pk, "report": rating.report_id, "stars": rating.stars, "comment": rating.comment}


# --- community-fund projects -----------------------------------------------------------------

class DlbMilestoneOut(Schema):
    id: int
    title: str
    amount: int
    due_on: dt.date
    done_at: dt.datetime | None
    payment: str | None


class DlbProjectOut(Schema):
    id: int
    round: int
    title: str
    description: str
    budget: int
    status: str
    review_note: str
    survey_ref: str
    supporters: int
    rank: int | None
    left_after: int | None = Field(..., description="what was left of the fund after this project was looked at")
    progress: int
    paid: int
    milestones: list[DlbMilestoneOut]


def _project(p: Project) -> dict:
    return {"id": p.pk, "round": p.round_id, "title": p.title, "description": p.description, "budget": p.budget,
            "status": p.status, "review_note": p.review_note, "survey_ref": p.survey_ref, "supporters": p.supporters,
            "rank": p.rank,
            "left_after": p.left_after, "progress": p.progress, "paid": p.paid,
            "milestones": [{"id": m.pk, "title": m.title, "amount": m.amount, "due_on": m.due_on, "done_at": m.done_at,
                            "payment": str(m.payment_id) if m.payment_id else None} for m in p.milestones.all()]}


class DlbRoundOut(Schema):
    id: int
    place: str
    title: str
    amount: int
    method: str
    status: str
    fund_account: str
    balance: int
    projects: list[DlbProjectOut]


def _round(r: FundRound) -> dict:
    account = dlb.fund_account_of(r)
    return {"id": r.pk, "place": r.node.code, "title": r.title, "amount": r.amount, "method": r.method,
            "status": r.status, "fund_account": account.code if account else "",
            "balance": account.balance if account else 0,
            "projects": [_project(p) for p in r.projects.order_by("rank", "-supporters", "budget", "id")]}


@router.get("/rounds/{id}", response={200: DlbRoundOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def fund_round(request, id: Id):  # noqa: A002
    """A fund round with its projects, their rank and what was left after each (public)."""
    r = _get(FundRound, id, "node")
    authz.require(_viewer(request), "deliberation.project.view", r)
    return _round(r)


@router.get("/projects/{id}", response={200: DlbProjectOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def project(request, id: Id):  # noqa: A002
    p = _get(Project, id, "round__node")
    authz.require(_viewer(request), "deliberation.project.view", p)
    return _project(p)


class DlbRoundIn(Schema):
    title: Text120
    amount: Fen
    method: Text20 = Field(..., description="knapsack or approval")


@router.post("/places/{code}/rounds", response={201: DlbRoundOut, **ERRORS})
def round_open(request, code: Code, payload: DlbRoundIn):
    """Open a fund round at a compound or community; the amount is posted on the ledger."""
    r = dlb.round_open(node=_node(code, [NodeKind.COMPOUND, NodeKind.COMMUNITY]), title=payload.title,
                       amount=payload.amount, method=payload.method, by=request.user)
    return 201, _round(r)


@router.post("/rounds/{id}/advance", response={200: DlbRoundOut, **ERRORS})
def round_advance(request, id: Id):  # noqa: A002
    """Proposals → support phase; chosen → closed."""
    return _round(dlb.round_advance(round=_get(FundRound, id), by=request.user))


class DlbSelectIn(Schema):
    approved: list[int] = Field([], max_length=500, description="approval rounds: the approved project ids")


@router.post("/rounds/{id}/select", response={200: DlbRoundOut, **ERRORS})
def round_select(request, id: Id, payload: DlbSelectIn):  # noqa: A002
    """Choose the projects: by support within the fund (knapsack), or the approved ones."""
    return _round(dlb.round_select(round=_get(FundRound, id), approved=payload.approved or None, by=request.user))


class DlbProjectIn(Schema):
    title: Text120
    description: Text5000
    budget: Fen


@router.post("/rounds/{id}/projects", response={201: DlbProjectOut, **ERRORS})
def project_propose(request, id: Id, payload: DlbProjectIn):  # noqa: A002
    p = dlb.project_propose(round=_get(FundRound, id), title=payload.title, description=payload.description,
                            budget=payload.budget, by=request.user)
    return 201, _project(p)


class DlbEligibilityIn(Schema):
    eligible: bool
    note: Text300 = ""
    survey_ref: Text40 = Field("", description="a questionnaire about the project (its number), if any")


@router.post("/projects/{id}/review", response={200: DlbProjectOut, **ERRORS})
def project_review(request, id: Id, payload: DlbEligibilityIn):  # noqa: A002
    return _project(dlb.project_review(project=_get(Project, id), eligible=payload.eligible, note=payload.note,
                                       survey_ref=payload.survey_ref, by=request.user))


@router.post("/projects/{id}/support", response={200: DlbProjectOut, **ERRORS})
def project_support(request, id: Id):  # noqa: A002
    return _project(dlb.project_support(project=_get(Project, id), by=request.user))


class DlbMilestoneIn(Schema):
    title: Text120
    amount: int = Field(0, strict=True, ge=0, le=10**11, description="payment in fen when done (0 for none)")
    due_on: Day


@router.post("/projects/{id}/milestones", response={201: DlbProjectOut, **ERRORS})
def milestone_add(request, id: Id, payload: DlbMilestoneIn):  # noqa: A002
    p = _get(Project, id)
    dlb.milestone_add(project=p, title=payload.title, amount=payload.amount, due_on=payload.due_on, by=request.user)
    return 201, _project(Project.objects.get(pk=p.pk))


@router.post("/milestones/{id}/done", response={200: DlbProjectOut, **ERRORS})
def milestone_done(request, id: Id):  # noqa: A002
    """Mark a milestone done and pay its amount from the fund through the ledger (once)."""
    m = dlb.milestone_done(milestone=_get(Milestone, id, "project"), by=request.user)
    return _project(Project.objects.get(pk=m.project_id))


class DlbProgressIn(Schema):
    percent: int = Field(..., strict=True, ge=0, le=100)
    note: Text500


@router.post("/projects/{id}/progress", response={200: DlbProjectOut, **ERRORS})
def project_progress(request, id: Id, payload: DlbProgressIn):  # noqa: A002
    return _project(dlb.project_progress(project=_get(Project, id), percent=payload.percent, note=payload.note,
                                         by=request.user))
