"""The service-circle search at 390 px in Debian's Chromium: a resident types a
query, ticks "open now" and sees the distances from home; screenshots go to
docs/img/."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from linli.circles import services as circles
from linli.circles.hours import SHANGHAI
from tests.circles.conftest import X_LAT, east
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_search_open_now_with_distances_on_a_phone(cw, live_server, phone):
    staff = cw.person("community_c1")
    today = timezone.now().astimezone(SHANGHAI).isoweekday()
    other_day = (today + 2) % 7 + 1  # neither today nor yesterday: closed now, whatever the time
    circles.entry_create(community=cw.world["C1"], circle="life", category="药店", name="和济大药房 24小时店",
                         address="X 小区东门商铺2号", lat=X_LAT, lng=east(300), phone="028-82708888",
                         phone_public=True, hours=[{"day": d, "open": "00:00", "close": "24:00"} for d in range(1, 8)],
                         by=staff)
    circles.entry_create(community=cw.world["C1"], circle="life", category="药店", name="和济大药房 学府路店",
                         address="学府路8号", lat=X_LAT, lng=east(650), phone="13880005678",
                         hours=[{"day": other_day, "open": "09:00", "close": "10:00"}], by=staff)
    browser_login(phone, live_server, "resident", "pw-resident")
    phone.goto(f"{live_server.url}/circles/C1/")
    # Nearest to the resident's compound X first, with distances.
    rows = phone.locator(".circle-hit")
    assert rows.first.get_attribute("data-name") == "红旗超市 X 店"
    assert "120 米" in rows.first.inner_text()
    phone.screenshot(path=str(IMG / "circles-list-390.png"), full_page=True)
    # Type a query: both pharmacies, nearest first, the closed one marked.
    phone.fill("#cq", "药房")
    phone.click("#circle-search-button")
    phone.wait_for_load_state()
    assert [rows.nth(i).get_attribute("data-name") for i in range(rows.count())] == [
        "和济大药房 24小时店", "和济大药房 学府路店"]
    assert "300 米" in rows.nth(0).inner_text() and "正在营业" in rows.nth(0).inner_text()
    assert "650 米" in rows.nth(1).inner_text() and "已打烊" in rows.nth(1).inner_text()
    assert "138****5678" in rows.nth(1).inner_text()  # a mobile, masked
    # Only what is open now.
    phone.check("#copen")
    phone.click("#circle-search-button")
    phone.wait_for_load_state()
    assert rows.count() == 1 and rows.first.get_attribute("data-name") == "和济大药房 24小时店"
    assert phone.input_value("#cq") == "药房" and phone.is_checked("#copen")
    assert "1 个结果 · 离X最近的在前" in phone.inner_text("#circle-count")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    IMG.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(IMG / "circles-search-390.png"), full_page=True)
    # Nothing matches: the page says what to try.
    phone.fill("#cq", "游泳馆")
    phone.click("#circle-search-button")
    phone.wait_for_load_state()
    assert "试试少写几个字" in phone.inner_text("#circle-empty")
