"""An owner casts a ballot on a phone (390 px, confirm before casting) and the
result sheet is read on a phone; screenshots go to docs/img/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Ballot
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_cast_a_ballot_and_read_the_result_sheet_on_a_phone(vw, live_server, phone):
    vote = vw.vote
    browser_login(phone, live_server, "owner2", "pw-owner2")
    phone.goto(f"{live_server.url}/votes/{vote.pk}/")
    phone.click("#go-ballot")
    phone.wait_for_load_state()
    assert "以第一次投票为准" in phone.inner_text("#ballot-rule")
    owner_card = phone.locator("section[id^=owner-]")
    assert owner_card.count() == 1  # two units, one owner, one ballot
    assert "177.00 m²" in owner_card.inner_text()
    owner_card.locator("label.choice", has_text="同意").click()
    owner_card.locator("button").click()
    phone.wait_for_selector("#ballot-confirm")
    assert "您的意见：同意" in phone.inner_text("#ballot-confirm")
    assert Ballot.objects.count() == 0  # nothing cast before the confirmation
    IMG.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(IMG / "votes-ballot-390.png"), full_page=True)
    phone.click("#confirm-cast")
    phone.wait_for_selector("#ballot-done")
    assert phone.inner_text("#ballot-done") == "投票成功：同意。谢谢您！"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert list(Ballot.objects.values_list("channel", "choice")) == [("online", "yes")]

    # The other owner votes on paper (two tellers); voting closes; the result is published.
    for teller in ("teller1", "teller2"):
        services.paper_enter(vote=vote, household_code="X-102", choice="no", by=vw.person(teller))
    services.vote_close(vote=vote, by=vw.person("committee"), now=vw.now + dt.timedelta(days=2))
    services.result_publish(vote=vote, by=vw.person("committee"))
    phone.goto(f"{live_server.url}/votes/{vote.pk}/result")
    verdict = phone.inner_text("#verdict")
    assert "表决有效" in verdict and "未通过" in verdict  # 2 of 2 owners took part; 1 of 2 said yes
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(IMG / "votes-result-390.png"), full_page=True)
    # Printed (A4, same template): the site's bar and the back link stay off the paper.
    phone.emulate_media(media="print")
    assert phone.locator(".topbar").is_hidden() and phone.locator(".vote-sheet .noprint").is_hidden()
    assert phone.locator("#verdict").is_visible()
