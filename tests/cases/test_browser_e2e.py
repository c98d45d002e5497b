"""End to end in Debian's Chromium at 390×844: a resident reports from a unit's
QR URL with a photo, staff accept, dispatch, arrive, plan (green) and finish
with an after-photo, the resident rates on the tracking page, staff close.
Plus the staff queue and request page at phone and desktop width.
Screenshots of every step go to test-artifacts/."""
from __future__ import annotations

import pytest
from PIL import Image

from linli.cases import services
from linli.cases.models import Case, Category, Source, Status
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path, name="photo.jpg", colour=(180, 40, 40)):
    path = tmp_path / name
    Image.new("RGB", (320, 240), colour).save(path, format="JPEG")
    return str(path)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _submit(page, action: str):
    """Open an action's panel if needed and send its form (no JavaScript needed)."""
    panel = page.locator(f"#act-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_report_to_rating_on_a_phone(world, live_server, chromium, artifacts_dir, tmp_path):
    shots = artifacts_dir / "e2e"
    shots.mkdir(exist_ok=True)
    resident = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = resident.new_page()
    # 1. The resident scans the QR code of unit X-B1-U1.
    page.goto(f"{live_server.url}/q/X-B1-U1")
    assert "X-B1-U1" in page.inner_text("body")
    page.check("input[name=category][value=repair]")
    page.fill("textarea[name=description]", "三楼楼道灯不亮了，晚上看不见台阶")
    page.set_input_files("input[name=photos]", _photo(tmp_path))
    page.fill("input[name=contact_phone]", "13800001234")
    page.screenshot(path=str(shots / "01-report-390.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    case = Case.objects.get()
    assert (case.status, case.photos.count(), case.source) == (Status.RECEIVED, 1, Source.QR)
    assert case.tracking_code in page.inner_text("body")
    page.screenshot(path=str(shots / "02-reported-390.png"), full_page=True)

    # 2. Property staff handle it on their phone.
    staff_ctx = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    staff = staff_ctx.new_page()
    browser_login(staff, live_server, "property_x", "pw-property_x")
    staff.goto(f"{live_server.url}/queue/")
    # The new request is the one row of their queue, under its place.
    rows = staff.locator("#queue li.q-row")
    assert rows.count() == 1 and staff.locator(f"#queue a[href='/cases/{case.pk}']").count() == 1
    assert "X-B1-U1" in rows.first.inner_text()
    staff.screenshot(path=str(shots / "03-queue-390.png"), full_page=True)
    staff.click(f"#queue a[href='/cases/{case.pk}']")
    staff.wait_for_load_state()
    # Not theirs yet: the reporter's phone is masked until the request is dispatched to them.
    assert "138****1234" in staff.inner_text("body") and "13800001234" not in staff.inner_text("body")
    assert _fits(staff)
    staff.screenshot(path=str(shots / "04-detail-received-390.png"), full_page=True)
    _submit(staff, "accept")
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    staff.locator("#act-dispatch input[name=to][value=property]").check()
    _submit(staff, "dispatch")
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    assert "13800001234" in staff.inner_text("#contact")  # now they handle it
    staff.screenshot(path=str(shots / "05-dispatched-390.png"), full_page=True)
    _submit(staff, "arrive")
    assert Case.objects.get(pk=case.pk).status == Status.ON_SITE
    staff.locator("#act-plan input[name=colour][value=green]").check()
    staff.fill("#act-plan textarea[name=note]", "今天下午更换灯泡")
    staff.screenshot(path=str(shots / "06-plan-390.png"), full_page=True)
    _submit(staff, "plan")
    assert Case.objects.get(pk=case.pk).colour == "green"
    staff.locator("#act-finish summary").click()
    staff.fill("#act-finish textarea[name=note]", "已更换灯泡")
    staff.set_input_files("#act-finish input[name=photos]", _photo(tmp_path, "after.jpg", (40, 160, 60)))
    _submit(staff, "finish")
    case.refresh_from_db()
    assert case.status == Status.DONE and case.photos.filter(after=True).count() == 1
    assert "已办结" in staff.inner_text("#case-status")
    staff.screenshot(path=str(shots / "07-done-390.png"), full_page=True)

    # 3. The resident opens the tracking link and rates.
    page.goto(f"{live_server.url}/t/{case.tracking_code}")
    page.screenshot(path=str(shots / "08-track-done-390.png"), full_page=True)
    page.check("input[name=rating][value=satisfied]")
    page.click("button:has-text('提交评价'), form[action$='/rate'] button[type=submit]")
    page.wait_for_load_state()
    case.refresh_from_db()
    assert (case.status, case.rating) == (Status.VISITED, "satisfied")
    page.screenshot(path=str(shots / "09-rated-390.png"), full_page=True)

    # 4. Staff close it.
    staff.reload()
    _submit(staff, "close")
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    staff.screenshot(path=str(shots / "10-closed-390.png"), full_page=True)
    assert list(case.events.values_list("action", flat=True)) == [
        "create", "accept", "dispatch", "arrive", "plan", "finish", "visit", "close"]
    resident.close()
    staff_ctx.close()


def _busy_compound(world):
    """A few requests in different states, one overdue, for the screenshots."""
    staff = world.person("property_x")
    repair, hygiene, parking = (Category.objects.get(code=c) for c in ("repair", "hygiene", "parking"))
    import datetime as dt

    from django.utils import timezone

    old = services.case_create(node=world["X-B1-U1"], category=repair, description="电梯按钮失灵，三楼按不亮",
                               source=Source.PHONE, by=world.person("community_c1"), contact_name="王先生",
                               contact_phone="13800005678", received_at=timezone.now() - dt.timedelta(hours=2))
    services.case_accept(case=old, by=staff)
    services.case_dispatch(case=old, by=staff, to="property")
    planned = services.case_create(node=world["X-B2-U1"], category=hygiene, description="垃圾桶满了，有异味",
                                   source=Source.SNAPSHOT, by=staff)
    services.case_accept(case=planned, by=staff)
    services.case_dispatch(case=planned, by=staff, to="property")
    services.case_plan(case=planned, by=staff, colour="yellow", note="联系环卫公司增加清运次数")
    services.case_create(node=world["X-B1-U1"], category=parking, description="电瓶车堵住消防通道",
                         source=Source.QR, contact_phone="13800009999")
    return old


@pytest.mark.parametrize("width", [390, 1280])
def test_queue_and_detail_look_finished(world, live_server, chromium, artifacts_dir, tmp_path, width):
    old = _busy_compound(world)
    from linli.cases.deadline_sweep import sweep

    sweep()
    ctx = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    browser_login(page, live_server, "community_c1", "pw-community_c1")
    page.goto(f"{live_server.url}/queue/")
    body = page.inner_text("body")
    assert "每日督查" in body and "已超时" in body and _fits(page)
    page.screenshot(path=str(artifacts_dir / f"staff-queue-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/{old.pk}")
    assert "13800005678" in page.inner_text("body") and _fits(page)
    page.screenshot(path=str(artifacts_dir / f"staff-detail-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/notifications/")
    assert _fits(page)
    page.screenshot(path=str(artifacts_dir / f"staff-notifications-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/new")
    assert _fits(page)
    page.screenshot(path=str(artifacts_dir / f"staff-record-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/policies/")
    assert _fits(page)
    page.screenshot(path=str(artifacts_dir / f"staff-policies-{width}.png"), full_page=True)
    bad = tmp_path / "tickets.csv"
    bad.write_text("工单号,受理时间,地点编码,地址,类别,内容,联系人,电话\n"
                   "12345-1,2026-11-01 08:30,X-B1-U1,,repair,楼道灯不亮,张先生,13800000001\n"
                   "12345-2,昨天,X-B1-U1,,飞碟,漏水,,\n", encoding="utf-8")
    page.goto(f"{live_server.url}/cases/import")
    page.set_input_files("input[name=file]", str(bad))
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "共 1 行有错误" in page.inner_text("body") and _fits(page)
    page.screenshot(path=str(artifacts_dir / f"staff-import-errors-{width}.png"), full_page=True)
    ctx.close()
