"""Creating a questionnaire from question specs and from the page's text
format: every kind, conditions, and clear refusals that write nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.errors import DomainError
from linli.surveys import services as svc
from linli.surveys.models import Event, Option, Question, Survey
from tests.surveys.conftest import TEXT, make_survey


def test_the_text_format_makes_every_kind_and_the_condition(world):
    s = make_survey(world)
    rows = [(q.position, q.kind, q.required, [o.text for o in q.options.all()]) for q in s.questions.all()]
    assert rows == [
        (1, "single", True, ["不到1年", "1年以上"]),
        (2, "multiple", True, ["停车", "卫生", "绿化"]),
        (3, "text", True, []),
        (4, "scale", True, []),
        (5, "ranking", True, ["安全", "卫生", "绿化"]),
        (6, "matrix", True, ["好", "差"]),
        (7, "text", False, []),
    ]
    q2, q3, q4, q6 = (s.questions.get(position=n) for n in (2, 3, 4, 6))
    assert (q2.min_choices, q2.max_choices) == (1, 2)
    assert q3.show_if == q2.options.get(text="停车")
    assert (q4.scale_min, q4.scale_max, q4.scale_min_label, q4.scale_max_label) == (1, 5, "很差", "很好")
    assert q6.rows == ["保洁", "安保"]
    assert Event.objects.get(survey=s, kind="created").by == world.person("community_c1")
    assert s.get_absolute_url() == f"/surveys/{s.pk}/"


def nothing_written():
    return Survey.objects.count(), Question.objects.count(), Option.objects.count()


@pytest.mark.parametrize(("text", "message"), [
    ("单选：只有一个选项\n- 唯一", "第 1 题：请至少给出两个选项。"),
    ("问答：什么题型", "第 1 行：每道题以 单选、多选、填空、打分、排序 或 矩阵 加冒号开头，选项以短横线开头。"),
    ("多选 2-5：太多\n- 甲\n- 乙\n- 丙", "第 1 题：“至少”和“至多”须在 1 和选项数之间。"),
    ("打分 1-20：太宽", "第 1 题：打分须在 -10 到 10 之间，共 2 至 11 档。"),
    ("矩阵：没有行\n- 好\n- 差", "第 1 题：请至少给出一行。"),
    ("单选：甲\n- 是\n- 否\n填空：乙\n仅当 1=也许", "第 2 题：条件中的选项不是第 1 题的选项。"),
    ("填空：甲\n单选：乙\n- 是\n- 否\n仅当 1=是", "第 2 题：条件中的选项不是第 1 题的选项。"),
    ("单选：重复\n- 是\n- 是", "第 1 题：同一项列了两次。"),
    ("", "请至少添加一道题。"),
])
def test_bad_question_text_is_refused_clearly_and_nothing_is_written(world, text, message):
    before = nothing_written()
    with pytest.raises(DomainError) as exc:
        make_survey(world, questions=svc.questions_from_text(text))
    assert str(exc.value.message) == message
    assert nothing_written() == before


def test_a_condition_must_name_an_earlier_choice_question(world):
    specs = [{"kind": "text", "text": "甲", "show_if": (1, 1)}, {"kind": "single", "text": "乙", "options": ["是", "否"]}]
    with pytest.raises(DomainError) as exc:
        make_survey(world, questions=specs)
    assert str(exc.value.message) == "第 1 题：条件只能指向前面的单选题或多选题。"
    assert nothing_written()[0] == 0


@pytest.mark.parametrize(("kw", "code", "message"), [
    ({"title": "  "}, "surveys.title", "请给问卷一个不超过 120 字的标题。"),
    ({"node": "X-B1"}, "surveys.place", "问卷面向一个小区或社区。"),
    ({"closes_at": timezone.now() - dt.timedelta(days=2)}, "surveys.dates", "问卷的截止时间必须晚于开始时间。"),
])
def test_bad_survey_fields_are_refused(world, kw, code, message):
    before = nothing_written()
    with pytest.raises(DomainError) as exc:
        make_survey(world, **kw)
    assert (exc.value.code, str(exc.value.message)) == (code, message)
    assert nothing_written() == before


@pytest.mark.parametrize("who", ["anonymous", "resident", "owner", "property_x", "community_c2", "grid_c1"])
def test_only_organisers_in_scope_create(world, who):
    with pytest.raises(DomainError) as exc:
        make_survey(world, by=who)
    assert exc.value.code == "forbidden"
    assert nothing_written()[0] == 0


@pytest.mark.parametrize("who", ["community_c1", "street_s1", "admin"])
def test_organisers_in_scope_create(world, who):
    assert make_survey(world, by=who).questions.count() == len([ln for ln in TEXT.splitlines()
                                                                 if "：" in ln and not ln.startswith(("行", "仅当"))])


def test_the_text_format_also_reads_english_keywords_and_optional_marks(world):
    specs = svc.questions_from_text(
        "single: Agree?\n- yes\n- no\ntext?: Why not?\nif 1=no\nscale 0-10 bad/good: Score\n"
        "matrix: Rate\nrows: cleaning | security\n- good\n- bad\nranking: Order\n- a\n- b\n")
    assert [(s["kind"], s.get("required", True)) for s in specs] == [
        ("single", True), ("text", False), ("scale", True), ("matrix", True), ("ranking", True)]
    assert specs[1]["show_if"] == (1, 2)
    assert (specs[2]["scale_min"], specs[2]["scale_max"], specs[2]["scale_min_label"]) == (0, 10, "bad")
    assert specs[3]["rows"] == ["cleaning", "security"]
