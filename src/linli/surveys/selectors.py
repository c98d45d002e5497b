"""Reads of the questionnaire app: the list of surveys, whether a viewer may
see the results, the results with their charts, the rows of the export."""
from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from linli import authz
from linli.org.selectors import public_place_name
from linli.surveys import charts
from linli.surveys.models import Answer, Kind, Question, Response, Survey


def survey_list(*, viewer, limit: int = 100) -> list[Survey]:
    """Open and recent surveys (the list is public, like each survey's page)."""
    authz.require(viewer, "surveys.survey.view")
    return list(Survey.objects.select_related("node").order_by("-opens_at", "-id")[:limit])


def may_see_results(viewer, survey: Survey) -> bool:
    """Public results to anyone; otherwise staff of the survey's place."""
    if survey.results_public and authz.can(viewer, "surveys.results.view_public", survey):
        return True
    return authz.can(viewer, "surveys.results.view", survey)


def require_results(viewer, survey: Survey) -> None:
    if not may_see_results(viewer, survey):
        authz.require(viewer, "surveys.results.view", survey)  # raises NotAllowed


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.select_related("show_if__question").prefetch_related("options"))


def _pct(count: int, total: int) -> int:
    return (200 * count + total) // (2 * total) if total else 0


def _two_places(numerator: int, denominator: int) -> str:
    """numerator/denominator with two decimals, rounded half up (integers only)."""
    hundredths = (200 * numerator + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def results(survey: Survey) -> dict[str, Any]:
    """Per question: how many answered and the figures (choice and scale counts
    with percentages, ranking by average place, matrix counts per cell with a
    heat level 0-5, the latest texts), each with its SVG chart."""
    questions = questions_of(survey)
    answers: dict[int, list] = {q.pk: [] for q in questions}
    for qid, value in Answer.objects.filter(response__survey=survey).values_list("question_id", "value"):
        answers.setdefault(qid, []).append(value)
    total = Response.objects.filter(survey=survey).count()
    out = []
    for q in questions:
        values = answers.get(q.pk, [])
        options = list(q.options.all())
        item: dict[str, Any] = {"question": q, "answered": len(values)}
        n = len(values)
        if q.kind in {Kind.SINGLE, Kind.MULTIPLE}:
            counts = Counter(v for value in values for v in (value if isinstance(value, list) else [value]))
            rows = [(o.text, counts[o.pk], _pct(counts[o.pk], n)) for o in options]
            item["rows"] = rows
            item["svg"] = charts.bars([(t, c, f"{c}（{p}%）") for t, c, p in rows], title=q.text)
        elif q.kind == Kind.SCALE:
            counts = Counter(values)
            rows = [(str(v), counts[v], _pct(counts[v], n)) for v in range(q.scale_min, q.scale_max + 1)]
            item["rows"] = rows
            item["average"] = _two_places(sum(values), n) if n else ""
            item["svg"] = charts.bars([(t, c, f"{c}（{p}%）") for t, c, p in rows], title=q.text)
        elif q.kind == Kind.RANKING:
            place_sum: Counter[int] = Counter()
            for order in values:
                for place, oid in enumerate(order, start=1):
                    place_sum[oid] += place
            k = len(options)
            ranked = sorted(options, key=lambda o: (place_sum[o.pk], o.position))
            # The bar is longer the nearer the option came to first place.
            places = [(o.text, _two_places(place_sum[o.pk], n) if n else "", (k + 1) * n - place_sum[o.pk])
                      for o in ranked]
            item["rows"] = places
            item["svg"] = charts.bars([(t, w if n else 0, _("place %(avg)s") % {"avg": a} if n else "")
                                       for t, a, w in places], title=q.text)
        elif q.kind == Kind.MATRIX:
            cells = Counter((r, c) for value in values for r, c in enumerate(value))
            table = []
            for r, row_label in enumerate(q.rows):
                row_total = sum(cells[(r, o.pk)] for o in options)
                table.append((row_label, [(cells[(r, o.pk)], _pct(cells[(r, o.pk)], row_total),
                                           (5 * cells[(r, o.pk)] + row_total - 1) // row_total if row_total else 0)
                                          for o in options]))
            item["columns"] = [o.text for o in options]
            item["table"] = table
        elif q.kind == Kind.TEXT:
            item["texts"] = [v for v in values if v][-20:][::-1]
            item["answered"] = sum(1 for v in values if v)
        out.append(item)
    return {"survey": survey, "total": total, "questions": out, "place": public_place_name(survey.node)}


def export_rows(survey: Survey) -> list[list]:
    """The answers, one row per answer sheet, for CSV/XLSX (``linli.tabular``
    makes the cells formula-safe). An anonymous survey's rows carry no household
    and no person."""
    questions = questions_of(survey)
    header: list = [_("Answer sheet")]
    if not survey.anonymous:
        header += [_("Household"), _("Answered by")]
    header.append(_("Submitted"))
    for q in questions:
        if q.kind == Kind.MATRIX:
            header += [f"{q.position}. {q.text} - {row}" for row in q.rows]
        else:
            header.append(f"{q.position}. {q.text}")
    rows: list[list] = [header]
    labels = {o.pk: o.text for q in questions for o in q.options.all()}
    responses = Response.objects.filter(survey=survey).select_related("household", "person").order_by("id")
    by_response: dict[int, dict[int, Any]] = {}
    for rid, qid, value in Answer.objects.filter(response__survey=survey).values_list("response_id", "question_id",
                                                                                       "value"):
        by_response.setdefault(rid, {})[qid] = value
    for number, r in enumerate(responses, start=1):
        row: list = [number]
        if not survey.anonymous:
            row += [r.household.full_name() if r.household is not None else "", str(r.person or "")]
        row.append(timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"))
        given = by_response.get(r.pk, {})
        for q in questions:
            value = given.get(q.pk)
            if q.kind == Kind.MATRIX:
                row += [labels.get(value[i], "") if value else "" for i in range(len(q.rows))]
            elif value is None:
                row.append("")
            elif q.kind == Kind.SINGLE:
                row.append(labels.get(value, ""))
            elif q.kind == Kind.MULTIPLE:
                row.append("；".join(labels.get(v, "") for v in value))
            elif q.kind == Kind.RANKING:
                row.append(" > ".join(labels.get(v, "") for v in value))
            else:
                row.append(value)
        rows.append(row)
    return rows


def is_open(survey: Survey) -> bool:
    return survey.is_open(timezone.now())
