"""The questionnaire pages: list, answering (with the conditional question),
refusals shown on the page with nothing written, the staff's creation page."""
from __future__ import annotations

import re

import pytest
from django.utils import timezone

from linli.surveys.models import Response, Survey


def form_of(sv, **change):
    """The page's form fields for a full valid answer."""
    data = {f"q{sv.q(1).pk}": str(sv.o(1, 1)), f"q{sv.q(2).pk}": [str(sv.o(2, 1))], f"q{sv.q(3).pk}": "多划车位",
            f"q{sv.q(4).pk}": "4", f"q{sv.q(6).pk}_r0": str(sv.o(6, 1)), f"q{sv.q(6).pk}_r1": str(sv.o(6, 2))}
    for place, k in ((1, 2), (2, 1), (3, 3)):
        data[f"q{sv.q(5).pk}_o{sv.o(5, k)}"] = str(place)
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def test_the_list_shows_open_surveys_and_the_new_button_to_organisers(sv, client):
    page = client.get("/surveys/").content.decode()
    assert "X小区治理问卷" in page and "填写中" in page and "新建问卷" not in page
    client.force_login(sv.person("community_c1"))
    assert "新建问卷" in client.get("/surveys/").content.decode()


def test_a_visitor_sees_the_questions_and_is_asked_to_sign_in(sv, client):
    page = client.get(f"/surveys/{sv.survey.pk}/").content.decode()
    assert "登录后填写" in page and "您在小区住了多久？" in page and 'id="survey-submit"' not in page
    assert f'data-show-if-name="q{sv.q(2).pk}" data-show-if-value="{sv.o(2, 1)}"' in page
    assert "第 2 题选择“停车”的请回答。" in page
    assert '<script src="/static/surveys/survey.js" defer></script>' in page


def test_a_resident_answers_on_the_page_once(sv, client):
    client.force_login(sv.person("resident"))
    assert 'id="survey-submit"' in client.get(f"/surveys/{sv.survey.pk}/").content.decode()
    r = client.post(f"/surveys/{sv.survey.pk}/", form_of(sv), follow=True)
    page = r.content.decode()
    assert "谢谢，您的回答已记录。" in page and "您家已填写这份问卷，谢谢！" in page and 'id="survey-submit"' not in page
    answer = Response.objects.get().answers.get(question=sv.q(5))
    assert answer.value == [sv.o(5, 2), sv.o(5, 1), sv.o(5, 3)]
    client.force_login(sv.person("spouse"))
    r = client.post(f"/surveys/{sv.survey.pk}/", form_of(sv))
    assert r.status_code == 409 and "您家已经填写过这份问卷，每户只能填写一次。" in r.content.decode()
    assert Response.objects.count() == 1


def test_bad_input_comes_back_with_the_message_and_what_was_typed(sv, client):
    client.force_login(sv.person("resident"))
    r = client.post(f"/surveys/{sv.survey.pk}/", form_of(sv, **{f"q{sv.q(3).pk}": ""}))
    page = r.content.decode()
    assert r.status_code == 422 and "第 3 题：这道题必须回答。" in page
    assert re.search(rf'value="{sv.o(1, 1)}" checked', page)
    assert Response.objects.count() == 0


def test_someone_from_elsewhere_is_told_who_the_survey_is_for(sv, client):
    client.force_login(sv.person("neighbour_z"))
    assert "这份问卷只面向X的居民，您的账号在那里没有住房。" in client.get(f"/surveys/{sv.survey.pk}/").content.decode()
    r = client.post(f"/surveys/{sv.survey.pk}/", form_of(sv))
    assert r.status_code == 403 and "这份问卷只面向X的居民。" in r.content.decode()
    assert Response.objects.count() == 0


QUESTIONS = "单选：您是否同意邻里公约？\n- 同意\n- 不同意\n填空：请写下理由\n仅当 1=不同意\n"


def test_staff_create_a_survey_from_the_page(world, client):
    client.force_login(world.person("community_c1"))
    page = client.get("/surveys/new").content.decode()
    assert '<option value="X">' in page and '<option value="C1">' in page and 'value="Z"' not in page
    r = client.post("/surveys/new", {"place": "X", "title": "邻里公约", "purpose": "pact", "per": "person",
                                     "opens": "2026-01-01", "closes": "2036-01-31", "questions": QUESTIONS,
                                     "results_public": "1"})
    s = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/surveys/{s.pk}/"
    assert (s.per, s.purpose, s.anonymous, s.results_public) == ("person", "pact", False, True)
    assert timezone.localtime(s.closes_at).isoformat() == "2036-02-01T00:00:00+08:00"
    assert s.questions.get(position=2).show_if.text == "不同意"


@pytest.mark.parametrize(("change", "message"), [
    ({"place": "Z"}, "请选择问卷面向的小区或社区。"),
    ({"questions": "问答：x"}, "第 1 行：每道题以 单选、多选、填空、打分、排序 或 矩阵 加冒号开头，选项以短横线开头。"),
    ({"closes": "2025-13-01"}, "请按“年-月-日”填写截止日期。"),
])
def test_the_creation_page_refuses_bad_input_clearly(world, client, change, message):
    client.force_login(world.person("community_c1"))
    data = {"place": "X", "title": "邻里公约", "opens": "2026-01-01", "closes": "2026-01-31", "questions": QUESTIONS,
            **change}
    r = client.post("/surveys/new", data)
    assert r.status_code == 422 and message in r.content.decode()
    assert Survey.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("resident", 403), ("property_x", 403), ("community_c1", 200)])
def test_only_organisers_open_the_creation_page(world, client, who, status):
    client.force_login(world.person(who))
    assert client.get("/surveys/new").status_code == status


def test_organisers_see_the_poster_and_close_from_the_page(sv, client):
    client.force_login(sv.person("resident"))
    page = client.get(f"/surveys/{sv.survey.pk}/").content.decode()
    assert 'id="survey-close"' not in page and "二维码" not in page
    assert client.post(f"/surveys/{sv.survey.pk}/close").status_code == 403
    client.force_login(sv.person("community_c1"))
    page = client.get(f"/surveys/{sv.survey.pk}/").content.decode()
    assert 'id="survey-close"' in page and "<svg" in page and f"http://testserver/surveys/{sv.survey.pk}/" in page
    r = client.post(f"/surveys/{sv.survey.pk}/close", follow=True)
    assert "问卷已结束，不能再填写。" in r.content.decode() and "这份问卷已于" in r.content.decode()
    assert 'id="survey-close"' not in r.content.decode()


def test_the_list_reads_in_a_fixed_number_of_queries(sv, client, django_assert_max_num_queries):
    from tests.surveys.conftest import make_survey

    for i in range(8):
        make_survey(sv.world, title=f"问卷{i}", node="Y" if i % 2 else "C1")
    with django_assert_max_num_queries(8):
        page = client.get("/surveys/").content.decode()
    assert page.count('href="/surveys/') >= 9 and "问卷7" in page
