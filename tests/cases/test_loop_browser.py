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


def test_after_a_colour_change_the_cancelled_finish_clock_keeps_its_own_colour(world, live_server, desktop):
    from linli.cases.models import AssigneeKind
    from tests.conftest import browser_login

    staff = world.person("property_x")
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="三楼楼道灯不亮了", source=Source.QR)
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to=AssigneeKind.PROPERTY)
    services.case_plan(case=case, by=staff, colour="green", note="明天更换灯泡")
    services.case_reclassify(case=case, by=staff, colour="yellow", note="需要采购配件")

    browser_login(desktop, live_server, "property_x", "pw-property_x")
    desktop.goto(f"{live_server.url}/cases/{case.pk}")
    cancelled = desktop.inner_text("#deadlines li.dl-cancelled:has-text('办结')")
    assert "绿色" in cancelled and "黄色" not in cancelled
    running = [t for t in desktop.locator("#deadlines li:not(.dl-cancelled)").all_inner_texts() if "办结" in t]
    assert len(running) == 1 and "黄色" in running[0] and "绿色" not in running[0]


def test_a_special_member_records_a_snapshot_from_the_start_page_and_can_follow_it(world, live_server, phone):
    from linli.cases.models import Case
    from linli.org import services as org
    from linli.org.models import Role
    from tests.conftest import browser_login

    member = org.person_create(username="courier", real_name="快递小哥", phone="13912345679",
                               password="pw-courier", by=None)
    org.role_assign(person=member, role=Role.SPECIAL_MICROGRID_MEMBER, node=world["C1-M1"], by=None)

    browser_login(phone, live_server, "courier", "pw-courier")
    phone.click("a:has-text('随手拍')")
    phone.wait_for_url("**/cases/new")
    assert "我的待办" not in phone.inner_text("main")  # no link to a queue they do not have
    phone.select_option("select[name=place]", str(world["X-B1-U1"].pk))
    phone.select_option("select[name=category]", "repair")
    phone.fill("textarea[name=description]", "3单元门口的路灯坏了")
    phone.click("button[type=submit]")
    phone.wait_for_url("**/t/*")

    case = Case.objects.get()
    body = phone.inner_text("body")
    assert case.tracking_code in body and "3单元门口的路灯坏了" in body
    assert "无法完成该操作" not in body and "未找到" not in body
