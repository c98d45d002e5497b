"""Creating a questionnaire: from question specs (the API, other apps) or from
the short text format staff type on the page (``questions_from_text``)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import InvalidInput
from linli.org.models import Node, NodeKind, Person
from linli.surveys.models import EventKind, Kind, Option, Per, Purpose, Question, Survey
from linli.surveys.services._common import event, refuse_nul
from linli.surveys.services.answer import as_int

MAX_QUESTIONS = 100
MAX_OPTIONS = 30
MAX_ROWS = 20
CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE}


def _bad(n: int, message) -> InvalidInput:
    return InvalidInput("surveys.question", _("Question %(n)s: %(problem)s") % {"n": n, "problem": message})


def _clean_texts(items, n: int, what, limit: int, most: int) -> list[str]:
    if not isinstance(items, list | tuple):
        raise _bad(n, _("the options must be a list."))
    out = [str(x).strip() for x in items if str(x).strip()]
    if len(out) > most:
        raise _bad(n, _("at most %(most)s %(what)s.") % {"most": most, "what": what})
    if any(len(x) > limit for x in out):
        raise _bad(n, _("an entry is longer than %(limit)s characters.") % {"limit": limit})
    if len(set(out)) != len(out):
        raise _bad(n, _("the same entry is listed twice."))
    return out


def _int(value, default: int | None, n: int, message) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise _bad(n, message)
    if isinstance(value, int):
        return value
    number = as_int(value)
    if number is None:
        raise _bad(n, message)
    return number


def clean_question(spec: dict[str, Any], n: int, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """One question spec checked and normalised (``n`` counts from 1)."""
    kind = spec.get("kind")
    if kind not in Kind.values:
        raise _bad(n, _("the kind must be single, multiple, text, scale, ranking or matrix."))
    text = str(spec.get("text") or "").strip()
    if not text:
        raise _bad(n, _("write the question."))
    if len(text) > 300:
        raise _bad(n, _("the question is longer than 300 characters."))
    out: dict[str, Any] = {"kind": kind, "text": text, "required": bool(spec.get("required", True)),
                           "options": [], "rows": [], "min_choices": 1, "max_choices": None, "scale_min": 1,
                           "scale_max": 5, "scale_min_label": "", "scale_max_label": "", "show_if": None}
    if kind in {Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING, Kind.MATRIX}:
        out["options"] = _clean_texts(spec.get("options") or [], n, _("options"), 120, MAX_OPTIONS)
        if len(out["options"]) < 2:
            raise _bad(n, _("give at least two options."))
    if kind == Kind.MATRIX:
        out["rows"] = _clean_texts(spec.get("rows") or [], n, _("rows"), 60, MAX_ROWS)
        if not out["rows"]:
            raise _bad(n, _("give at least one row."))
    if kind == Kind.MULTIPLE:
        message = _("the number of choices must be whole numbers.")
        low = _int(spec.get("min_choices"), 1, n, message)
        high = _int(spec.get("max_choices"), None, n, message)
        assert low is not None
        if low < 1 or (high is not None and not low <= high <= len(out["options"])) or low > len(out["options"]):
            raise _bad(n, _("at least and at most must lie between 1 and the number of options."))
        out["min_choices"], out["max_choices"] = low, high
    if kind == Kind.SCALE:
        message = _("the scale must run between whole numbers.")
        low = _int(spec.get("scale_min"), 1, n, message)
        high = _int(spec.get("scale_max"), 5, n, message)
        assert low is not None and high is not None
        if not (-10 <= low < high <= 10 and high - low <= 10):
            raise _bad(n, _("the scale needs 2 to 11 points between -10 and 10."))
        out["scale_min"], out["scale_max"] = low, high
        out["scale_min_label"] = str(spec.get("scale_min_label") or "").strip()[:40]
        out["scale_max_label"] = str(spec.get("scale_max_label") or "").strip()[:40]
    show_if = spec.get("show_if")
    if show_if:
        try:
            qn, on = (int(x) for x in show_if)
        except (TypeError, ValueError):
            raise _bad(n, _("the condition names a question and an option by number.")) from None
        if not 1 <= qn < n or earlier[qn - 1]["kind"] not in CHOICE_KINDS:
            raise _bad(n, _("a condition can only name an earlier single or multiple choice question."))
        if not 1 <= on <= len(earlier[qn - 1]["options"]):
            raise _bad(n, _("question %(q)s has no option %(o)s.") % {"q": qn, "o": on})
        out["show_if"] = (qn, on)
    return out


@transaction.atomic
def survey_create(*, node: Node, title: str, questions: list[dict[str, Any]], opens_at: dt.datetime,
                  closes_at: dt.datetime, description: str = "", purpose: str = Purpose.GENERAL,
                  anonymous: bool = False, per: str = Per.HOUSEHOLD, results_public: bool = False,
                  by: Person) -> Survey:
    """Create a questionnaire of a compound or community (``surveys.survey.manage`` there).

    ``questions`` are dicts: kind, text, options, rows (matrix), required,
    min_choices/max_choices (multiple), scale_min/scale_max and their labels
    (scale), show_if = (question number, option number), both counted from 1,
    naming an earlier single or multiple choice question. Bad input raises
    InvalidInput and writes nothing."""
    authz.require(by, "surveys.survey.manage", node)
    if node.kind not in {NodeKind.COMPOUND, NodeKind.COMMUNITY}:
        raise InvalidInput("surveys.place", _("A questionnaire is for a compound or a community."))
    refuse_nul(title, description, *[str(q) for q in questions])
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput("surveys.title", _("Give the questionnaire a title of at most 120 characters."))
    if len(description or "") > 5000:
        raise InvalidInput("surveys.description", _("The description is longer than 5,000 characters."))
    if purpose not in Purpose.values or per not in Per.values:
        raise InvalidInput("surveys.kind", _("Choose what the questionnaire is for and who answers it."))
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        raise InvalidInput("surveys.dates", _("The questionnaire must close after it opens."))
    if not questions:
        raise InvalidInput("surveys.no_questions", _("Add at least one question."))
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput("surveys.too_many", _("A questionnaire has at most 100 questions."))
    cleaned: list[dict[str, Any]] = []
    for n, spec in enumerate(questions, start=1):
        if not isinstance(spec, dict):
            raise _bad(n, _("write the question."))
        cleaned.append(clean_question(spec, n, cleaned))
    survey = Survey.objects.create(node=node, title=title, description=(description or "").strip(), purpose=purpose,
                                   anonymous=anonymous, per=per, opens_at=opens_at, closes_at=closes_at,
                                   results_public=results_public, created_by=by)
    made: list[tuple[Question, list[Option]]] = []
    for n, q in enumerate(cleaned, start=1):
        show_if = None
        if q["show_if"]:
            qn, on = q["show_if"]
            show_if = made[qn - 1][1][on - 1]
        question = Question.objects.create(
            survey=survey, position=n, kind=q["kind"], text=q["text"], required=q["required"],
            min_choices=q["min_choices"], max_choices=q["max_choices"], scale_min=q["scale_min"],
            scale_max=q["scale_max"], scale_min_label=q["scale_min_label"], scale_max_label=q["scale_max_label"],
            rows=q["rows"], show_if=show_if)
        options = Option.objects.bulk_create(
            [Option(question=question, position=i, text=t) for i, t in enumerate(q["options"], start=1)])
        made.append((question, options))
    event(survey, EventKind.CREATED, by, questions=len(cleaned), anonymous=anonymous, per=per)
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by: Person, now: dt.datetime | None = None) -> Survey:
    """Close a questionnaire now, before its closing time (``surveys.survey.manage``
    at its place). Answers already given stay; nobody can answer from now on."""
    from django.utils import timezone

    from linli.surveys.services._common import SurveyRefused

    authz.require(by, "surveys.survey.manage", survey)
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if now >= survey.closes_at:
        raise SurveyRefused("surveys.closed", _("This questionnaire is already closed."))
    before = survey.closes_at
    survey.closes_at = max(now, survey.opens_at + dt.timedelta(seconds=1))
    survey.save(update_fields=["closes_at"])
    event(survey, EventKind.CLOSED, by, before=before.isoformat(), after=survey.closes_at.isoformat())
    return survey


# --- the text format ------------------------------------------------------------------------

KIND_WORDS = {
    "单选": Kind.SINGLE, "single": Kind.SINGLE,
    "多选": Kind.MULTIPLE, "multiple": Kind.MULTIPLE,
    "填空": Kind.TEXT, "文字": Kind.TEXT, "text": Kind.TEXT,
    "打分": Kind.SCALE, "量表": Kind.SCALE, "scale": Kind.SCALE,
    "排序": Kind.RANKING, "ranking": Kind.RANKING,
    "矩阵": Kind.MATRIX, "matrix": Kind.MATRIX,
}
# The parameters start after a space, and a number only where no digit precedes it: the
# patterns cannot overlap, so a long line costs linear time (no catastrophic backtracking).
_HEAD = re.compile(r"^(?P<kind>[^\s:：]+)(?P<params>(?:\s[^:：]*)?)[:：]\s*(?P<text>.*)$")
_RANGE = re.compile(r"(?<!\d)(-?\d+)\s*[-–~～至]\s*(-?\d+)")
MAX_LINE = 2000  # longer than any question, option list or row line can be
_COND = re.compile(r"^(?:仅当|if)\s*(?:第\s*)?(\d+)\s*题?\s*[=＝选]\s*(.+)$", re.I)


def questions_from_text(text: str) -> list[dict[str, Any]]:
    """Question specs from the short text format of the page, e.g.::

        单选：您对物业服务满意吗？
        - 满意
        - 不满意
        多选 1-2：您最关心哪些问题？
        - 停车
        - 环境卫生
        填空：停车方面有什么建议？
        仅当 2=停车
        打分 1-5 很差/很好：请为小区环境打分
        排序：请按重要性排序
        - 安全
        - 卫生
        矩阵：请评价以下服务
        行：保洁｜绿化｜安保
        - 好
        - 差

    Kinds: 单选 多选 (at least-at most) 填空 打分 (from-to low/high) 排序 矩阵 (rows
    on a 行： line); "仅当 N=option" shows the question only when question N
    was answered with that option; a kind ending in ？ or ? makes the question
    optional. Lines starting with # are ignored."""
    specs: list[dict[str, Any]] = []
    conditions: list[tuple[int, int, str]] = []
    for lineno, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_LINE:
            raise InvalidInput("surveys.format_line", _(
                "Line %(line)s is longer than 2,000 characters.") % {"line": lineno})
        if line[0] in "-－•·" and specs:
            specs[-1].setdefault("options", []).append(line[1:].strip())
            continue
        if re.match(r"^(行|rows)\s*[:：]", line, re.I) and specs:
            rows = re.split(r"[|｜、,，;；]", line.split("：", 1)[-1] if "：" in line else line.split(":", 1)[-1])
            specs[-1]["rows"] = [r.strip() for r in rows if r.strip()]
            continue
        cond = _COND.match(line)
        if cond and specs:
            conditions.append((len(specs), int(cond.group(1)), cond.group(2).strip()))
            continue
        head = _HEAD.match(line)
        word = (head.group("kind") if head else "").rstrip("?？").lower()
        if head is None or word not in KIND_WORDS:
            raise InvalidInput("surveys.format", _(
                "Line %(line)s: start a question with 单选, 多选, 填空, 打分, 排序 or 矩阵 and a colon, "
                "an option with a dash.") % {"line": lineno})
        kind = KIND_WORDS[word]
        spec: dict[str, Any] = {"kind": kind, "text": head.group("text").strip(), "options": []}
        if head.group("kind").endswith(("?", "？")):
            spec["required"] = False
        params = head.group("params").strip()
        rng = _RANGE.search(params)
        if kind == Kind.MULTIPLE and rng:
            spec["min_choices"], spec["max_choices"] = int(rng.group(1)), int(rng.group(2))
        if kind == Kind.SCALE:
            if rng:
                spec["scale_min"], spec["scale_max"] = int(rng.group(1)), int(rng.group(2))
                params = params[rng.end():].strip()
            if params:
                low, _sep, high = params.partition("/")
                spec["scale_min_label"], spec["scale_max_label"] = low.strip(), high.strip()
        specs.append(spec)
    for n, qn, option_text in conditions:
        options = specs[qn - 1].get("options", []) if 1 <= qn <= len(specs) else []
        if option_text not in options:
            raise InvalidInput("surveys.format", _(
                "Question %(n)s: the condition names an option question %(q)s does not have.") % {"n": n, "q": qn})
        specs[n - 1]["show_if"] = (qn, options.index(option_text) + 1)
    return specs
