"""Compound money: entries posted to the public ledger, imports, corrections, budget, fees, vouchers."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.disclosure import selectors, services
from linli.disclosure.models import Budget, MoneyEntry
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger.models import Account, Transaction
from linli.ledger.selectors import verify_all
from linli.tabular import ImportRejected

D = dt.date(2025, 2, 10)


def cash(world):
    return Account.objects.get(code="X:cash")


def test_income_and_expense_post_to_the_public_ledger(dworld):
    by = dworld.person("property_x")
    services.money_entry_create(compound=dworld["X"], kind="fee_received", date=D, amount=500000, memo="1月物业费", by=by)
    services.money_entry_create(compound=dworld["X"], kind="cleaning", date=D, amount=120050, by=by)
    c = cash(dworld)
    assert c.balance == 379950 and c.is_public and c.no_negative
    assert Account.objects.get(code="X:expense:cleaning").balance == 120050
    assert Account.objects.get(code="X:income:fee_received").balance == -500000
    assert verify_all() == []


@pytest.mark.parametrize("text, fen", [("1234.5", 123450), ("1,000", 100000), ("0.01", 1), ("¥12.30", 1230),
                                       # as a Chinese keyboard types them
                                       ("１２３４．５", 123450), ("１，０００元", 100000), ("￥12.30", 1230)])
def test_parse_amount(text, fen):
    assert services.parse_amount(text) == fen


@pytest.mark.parametrize("text", ["", "-5", "1.234", "abc", "0", "1e5", "12.3.4",
                                  # digits Python reads but nobody means as money here
                                  "١٢٣", "1_000", "²", "①"])
def test_bad_amounts_are_refused_in_chinese(text):
    with pytest.raises(InvalidInput) as err:
        services.parse_amount(text)
    assert "金额" in str(err.value.message)


def test_expense_beyond_the_cash_is_refused_and_writes_nothing(dworld):
    with pytest.raises(DomainError) as err:
        services.money_entry_create(compound=dworld["X"], kind="staff", date=D, amount=100, by=dworld.person("property_x"))
    assert err.value.code == "ledger.overdraft" and "不足" in str(err.value.message)
    assert MoneyEntry.objects.count() == 0 and Transaction.objects.count() == 0


def test_future_date_and_wrong_place_refused(dworld):
    by = dworld.person("property_x")
    with pytest.raises(InvalidInput):
        services.money_entry_create(compound=dworld["X"], kind="parking", date=dt.date.today() + dt.timedelta(days=2),
                                    amount=100, by=by)
    with pytest.raises(InvalidInput):
        services.money_entry_create(compound=dworld["X-B1"], kind="parking", date=D, amount=100, by=by)


def test_correction_is_a_reversal(dworld):
    by = dworld.person("property_x")
    e = services.money_entry_create(compound=dworld["X"], kind="parking", date=D, amount=8000, by=by)
    fix = services.money_entry_correct(entry=e, reason="重复录入", by=by)
    assert fix.amount == -8000 and fix.transaction.reverses_id == e.transaction_id
    assert cash(dworld).balance == 0
    with pytest.raises(DomainError):
        services.money_entry_correct(entry=e, reason="again", by=by)
    assert MoneyEntry.objects.count() == 2


CSV_OK = "日期,类别,金额(元),摘要\n2025-01-05,停车收入,1200.00,1月停车\n2025-01-06,fee_received,30000,物业费\n2025-01-20,保洁,800.5,\n"
CSV_BAD = "日期,类别,金额(元),摘要\n2025-01-05,停车收入,1200.00,\n2025-13-01,停车收入,10,\n2025-01-07,飞船,-3,\n"


def test_import_all_rows(dworld):
    entries = services.money_import(compound=dworld["X"], data=CSV_OK.encode(), filename="a.csv",
                                    by=dworld.person("property_x"))
    assert [e.kind for e in entries] == ["parking", "fee_received", "cleaning"]
    assert cash(dworld).balance == 120000 + 3000000 - 80050
    with pytest.raises(DomainError) as err:
        services.money_import(compound=dworld["X"], data=CSV_OK.encode(), filename="a.csv", by=dworld.person("property_x"))
    assert err.value.code == "disclosure.import_again"


def test_import_reads_headers_written_with_full_width_brackets(dworld):
    # The pages show the header as "金额（元）"; a spreadsheet typed from them imports too.
    entries = services.money_import(compound=dworld["X"], data=CSV_OK.replace("金额(元)", "金额（元）").encode(),
                                    filename="a.csv", by=dworld.person("property_x"))
    assert [e.kind for e in entries] == ["parking", "fee_received", "cleaning"]


def test_import_with_bad_rows_writes_nothing_and_lists_every_row(dworld):
    with pytest.raises(ImportRejected) as err:
        services.money_import(compound=dworld["X"], data=CSV_BAD.encode(), filename="a.csv",
                              by=dworld.person("property_x"))
    rows = {(e["row"], e["column"]) for e in err.value.details}
    assert rows == {(3, "date"), (4, "kind"), (4, "amount")}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in err.value.details)
    assert MoneyEntry.objects.count() == 0 and Transaction.objects.count() == 0


def test_import_overdraft_in_a_late_row_undoes_the_earlier_rows(dworld):
    data = "日期,类别,金额,摘要\n2025-01-05,停车收入,100,\n2025-01-06,保安,500,\n".encode()
    with pytest.raises(ImportRejected) as err:
        services.money_import(compound=dworld["X"], data=data, filename="a.csv", by=dworld.person("property_x"))
    assert err.value.details[0]["row"] == 3
    assert MoneyEntry.objects.count() == 0 and not Transaction.objects.exists()


def test_import_xlsx(dworld):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "类别", "金额(元)", "摘要"])
    ws.append(["2025-03-01", "广告收入", 2500, "电梯广告"])
    buf = io.BytesIO()
    wb.save(buf)
    entries = services.money_import(compound=dworld["X"], data=buf.getvalue(), filename="a.xlsx",
                                    by=dworld.person("property_x"))
    assert entries[0].kind == "advertising" and entries[0].amount == 250000


def test_budget_vs_actual_and_collection_rate(dworld):
    by = dworld.person("property_x")
    services.money_entry_create(compound=dworld["X"], kind="fee_received", date=D, amount=900000, by=by)
    services.money_entry_create(compound=dworld["X"], kind="greening", date=D, amount=60000, by=by)
    services.budget_set(compound=dworld["X"], year=2025, kind="greening", amount=50000, by=dworld.person("committee_x"))
    rows = {r["kind"]: r for r in selectors.budget_vs_actual(dworld["X"], 2025)}
    assert rows["greening"]["pct"] == 120 and rows["greening"]["over"]
    assert rows["fee_received"]["budget"] is None
    fig = services.fee_figures_set(compound=dworld["X"], year=2025, quarter=1, due=1000000, received=900000,
                                   prepaid=10000, owed=100000, by=by)
    assert fig.collection_rate == "90.0"
    with pytest.raises(InvalidInput):
        services.fee_figures_set(compound=dworld["X"], year=2025, quarter=5, due=1, received=1, prepaid=0, owed=0, by=by)


def test_money_page_forms_and_voucher(dworld, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dworld.person("property_x"))
    page = client.get("/compounds/X/money/")
    assert page.status_code == 200 and "导入" in page.content.decode()
    r = client.post("/compounds/X/money/entries", {"kind": "parking", "date": "2025-02-01", "amount": "88.80",
                                                   "memo": "临停", "voucher": SimpleUploadedFile("收据.pdf", b"%PDF-1.4 x")})
    assert r.status_code == 302
    e = MoneyEntry.objects.get()
    assert e.amount == 8880 and e.voucher
    client.logout()
    assert client.get(f"/money/entries/{e.pk}/voucher").status_code == 200
    public = client.get("/compounds/X/money/?year=2025").content.decode()
    assert "88.80" in public and "临停" in public and "导入" not in public


def test_money_form_bad_input_shows_chinese_message(dworld, client):
    client.force_login(dworld.person("property_x"))
    r = client.post("/compounds/X/money/entries", {"kind": "parking", "date": "2025-02-01", "amount": "-1"},
                    follow=True)
    assert "金额" in r.content.decode() and not MoneyEntry.objects.exists()
    r = client.post("/compounds/X/money/entries", {"kind": "staff", "date": "2025-02-01", "amount": "10"}, follow=True)
    assert "余额不足" in r.content.decode()


def test_import_page_shows_row_errors(dworld, client):
    client.force_login(dworld.person("property_x"))
    r = client.post("/compounds/X/money/import", {"file": SimpleUploadedFile("a.csv", CSV_BAD.encode())})
    assert r.status_code == 422 and "飞船" in r.content.decode()
    assert not MoneyEntry.objects.exists()


def test_money_export_csv(dworld, client):
    services.money_import(compound=dworld["X"], data=CSV_OK.encode(), filename="a.csv", by=dworld.person("property_x"))
    text = client.get("/compounds/X/money/export.csv").content.decode("utf-8-sig")
    assert "停车" in text and "-800.50" in text


ENTER = [("anonymous", False), ("resident", False), ("owner", False), ("committee_x", False), ("property_z", False),
         ("community_c1", False), ("property_x", True), ("admin", True)]


@pytest.mark.parametrize("who, allowed", ENTER)
def test_permission_money_enter(dworld, who, allowed):
    p = dworld.person(who)
    call = lambda: services.money_entry_create(compound=dworld["X"], kind="parking", date=D, amount=100, by=p)  # noqa: E731
    if allowed:
        call()
    else:
        with pytest.raises(NotAllowed):
            call()
    imp = lambda: services.money_import(compound=dworld["X"], data=CSV_OK.encode(), filename="b.csv", by=p)  # noqa: E731
    if not allowed:
        with pytest.raises(NotAllowed):
            imp()


@pytest.mark.parametrize("who, allowed", [("anonymous", False), ("owner", False), ("property_z", False),
                                          ("committee_z", False), ("committee_x", True), ("property_x", True)])
def test_permission_budget_edit(dworld, who, allowed):
    call = lambda: services.budget_set(compound=dworld["X"], year=2025, kind="staff", amount=1, by=dworld.person(who))  # noqa: E731
    if allowed:
        call()
        assert Budget.objects.count() == 1
    else:
        with pytest.raises(NotAllowed):
            call()


@pytest.mark.parametrize("who, status", [("anonymous", 403), ("owner", 403), ("property_z", 403), ("property_x", 302)])
def test_permission_money_enter_over_http(dworld, client, who, status):
    if dworld.person(who):
        client.force_login(dworld.person(who))
    r = client.post("/compounds/X/money/entries", {"kind": "parking", "date": "2025-02-01", "amount": "1"})
    assert r.status_code == status
    assert MoneyEntry.objects.exists() == (status == 302)
    assert client.get("/compounds/X/money/").status_code == 200  # public page


def test_sending_the_entry_form_twice_records_once(dworld, client):
    client.force_login(dworld.person("property_x"))
    page = client.get("/compounds/X/money/").content.decode()
    import re

    key = re.search(r'name="key" value="([0-9a-f]{32})"', page).group(1)
    form = {"kind": "parking", "date": "2025-02-01", "amount": "10", "key": key}
    client.post("/compounds/X/money/entries", form)
    client.post("/compounds/X/money/entries", form)
    assert MoneyEntry.objects.count() == 1
    r = client.post("/compounds/X/money/entries", {**form, "amount": "11"}, follow=True)
    assert "请求编号已用于另一笔不同的请求" in r.content.decode() and MoneyEntry.objects.count() == 1


def test_form_labels_carry_no_colon(dworld, client):
    import re

    client.force_login(dworld.person("property_x"))
    for url in ("/compounds/X/money/", "/compounds/X/reports/", "/places/X/import", "/me/"):
        html = client.get(url).content.decode()
        assert "<label" in html and not re.search(r"[:：]\s*</label>", html), url
