"""A resident raises a topic on a 390 px phone and a neighbour supports it
(我也关心); the public list shows it. Screenshot: docs/img/deliberation-topic-390.png."""
from __future__ import annotations

from pathlib import Path

import pytest

from linli.deliberation.models import Support, Topic
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_raise_and_support_a_topic_on_a_phone(dworld, live_server, phone, chromium):
    browser_login(phone, live_server, "resident", "pw-resident")
    phone.goto(f"{live_server.url}/deliberation/c/X/")
    assert "这里还没有议题，提出第一个吧。" in phone.inner_text("body")
    phone.click("#raise")
    phone.fill("#title", "东门晚上路灯不亮")
    phone.fill("#body", "东门到 2 栋的路灯坏了一个月，老人晚上出门不方便。")
    phone.click("form.card button")
    phone.wait_for_load_state()
    assert "议题已提出，邻居们现在可以关注了。" in phone.inner_text("body")
    assert phone.inner_text("#supporters") == "1 位邻居关心"
    topic = Topic.objects.get()
    # A neighbour opens the topic on their own phone and taps 我也关心.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=1)
    other = context.new_page()
    try:
        browser_login(other, live_server, "owner", "pw-owner")
        other.goto(f"{live_server.url}/deliberation/topics/{topic.pk}/")
        box = other.locator("#support").bounding_box()
        assert box is not None and box["height"] >= 44  # a tap target
        other.click("#support")
        other.wait_for_load_state()
        assert other.inner_text("#supporters") == "2 位邻居关心"
        assert "您已关心" in other.inner_text("body") and other.locator("#support").count() == 0
        assert fits(other)
        IMG.mkdir(parents=True, exist_ok=True)
        other.screenshot(path=str(IMG / "deliberation-topic-390.png"), full_page=True)
    finally:
        context.close()
    assert sorted(Support.objects.values_list("person__username", flat=True)) == ["owner", "resident"]
    # The public list, signed out, shows the topic with its status tag and count.
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/deliberation/c/X/")
    row = phone.inner_text(".dlb-topics li")
    assert "东门晚上路灯不亮" in row and "已提出" in row and "2 位邻居关心" in row
    assert fits(phone)


def test_meeting_review_and_fund_pages_fit_a_phone(dstate, live_server, phone):
    s = dstate
    for path in (f"/deliberation/meetings/{s.meeting.pk}/", f"/deliberation/reviews/{s.review.pk}/",
                 f"/deliberation/rounds/{s.supporting.pk}/", f"/deliberation/projects/{s.project.pk}/"):
        phone.goto(live_server.url + path)
        assert fits(phone), path
    assert phone.locator("h1").inner_text().startswith("楼道照明改造")
