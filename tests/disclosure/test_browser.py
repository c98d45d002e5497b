"""Report and money pages in Debian's Chromium; screenshots go to test-artifacts/."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.disclosure import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _published(dworld, last_quarter):
    year, q = last_quarter
    start, _ = services.quarter_range(year, q)
    by = dworld.person("property_x")
    for kind, amount, memo in (("fee_received", 1860000, "季度物业费"), ("parking", 125000, "地面临停"),
                               ("advertising", 30000, "电梯广告"), ("cleaning", 420000, "保洁外包"),
                               ("greening", 86000, "草坪修剪"), ("security", 510000, "门岗"),
                               ("management_fee", 150000, "酬金 8%")):
        services.money_entry_create(compound=dworld["X"], kind=kind, date=start + dt.timedelta(days=3), amount=amount,
                                    memo=memo, by=by)
    services.fee_figures_set(compound=dworld["X"], year=year, quarter=q, due=2000000, received=1860000,
                             prepaid=60000, owed=140000, by=by)
    r = services.report_draft(compound=dworld["X"], kind="finance", year=year, quarter=q, by=by)
    services.report_review(report=r, approve=True, by=dworld.person("committee_x"))
    r = services.report_publish(report=r, by=by)
    services.objection_create(report=r, line="cleaning", text="保洁费比上季度高,请说明。", by=dworld.person("owner"))
    return r


def test_published_report_print_view_renders_chinese(dworld, last_quarter, live_server, desktop, artifacts_dir):
    r = _published(dworld, last_quarter)
    desktop.goto(f"{live_server.url}/reports/{r.pk}/print")
    body = desktop.inner_text("body")
    assert "收支季报" in body and "物业费收入" in body and "收缴率" in body and "93.0%" in body
    assert r.chain_head["hash"] in body
    # The CJK glyphs are really drawn by a CJK font (not tofu): a line of Chinese is wider than zero
    # and the font Chromium used for it is a Noto CJK face.
    width = desktop.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
        c.font = '16px "Noto Serif CJK SC", "Noto Sans CJK SC"'; return c.measureText('收支季报').width; }""")
    assert width > 50
    desktop.emulate_media(media="print")
    desktop.screenshot(path=str(artifacts_dir / "disclosure-report-print-1280.png"), full_page=True)
    pdf = desktop.pdf(format="A4")
    (artifacts_dir / "disclosure-report-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")


def test_report_and_money_pages_on_a_phone(dworld, last_quarter, live_server, phone, artifacts_dir):
    r = _published(dworld, last_quarter)
    phone.goto(f"{live_server.url}/reports/{r.pk}/")
    body = phone.inner_text("body")
    assert "保洁费比上季度高" in body and "待答复" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts_dir / "disclosure-report-390.png"), full_page=True)
    phone.goto(f"{live_server.url}/compounds/X/money/")
    assert "保洁外包" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts_dir / "disclosure-money-390.png"), full_page=True)
    phone.goto(f"{live_server.url}/compounds/Y/reports/")
    assert "还没有公布的报告" in phone.inner_text("body")
    phone.screenshot(path=str(artifacts_dir / "disclosure-reports-empty-390.png"), full_page=True)


def test_pages_at_desktop_width(dworld, last_quarter, live_server, desktop, artifacts_dir):
    from tests.conftest import browser_login

    r = _published(dworld, last_quarter)
    browser_login(desktop, live_server, "property_x", "pw-property_x")
    desktop.goto(f"{live_server.url}/compounds/X/money/")
    assert "录入一笔收入或支出" in desktop.inner_text("body")
    desktop.screenshot(path=str(artifacts_dir / "disclosure-money-staff-1280.png"), full_page=True)
    desktop.goto(f"{live_server.url}/reports/{r.pk}/")
    desktop.screenshot(path=str(artifacts_dir / "disclosure-report-1280.png"), full_page=True)
    desktop.goto(f"{live_server.url}/ledger/accounts/X:cash/")
    assert "下载 JSON" in desktop.inner_text("body")
    desktop.screenshot(path=str(artifacts_dir / "ledger-account-1280.png"), full_page=True)
