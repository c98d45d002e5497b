"""Owners' votes in the JSON API (/api/v1/votes/...): every page action has a twin
calling the same service. Areas are strings of square metres with two decimals
("88.50") and integer hundredths (``*_cents``); shares are exact fractions
("2/3"). Errors: ``{"code", "message", "details"}``; 401 unauthenticated, 403 not
allowed, 404 missing (or the result before the close), 409 not possible now,
422 bad input. A refusal changes nothing."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import ERRORS, MAX_ID, ErrorOut, Text40, Text100, Text150, Text200, Text300, Text5000, Time
from linli.deliberation.votes import rules, selectors, services
from linli.deliberation.votes.models import Matter, PaperEntry, Proxy, Vote
from linli.errors import InvalidInput, NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind, Person

router = Router(tags=["votes"])
# What a public read may answer besides 200: a bad path (400/422) or nothing there (404).
READ_ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Code = Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]
ChoiceIn = Literal["yes", "no", "abstain"]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _compound(code: str) -> Node:
    node = Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()
    if node is None:
        raise NotFound("votes.compound", _("No compound with this code."))
    return node


def _vote(request, pk: int) -> Vote:
    return selectors.vote_get(_viewer(request), pk)


def _frac(f) -> str:
    return f"{f.numerator}/{f.denominator}"


class VoteOut(Schema):
    id: int
    compound: str
    title: str
    matter: str
    major: bool
    description: str
    topic_ref: str
    status: str
    notice_at: dt.datetime | None
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    published_at: dt.datetime | None
    publicity_days: int
    households: int
    total_owners: int
    total_area: str
    total_area_cents: int


def _out(v: Vote) -> dict:
    return {"id": v.pk, "compound": v.compound.code, "title": v.title, "matter": v.matter, "major": v.major,
            "description": v.description, "topic_ref": v.topic_ref, "status": v.status, "notice_at": v.notice_at,
            "opens_at": v.opens_at, "closes_at": v.closes_at, "published_at": v.published_at,
            "publicity_days": v.publicity_days, "households": v.electors.count(), "total_owners": v.total_owners,
            "total_area": rules.m2(v.total_area), "total_area_cents": v.total_area}


@router.get("/compounds/{code}", response={200: list[VoteOut], **READ_ERRORS}, auth=PUBLIC)
def vote_list(request, code: Code):
    """The compound's votes (drafts only to its managers)."""
    return [_out(v) for v in selectors.visible_votes(_viewer(request), _compound(code)).select_related("compound")]


class VoteIn(Schema):
    title: Text200
    matter: Text40 = Field(..., description="one of: " + ", ".join(Matter.values))
    description: Text5000 = ""
    topic_ref: Text100 = ""
    publicity_days: int = 15


@router.post("/compounds/{code}", response={201: VoteOut, **ERRORS})
def vote_create(request, code: Code, body: VoteIn):
    """Create a draft vote; the electorate is taken from the register now."""
    v = services.vote_create(compound=_compound(code), title=body.title, matter=body.matter,
                             description=body.description, topic_ref=body.topic_ref,
                             publicity_days=body.publicity_days, by=request.user)
    return 201, _out(v)


@router.get("/{pk}", response={200: VoteOut, **READ_ERRORS}, auth=PUBLIC)
def vote_detail(request, pk: Id):
    return _out(_vote(request, pk))


class NoticeIn(Schema):
    opens_at: Time
    closes_at: Time


@router.post("/{pk}/notice", response={200: VoteOut, **ERRORS})
def vote_notice(request, pk: Id, body: NoticeIn):
    """Publish the notice; voting opens at least 15 days later."""
    return _out(services.vote_publish_notice(vote=_vote(request, pk), opens_at=body.opens_at,
                                             closes_at=body.closes_at, by=request.user))


@router.post("/{pk}/open", response={200: VoteOut, **ERRORS})
def vote_open(request, pk: Id):
    return _out(services.vote_open(vote=_vote(request, pk), by=request.user))


@router.post("/{pk}/close", response={200: VoteOut, **ERRORS})
def vote_close(request, pk: Id):
    return _out(services.vote_close(vote=_vote(request, pk), by=request.user))


@router.post("/{pk}/publish", response={200: VoteOut, **ERRORS})
def vote_publish(request, pk: Id):
    """Publish the result (refused while paper ballots wait or disagree)."""
    return _out(services.result_publish(vote=_vote(request, pk), by=request.user))


class BallotIn(Schema):
    choice: ChoiceIn
    household: Text40 = ""


class BallotOut(Schema):
    owner: str
    choice: str
    channel: str
    cast_at: dt.datetime


def _ballot_out(b, household: str) -> dict:
    return {"owner": household, "choice": b.choice, "channel": b.channel, "cast_at": b.cast_at}


@router.post("/{pk}/ballot", response={201: BallotOut, **ERRORS})
def ballot_cast(request, pk: Id, body: BallotIn):
    """Cast one's own ballot online (``household``: which of one's units, when one votes for several owners)."""
    vote = _vote(request, pk)
    mine = selectors.my_electors(request.user, vote)
    if body.household:
        mine = [e for e in mine if any(u.household.code == body.household for u in e.units)]  # type: ignore[attr-defined]
    if not mine:
        authz.require(request.user, "votes.ballot.cast", None)
        raise InvalidInput("votes.for", _("Choose whom you vote for."))
    b = services.ballot_cast(vote=vote, elector=mine[0], choice=body.choice, by=request.user)
    return 201, _ballot_out(b, mine[0].household.code)


class PaperIn(Schema):
    household: Text40
    choice: ChoiceIn


