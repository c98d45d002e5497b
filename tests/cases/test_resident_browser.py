"""The resident's side in Debian's Chromium at 390×844: scan, report with a
photo, land on the tracking page; rate a finished request; and the same
without JavaScript. Screenshots go to test-artifacts/."""
from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from linli.cases import services
from linli.cases.models import AssigneeKind, Case, Category, Source, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_bytes(size=(1200, 900)) -> bytes:
    buf = io.BytesIO()
    img = Image.new("RGB", size, (90, 110, 130))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (103.0, 50.0, 1.0)}
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_resident_reports_with_a_photo_and_lands_on_the_tracking_page(world, live_server, phone, artifacts_dir,
                                                                       tmp_path):
    shot = tmp_path / "楼道.jpg"
    shot.write_bytes(jpeg_bytes())
    phone.goto(f"{live_server.url}/q/X-B1-U1")
    body = phone.inner_text("body")
    assert "反映诉求" in body and "X-B1-U1" in body and "查看我的诉求" in body
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "resident-intake-390.png"), full_page=True)

    phone.click("label.choice:has-text('公共设施报修')")
    phone.fill("textarea[name=description]", "3单元3楼楼道灯不亮,晚上上下楼看不见")
    phone.set_input_files("input[name=photos]", str(shot))
    phone.fill("input[name=contact_name]", "王阿姨")
    phone.fill("input[name=contact_phone]", "13912345678")
    phone.click("button[type=submit]")
    phone.wait_for_url("**/t/*")

    case = Case.objects.get()
    assert (case.node, case.source, case.photos.count()) == (world["X-B1-U1"], Source.QR, 1)
    body = phone.inner_text("body")
    assert "已提交，感谢您的反映" in body and case.tracking_code in body
    assert f"/t/{case.tracking_code}" in body and "已收到您的诉求" in body
    assert "13912345678" not in body
    # The photo is shown from the tracking link and really loads.
    # Every photo on the page loads (waits for them on a busy machine; times out, and fails, if one is broken).
    phone.wait_for_function("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)",
                          timeout=15000)  # a function, not a string: the page's CSP forbids eval
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "resident-sent-390.png"), full_page=True)


def test_intake_errors_show_in_chinese_on_a_phone(world, live_server, phone, artifacts_dir):
    phone.goto(f"{live_server.url}/q/X-B1")
    phone.fill("textarea[name=description]", "灯")
    phone.fill("input[name=contact_phone]", "123")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    body = phone.inner_text("body")
    assert "请检查下面标红的内容" in body and "请选择问题类型" in body and "11位手机号" in body
    assert Case.objects.count() == 0
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "resident-intake-errors-390.png"), full_page=True)


def test_report_works_without_javascript(world, live_server, chromium, artifacts_dir):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/q/X-B1-U1/help")
        assert "请邻居帮个忙" in page.inner_text("body")
        page.fill("textarea[name=description]", "周六下午想请人帮忙照看孩子三小时")
        page.click("button[type=submit]")
        page.wait_for_url("**/t/*")
        case = Case.objects.get()
        assert case.kind == "help" and case.category.code == "help"
        assert "您的互助请求已发出" in page.inner_text("body")
        page.screenshot(path=str(artifacts_dir / "resident-help-sent-nojs-390.png"), full_page=True)
    finally:
        context.close()


def _done_case(world):
    staff = world.person("property_x")
    photo = ContentFile(jpeg_bytes((600, 450)), name="before.jpg")
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="3楼楼道灯不亮", source=Source.QR, contact_phone="13912345678",
                                photos=[photo])
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to=AssigneeKind.PROPERTY)
    services.case_plan(case=case, by=staff, colour="green", note="明天上午更换楼道灯泡")
    services.case_progress(case=case, by=staff, note="已买好灯泡,电工明早 9 点上门")
    services.case_finish(case=case, by=staff, note="灯泡已更换,已试亮",
                         photos=[ContentFile(jpeg_bytes((600, 450)), name="after.jpg")])
    return case


def test_resident_rates_a_finished_request_on_a_phone(world, live_server, phone, desktop, artifacts_dir):
    case = _done_case(world)
    phone.goto(f"{live_server.url}/t/{case.tracking_code}")
    body = phone.inner_text("body")
    assert "问题解决了吗" in body and "工作人员已响应" in body and "已派给物业公司" in body
    assert "明天上午更换楼道灯泡" in body and "已办结" in body
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "resident-track-done-390.png"), full_page=True)
    desktop.goto(f"{live_server.url}/t/{case.tracking_code}")
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280
    desktop.screenshot(path=str(artifacts_dir / "resident-track-done-1280.png"), full_page=True)

    phone.click("label.choice:has-text('基本满意')")
    phone.fill("textarea[name=comment]", "师傅很快,谢谢")
    phone.click("button:has-text('提交评价')")
    phone.wait_for_url("**rated=1")
    case.refresh_from_db()
    assert case.status == Status.VISITED and case.rating == "basically"
    assert "感谢您的评价" in phone.inner_text("body")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "resident-track-rated-390.png"), full_page=True)


def test_intake_page_at_desktop_width(world, live_server, desktop, artifacts_dir):
    desktop.goto(f"{live_server.url}/q/X-B1-U1")
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280
    desktop.screenshot(path=str(artifacts_dir / "resident-intake-1280.png"), full_page=True)


def test_with_javascript_photos_are_shrunk_on_the_phone_before_upload(world, live_server, phone, tmp_path):
    """On a slow connection a 5 MB photo is too much: the page's small script
    scales it to 1600 px before sending (the server cleans it again anyway)."""
    import os

    big = Image.frombytes("RGB", (3000, 2000), os.urandom(3000 * 2000 * 3))
    path = tmp_path / "big.jpg"
    big.save(path, format="JPEG", quality=92)
    original = path.stat().st_size
    assert original > 3_000_000
    sizes = []
    phone.on("request", lambda r: sizes.append(len(r.post_data_buffer or b"")) if r.method == "POST" else None)
    phone.goto(f"{live_server.url}/q/X-B1-U1")
    phone.click("label.choice:has-text('环境卫生')")
    phone.fill("textarea[name=description]", "垃圾桶旁边堆了很多装修垃圾")
    phone.set_input_files("input[name=photos]", str(path))
    phone.click("button[type=submit]")
    phone.wait_for_url("**/t/*")
    assert len(sizes) == 1 and sizes[0] < original / 2
    stored = Case.objects.get().photos.get()
    with stored.image.open("rb") as f, Image.open(f) as img:
        assert max(img.size) == 1600
