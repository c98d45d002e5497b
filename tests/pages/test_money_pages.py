"""Item 12 of issue 12: money pages as an owner reads them. Each entry shows
its business date (the recording time second), balances read income and
spending as positive amounts (debit and credit in an accountants' view), the
chain head is explained with a "how to check" page, and a fund's bank
supervisor finds the fund on the start page."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from linli.disclosure import funds, services
from linli.ledger.models import Account
from linli.org import services as org


@pytest.fixture
def books(world):
    by = world.person("property_x")
    fee = services.money_entry_create(compound=world["X"], kind="fee_received", date=dt.date(2026, 7, 3),
                                      amount=18600000, memo="七月物业费", by=by)
    spent = services.money_entry_create(compound=world["X"], kind="facilities", date=dt.date(2026, 7, 20),
                                        amount=350000, memo="更换楼道灯", by=by)
    return fee, spent


def cells(html: str, row_text: str) -> str:
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if row_text in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_an_account_page_shows_each_entry_on_its_business_date(client, books):
    fee, _spent = books
    cash = fee.transaction.legs.get(account__kind="asset").account
    html = client.get(f"/ledger/accounts/{cash.code}/").content.decode()
    recorded = fee.transaction.posted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    assert recorded[:10] != "2026-07-03"
    row = cells(html, "七月物业费")
    assert row.startswith("1 2026-07-03 记账于 " + recorded)
    assert fee.transaction.value_date == dt.date(2026, 7, 3)


def test_the_index_reads_income_and_spending_as_positive(client, world, books):
    html = client.get("/ledger/").content.decode()
    assert "累计收入 186,000.00" in cells(html, "物业费")
    assert "累计支出 3,500.00" in cells(html, "设施设备运行维护")
    assert "-186,000.00" not in html and "<th>借方</th>" not in html
    accounting = client.get("/ledger/?view=accounting").content.decode()
    assert "<th>贷方</th>" in accounting and "<th>借方</th>" in accounting
    row = cells(accounting, "物业费")
    assert row.endswith("186,000.00 1") and "收入" in row  # in the credit column, one entry


def test_an_income_account_page_counts_up_for_the_owner(client, books):
    fee, _spent = books
    income = Account.objects.get(kind="income", node=fee.compound)
    html = client.get(f"/ledger/accounts/{income.code}/").content.decode()
    assert re.search(r'<dt>累计收入</dt><dd id="owner-balance"><strong>186,000.00</strong>', html)
    assert "-186,000.00" not in html
    accounting = client.get(f"/ledger/accounts/{income.code}/?view=accounting").content.decode()
    assert "贷方 186,000.00" in accounting


def test_the_chain_head_is_explained_with_a_page_on_how_to_check(client, books):
    fee, _spent = books
    cash = fee.transaction.legs.get(account__kind="asset").account
    html = client.get(f"/ledger/accounts/{cash.code}/").content.decode()
    help_para = re.search(r'<p class="muted chain-help" id="chain-help">(.*?)</p>', html, re.S).group(1)
    assert "指纹" in help_para and '<a href="/ledger/verify/">如何核对</a>' in help_para
    page = client.get("/ledger/verify/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "什么是账本链头" in text and "linli ledger verify-export" in text and "<title>如何核对公开账本 · 邻里</title>" in text


def test_a_funds_bank_supervisor_finds_the_fund_on_the_start_page(client, world):
    staff = world.person("community_c1")
    fund = funds.fund_create(node=world["X"], code="X-GG", name="X 共管资金", kind="comanaged", by=staff)
    bank = org.person_create(username="bank_x", real_name="成都农商银行", password="pw-bank", by=None)
    funds.supervisor_add(fund=fund, person=bank, party="bank", level=2, by=staff)
    client.force_login(bank)
    html = client.get("/").content.decode()
    assert "您还没有任何角色" not in html and "还没有任何角色" not in html
    assert re.search(r'<span class="tag">基金监管方（银行，第 2 级审批）</span> <a href="/funds/X-GG/">X 共管资金</a>', html)
