"""Questionnaire pages (phone-first): the list, a survey's public page where
residents answer it, its results with server-drawn charts, the export, and the
staff's creation page. Thin: each view asks authz, calls one service or
selector and renders."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.org.models import Node, NodeKind
from linli.org.selectors import public_place_name, public_places
from linli.surveys import selectors
from linli.surveys import services as svc
from linli.surveys.models import Kind, Per, Purpose, Question, Response, Survey
from linli.surveys.services.answer import respondent_key


def _refuse_nul(request) -> None:
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        raise InvalidInput("surveys.nul", _("The request contains a NUL character."))


def survey_list(request):
    surveys: list[Any] = list(selectors.survey_list(viewer=request.user))  # annotated for the template below
    now = timezone.now()
    names = public_places([s.node for s in surveys])  # one reading for the whole list
    for s in surveys:
        s.place_name = names[s.node_id].name
        s.state = "open" if s.is_open(now) else ("coming" if now < s.opens_at else "closed")
    return render(request, "surveys/list.html", {
        "surveys": surveys, "may_create": authz.can(request.user, "surveys.survey.manage")})


def answers_from_post(questions: list[Question], post) -> dict[int, Any]:
    """The answers of the page's form in the shape ``response_submit`` takes."""
    out: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == Kind.MULTIPLE:
            out[q.pk] = post.getlist(name)
        elif q.kind == Kind.RANKING:
            places = {o.pk: post.get(f"{name}_o{o.pk}", "") for o in q.options.all()}
            out[q.pk] = {} if all(v == "" for v in places.values()) else places
        elif q.kind == Kind.MATRIX:
            out[q.pk] = [post.get(f"{name}_r{i}") for i in range(len(q.rows))]
        else:
            out[q.pk] = post.get(name, "")
    return out


def _prepare(questions: list[Any], post) -> None:
    """What the template needs to draw each question (and keep what was typed)."""
    for q in questions:
        name = f"q{q.pk}"
        q.field = name
        q.opts = list(q.options.all())
        q.posted = post.getlist(name) if post else []
        if q.kind == Kind.SCALE:
            q.values = [str(v) for v in range(q.scale_min, q.scale_max + 1)]
        if q.kind == Kind.RANKING:
            q.places = [str(i) for i in range(1, len(q.opts) + 1)]
            for o in q.opts:
                o.field = f"{name}_o{o.pk}"
                o.posted = post.get(o.field, "") if post else ""
        if q.kind == Kind.MATRIX:
            q.row_items = [{"label": label, "field": f"{name}_r{i}",
                            "posted": post.get(f"{name}_r{i}", "") if post else ""} for i, label in enumerate(q.rows)]
        for o in q.opts:
            o.value = str(o.pk)


def _poster(request, survey: Survey) -> dict:
    """The survey's public address and its QR code, for organisers to print and post in the units."""
    from linli.org.posters import public_base_url, qr_svg

    url = public_base_url(request) + survey.get_absolute_url()
    return {"url": url, "qr": qr_svg(url)}