class PaperOut(Schema):
    id: int
    household: str
    status: str


@router.post("/{pk}/paper", response={200: PaperOut, **ERRORS})
def paper_enter(request, pk: Id, body: PaperIn):
    """A teller types in a paper ballot (first or second entry)."""
    e = services.paper_enter(vote=_vote(request, pk), household_code=body.household, choice=body.choice,
                             by=request.user)
    return {"id": e.pk, "household": e.household.code, "status": e.status}


class ResolveIn(Schema):
    choice: ChoiceIn
    note: Text300


@router.post("/paper/{pk}/resolve", response={200: PaperOut, **ERRORS})
def paper_resolve(request, pk: Id, body: ResolveIn):
    """A manager who was neither teller resolves a mismatch."""
    entry = PaperEntry.objects.select_related("vote__compound", "household").filter(pk=pk).first()
    if entry is None:
        raise NotFound("votes.not_found", _("Not found."))
    selectors.vote_get(_viewer(request), entry.vote_id)
    e = services.paper_resolve(entry=entry, choice=body.choice, note=body.note, by=request.user)
    return {"id": e.pk, "household": e.household.code, "status": e.status}


class ProxyIn(Schema):
    household: Text40
    holder: Text150
    document: Text100


class ProxyOut(Schema):
    id: int
    household: str
    holder: str
    document: str


@router.post("/{pk}/proxies", response={201: ProxyOut, **ERRORS})
def proxy_register(request, pk: Id, body: ProxyIn):
    """Register a written proxy (the holder's username and the document's reference)."""
    vote = _vote(request, pk)
    authz.require(request.user, "votes.vote.manage", vote)
    holder = Person.objects.filter(username=body.holder, is_active=True).first()
    p = services.proxy_register(vote=vote, household_code=body.household, holder=holder, document=body.document,
                                by=request.user)
    return 201, {"id": p.pk, "household": p.household.code, "holder": p.holder.username, "document": p.document}


class ProxyBallotIn(Schema):
    choice: ChoiceIn


@router.post("/proxies/{pk}/ballot", response={201: BallotOut, **ERRORS})
def proxy_cast(request, pk: Id, body: ProxyBallotIn):
    """The proxy holder casts for the owner."""
    proxy = Proxy.objects.select_related("vote__compound", "household").filter(pk=pk).first()
    if proxy is None:
        raise NotFound("votes.not_found", _("Not found."))
    b = services.proxy_cast(proxy=proxy, choice=body.choice, by=request.user)
    return 201, _ballot_out(b, proxy.household.code)


class CountOut(Schema):
    owners: int
    area: str
    area_cents: int


class ResultOut(Schema):
    vote: int
    final: bool
    major: bool
    rule: str
    valid: bool
    passed: bool
    yes: CountOut
    no: CountOut
    abstain: CountOut
    participating: CountOut
    total: CountOut
    area_participation: str
    owner_participation: str
    yes_area_share: str
    yes_owner_share: str
    pass_share: str
    by_channel: dict[str, int]
    paper_pending: int


def _count(owners: int, area: int) -> dict:
    return {"owners": owners, "area": rules.m2(area), "area_cents": area}


@router.get("/{pk}/result", response={200: ResultOut, **READ_ERRORS}, auth=PUBLIC)
def result(request, pk: Id):
    """The result sheet's numbers (404 before the close); no names, no individual ballots."""
    vote = _vote(request, pk)
    s = selectors.result_sheet(_viewer(request), vote)
    t, o = s.tally, s.outcome
    return {"vote": vote.pk, "final": s.final, "major": o.major,
            "rule": "at least 3/4 of participating area and owners" if o.major
            else "more than 1/2 of participating area and owners",
            "valid": o.valid, "passed": o.passed, "yes": _count(t.yes_owners, t.yes_area),
            "no": _count(t.no_owners, t.no_area), "abstain": _count(t.abstain_owners, t.abstain_area),
            "participating": _count(t.part_owners, t.part_area), "total": _count(t.total_owners, t.total_area),
            "area_participation": _frac(o.area_participation), "owner_participation": _frac(o.owner_participation),
            "yes_area_share": _frac(o.yes_area_share), "yes_owner_share": _frac(o.yes_owner_share),
            "pass_share": _frac(o.pass_share), "by_channel": s.by_channel, "paper_pending": s.paper_pending}


class RegisterRow(Schema):
    household: str
    owner_key: str
    area: str


@router.get("/compounds/{code}/register", response={200: list[RegisterRow], **ERRORS})
def register(request, code: Code):
    rows = selectors.register_rows(request.user, _compound(code))
    return [{"household": h.code, "owner_key": key, "area": rules.m2(area)} for h, key, _p, area in rows]


class RegisterIn(Schema):
    kind: Literal["", "person", "named", "developer"]
    person: Text150 = ""
    name: Text100 = ""


@router.post("/compounds/{code}/register/{household}", response={200: list[RegisterRow], **ERRORS})
def register_set(request, code: Code, household: Code, body: RegisterIn):
    """Set who owns a household ("" goes back to the owner roles)."""
    compound = _compound(code)
    h = Node.objects.filter(code=household, kind=NodeKind.HOUSEHOLD, compound=compound).first()
    if h is None:
        raise NotFound("votes.household_code", _("No household with this code in this compound."))
    person = Person.objects.filter(username=body.person).first() if body.kind == "person" else None
    services.register_set(household=h, kind=body.kind, person=person, name=body.name, by=request.user)
    rows = selectors.register_rows(request.user, compound)
    return [{"household": x.code, "owner_key": key, "area": rules.m2(area)} for x, key, _p, area in rows if x == h]
