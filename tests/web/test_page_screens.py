"""The pages of places, accounts, money, reports and funds in Chromium at 390 px
and 1280 px, empty and filled: nothing wider than a phone, every empty state
says what to do next. Screenshots go to test-artifacts/screens/."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.disclosure import funds, services
from linli.org import services as org
from linli.org.models import Role
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, live_server, artifacts_dir, path, name, *, expect=()):
    page.goto(live_server.url + path)
    body = page.inner_text("body")
    for text in expect:
        assert text in body, f"{path}: {text!r} missing"
    width = page.viewport_size["width"]
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    out = artifacts_dir / "screens"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
    return body


def test_empty_pages_say_what_to_do_next(world, live_server, phone, artifacts_dir):
    shoot(phone, live_server, artifacts_dir, "/", "home-anonymous", expect=["工作人员登录", "公开账户", "基金"])
    shoot(phone, live_server, artifacts_dir, "/ledger/", "ledger-index-empty", expect=["还没有公开账户"])
    body = shoot(phone, live_server, artifacts_dir, "/funds/", "funds-empty", expect=["还没有基金"])
    assert "下方" not in body and "社区工作人员或业委会在这里开设基金" in body  # no form below for a visitor
    shoot(phone, live_server, artifacts_dir, "/compounds/X/money/", "money-empty", expect=["还没有收支记录"])
    shoot(phone, live_server, artifacts_dir, "/compounds/X/reports/", "reports-empty", expect=["还没有公布的报告"])
    browser_login(phone, live_server, "property_x", "pw-property_x")
    shoot(phone, live_server, artifacts_dir, "/places/X/import", "import", expect=["导入"])
    shoot(phone, live_server, artifacts_dir, "/compounds/X/money/", "money-staff-empty", expect=["录入一笔收入或支出"])
    shoot(phone, live_server, artifacts_dir, "/compounds/X/reports/", "reports-staff-empty")
    shoot(phone, live_server, artifacts_dir, "/me/", "account")


def test_filled_pages_at_both_widths(world, live_server, phone, desktop, artifacts_dir):
    committee = org.person_create(username="committee_x", real_name="饶女士", password="pw-committee_x", by=None)
    org.role_assign(person=committee, role=Role.OWNERS_COMMITTEE, node=world["X"], by=None)
    staff, by = world.person("property_x"), world.person("community_c1")
    today = timezone.localdate()
    for kind, amount, memo in (("fee_received", 1860000, "季度物业费"), ("parking", 125000, "地面临停"),
                               ("cleaning", 420000, "保洁外包服务费(含垃圾清运)"), ("security", 510000, "门岗")):
        services.money_entry_create(compound=world["X"], kind=kind, date=today, amount=amount, memo=memo, by=staff)
    q = (today.month - 1) // 3 + 1
    services.fee_figures_set(compound=world["X"], year=today.year, quarter=q, due=2000000, received=1860000,
                             prepaid=60000, owed=140000, by=staff)
    services.budget_set(compound=world["X"], year=today.year, kind="cleaning", amount=1500000, by=staff)
    fund = funds.fund_create(node=world["X"], code="X-WJJ", name="X 小区微基金", kind="micro", by=by)
    funds.fund_donate(fund=fund, amount=50_000, name="王阿姨", by=by)
    funds.campaign_create(fund=fund, title="加装电梯", target=600_000, deadline=today + dt.timedelta(days=30), by=by)
    for page in (phone, desktop):
        shoot(page, live_server, artifacts_dir, "/ledger/", "ledger-index", expect=["X 公共资金"])
        shoot(page, live_server, artifacts_dir, "/ledger/accounts/X:cash/", "ledger-account", expect=["下载 JSON"])
        shoot(page, live_server, artifacts_dir, "/compounds/X/money/", "money", expect=["保洁外包服务费", "93.0%"])
        if page is desktop:  # on a phone the column names are drawn by CSS from data-label
            assert "实收" in page.inner_text("body")
        shoot(page, live_server, artifacts_dir, "/funds/", "funds", expect=["X 小区微基金"])
        shoot(page, live_server, artifacts_dir, f"/funds/{fund.code}/", "fund-micro", expect=["王阿姨"])
    browser_login(desktop, live_server, "community_c1", "pw-community_c1")
    shoot(desktop, live_server, artifacts_dir, "/", "home-staff")
    shoot(desktop, live_server, artifacts_dir, "/places/C1/", "community", expect=["X"])
    shoot(desktop, live_server, artifacts_dir, "/funds/X-WJJ/", "fund-manager")
