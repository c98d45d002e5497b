"""A volunteer's check-in and a merchant's till at 390 px in Debian's Chromium;
screenshots go to docs/img/."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from linli.mutualaid import services as aid
from linli.mutualaid.models import Completion, Redemption
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_check_in_and_till_on_a_phone(aidworld, live_server, phone, chromium):
    resident = aidworld.person("resident")
    now = timezone.now()
    task = aid.task_post(node=aidworld.world["X"], title="垃圾分类现场引导", place="X 小区东门投放点", places=4, points=10,
                         signup_deadline=now + dt.timedelta(minutes=5),
                         slots=[(now + dt.timedelta(minutes=10), now + dt.timedelta(hours=2))],
                         by=aidworld.person("community_c1"))
    slot = task.slots.get()
    # The volunteer signs up on the task page ...
    browser_login(phone, live_server, "resident", "pw-resident")
    phone.goto(f"{live_server.url}/aid/tasks/{task.pk}/")
    phone.click(f"#slot-{slot.pk} button")
    phone.wait_for_load_state()
    assert "报名成功" in phone.inner_text("body")
    # ... and on site scans the slot's QR code, which opens the check-in page.
    phone.goto(f"{live_server.url}/aid/checkin/{slot.token}")
    phone.click("#checkin-button")
    assert "已签到，10 个信义贝已存入您的账户。" in phone.inner_text("#checked-in")
    IMG.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(IMG / "mutualaid-checkin-390.png"), full_page=True)
    assert Completion.objects.get().points == 10
    # At the shop the resident shows the till code (QR + 6 digits).
    phone.goto(f"{live_server.url}/aid/me/")
    assert phone.inner_text("#balance") == "10"
    phone.click("#show-code")
    digits = phone.inner_text("#till-digits").replace(" ", "")
    assert re.fullmatch(r"\d{6}", digits)
    assert phone.locator(".qr-box svg").count() == 1
    # The page counts down the code's two minutes (till-code.js, allowed by the CSP).
    phone.wait_for_function("() => /还剩 \\d+ 秒/.test(document.getElementById('till-left').textContent)")
    phone.screenshot(path=str(IMG / "mutualaid-code-390.png"), full_page=True)
    # The cashier enters the code and a ¥65 bill on their own phone: 6 points off.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=1)
    till = context.new_page()
    try:
        browser_login(till, live_server, "cashier", "pw-cashier")
        till.goto(f"{live_server.url}/aid/shops/{aidworld.shop.code}/till")
        till.fill("#tc", digits)
        till.fill("#tb", "65")
        till.click("#till-quote-button")
        quote = till.inner_text("#till-quote")
        assert "6" in quote and "¥59.00" in quote
        till.screenshot(path=str(IMG / "mutualaid-till-390.png"), full_page=True)
        till.click("#till-confirm")
        assert "已抵扣 6 个信义贝（消费 ¥65.00），请收取 ¥59.00。" in till.inner_text("#till-done")
        till.screenshot(path=str(IMG / "mutualaid-till-done-390.png"), full_page=True)
        # Nothing is wider than the phone.
        assert till.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    assert Redemption.objects.get().points == 6
    assert aid.person_account(aidworld.world["C1"], resident).balance == 4
