"""Answering a questionnaire: who may (a resident or owner of a household under
the survey's place), when (between opening and closing), how often (once per
household or person: the database's unique respondent key decides a race), and
what (every answer checked against its question; a conditional question only
when its condition holds)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import InvalidInput, NotAllowed
from linli.numbers import ascii_digits
from linli.org.models import Node, NodeKind, Person, Role
from linli.org.selectors import public_place_name
from linli.surveys.models import Answer, EventKind, Kind, Per, Question, Response, Survey
from linli.surveys.services._common import SurveyRefused, event, refuse_nul

MAX_TEXT = 2000


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def respondent_homes(survey: Survey, person) -> list[Node]:
    """The households under the survey's place where ``person`` is a resident or owner."""
    paths = [p for p in authz.role_scopes(person, (Role.RESIDENT, Role.OWNER)) if p.startswith(survey.node.path)]
    return list(Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__in=paths).order_by("path"))


def respondent_key(survey: Survey, household: Node, person: Person) -> str:
    key = f"household:{household.pk}" if survey.per == Per.HOUSEHOLD else f"person:{person.pk}"
    if survey.anonymous:
        # Enough to refuse a second answer, not to say whose answer it is.
        digest = hmac.new(settings.SECRET_KEY.encode(), f"survey:{survey.pk}:{key}".encode(), hashlib.sha256)
        return "anon:" + digest.hexdigest()
    return key


def _err(q: Question, message) -> InvalidInput:
    return InvalidInput(f"surveys.answer.{q.kind}", _("Question %(n)s: %(problem)s") % {"n": q.position,
                                                                                      "problem": message},
                        details=[{"question": q.pk, "position": q.position}])


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, list) and all(v in (None, "") for v in value))


def as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        sign = -1 if text.startswith("-") else 1
        digits = ascii_digits(text[1:] if sign < 0 else text)  # "２" is 2; "²" and "①" are not numbers
        return sign * int(digits) if digits is not None and len(digits) < 10 else None
    return None


def clean_answer(q: Question, value, option_ids: list[int]) -> Any:
    """The answer in its stored form, or InvalidInput with a clear message."""
    if q.kind == Kind.SINGLE:
        choice = as_int(value)
        if choice not in option_ids:
            raise _err(q, _("choose one of the options."))
        return choice
    if q.kind == Kind.MULTIPLE:
        chosen = [as_int(v) for v in value] if isinstance(value, list | tuple) else [as_int(value)]
        if any(c not in option_ids for c in chosen) or len(set(chosen)) != len(chosen):
            raise _err(q, _("choose among the options, each once."))
        high = q.max_choices or len(option_ids)
        if not q.min_choices <= len(chosen) <= high:
            if q.min_choices == high:
                raise _err(q, _("choose exactly %(n)s options.") % {"n": high})
            raise _err(q, _("choose from %(low)s to %(high)s options.") % {"low": q.min_choices, "high": high})
        return sorted(chosen, key=option_ids.index)
    if q.kind == Kind.TEXT:
        if not isinstance(value, str):
            raise _err(q, _("write the answer as text."))
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise _err(q, _("the answer is longer than 2,000 characters."))
        return text
    if q.kind == Kind.SCALE:
        number = as_int(value)
        if number is None or not q.scale_min <= number <= q.scale_max:
            raise _err(q, _("choose a number from %(low)s to %(high)s.") % {"low": q.scale_min, "high": q.scale_max})
        return number
    if q.kind == Kind.RANKING:
        if isinstance(value, dict):  # {option id: place}, as the page sends it
            places = {as_int(k): as_int(v) for k, v in value.items()}
            if sorted(p or 0 for p in places.values()) != list(range(1, len(option_ids) + 1)):
                raise _err(q, _("give every option a different place from 1 to %(n)s.") % {"n": len(option_ids)})
            value = sorted(places, key=lambda k: places[k] or 0)
        order = [as_int(v) for v in value] if isinstance(value, list | tuple) else []
        if sorted(o or 0 for o in order) != sorted(option_ids):
            raise _err(q, _("give every option a different place from 1 to %(n)s.") % {"n": len(option_ids)})
        return order
    if q.kind == Kind.MATRIX:
        cells = [as_int(v) for v in value] if isinstance(value, list | tuple) else []
        if len(cells) != len(q.rows) or any(c not in option_ids for c in cells):
            raise _err(q, _("choose one column in every row."))
        return cells
    raise _err(q, _("this kind of question cannot be answered."))