def survey_detail(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("node"), pk=pk)
    authz.require(request.user, "surveys.survey.view", survey)
    questions = selectors.questions_of(survey)
    user = request.user
    homes = svc.respondent_homes(survey, user) if user.is_authenticated else []
    error, status = None, 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        try:
            _refuse_nul(request)
            household = None
            if request.POST.get("household"):
                household = next((h for h in homes if h.code == request.POST["household"]), None)
                if household is None:
                    authz.require(user, "surveys.survey.answer", Node.objects.filter(
                        code=request.POST["household"]).first())
                    raise NotAllowed("surveys.audience", _("Choose one of your homes."))
            svc.response_submit(survey=survey, answers=answers_from_post(questions, request.POST),
                                household=household, by=user)
            messages.success(request, _("Thank you: your answer has been recorded."))
            return redirect("surveys_detail", pk=survey.pk)
        except DomainError as exc:
            if isinstance(exc, NotAllowed) and exc.code == "forbidden":
                raise
            error, status = str(exc.message), exc.status
    now = timezone.now()
    done = any(Response.objects.filter(survey=survey, respondent_key=respondent_key(survey, h, user)).exists()
               for h in homes[:20]) if homes else False
    _prepare(questions, request.POST if error else None)
    return render(request, "surveys/detail.html", {
        "survey": survey, "questions": questions, "place": public_place_name(survey.node), "homes": homes,
        "open": survey.is_open(now), "coming": now < survey.opens_at, "done": done, "error": error,
        "may_results": selectors.may_see_results(user, survey),
        "may_export": authz.can(user, "surveys.results.export", survey),
        "poster": _poster(request, survey) if authz.can(user, "surveys.results.export", survey) else None,
        "may_close": survey.is_open(now) and authz.can(user, "surveys.survey.manage", survey),
        "per_household": survey.per == Per.HOUSEHOLD,
        "opens": timezone.localtime(survey.opens_at), "closes": timezone.localtime(survey.closes_at),
    }, status=status)


def survey_results(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("node"), pk=pk)
    selectors.require_results(request.user, survey)
    return render(request, "surveys/results.html", {
        **selectors.results(survey), "may_export": authz.can(request.user, "surveys.results.export", survey)})


@require_POST
@login_required
def survey_close(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("node"), pk=pk)
    try:
        svc.survey_close(survey=survey, by=request.user)
        messages.success(request, _("The questionnaire is closed: nobody can answer any more."))
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("surveys_detail", pk=survey.pk)


@login_required
def survey_export(request, pk: int, fmt: str):
    survey = get_object_or_404(Survey.objects.select_related("node"), pk=pk)
    authz.require(request.user, "surveys.results.export", survey)
    from linli.tabular import csv_text, xlsx_bytes

    rows = selectors.export_rows(survey)
    name = f"survey-{survey.pk}"
    if fmt == "csv":
        response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(rows, title=name), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _day_start(text: str, field: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("surveys.dates", _("Enter the %(field)s date as YYYY-MM-DD.") % {"field": field}) from None
    if not 2000 <= day.year <= 2200:
        raise InvalidInput("surveys.dates", _("Enter the %(field)s date as YYYY-MM-DD.") % {"field": field})
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def survey_new(request):
    authz.require(request.user, "surveys.survey.manage")
    places = list(authz.filter_visible(Node.objects.filter(kind__in=[NodeKind.COMPOUND, NodeKind.COMMUNITY]),
                                       request.user, "surveys.survey.manage").order_by("path")[:200])
    error = None
    today = timezone.localdate()
    form = {"opens": today.isoformat(), "closes": (today + dt.timedelta(days=14)).isoformat(), "per": "household",
            "purpose": "general"}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("place", "title", "description", "purpose", "per", "opens",
                                                      "closes", "questions", "anonymous", "results_public")}
        try:
            _refuse_nul(request)
            node = next((p for p in places if p.code == form["place"]), None)
            if node is None:
                raise InvalidInput("surveys.place", _("Choose the compound or community the questionnaire is for."))
            survey = svc.survey_create(
                node=node, title=form["title"], description=form["description"],
                purpose=form["purpose"] or Purpose.GENERAL, per=form["per"] or Per.HOUSEHOLD,
                anonymous=bool(form["anonymous"]), results_public=bool(form["results_public"]),
                opens_at=_day_start(form["opens"], _("opening")),
                closes_at=_day_start(form["closes"], _("closing")) + dt.timedelta(days=1),
                questions=svc.questions_from_text(form["questions"]), by=request.user)
            messages.success(request, _("The questionnaire is ready: share this page's address with the residents."))
            return redirect("surveys_detail", pk=survey.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    for p in places:
        p.label = public_place_name(p)
    return render(request, "surveys/new.html", {
        "places": places, "form": form, "error": error, "purposes": Purpose.choices, "pers": Per.choices,
    }, status=422 if error else 200)
