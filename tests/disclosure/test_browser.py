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
    # A4 pages whose text reads back as the Chinese of the report (Chromium embeds the CJK
    # glyphs as Type 3 outlines with a ToUnicode map; NFKC folds the radicals it maps some to).
    import io
    import unicodedata

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    mm = [float(x) * 25.4 / 72 for x in (box.width, box.height)]
    assert abs(mm[0] - 210) < 1 and abs(mm[1] - 297) < 1, mm  # A4
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))
    assert "收支季报" in text and "物业费收入" in text and "收缴率" in text


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


def test_fund_and_campaign_pages(dworld, live_server, phone, desktop, artifacts_dir):
    from linli.disclosure import funds
    from linli.org import services as org
    from tests.conftest import browser_login

    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["X"], code="X-GG", name="X 小区共管资金", kind="comanaged", by=by,
                          purpose="维修资金由居委会、开发商和银行三方共管。")
    sups = {}
    for name, party, level in (("rc", "residents_committee", 1), ("dev", "developer", 1), ("bank", "bank", 2)):
        sups[name] = org.person_create(username=name, real_name={"rc": "李主任", "dev": "王经理", "bank": "成都银行"}[name],
                                       password="pw-" + name, by=None)
        funds.supervisor_add(fund=f, person=sups[name], party=party, level=level, by=by)
    funds.fund_donate(fund=f, amount=8_000_000, name="开发商", source="employer", by=by)
    funds.fund_donate(fund=f, amount=20_000, anonymous=True, by=by)
    r1 = funds.spend_request(fund=f, amount=350_000, payee="电梯维保公司", purpose="更换电梯光幕",
                             by=dworld.person("committee_x"))
    funds.spend_decide(request=r1, approve=True, note="已比价三家", by=sups["rc"])
    funds.spend_request(fund=f, amount=120_000, payee="照明公司", purpose="地下室照明", by=dworld.person("committee_x"))
    c = funds.campaign_create(fund=f, title="3 栋加装电梯", target=60_000_000,
                              deadline=dt.date.today() + dt.timedelta(days=60), by=by)
    for src, amount, name in (("government", 20_000_000, "街道补贴"), ("employer", 5_000_000, "驻区单位"),
                              ("residents", 12_000_000, "3 栋住户")):
        p = funds.pledge_add(campaign=c, source=src, amount=amount, name=name, by=by)
        funds.pledge_receive(pledge=p, by=by)
    funds.pledge_add(campaign=c, source="donation", amount=50_000, anonymous=True, by=by)
    phone.goto(f"{live_server.url}/funds/X-GG/")
    body = phone.inner_text("body")
    assert "等待二级审批" in body and "已比价三家" in body and "61%" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts_dir / "fund-390.png"), full_page=True)
    phone.goto(f"{live_server.url}/campaigns/{c.pk}/")
    assert "政府补贴" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts_dir / "campaign-390.png"), full_page=True)
    browser_login(desktop, live_server, "bank", "pw-bank")
    desktop.goto(f"{live_server.url}/funds/X-GG/")
    desktop.screenshot(path=str(artifacts_dir / "fund-supervisor-1280.png"), full_page=True)
    desktop.click("button[value=approve]")
    desktop.wait_for_load_state()
    assert "已批准并支付" in desktop.inner_text("body")