def visible_questions(questions: list[Question], answers: dict[int, Any]) -> set[int]:
    """Ids of the questions shown for these (cleaned) answers: a conditional one
    only when its earlier question's answer includes the option."""
    shown: set[int] = set()
    for q in questions:
        cond = q.show_if
        if cond is None:
            shown.add(q.pk)
            continue
        given = answers.get(cond.question_id)
        if cond.question_id in shown and (given == cond.pk or (isinstance(given, list) and cond.pk in given)):
            shown.add(q.pk)
    return shown


def clean_answers(survey: Survey, answers: dict) -> dict[int, Any]:
    questions = list(survey.questions.select_related("show_if__question").prefetch_related("options"))
    by_id = {q.pk: q for q in questions}
    raw: dict[int, Any] = {}
    for key, value in (answers or {}).items():
        qid = as_int(key)
        if qid not in by_id:
            raise InvalidInput("surveys.unknown_question", _("The answer names a question this questionnaire does not have."))
        if isinstance(value, str):
            refuse_nul(value)
        raw[qid] = value
    cleaned: dict[int, Any] = {}
    for q in questions:  # in order, so a condition's question is cleaned before it is read
        shown = q.pk in visible_questions(questions, cleaned)
        value = raw.get(q.pk)
        if _empty(value):
            if shown and q.required:
                raise _err(q, _("please answer this question."))
            continue
        if not shown:
            cond = q.show_if
            assert cond is not None
            raise InvalidInput("surveys.answer.hidden", _(
                "Question %(n)s is only for those who chose “%(option)s” in question %(m)s: leave it empty.") % {
                "n": q.position, "option": cond.text, "m": cond.question.position},
                details=[{"question": q.pk, "position": q.position}])
        cleaned[q.pk] = clean_answer(q, value, [o.pk for o in q.options.all()])
    return cleaned


@transaction.atomic
def response_submit(*, survey: Survey, answers: dict, by: Person, household: Node | None = None,
                    now: dt.datetime | None = None) -> Response:
    """Answer ``survey`` as ``by`` (a resident or owner under its place) for
    ``household`` (needed only when they have several homes there). ``answers``
    maps question id to: an option id (single), option ids (multiple), text,
    an integer (scale), option ids in order or {option id: place} (ranking),
    one column option id per row (matrix). A second answer of the same
    household (or person) is refused, also when two arrive at once: the
    unique respondent key decides and nothing of the loser is kept."""
    now = now or timezone.now()
    if not getattr(by, "is_authenticated", False):
        authz.require(by, "surveys.survey.answer", survey.node)  # raises: anonymous visitors cannot answer
    homes = respondent_homes(survey, by)
    if household is not None:
        authz.require(by, "surveys.survey.answer", household)
        if household not in homes:
            raise NotAllowed("surveys.audience", _("This questionnaire is for the residents of %(place)s.") % {
                "place": public_place_name(survey.node)})
    elif not homes:
        raise NotAllowed("surveys.audience", _("This questionnaire is for the residents of %(place)s.") % {
            "place": public_place_name(survey.node)})
    elif len(homes) > 1 and survey.per == Per.HOUSEHOLD:
        raise InvalidInput("surveys.household", _("You live in several homes here: choose the one you answer for."))
    else:
        household = homes[0]
    authz.require(by, "surveys.survey.answer", household)
    if now < survey.opens_at:
        raise SurveyRefused("surveys.not_open", _("This questionnaire opens at %(when)s.") % {
            "when": _when(survey.opens_at)})
    if now >= survey.closes_at:
        raise SurveyRefused("surveys.closed", _("This questionnaire closed at %(when)s.") % {
            "when": _when(survey.closes_at)})
    key = respondent_key(survey, household, by)
    already = SurveyRefused("surveys.already_answered", _("Your household has already answered this questionnaire.")
                            if survey.per == Per.HOUSEHOLD else _("You have already answered this questionnaire."))
    if Response.objects.filter(survey=survey, respondent_key=key).exists():
        raise already
    cleaned = clean_answers(survey, answers)
    # An anonymous answer keeps only the hour: an exact time could be matched with who was signed in then.
    at = now.replace(minute=0, second=0, microsecond=0) if survey.anonymous else now
    try:
        with transaction.atomic():  # a savepoint: the other phone's answer may have come first
            response = Response.objects.create(
                survey=survey, respondent_key=key, submitted_at=at,
                household=None if survey.anonymous else household, person=None if survey.anonymous else by)
    except IntegrityError:
        raise already from None
    Answer.objects.bulk_create([Answer(response=response, question_id=qid, value=v) for qid, v in cleaned.items()])
    if survey.anonymous:
        event(survey, EventKind.ANSWERED, None, at=at)
    else:
        event(survey, EventKind.ANSWERED, by, at=at, response=response.pk)
    return response
