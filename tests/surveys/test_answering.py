"""Answering a questionnaire: once per household or person, only while open,
only by its audience, every question kind checked with a clear Chinese message,
conditional questions enforced on the server. A refusal writes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.errors import DomainError
from linli.surveys import services as svc
from linli.surveys.models import Answer, Event, Response
from tests.surveys.conftest import make_survey


def written():
    return Response.objects.count(), Answer.objects.count(), Event.objects.filter(kind="answered").count()


def refused(sv, who, answers, **kw) -> tuple[str, str]:
    before = written()
    with pytest.raises(DomainError) as exc:
        svc.response_submit(survey=kw.pop("survey", sv.survey), answers=answers, by=sv.person(who), **kw)
    assert written() == before
    return exc.value.code, str(exc.value.message)


def test_a_resident_answers_and_every_answer_is_stored(sv):
    r = svc.response_submit(survey=sv.survey, answers=sv.good(), by=sv.person("resident"))
    assert (r.household.code, r.person.username, r.respondent_key) == ("X-101", "resident", f"household:{r.household.pk}")
    stored = {a.question.position: a.value for a in r.answers.select_related("question")}
    assert stored == {1: sv.o(1, 1), 2: [sv.o(2, 1)], 3: "多划车位", 4: 4, 5: [sv.o(5, 2), sv.o(5, 1), sv.o(5, 3)],
                      6: [sv.o(6, 1), sv.o(6, 2)]}
    assert Event.objects.filter(survey=sv.survey, kind="answered", by=sv.person("resident")).count() == 1


def test_a_second_answer_of_the_same_household_is_refused_and_nothing_written(sv):
    svc.response_submit(survey=sv.survey, answers=sv.good(), by=sv.person("resident"))
    assert refused(sv, "spouse", sv.good()) == ("surveys.already_answered", "您家已经填写过这份问卷，每户只能填写一次。")
    assert refused(sv, "resident", sv.good()) == ("surveys.already_answered", "您家已经填写过这份问卷，每户只能填写一次。")
    # Another household of the compound still answers.
    svc.response_submit(survey=sv.survey, answers=sv.good(), by=sv.person("owner"))
    assert Response.objects.count() == 2


def test_one_answer_per_person_lets_each_member_of_a_household_answer_once(sv):
    s = make_survey(sv.world, per="person", title="邻里公约")
    svc.response_submit(survey=s, answers=sv_answers(s), by=sv.person("resident"))
    svc.response_submit(survey=s, answers=sv_answers(s), by=sv.person("spouse"))
    assert refused(sv, "spouse", sv_answers(s), survey=s) == (
        "surveys.already_answered", "您已经填写过这份问卷，每人只能填写一次。")
    assert Response.objects.filter(survey=s).count() == 2


def sv_answers(s):
    """The minimal valid answer of a survey made from the conftest's text (no 停车, so question 3 is hidden)."""
    q = {x.position: x for x in s.questions.prefetch_related("options")}
    o = {n: [opt.pk for opt in q[n].options.all()] for n in q}
    return {q[1].pk: o[1][1], q[2].pk: [o[2][1]], q[4].pk: 3, q[5].pk: o[5], q[6].pk: [o[6][0], o[6][0]]}


