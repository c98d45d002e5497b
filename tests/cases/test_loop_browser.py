"""Issue 12, the request loop as people live it, in Chromium at 390×844."""
from __future__ import annotations

import pytest

from linli.cases import services
from linli.cases.models import Category, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_page_titles_are_clean_text(world, live_server, phone):
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="三楼楼道灯不亮了", source=Source.QR)
    phone.goto(f"{live_server.url}/q/X-B1-U1")
    assert phone.title() == "反映诉求 · 邻里"
    phone.goto(f"{live_server.url}/t/")
    assert phone.title() == "查看我的诉求 · 邻里"
    phone.goto(f"{live_server.url}/t/{case.tracking_code}")
    assert phone.title() == f"我的诉求 {case.tracking_code} · 邻里"


def test_a_new_request_waits_to_be_accepted_until_someone_accepts_it(world, live_server, phone):
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="三楼楼道灯不亮了", source=Source.QR)
    phone.goto(f"{live_server.url}/t/{case.tracking_code}")
    status = phone.inner_text(".status-line")
    assert "待受理" in status and "已受理" not in status
    services.case_accept(case=case, by=world.person("property_x"))
    phone.reload()
    assert "已响应" in phone.inner_text(".status-line")
