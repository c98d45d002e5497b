"""Deliberation pages (phone-first): the public list of topics per compound, a
topic with its support button and outcome, meetings (notice and minutes, one
template that prints on A4), half-year reviews with reports and ratings, fund
rounds and projects. Thin: each view asks authz, calls one service and renders."""
from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.deliberation import selectors
from linli.deliberation import services as dlb
from linli.deliberation.models import (
    OUTCOMES,
    AttendanceMode,
    Body,
    FundRound,
    Meeting,
    MeetingKind,
    Milestone,
    Project,
    Report,
    Review,
    RoundMethod,
    Topic,
)
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.numbers import whole_number, yuan_to_fen
from linli.org.models import Node, NodeKind
from linli.org.selectors import public_place_name


def _refuse_nul(request) -> None:
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        raise InvalidInput("deliberation.nul", _("The request contains a NUL character."))


def _action(back):
    """POST-only action: a refusal comes back as a message on the page it was sent from."""
    def deco(view):
        @require_POST
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                _refuse_nul(request)
                view(request, *args, **kwargs)
            except NotAllowed:
                raise
            except DomainError as exc:
                messages.error(request, str(exc.message))
            return redirect(back(request, *args, **kwargs))
        return wrapper
    return deco


def parse_yuan(text) -> int:
    """'5000' / '5000.5' / '¥5,000.50' / '５０００元' -> fen (linli.numbers)."""
    fen = yuan_to_fen(text, max_digits=9)
    if fen is None:
        raise InvalidInput("deliberation.yuan", _("Enter the amount in yuan, e.g. 5000.00."))
    return fen


def fen_or_invalid(text) -> int:
    """Yuan typed in a form as fen, or -1 when it is not an amount (the service then refuses
    it with its own message, after asking who may act)."""
    fen = yuan_to_fen(text, max_digits=9)
    return -1 if fen is None else fen


def _number(text, *, default: int = -1, maximum: int = 2_147_483_647) -> int:
    """A whole number typed in a form, or ``default`` when it is not one (or too large)."""
    n = whole_number(text)
    return default if n is None or n > maximum else n


def yuan(fen: int | None) -> str:
    fen = fen or 0
    return f"{fen // 100:,}.{fen % 100:02d}"


def _date(value):
    """A date typed in a form, or None (the service then says what is missing)."""
    try:
        return parse_date((value or "").strip()) if value else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-31
        return None


def _compound(code: str) -> Node:
    return get_object_or_404(Node, code=code, kind=NodeKind.COMPOUND)


def _may_neighbour(user, place: Node, action: str) -> bool:
    try:
        home = dlb.home_in(user, place)
    except NotAllowed:
        return False
    return authz.can(user, action, home)


# --- topics ---------------------------------------------------------------------------------

def index(request):
    authz.require(request.user, "deliberation.topic.view")
    return render(request, "deliberation/index.html", {
        "compounds": [(c, public_place_name(c)) for c in selectors.compounds(viewer=request.user)]})


def compound(request, code: str):
    place = _compound(code)
    authz.require(request.user, "deliberation.topic.view", place)
    which = request.GET.get("show", "")
    topics: list[Any] = list(selectors.topics(viewer=request.user, compound=place, which=which)[:200])
    for t in topics:
        t.tag = selectors.TAG.get(t.status, "")
    user = request.user
    return render(request, "deliberation/compound.html", {
        "place": place, "place_name": public_place_name(place), "topics": topics, "which": which,
        "may_raise": _may_neighbour(user, place, "deliberation.topic.raise"),
        "may_manage": authz.can(user, "deliberation.topic.manage", place),
        "may_meet": authz.can(user, "deliberation.meeting.manage", place),
        "may_review": authz.can(user, "deliberation.review.manage", place),
        "may_fund": authz.can(user, "deliberation.fund.manage", place),
        "meetings": list(place.meetings.order_by("-starts_at")[:10]),
        "reviews": list(place.reviews.all()[:5]),
        "rounds": list(selectors.rounds_for(viewer=user, node=place)[:5]),
    })


