"""Questionnaires in the JSON API (/api/v1/surveys/...): list, read, create,
answer, results and export, calling the same services and selectors as the
pages. Errors come back as ``{"code", "message", "details"}``: 401
unauthenticated, 403 not allowed (or not in the audience), 404 missing, 409
not open yet, closed or already answered, 422 bad input. A refusal changes
nothing."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import ERRORS, MAX_ID, ErrorOut, Text40, Text60, Text120, Text300, Text2000, Text5000, Time
from linli.errors import NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node
from linli.org.selectors import public_place_name
from linli.surveys import selectors
from linli.surveys import services as svc
from linli.surveys.models import Kind, Survey

router = Router(tags=["surveys"])

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
PlaceCode = Annotated[str, Field(max_length=40, pattern=CODE_VALIDATOR_RE)]
SmallInt = Annotated[int, Field(strict=True, ge=-10, le=100)]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _survey(pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).select_related("node").first()
    if survey is None:
        raise NotFound("surveys.not_found", _("No such questionnaire."))
    return survey


def _place(code: str) -> Node:
    node = Node.objects.filter(code=code).first()
    if node is None:
        raise NotFound("surveys.place", _("No place with this code."))
    return node


class OptionOut(Schema):
    id: int
    number: int
    text: str


class ConditionOut(Schema):
    question: int = Field(..., description="id of the earlier question")
    option: int = Field(..., description="id of the option that must be among its answer")


class QuestionOut(Schema):
    id: int
    number: int
    kind: str
    text: str
    required: bool
    options: list[OptionOut]
    rows: list[str]
    min_choices: int
    max_choices: int | None
    scale_min: int
    scale_max: int
    scale_min_label: str
    scale_max_label: str
    show_if: ConditionOut | None


class SurveyOut(Schema):
    id: int
    url: str
    place: str
    place_name: str
    title: str
    description: str
    purpose: str
    anonymous: bool
    per: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    results_public: bool
    questions: list[QuestionOut]


def _out(s: Survey) -> dict:
    return {
        "id": s.pk, "url": s.get_absolute_url(), "place": s.node.code, "place_name": public_place_name(s.node),
        "title": s.title, "description": s.description, "purpose": s.purpose, "anonymous": s.anonymous, "per": s.per,
        "opens_at": s.opens_at, "closes_at": s.closes_at, "results_public": s.results_public,
        "questions": [{
            "id": q.pk, "number": q.position, "kind": q.kind, "text": q.text, "required": q.required,
            "options": [{"id": o.pk, "number": o.position, "text": o.text} for o in q.options.all()],
            "rows": q.rows, "min_choices": q.min_choices, "max_choices": q.max_choices, "scale_min": q.scale_min,
            "scale_max": q.scale_max, "scale_min_label": q.scale_min_label, "scale_max_label": q.scale_max_label,
            "show_if": {"question": q.show_if.question_id, "option": q.show_if_id} if q.show_if else None,
        } for q in selectors.questions_of(s)],
    }


class SurveyRow(Schema):
    id: int
    url: str
    place: str
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime


@router.get("", response=list[SurveyRow], auth=PUBLIC)
def survey_list(request):
    """Questionnaires, newest first (public)."""
    return [{"id": s.pk, "url": s.get_absolute_url(), "place": s.node.code, "title": s.title,
             "opens_at": s.opens_at, "closes_at": s.closes_at} for s in selectors.survey_list(viewer=_viewer(request))]


@router.get("/{id}", response={200: SurveyOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def survey_detail(request, id: Id):  # noqa: A002
    """A questionnaire with its questions and options (public)."""
    s = _survey(id)
    authz.require(_viewer(request), "surveys.survey.view", s)
    return _out(s)


class QuestionIn(Schema):
    kind: Literal["single", "multiple", "text", "scale", "ranking", "matrix"]
    text: Text300
    required: bool | None = None
    options: list[Text120] = Field(default_factory=list, max_length=30)
    rows: list[Text60] = Field(default_factory=list, max_length=20)
    min_choices: SmallInt | None = None
    max_choices: SmallInt | None = None
    scale_min: SmallInt | None = None
    scale_max: SmallInt | None = None
    scale_min_label: Text40 = ""
    scale_max_label: Text40 = ""
    show_if: tuple[Annotated[int, Field(strict=True, ge=1, le=100)], Annotated[int, Field(strict=True, ge=1, le=30)]] | None = Field(
        None, description="[question number, option number], both from 1: show only when that earlier choice "
                          "question's answer includes that option")


class SurveyIn(Schema):
    place: PlaceCode = Field(..., description="code of the compound or community whose residents answer")
    title: Text120
    description: Text5000 = ""
    purpose: Literal["general", "governance", "pact", "theme"] = "general"
    anonymous: bool = False
    per: Literal["household", "person"] = "household"
    results_public: bool = False
    opens_at: Time
    closes_at: Time
    questions: list[QuestionIn] = Field(..., min_length=1, max_length=100)


@router.post("", response={201: SurveyOut, **ERRORS})
def survey_create(request, payload: SurveyIn):
    """Create a questionnaire (`surveys.survey.manage` at the place)."""
    questions = [{k: v for k, v in q.dict().items() if v is not None} for q in payload.questions]
    s = svc.survey_create(node=_place(payload.place), title=payload.title, description=payload.description,
                          purpose=payload.purpose, anonymous=payload.anonymous, per=payload.per,
                          results_public=payload.results_public, opens_at=payload.opens_at,
                          closes_at=payload.closes_at, questions=questions, by=request.user)
    return 201, _out(s)


class AnswerIn(Schema):
    question: Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
    option: Annotated[int, Field(strict=True, ge=1, le=MAX_ID)] | None = Field(None, description="single choice")
    options: list[Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=30, description="multiple choice; ranking: every option, first place first")
    text: Text2000 | None = None
    value: Annotated[int, Field(strict=True, ge=-10, le=10)] | None = Field(None, description="scale")
    columns: list[Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=20, description="matrix: the chosen column's option id for each row, in row order")


class ResponseIn(Schema):
    household: PlaceCode | None = Field(None, description="needed only when one has several homes under the place")
    answers: list[AnswerIn] = Field(..., max_length=100)


class ResponseOut(Schema):
    id: int
    survey: int
    submitted_at: dt.datetime


@router.post("/{id}/responses", response={201: ResponseOut, **ERRORS})
def response_submit(request, id: Id, payload: ResponseIn):  # noqa: A002
    """Answer a questionnaire as a resident or owner of a household under its place."""
    s = _survey(id)
    answers: dict[int, object] = {}
    for a in payload.answers:
        given = [v for v in (a.option, a.options, a.text, a.value, a.columns) if v is not None]
        answers[a.question] = given[0] if len(given) == 1 else ("" if not given else given)
    household = _place(payload.household) if payload.household else None
    r = svc.response_submit(survey=s, answers=answers, household=household, by=request.user)
    return 201, {"id": r.pk, "survey": s.pk, "submitted_at": r.submitted_at}


@router.post("/{id}/close", response={200: SurveyOut, **ERRORS})
def survey_close(request, id: Id):  # noqa: A002
    """Close a questionnaire now, before its closing time (`surveys.survey.manage`)."""
    return _out(svc.survey_close(survey=_survey(id), by=request.user))


class ResultRow(Schema):
    label: str
    count: int | None = None
    percent: int | None = None
    average_place: str | None = None


class MatrixRow(Schema):
    row: str
    counts: list[int]


class QuestionResult(Schema):
    id: int
    number: int
    kind: str
    text: str
    answered: int
    average: str | None = None
    rows: list[ResultRow] = []
    columns: list[str] = []
    matrix: list[MatrixRow] = []
    texts: list[str] = []


class ResultsOut(Schema):
    id: int
    title: str
    total: int
    questions: list[QuestionResult]


@router.get("/{id}/results", response={200: ResultsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            auth=PUBLIC)
def survey_results(request, id: Id):  # noqa: A002
    """The counts (public when the questionnaire publishes them, else staff in scope)."""
    s = _survey(id)
    selectors.require_results(_viewer(request), s)
    data = selectors.results(s)
    out = []
    for item in data["questions"]:
        q = item["question"]
        row: dict = {"id": q.pk, "number": q.position, "kind": q.kind, "text": q.text, "answered": item["answered"],
                     "average": item.get("average") or None, "texts": item.get("texts", [])}
        if q.kind == Kind.RANKING:
            row["rows"] = [{"label": t, "average_place": a or None} for t, a, _w in item["rows"]]
        elif "rows" in item:
            row["rows"] = [{"label": t, "count": c, "percent": p} for t, c, p in item["rows"]]
        if q.kind == Kind.MATRIX:
            row["columns"] = item["columns"]
            row["matrix"] = [{"row": label, "counts": [c for c, _p, _l in cells]} for label, cells in item["table"]]
        out.append(row)
    return {"id": s.pk, "title": s.title, "total": data["total"], "questions": out}


@router.get("/{id}/export.{fmt}", response={200: None, **ERRORS})
def survey_export(request, id: Id, fmt: Literal["csv", "xlsx"]):  # noqa: A002
    """The answers as CSV or XLSX (`surveys.results.export`); an anonymous questionnaire's file has no household and
    no person columns."""
    s = _survey(id)
    authz.require(request.user, "surveys.results.export", s)
    from linli.tabular import csv_text, xlsx_bytes

    rows = selectors.export_rows(s)
    if fmt == "csv":
        response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(rows, title=f"survey-{s.pk}"),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="survey-{s.pk}.{fmt}"'
    return response
