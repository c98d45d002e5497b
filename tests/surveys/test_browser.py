"""Answering a questionnaire (with its conditional question) and reading the
results on a phone at 390 px in Debian's Chromium; screenshots go to docs/img/."""
from __future__ import annotations

from pathlib import Path

import pytest

from linli.surveys import services as svc
from linli.surveys.models import Response
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_answer_with_a_conditional_question_and_see_the_results_on_a_phone(sv, live_server, phone):
    s = sv.survey
    s.results_public = True
    s.save()
    browser_login(phone, live_server, "resident", "pw-resident")
    phone.goto(f"{live_server.url}/surveys/{s.pk}/")
    # The conditional question 3 shows only once 停车 is chosen in question 2.
    assert phone.is_hidden("#q-3")
    phone.check(f'input[name="q{sv.q(1).pk}"][value="{sv.o(1, 2)}"]')
    phone.check(f'input[name="q{sv.q(2).pk}"][value="{sv.o(2, 2)}"]')
    assert phone.is_hidden("#q-3")
    phone.check(f'input[name="q{sv.q(2).pk}"][value="{sv.o(2, 1)}"]')
    phone.wait_for_selector("#q-3", state="visible")
    phone.fill(f'textarea[name="q{sv.q(3).pk}"]', "地下车库多划一些车位")
    phone.check(f'input[name="q{sv.q(4).pk}"][value="4"]')
    for place, k in ((1, 2), (2, 1), (3, 3)):
        phone.select_option(f'#q{sv.q(5).pk}_o{sv.o(5, k)}', str(place))
    phone.check(f'input[name="q{sv.q(6).pk}_r0"][value="{sv.o(6, 1)}"]')
    phone.check(f'input[name="q{sv.q(6).pk}_r1"][value="{sv.o(6, 2)}"]')
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    IMG.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(IMG / "surveys-answer-390.png"), full_page=True)
    phone.click("#survey-submit")
    phone.wait_for_selector("#survey-done")
    assert "谢谢，您的回答已记录。" in phone.inner_text("main")
    answers = {a.question.position: a.value for a in Response.objects.get().answers.select_related("question")}
    assert answers[2] == [sv.o(2, 1), sv.o(2, 2)] and answers[3] == "地下车库多划一些车位"
    assert answers[5] == [sv.o(5, 2), sv.o(5, 1), sv.o(5, 3)]
    # A few neighbours answer too, then anyone reads the results with the charts.
    svc.response_submit(survey=s, by=sv.person("owner"), answers=sv.good(q2=[sv.o(2, 3)], q3=None, q4=5))
    phone.click("text=结果")
    phone.wait_for_selector(".survey-result")
    assert phone.locator(".survey-figure svg").count() == 4
    assert phone.locator(".survey-heat").count() == 1
    assert "共 2 份答卷" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(IMG / "surveys-results-390.png"), full_page=True)
