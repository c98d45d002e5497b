"""Attacks at 390 px (tester pass): a pasted link in a description must not widen the phone page."""
from __future__ import annotations

import pytest

from linli.surveys import services as svc
from tests.conftest import browser_login
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = "https://example.org/" + "a1b2c3" * 50


def test_a_long_link_in_a_description_wraps_at_390_px(vw, live_server, phone):
    """A 320-character link in a vote's or questionnaire's description made the page 2,000+ px wide."""
    vw.vote.description = f"详见：{LINK}"
    vw.vote.save(update_fields=["description"])
    survey = make_survey(vw.world, questions=svc.questions_from_text("单选：同意吗？\n- 同意\n- 不同意"),
                         description=f"详见：{LINK}")
    browser_login(phone, live_server, "owner2", "pw-owner2")
    widths = {}
    for url in (f"/votes/{vw.vote.pk}/", f"/surveys/{survey.pk}/"):
        phone.goto(live_server.url + url)
        widths[url] = phone.evaluate("document.documentElement.scrollWidth")
    assert widths == {f"/votes/{vw.vote.pk}/": 390, f"/surveys/{survey.pk}/": 390}
