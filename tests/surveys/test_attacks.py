"""A hostile or clumsy organiser or resident against the questionnaires: odd
bytes and huge strings in the text format, other places' households, the
anonymous identities. Each test names the defect it guards against."""
from __future__ import annotations

import pytest
from django.test import Client

from linli.errors import DomainError
from linli.surveys import services as svc
from linli.surveys.models import Option, Question, Survey

from .conftest import make_survey


def nothing_written():
    return Survey.objects.count(), Question.objects.count(), Option.objects.count()


@pytest.mark.parametrize("text", [
    # A long line without a colon made the head pattern backtrack quadratically (minutes of CPU for 100k chars).
    "a" * 3000,
    "单选" + "。" * 2500 + "：甲\n- 是\n- 否",
    # 5,000 digits: int() raised ValueError (Python's limit of 4,300 digits), a server error.
    "单选：甲\n- 是\n- 否\n填空：乙\n仅当 " + "9" * 5000 + "=是",
    "打分 " + "9" * 5000 + "-1：太宽",
])
def test_overlong_lines_are_refused_clearly_and_nothing_is_written(world, text):
    before = nothing_written()
    with pytest.raises(DomainError) as exc:
        make_survey(world, questions=svc.questions_from_text(text))
    assert exc.value.code == "surveys.format_line"
    assert str(exc.value.message).endswith("行超过 2000 个字符。")
    assert nothing_written() == before


def test_the_new_questionnaire_page_refuses_a_huge_line_with_a_message(world):
    client = Client()
    client.force_login(world.person("community_c1"))
    before = nothing_written()
    r = client.post("/surveys/new", {"place": "X", "title": "问卷", "purpose": "general", "per": "household",
                                     "opens": "2026-01-01", "closes": "2026-01-09",
                                     "questions": "单选：甲\n- 是\n- 否\n" + "x" * 100_000})
    assert r.status_code == 422
    assert "第 4 行超过 2000 个字符。" in r.content.decode()
    assert nothing_written() == before


def test_the_text_format_still_reads_ranges_and_labels_after_the_fix(world):
    specs = svc.questions_from_text("多选 1-2：甲\n- 一\n- 二\n- 三\n打分 -3～3 差/好：乙\n单选?：丙\n- 是\n- 否")
    assert (specs[0]["min_choices"], specs[0]["max_choices"]) == (1, 2)
    assert (specs[1]["scale_min"], specs[1]["scale_max"], specs[1]["scale_min_label"]) == (-3, 3, "差")
    assert specs[2]["required"] is False