def topic_new(request, code: str):
    place = _compound(code)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    authz.require(request.user, "deliberation.topic.view", place)
    error, form = None, {}
    if request.method == "POST":
        form = {"title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        try:
            _refuse_nul(request)
            topic = dlb.topic_raise(compound=place, title=form["title"], body=form["body"], by=request.user)
            messages.success(request, _("Your topic is raised. Neighbours can now support it."))
            return redirect("dlb_topic", topic.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    elif not _may_neighbour(request.user, place, "deliberation.topic.raise"):
        error = _("Only residents and owners of this compound can raise a topic here.")
    return render(request, "deliberation/topic_new.html", {
        "place": place, "place_name": public_place_name(place), "error": error, "form": form},
        status=422 if error and request.method == "POST" else 200)


def topic_detail(request, pk: int):
    topic = get_object_or_404(Topic.objects.select_related("compound"), pk=pk)
    authz.require(request.user, "deliberation.topic.view", topic)
    user = request.user
    return render(request, "deliberation/topic.html", {
        "topic": topic, "place_name": public_place_name(topic.compound), "tag": selectors.TAG.get(topic.status, ""),
        "supported": selectors.supported(user, topic),
        "may_support": topic.status in ("raised", "scheduled", "discussed")
        and _may_neighbour(user, topic.compound, "deliberation.topic.support"),
        "may_manage": authz.can(user, "deliberation.topic.manage", topic),
        "may_decide": any(dlb.possible(o, topic.status) for o in OUTCOMES[1:]),
        "may_done": dlb.possible("done", topic.status),
        "history": selectors.topic_history(topic), "bodies": Body.choices,
        "items": list(topic.agenda_items.select_related("meeting").order_by("meeting__starts_at")),
        "today": timezone.localdate(), "vote_url": selectors.ref_url(topic.vote_ref, "vote"),
    })


def _topic_url(request, pk, *a, **k):
    return reverse("dlb_topic", args=[pk])


@_action(_topic_url)
def topic_support(request, pk: int):
    dlb.topic_support(topic=get_object_or_404(Topic, pk=pk), by=request.user)
    messages.success(request, _("Thank you: your support is counted."))


@_action(_topic_url)
def topic_take_up(request, pk: int):
    dlb.topic_take_up(topic=get_object_or_404(Topic, pk=pk), body=request.POST.get("body", ""), by=request.user)
    messages.success(request, _("The topic is taken up."))


@_action(_topic_url)
def topic_decide(request, pk: int):
    p = request.POST
    dlb.topic_decide(topic=get_object_or_404(Topic, pk=pk), outcome=p.get("outcome", ""),
                     decision=p.get("decision", ""), responsible=p.get("responsible", ""),
                     review_on=_date(p.get("review_on")), vote_ref=p.get("vote_ref", ""),
                     referred_to=p.get("referred_to", ""), by=request.user)
    messages.success(request, _("The outcome is recorded and shown publicly."))


@_action(_topic_url)
def topic_done(request, pk: int):
    dlb.topic_done(topic=get_object_or_404(Topic, pk=pk), note=request.POST.get("note", ""), by=request.user)
    messages.success(request, _("The topic is marked done."))


def _compound_url(request, code, *a, **k):
    return reverse("dlb_compound", args=[code])


@_action(_compound_url)
def topic_from_case(request, code: str):
    from linli.cases.models import Case  # a request, named by its id

    place = _compound(code)
    authz.require(request.user, "deliberation.topic.manage", place)
    case = Case.objects.select_related("compound", "node").filter(pk=_number(request.POST.get("case"))).first()
    if case is not None and case.compound_id != place.pk:
        case = None
    topic = dlb.topic_from_case(case=case, title=request.POST.get("title", ""), by=request.user)
    messages.success(request, _("The request is now topic “%(title)s”.") % {"title": topic.title})


# --- meetings -------------------------------------------------------------------------------

def meeting_new(request, code: str):
    place = _compound(code)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    authz.require(request.user, "deliberation.meeting.manage", place)
    error, form = None, {}
    if request.method == "POST":
        form = request.POST
        try:
            _refuse_nul(request)
            try:
                starts = parse_datetime(form.get("starts_at", "").strip().replace(" ", "T"))
            except ValueError:
                starts = None
            if starts is None:
                raise InvalidInput("deliberation.starts_at", _("Give the meeting's date and time."))
            if timezone.is_naive(starts):
                starts = timezone.make_aware(starts)
            meeting = dlb.meeting_convene(compound=place, kind=form.get("kind", ""), title=form.get("title", ""),
                                          starts_at=starts, place=form.get("place", ""),
                                          bodies=form.getlist("bodies"), by=request.user)
            messages.success(request, _("Meeting convened. Put topics on the agenda, then send the notice."))
            return redirect("dlb_meeting", meeting.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "deliberation/meeting_new.html", {
        "place": place, "place_name": public_place_name(place), "kinds": MeetingKind.choices, "bodies": Body.choices,
        "error": error, "form": form}, status=422 if error else 200)


def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("compound"), pk=pk)
    authz.require(request.user, "deliberation.meeting.view", meeting)
    manage = authz.can(request.user, "deliberation.meeting.manage", meeting)
    items = list(meeting.items.select_related("topic").order_by("position"))
    open_phase = meeting.status in ("planned", "notified")
    candidates = []
    if manage and open_phase:
        on = {i.topic_id for i in items}
        candidates = [t for t in meeting.compound.topics.filter(status__in=["raised", "discussed"]).order_by("-supporters")
                      if t.pk not in on]
    return render(request, "deliberation/meeting.html", {
        "meeting": meeting, "place_name": public_place_name(meeting.compound), "items": items, "manage": manage,
        "open_phase": open_phase, "candidates": candidates,
        "attendance": list(meeting.attendance.all()),
    })


def _meeting_url(request, pk, *a, **k):
    return reverse("dlb_meeting", args=[pk])


@_action(_meeting_url)
def agenda_add(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    topic = Topic.objects.filter(pk=_number(request.POST.get("topic"))).first()
    if topic is None:
        authz.require(request.user, "deliberation.meeting.manage", meeting)
        raise InvalidInput("deliberation.topic", _("Choose a topic."))
    dlb.agenda_add(meeting=meeting, topic=topic, by=request.user)
    messages.success(request, _("The topic is on the agenda."))


@_action(_meeting_url)
def meeting_notify(request, pk: int):
    n = dlb.meeting_notify(meeting=get_object_or_404(Meeting, pk=pk), by=request.user)
    messages.success(request, _("Notice sent to %(n)s participants.") % {"n": n})


def meeting_minutes(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("compound"), pk=pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    authz.require(request.user, "deliberation.meeting.manage", meeting)
    items = list(meeting.items.select_related("topic").order_by("position"))
    error = None
    if request.method == "POST":
        p = request.POST
        try:
            _refuse_nul(request)
            attendance: list[tuple[str, str, str]] = []
            for line in p.get("attendance", "").splitlines():
                parts = [x.strip() for x in line.replace("，", ",").split(",")]
                if parts and parts[0]:
                    mode: str = AttendanceMode.ONLINE if len(parts) > 2 and parts[2] in ("online", "线上") else \
                        AttendanceMode.IN_PERSON
                    attendance.append((parts[0], parts[1] if len(parts) > 1 else "", mode))
            outcomes = {i.topic_id: {k: p.get(f"{k}_{i.topic_id}", "") for k in (
                "outcome", "decision", "responsible", "vote_ref", "referred_to")} | {
                "review_on": _date(p.get(f"review_on_{i.topic_id}"))} for i in items}
            dlb.meeting_minutes(meeting=meeting, minutes=p.get("minutes", ""), attendance=attendance,
                                outcomes=outcomes, by=request.user)
            messages.success(request, _("The minutes are published and the topics moved on."))
            return redirect("dlb_meeting", meeting.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "deliberation/minutes_form.html", {
        "meeting": meeting, "items": items, "error": error, "form": request.POST,
        "outcomes": [(o, o.label) for o in OUTCOMES]}, status=422 if error else 200)


# --- half-year reviews ------------------------------------------------------------------------

def review_new(request, code: str):
    place = _compound(code)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    authz.require(request.user, "deliberation.review.manage", place)
    error, form = None, {}
    if request.method == "POST":
        form = request.POST
        try:
            _refuse_nul(request)
            review = dlb.review_open(compound=place, title=form.get("title", ""), period=form.get("period", ""),
                                     held_on=_date(form.get("held_on")), by=request.user)
            messages.success(request, _("The review is open: each body can now file its report."))
            return redirect("dlb_review", review.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "deliberation/review_new.html", {
        "place": place, "place_name": public_place_name(place), "error": error, "form": form},
        status=422 if error else 200)


def review_detail(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("compound"), pk=pk)
    authz.require(request.user, "deliberation.review.view", review)
    user = request.user
    reports = selectors.reports(review)
    filed = {r.body for r in reports}
    may_file = [(b, label) for b, label in Body.choices
                if b not in filed and authz.can(user, "deliberation.report.file", Report(review=review, body=b))]
    may_rate = not review.closed and _may_neighbour(user, review.compound, "deliberation.review.rate")
    rated = selectors.rated_ids(user, review)
    for r in reports:
        r.may_rate = may_rate and r.pk not in rated
        r.rated = r.pk in rated
    return render(request, "deliberation/review.html", {
        "review": review, "place_name": public_place_name(review.compound), "reports": reports,
        "may_file": [] if review.closed else may_file, "may_rate": may_rate,
        "may_close": not review.closed and authz.can(user, "deliberation.review.manage", review),
        "stars": range(5, 0, -1),
    })


def _review_url(request, pk, *a, **k):
    return reverse("dlb_review", args=[pk])


@_action(_review_url)
def report_file(request, pk: int):
    p = request.POST
    dlb.report_file(review=get_object_or_404(Review, pk=pk), body=p.get("body", ""),
                    achievements=p.get("achievements", ""), problems=p.get("problems", ""),
                    next_steps=p.get("next_steps", ""), by=request.user)
    messages.success(request, _("The work report is filed and published."))


@_action(_review_url)
def review_close(request, pk: int):
    dlb.review_close(review=get_object_or_404(Review, pk=pk), by=request.user)
    messages.success(request, _("The review is closed."))


def _report_review_url(request, pk, *a, **k):
    return reverse("dlb_review", args=[get_object_or_404(Report, pk=pk).review_id])


@_action(_report_review_url)
def report_rate(request, pk: int):
    raw = request.POST.get("stars", "")
    dlb.report_rate(report=get_object_or_404(Report, pk=pk), stars=_number(raw, default=0, maximum=99),
                    comment=request.POST.get("comment", ""), by=request.user)
    messages.success(request, _("Thank you: your rating is published."))


# --- community-fund projects -----------------------------------------------------------------

def round_new(request, code: str):
    place = get_object_or_404(Node, code=code, kind__in=[NodeKind.COMPOUND, NodeKind.COMMUNITY])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    authz.require(request.user, "deliberation.fund.manage", place)
    error, form = None, {}
    if request.method == "POST":
        form = request.POST
        try:
            _refuse_nul(request)
            rnd = dlb.round_open(node=place, title=form.get("title", ""), amount=parse_yuan(form.get("amount")),
                                 method=form.get("method", ""), by=request.user)
            messages.success(request, _("The fund round is open for proposals."))
            return redirect("dlb_round", rnd.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "deliberation/round_new.html", {
        "place": place, "place_name": public_place_name(place), "methods": RoundMethod.choices, "error": error,
        "form": form}, status=422 if error else 200)


def round_detail(request, pk: int):
    rnd = get_object_or_404(FundRound.objects.select_related("node"), pk=pk)
    authz.require(request.user, "deliberation.project.view", rnd)
    user = request.user
    manage = authz.can(user, "deliberation.fund.manage", rnd)
    projects: list[Any] = list(rnd.projects.order_by("rank", "-supporters", "budget", "id"))
    mine = selectors.project_supported_ids(user, rnd)
    may_support = rnd.status == "supporting" and _may_neighbour(user, rnd.node, "deliberation.project.support")
    for p in projects:
        p.tag = selectors.TAG.get(p.status, "")
        p.budget_yuan, p.left_yuan = yuan(p.budget), yuan(p.left_after)
        p.supported = p.pk in mine
        p.may_support = may_support and p.status == "eligible" and not p.supported
    chosen = sum(p.budget for p in projects if p.status in ("selected", "done"))
    account = dlb.fund_account_of(rnd)
    return render(request, "deliberation/round.html", {
        "round": rnd, "place_name": public_place_name(rnd.node), "projects": projects, "manage": manage,
        "amount": yuan(rnd.amount), "chosen": yuan(chosen), "left": yuan(rnd.amount - chosen),
        "balance": yuan(account.balance) if account else yuan(0), "account": account,
        "may_propose": rnd.status == "proposing" and _may_neighbour(user, rnd.node, "deliberation.project.propose"),
        "may_advance": manage and rnd.status in ("proposing", "selected"),
        "may_select": manage and rnd.status == "supporting",
        "may_review": manage and rnd.status in ("proposing", "supporting"),
    })


def _round_url(request, pk, *a, **k):
    return reverse("dlb_round", args=[pk])


@_action(_round_url)
def project_propose(request, pk: int):
    p = request.POST
    dlb.project_propose(round=get_object_or_404(FundRound, pk=pk), title=p.get("title", ""),
                        description=p.get("description", ""), budget=fen_or_invalid(p.get("budget")), by=request.user)
    messages.success(request, _("Your project is proposed. Staff will check that it is eligible."))


@_action(_round_url)
def round_advance(request, pk: int):
    dlb.round_advance(round=get_object_or_404(FundRound, pk=pk), by=request.user)
    messages.success(request, _("The round moved on."))


@_action(_round_url)
def round_select(request, pk: int):
    ids = [n for n in (_number(x) for x in request.POST.getlist("approved")) if n > 0]
    dlb.round_select(round=get_object_or_404(FundRound, pk=pk), approved=ids or None, by=request.user)
    messages.success(request, _("The projects are chosen."))


def project_detail(request, pk: int):
    project = get_object_or_404(Project.objects.select_related("round__node"), pk=pk)
    authz.require(request.user, "deliberation.project.view", project)
    milestones: list[Any] = list(project.milestones.all())
    for m in milestones:
        m.amount_yuan = yuan(m.amount)
    return render(request, "deliberation/project.html", {
        "project": project, "round": project.round, "place_name": public_place_name(project.round.node),
        "tag": selectors.TAG.get(project.status, ""), "budget": yuan(project.budget), "paid": yuan(project.paid),
        "milestones": milestones, "notes": selectors.progress_notes(project),
        "manage": authz.can(request.user, "deliberation.fund.manage", project),
        "supported": project.pk in selectors.project_supported_ids(request.user, project.round),
        "may_support": project.round.status == "supporting" and project.status == "eligible"
        and _may_neighbour(request.user, project.round.node, "deliberation.project.support"),
        "today": timezone.localdate(), "survey_url": selectors.ref_url(project.survey_ref, "survey"),
        "project_account": f"dlb:{project.round_id}:p:{project.pk}",
    })


def _project_url(request, pk, *a, **k):
    return reverse("dlb_project", args=[pk])


@_action(_project_url)
def project_review(request, pk: int):
    dlb.project_review(project=get_object_or_404(Project, pk=pk), eligible=request.POST.get("eligible") == "yes",
                       note=request.POST.get("note", ""), survey_ref=request.POST.get("survey_ref", ""),
                       by=request.user)
    messages.success(request, _("The review is recorded."))


@_action(_project_url)
def project_support(request, pk: int):
    dlb.project_support(project=get_object_or_404(Project, pk=pk), by=request.user)
    messages.success(request, _("Thank you: your support is counted."))


@_action(_project_url)
def milestone_add(request, pk: int):
    p = request.POST
    amount = fen_or_invalid(p.get("amount") or "0")
    dlb.milestone_add(project=get_object_or_404(Project, pk=pk), title=p.get("title", ""), amount=amount,
                      due_on=_date(p.get("due_on")), by=request.user)
    messages.success(request, _("The milestone is added."))


def _milestone_project_url(request, pk, *a, **k):
    return reverse("dlb_project", args=[get_object_or_404(Milestone, pk=pk).project_id])


@_action(_milestone_project_url)
def milestone_done(request, pk: int):
    m = dlb.milestone_done(milestone=get_object_or_404(Milestone, pk=pk), by=request.user)
    messages.success(request, _("The milestone is done; %(amount)s yuan paid from the fund.") % {"amount": yuan(m.amount)})


@_action(_project_url)
def project_progress(request, pk: int):
    raw = request.POST.get("percent", "")
    dlb.project_progress(project=get_object_or_404(Project, pk=pk),
                         percent=_number(raw, maximum=999),
                         note=request.POST.get("note", ""), by=request.user)
    messages.success(request, _("The progress is published."))



