"""A resident pledges from a phone at 390 px in Debian's Chromium (no login, no JavaScript
needed): the pledge is pending and the progress counts confirmed money only. The
screenshot goes to docs/img/pledge-390.png."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from linli.disclosure import funds
from linli.disclosure.models import Pledge
from linli.org.models import Node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_a_resident_pledges_from_a_phone(dworld, live_server, phone):
    Node.objects.filter(code="C1").update(name="桂东社区")
    by = dworld.person("community_c1")
    f = funds.fund_create(node=Node.objects.get(code="C1"), code="GD-WJJ", name="桂东社区微基金", kind="micro", by=by)
    c = funds.campaign_create(fund=f, title="桂东三巷院落加装电梯", target=60_000_000,
                              deadline=timezone.localdate() + dt.timedelta(days=60),
                              description="每户自筹一部分，政府补贴一部分，众筹进度在线公示。", by=by)
    done = funds.pledge_offer(campaign=c, amount=1_500_000, name="刘建国", shown="masked", by=None)
    funds.pledge_receive(pledge=done, by=by)
    phone.goto(f"{live_server.url}/campaigns/{c.pk}/")
    phone.fill("#pledge-amount", "2000")
    phone.fill("#pledge-name", "王秀英")
    phone.check("input[name=shown][value=masked]")
    phone.click("#pledge button[type=submit]")
    phone.wait_for_load_state()
    p = Pledge.objects.get(name="王秀英")
    mine = phone.inner_text("#mine")
    assert f"您的认捐 #{p.pk}（¥2,000.00）已登记" in mine
    body = phone.inner_text("body")
    assert "¥15,000.00" in body and "王**" in body and "暂不计入进度" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    IMG.mkdir(parents=True, exist_ok=True)
    phone.locator("#mine").scroll_into_view_if_needed()
    phone.screenshot(path=str(IMG / "pledge-390.png"), full_page=True)
    assert p.state == "pledged" and funds.campaign_progress(c)["received"] == 1_500_000