def test_the_database_refuses_a_second_answer_sheet_with_the_same_key(sv):
    from django.db import IntegrityError, transaction

    r = svc.response_submit(survey=sv.survey, answers=sv.good(), by=sv.person("resident"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=sv.survey, respondent_key=r.respondent_key)


def test_before_opening_and_after_closing_answers_are_refused(sv):
    now = timezone.now()
    opens = timezone.make_aware(dt.datetime(2031, 3, 1, 9, 0))
    later = make_survey(sv.world, title="明年的问卷", opens_at=opens, closes_at=opens + dt.timedelta(days=10))
    assert refused(sv, "resident", {}, survey=later) == ("surveys.not_open", "这份问卷将于 2031-03-01 09:00 开始填写。")
    closes = timezone.make_aware(dt.datetime(2025, 6, 30, 18, 0))
    past = make_survey(sv.world, title="去年的问卷", opens_at=closes - dt.timedelta(days=10), closes_at=closes)
    assert refused(sv, "resident", {}, survey=past) == ("surveys.closed", "这份问卷已于 2025-06-30 18:00 截止。")
    # The closing moment itself is already closed.
    assert refused(sv, "resident", sv.good(), now=sv.survey.closes_at)[0] == "surveys.closed"
    assert svc.response_submit(survey=sv.survey, answers=sv.good(), by=sv.person("resident"), now=now).pk


@pytest.mark.parametrize("who", ["neighbour_z", "community_c1", "property_x"])
def test_only_residents_and_owners_under_the_place_answer(sv, who):
    assert refused(sv, who, sv.good()) == ("surveys.audience", "这份问卷只面向X的居民。")


def test_anonymous_visitors_cannot_answer(sv):
    before = written()
    with pytest.raises(DomainError) as exc:
        svc.response_submit(survey=sv.survey, answers=sv.good(), by=None)  # type: ignore[arg-type]
    assert (exc.value.code, written()) == ("forbidden", before)


def test_a_household_elsewhere_cannot_be_named(sv):
    assert refused(sv, "resident", sv.good(), household=sv.world["X-102"])[0] == "forbidden"
    assert refused(sv, "neighbour_z", sv.good(), household=sv.world["Z-101"]) == (
        "surveys.audience", "这份问卷只面向X的居民。")


# --- each kind with bad input -------------------------------------------------------------

BAD = [
    ("q1", None, "surveys.answer.single", "第 1 题：这道题必须回答。"),
    ("q1", 999999, "surveys.answer.single", "第 1 题：请选择其中一项。"),
    ("q1", "abc", "surveys.answer.single", "第 1 题：请选择其中一项。"),
    ("q2", "many", "surveys.answer.multiple", "第 2 题：请在选项中选择，每项只能选一次。"),
    ("q2", "three", "surveys.answer.multiple", "第 2 题：请选择 1 至 2 项。"),
    ("q2", "twice", "surveys.answer.multiple", "第 2 题：请在选项中选择，每项只能选一次。"),
    ("q3", None, "surveys.answer.text", "第 3 题：这道题必须回答。"),
    ("q3", "长" * 2001, "surveys.answer.text", "第 3 题：回答超过了 2000 字。"),
    ("q3", 5, "surveys.answer.text", "第 3 题：请用文字回答。"),
    ("q4", 6, "surveys.answer.scale", "第 4 题：请选择 1 到 5 之间的分数。"),
    ("q4", "0", "surveys.answer.scale", "第 4 题：请选择 1 到 5 之间的分数。"),
    ("q4", True, "surveys.answer.scale", "第 4 题：请选择 1 到 5 之间的分数。"),
    ("q4", "²", "surveys.answer.scale", "第 4 题：请选择 1 到 5 之间的分数。"),
    ("q1", "①", "surveys.answer.single", "第 1 题：请选择其中一项。"),
    ("q4", "1_0", "surveys.answer.scale", "第 4 题：请选择 1 到 5 之间的分数。"),
    ("q5", "short", "surveys.answer.ranking", "第 5 题：请给每一项排一个不同的名次（1 至 3）。"),
    ("q5", "same_place", "surveys.answer.ranking", "第 5 题：请给每一项排一个不同的名次（1 至 3）。"),
    ("q6", "one_row", "surveys.answer.matrix", "第 6 题：每一行都要选择一项。"),
    ("q6", "bad_column", "surveys.answer.matrix", "第 6 题：每一行都要选择一项。"),
]


@pytest.mark.parametrize(("field", "value", "code", "message"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_each_kind_of_question_refuses_bad_input_with_a_clear_message(sv, field, value, code, message):
    special = {
        "many": [sv.o(2, 1), 424242], "three": [sv.o(2, 1), sv.o(2, 2), sv.o(2, 3)], "twice": [sv.o(2, 1)] * 2,
        "short": [sv.o(5, 1), sv.o(5, 2)],
        "same_place": {sv.o(5, 1): "1", sv.o(5, 2): "1", sv.o(5, 3): "2"},
        "one_row": [sv.o(6, 1)], "bad_column": [sv.o(6, 1), sv.o(1, 1)],
    }
    value = special.get(value, value) if isinstance(value, str) else value
    answers = sv.good(**{field: value})
    if value is None:
        answers.pop(sv.q(int(field[1:])).pk, None)
    assert refused(sv, "resident", answers) == (code, message)


def test_ranking_also_takes_places_as_the_page_sends_them(sv):
    r = svc.response_submit(survey=sv.survey, by=sv.person("resident"), answers=sv.good(
        q5={str(sv.o(5, 1)): "3", str(sv.o(5, 2)): "1", str(sv.o(5, 3)): "2"}))
    assert r.answers.get(question=sv.q(5)).value == [sv.o(5, 2), sv.o(5, 3), sv.o(5, 1)]


def test_full_width_digits_are_read_as_digits(sv):
    r = svc.response_submit(survey=sv.survey, by=sv.person("resident"), answers=sv.good(q4="４"))
    assert r.answers.get(question=sv.q(4)).value == 4


def test_an_unknown_question_is_refused(sv):
    answers = {**sv.good(), 987654: "x"}
    assert refused(sv, "resident", answers) == ("surveys.unknown_question", "回答中有本问卷没有的题目。")


def test_an_optional_question_may_stay_empty_and_text_is_trimmed(sv):
    r = svc.response_submit(survey=sv.survey, by=sv.person("resident"), answers=sv.good(q3="  多划车位 ", q7=""))
    assert r.answers.get(question=sv.q(3)).value == "多划车位"
    assert not r.answers.filter(question=sv.q(7)).exists()


# --- conditional questions --------------------------------------------------------------

def test_a_conditional_question_is_required_when_its_option_was_chosen(sv):
    assert refused(sv, "resident", sv.good(q3=None)) == ("surveys.answer.text", "第 3 题：这道题必须回答。")


def test_a_conditional_question_is_skipped_when_its_option_was_not_chosen(sv):
    r = svc.response_submit(survey=sv.survey, by=sv.person("resident"), answers=sv.good(q2=[sv.o(2, 2)], q3=None))
    assert sorted(a.question.position for a in r.answers.select_related("question")) == [1, 2, 4, 5, 6]


def test_an_answer_to_a_hidden_conditional_question_is_refused(sv):
    assert refused(sv, "resident", sv.good(q2=[sv.o(2, 2), sv.o(2, 3)])) == (
        "surveys.answer.hidden", "第 3 题只需在第 2 题选择“停车”的人回答，请留空。")


# --- anonymity ----------------------------------------------------------------------------

def test_an_anonymous_answer_keeps_no_person_or_household_and_still_counts_once(sv):
    s = make_survey(sv.world, anonymous=True, title="匿名问卷")
    r = svc.response_submit(survey=s, answers=sv_answers(s), by=sv.person("resident"))
    r.refresh_from_db()
    assert (r.person, r.household) == (None, None)
    assert r.respondent_key.startswith("anon:") and str(sv.world["X-101"].pk) not in r.respondent_key[5:6]
    assert len(r.respondent_key) == 69
    e = Event.objects.get(survey=s, kind="answered")
    assert (e.by, e.data) == (None, {})
    # Only the hour is kept, for the answer sheet and for its event.
    assert (r.submitted_at.minute, r.submitted_at.second, r.submitted_at.microsecond) == (0, 0, 0)
    assert e.at == r.submitted_at
    assert refused(sv, "spouse", sv_answers(s), survey=s)[0] == "surveys.already_answered"


# --- closing early --------------------------------------------------------------------------

def test_organisers_close_early_and_nobody_answers_after(sv):
    svc.response_submit(survey=sv.survey, answers=sv.good(), by=sv.person("resident"))
    closed = svc.survey_close(survey=sv.survey, by=sv.person("community_c1"))
    assert closed.closes_at <= timezone.now()
    e = Event.objects.get(survey=sv.survey, kind="closed")
    assert e.by == sv.person("community_c1") and set(e.data) == {"before", "after"}
    assert refused(sv, "owner", sv.good(), survey=closed)[0] == "surveys.closed"
    assert Response.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        svc.survey_close(survey=closed, by=sv.person("community_c1"))
    assert (exc.value.code, str(exc.value.message)) == ("surveys.closed", "这份问卷已经截止。")


@pytest.mark.parametrize("who", ["resident", "property_x", "community_c2"])
def test_only_organisers_in_scope_close(sv, who):
    closes = sv.survey.closes_at
    with pytest.raises(DomainError) as exc:
        svc.survey_close(survey=sv.survey, by=sv.person(who))
    sv.survey.refresh_from_db()
    assert (exc.value.code, sv.survey.closes_at) == ("forbidden", closes)
    assert not Event.objects.filter(kind="closed").exists()
