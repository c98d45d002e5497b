"""The JSON API twins of the disclosure pages (/api/v1/disclosure/...): money,
quarterly reports, funds and crowdfunding. Each calls the same service as the
page; these tests check what changed, who may, and that bad input changes nothing."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.disclosure import funds, services
from linli.disclosure.models import (
    Approval,
    Budget,
    CrowdfundingCampaign,
    DisclosureEvent,
    Donation,
    FeeFigures,
    Fund,
    MoneyEntry,
    Objection,
    Pledge,
    Report,
    SpendingRequest,
    Supervisor,
)
from linli.ledger.models import Account, Transaction
from linli.org import services as org

API = "/api/v1/disclosure"
D = "2025-02-10"


@pytest.fixture
def client(api_client):
    # API calls as a browser or an integration sends them: CSRF enforced (tests/security/test_csrf.py).
    return api_client


def auth(world, who):
    if who == "anonymous":
        return {}
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, world, who, path, body=None):
    return client.post(API + path, data=json.dumps(body or {}), content_type="application/json", **auth(world, who))


def upload(client, world, who, path, name, content):
    return client.post(API + path, {"file": SimpleUploadedFile(name, content)}, **auth(world, who))


def balance(code):
    return Account.objects.get(code=code).balance


def entry(world, kind="fee_received", amount=500000, by="property_x"):
    return services.money_entry_create(compound=world["X"], kind=kind, date=dt.date(2025, 2, 10), amount=amount,
                                       by=world.person(by))


# ---------------------------------------------------------------------------
# Money


def test_entries_post_to_the_ledger_and_the_money_figures_show_them(dworld, client):
    r = post(client, dworld, "property_x", "/compounds/X/money/entries",
             {"kind": "fee_received", "date": D, "amount": 500000, "memo": "1月物业费"})
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == 500000 and r.json()["income"] is True
    r = post(client, dworld, "property_x", "/compounds/X/money/entries",
             {"kind": "cleaning", "date": D, "amount": 120050})
    assert r.status_code == 201
    assert balance("X:cash") == 379950 and balance("X:expense:cleaning") == 120050
    money = client.get(API + "/compounds/X/money?year=2025").json()  # public
    assert money["balance"] == 379950 and money["cash_balance"] == 379950
    assert money["totals"] == {"fee_received": 500000, "cleaning": 120050}
    assert sorted(e["kind"] for e in money["entries"]) == ["cleaning", "fee_received"]
    assert client.get(API + "/compounds/NOPE/money").status_code == 404


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("resident", 403), ("owner", 403),
                                         ("property_z", 403), ("community_c1", 403), ("property_x", 201)])
def test_who_may_record_money(dworld, client, who, status):
    r = post(client, dworld, who, "/compounds/X/money/entries", {"kind": "parking", "date": D, "amount": 8000})
    assert r.status_code == status, r.content
    assert MoneyEntry.objects.count() == (1 if status == 201 else 0)
    if status != 201:
        assert set(r.json()) >= {"code", "message"}


@pytest.mark.parametrize("body", [
    {"kind": "parking", "date": D, "amount": 12.5},
    {"kind": "parking", "date": D, "amount": "1200"},
    {"kind": "parking", "date": D, "amount": 0},
    {"kind": "parking", "date": D, "amount": 10**20},
    {"kind": "spaceship", "date": D, "amount": 100},
    {"kind": "parking", "date": "2025-13-01", "amount": 100},
    {"kind": "parking", "date": "0001-01-01", "amount": 100},
    {"kind": "parking", "date": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "amount": 100},
    {"kind": "parking", "date": D, "amount": 100, "memo": "a\x00b"},
])
def test_bad_entries_are_422_and_write_nothing(dworld, client, body):
    r = post(client, dworld, "property_x", "/compounds/X/money/entries", body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] and r.json()["message"]
    assert MoneyEntry.objects.count() == 0 and Transaction.objects.count() == 0


def test_overdraft_is_refused_in_chinese_and_writes_nothing(dworld, client):
    r = post(client, dworld, "property_x", "/compounds/X/money/entries", {"kind": "staff", "date": D, "amount": 100})
    assert r.status_code == 409 and r.json()["code"] == "ledger.overdraft" and "不足" in r.json()["message"]
    assert MoneyEntry.objects.count() == 0


def test_the_same_client_token_records_once(dworld, client):
    body = {"kind": "parking", "date": D, "amount": 8000, "client_token": "abc-1"}
    first = post(client, dworld, "property_x", "/compounds/X/money/entries", body)
    again = post(client, dworld, "property_x", "/compounds/X/money/entries", body)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert MoneyEntry.objects.count() == 1 and balance("X:cash") == 8000


def test_correction_reverses_once(dworld, client):
    e = entry(dworld, "parking", 8000)
    assert post(client, dworld, "property_x", f"/money/entries/{e.pk}/correct", {"reason": ""}).status_code == 422
    assert post(client, dworld, "property_z", f"/money/entries/{e.pk}/correct", {"reason": "重复"}).status_code == 403
    r = post(client, dworld, "property_x", f"/money/entries/{e.pk}/correct", {"reason": "重复录入"})
    assert r.status_code == 201 and r.json()["amount"] == -8000 and r.json()["corrects"] == e.pk
    assert balance("X:cash") == 0
    again = post(client, dworld, "property_x", f"/money/entries/{e.pk}/correct", {"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "disclosure.corrected"
    assert MoneyEntry.objects.count() == 2
    assert post(client, dworld, "property_x", "/money/entries/999999/correct", {"reason": "x"}).status_code == 404


def test_voucher_is_attached_once(dworld, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    e = entry(dworld, "parking", 8000)
    bad = upload(client, dworld, "property_x", f"/money/entries/{e.pk}/voucher", "x.exe", b"MZ")
    assert bad.status_code == 422 and bad.json()["code"] == "disclosure.voucher"
    assert upload(client, dworld, "resident", f"/money/entries/{e.pk}/voucher", "收据.pdf", b"%PDF").status_code == 403
    r = upload(client, dworld, "property_x", f"/money/entries/{e.pk}/voucher", "收据.pdf", b"%PDF-1.4 x")
    assert r.status_code == 200 and r.json()["voucher"] == f"/money/entries/{e.pk}/voucher"
    e.refresh_from_db()
    assert e.voucher
    again = upload(client, dworld, "property_x", f"/money/entries/{e.pk}/voucher", "b.pdf", b"%PDF")
    assert again.status_code == 409 and again.json()["code"] == "disclosure.voucher_exists"
    assert client.get(r.json()["voucher"]).status_code == 200


CSV_OK = "日期,类别,金额(元),摘要\n2025-01-05,停车收入,1200.00,1月停车\n2025-01-06,fee_received,30000,物业费\n2025-01-20,保洁,800.5,\n"
CSV_BAD = "日期,类别,金额(元),摘要\n2025-01-05,停车收入,1200.00,\n2025-13-01,停车收入,10,\n2025-01-07,飞船,-3,\n"


def test_import_is_all_or_nothing(dworld, client):
    bad = upload(client, dworld, "property_x", "/compounds/X/money/import", "bad.csv", CSV_BAD.encode())
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "import.rejected" and "2" in body["message"]
    assert sorted({d["row"] for d in body["details"]}) == [3, 4]
    assert {(d["row"], d["column"]) for d in body["details"]} >= {(3, "date"), (4, "kind"), (4, "amount")}
    assert MoneyEntry.objects.count() == 0 and Transaction.objects.count() == 0

    assert upload(client, dworld, "resident", "/compounds/X/money/import", "a.csv", CSV_OK.encode()).status_code == 403
    ok = upload(client, dworld, "property_x", "/compounds/X/money/import", "a.csv", CSV_OK.encode())
    assert ok.status_code == 201 and ok.json()["imported"] == 3
    assert balance("X:cash") == 120000 + 3000000 - 80050
    again = upload(client, dworld, "property_x", "/compounds/X/money/import", "a.csv", CSV_OK.encode())
    assert again.status_code == 409 and again.json()["code"] == "disclosure.import_again"
    assert MoneyEntry.objects.count() == 3


def test_import_overdraft_row_undoes_every_row(dworld, client):
    csv = "日期,类别,金额(元)\n2025-01-05,停车收入,10\n2025-01-06,保洁,50\n"
    r = upload(client, dworld, "property_x", "/compounds/X/money/import", "o.csv", csv.encode())
    assert r.status_code == 422 and [d["row"] for d in r.json()["details"]] == [3]
    assert MoneyEntry.objects.count() == 0 and not Account.objects.filter(code="X:cash", balance__gt=0).exists()


def test_import_refuses_unreadable_files(dworld, client):
    r = upload(client, dworld, "property_x", "/compounds/X/money/import", "a.doc", b"\x00\x01")
    assert r.status_code == 422 and r.json()["code"] == "import.type"
    r = client.post(API + "/compounds/X/money/import", {}, **auth(dworld, "property_x"))
    assert r.status_code == 422
    assert MoneyEntry.objects.count() == 0


def test_fee_figures_and_budget(dworld, client):
    r = post(client, dworld, "property_x", "/compounds/X/money/fees",
             {"year": 2025, "quarter": 1, "due": 1000000, "received": 900000, "owed": 100000})
    assert r.status_code == 200 and r.json()["rate"] == "90.0"
    fig = FeeFigures.objects.get(compound=dworld["X"], year=2025, quarter=1)
    assert (fig.due, fig.received, fig.prepaid, fig.owed) == (1000000, 900000, 0, 100000)
    for body in ({"year": 2025, "quarter": 5, "due": 1, "received": 1},
                 {"year": 2025, "quarter": 2, "due": -1, "received": 1},
                 {"year": 99999, "quarter": 2, "due": 1, "received": 1}):
        assert post(client, dworld, "property_x", "/compounds/X/money/fees", body).status_code == 422
    assert FeeFigures.objects.count() == 1

    for who, status in (("anonymous", 401), ("resident", 403), ("committee_z", 403), ("committee_x", 200)):
        r = post(client, dworld, who, "/compounds/X/money/budget", {"year": 2025, "kind": "cleaning", "amount": 500000})
        assert r.status_code == status, (who, r.content)
    assert Budget.objects.get().amount == 500000
    assert post(client, dworld, "committee_x", "/compounds/X/money/budget",
                {"year": 2025, "kind": "nope", "amount": 1}).status_code == 422
    money = client.get(API + "/compounds/X/money?year=2025").json()
    assert money["fees"][0]["received"] == 900000
    assert money["budget"] == [{"kind": "cleaning", "income": False, "budget": 500000, "actual": 0, "pct": 0,
                                "over": False}]
    assert DisclosureEvent.objects.filter(kind__in=["fees.set", "budget.set"]).count() == 2


# ---------------------------------------------------------------------------
# Quarterly reports


@pytest.fixture
def quarter_money(dworld, last_quarter):
    year, q = last_quarter
    start, _end = services.quarter_range(year, q)
    by = dworld.person("property_x")
    services.money_entry_create(compound=dworld["X"], kind="fee_received", date=start, amount=900000, by=by)
    services.money_entry_create(compound=dworld["X"], kind="cleaning", date=start, amount=200000, by=by)
    return year, q


def test_report_from_draft_to_published_to_corrected(dworld, client, quarter_money):
    year, q = quarter_money
    r = post(client, dworld, "property_x", "/compounds/X/reports", {"kind": "finance", "year": year, "quarter": q})
    assert r.status_code == 201 and r.json()["state"] == "draft", r.content
    pk = r.json()["id"]
    lines = {ln["key"]: ln["value"] for ln in r.json()["data"]["lines"]}
    assert lines["fee_received"] == 900000 and lines["cleaning"] == 200000
    dup = post(client, dworld, "property_x", "/compounds/X/reports", {"kind": "finance", "year": year, "quarter": q})
    assert dup.status_code == 409 and dup.json()["code"] == "disclosure.report_exists"
    early = post(client, dworld, "property_x", f"/reports/{pk}/publish")
    assert early.status_code == 409 and early.json()["code"] == "disclosure.not_reviewed"

    back = post(client, dworld, "committee_x", f"/reports/{pk}/review", {"decision": "send_back"})
    assert back.status_code == 422 and back.json()["code"] == "disclosure.note"
    back = post(client, dworld, "committee_x", f"/reports/{pk}/review", {"decision": "send_back", "note": "补充说明"})
    assert back.status_code == 200 and back.json()["state"] == "draft" and back.json()["review_note"] == "补充说明"
    ok = post(client, dworld, "committee_x", f"/reports/{pk}/review", {"decision": "approve"})
    assert ok.status_code == 200 and ok.json()["state"] == "reviewed"
    assert post(client, dworld, "committee_x", f"/reports/{pk}/review", {"decision": "approve"}).status_code == 409

    pub = post(client, dworld, "property_x", f"/reports/{pk}/publish")
    assert pub.status_code == 200 and pub.json()["state"] == "published"
    assert pub.json()["chain_head"]["hash"] == Account.objects.get(code="X:cash").head_hash
    again = post(client, dworld, "property_x", f"/reports/{pk}/publish")
    assert again.status_code == 409 and again.json()["code"] == "disclosure.published"
    assert client.get(f"{API}/reports/{pk}").json()["state"] == "published"  # public now

    assert post(client, dworld, "property_x", f"/reports/{pk}/correct", {"reason": ""}).status_code == 422
    new = post(client, dworld, "property_x", f"/reports/{pk}/correct", {"reason": "保洁费录错"})
    assert new.status_code == 201 and new.json()["version"] == 2 and new.json()["previous"] == pk
    assert new.json()["state"] == "draft" and new.json()["correction_reason"] == "保洁费录错"
    twice = post(client, dworld, "property_x", f"/reports/{pk}/correct", {"reason": "again"})
    assert twice.status_code == 409 and twice.json()["code"] == "disclosure.has_next"
    assert Report.objects.count() == 2 and Report.objects.get(pk=pk).state == "published"


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("resident", 403), ("property_z", 403),
                                         ("committee_x", 403), ("property_x", 201)])
def test_who_may_draft_a_report(dworld, client, who, status):
    r = post(client, dworld, who, "/compounds/X/reports", {"kind": "service", "year": 2025, "quarter": 1})
    assert r.status_code == status, r.content
    assert Report.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize("body", [{"kind": "finance", "year": 2025, "quarter": 5},
                                  {"kind": "finance", "year": 1999, "quarter": 1},
                                  {"kind": "finance", "year": 2**63, "quarter": 1},
                                  {"kind": "poem", "year": 2025, "quarter": 1},
                                  {"kind": "finance", "year": "2025", "quarter": 1}])
def test_bad_drafts_are_422(dworld, client, body):
    r = post(client, dworld, "property_x", "/compounds/X/reports", body)
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert Report.objects.count() == 0


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("resident", 404), ("property_z", 404),
                                         ("committee_x", 403), ("property_x", 200)])
def test_who_may_publish(dworld, client, who, status):
    r = services.report_draft(compound=dworld["X"], kind="service", year=2025, quarter=1, by=dworld.person("property_x"))
    services.report_review(report=r, approve=True, by=dworld.person("committee_x"))
    resp = post(client, dworld, who, f"/reports/{r.pk}/publish")
    assert resp.status_code == status, resp.content
    r.refresh_from_db()
    assert r.state == ("published" if status == 200 else "reviewed")


def test_works_go_into_a_service_draft(dworld, client):
    service = services.report_draft(compound=dworld["X"], kind="service", year=2025, quarter=1,
                                    by=dworld.person("property_x"))
    finance = services.report_draft(compound=dworld["X"], kind="finance", year=2025, quarter=1,
                                    by=dworld.person("property_x"))
    body = {"title": "安装人脸识别门禁", "date": "2025-02-01", "note": "一期东门"}
    r = post(client, dworld, "property_x", f"/reports/{service.pk}/works", body)
    assert r.status_code == 200 and r.json()["works"] == [{"title": "安装人脸识别门禁", "date": "2025-02-01",
                                                             "note": "一期东门"}]
    assert post(client, dworld, "property_x", f"/reports/{finance.pk}/works", body).status_code == 422
    assert post(client, dworld, "property_x", f"/reports/{service.pk}/works", {"title": "x" * 201}).status_code == 422
    assert post(client, dworld, "property_z", f"/reports/{service.pk}/works", body).status_code == 404
    assert post(client, dworld, "committee_x", f"/reports/{service.pk}/works", body).status_code == 403
    assert client.get(f"{API}/reports/{service.pk}").status_code == 404  # a draft is not public
    service.refresh_from_db()
    assert len(service.works) == 1


def test_objections_and_answers(dworld, client, quarter_money):
    year, q = quarter_money
    r = services.report_draft(compound=dworld["X"], kind="finance", year=year, quarter=q, by=dworld.person("property_x"))
    services.report_review(report=r, approve=True, by=dworld.person("committee_x"))
    early = post(client, dworld, "owner", f"/reports/{r.pk}/objections", {"line": "cleaning", "text": "保洁费偏高"})
    assert early.status_code == 404  # an owner does not see a report before it is published
    services.report_publish(report=r, by=dworld.person("property_x"))

    for who, status in (("anonymous", 401), ("resident", 403), ("property_x", 403)):
        resp = post(client, dworld, who, f"/reports/{r.pk}/objections", {"line": "cleaning", "text": "保洁费偏高"})
        assert resp.status_code == status, (who, resp.content)
    bad = post(client, dworld, "owner", f"/reports/{r.pk}/objections", {"line": "nope", "text": "?"})
    assert bad.status_code == 422 and bad.json()["code"] == "disclosure.line"
    assert Objection.objects.count() == 0
    obj = post(client, dworld, "owner", f"/reports/{r.pk}/objections", {"line": "cleaning", "text": "保洁费偏高"})
    assert obj.status_code == 201 and obj.json()["answer"] is None and obj.json()["line"] == "cleaning"
    oid = obj.json()["id"]

    assert post(client, dworld, "owner", f"/objections/{oid}/answer", {"answer": "好"}).status_code == 403
    assert post(client, dworld, "property_z", f"/objections/{oid}/answer", {"answer": "好"}).status_code == 403
    assert post(client, dworld, "property_x", f"/objections/{oid}/answer", {"answer": ""}).status_code == 422
    ans = post(client, dworld, "property_x", f"/objections/{oid}/answer", {"answer": "含外墙清洗,见凭证"})
    assert ans.status_code == 200 and ans.json()["answer"] == "含外墙清洗,见凭证" and ans.json()["answered_at"]
    again = post(client, dworld, "property_x", f"/objections/{oid}/answer", {"answer": "再答"})
    assert again.status_code == 409 and again.json()["code"] == "disclosure.answered"
    assert Objection.objects.get().answer == "含外墙清洗,见凭证"
    public = client.get(f"{API}/reports/{r.pk}").json()
    assert public["objections"][0]["answer"] == "含外墙清洗,见凭证"
    assert post(client, dworld, "property_x", "/objections/999999/answer", {"answer": "x"}).status_code == 404


# ---------------------------------------------------------------------------
# Funds and crowdfunding


def _person(world, name):
    world.people[name] = org.person_create(username=name, real_name=name, password="pw", by=None)
    return world.people[name]


@pytest.fixture
def fund(dworld):
    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["X"], code="X-GG", name="X 小区共管资金", kind="comanaged", approval_days=7, by=by)
    for name, party, level in (("rc", "residents_committee", 1), ("dev", "developer", 1), ("bank", "bank", 2)):
        funds.supervisor_add(fund=f, person=_person(dworld, name), party=party, level=level, by=by)
    funds.fund_donate(fund=f, amount=10_000_000, name="开发商维修资金", source="employer", by=by)
    return f


def test_fund_is_created_and_supervisors_named(dworld, client):
    body = {"place": "X", "code": "X-MF", "name": "X 微基金", "kind": "micro"}
    for who, status in (("anonymous", 401), ("resident", 403), ("community_c2", 403)):
        assert post(client, dworld, who, "/funds", body).status_code == status
    assert post(client, dworld, "community_c1", "/funds", dict(body, place="NOPE")).status_code == 422
    assert post(client, dworld, "community_c1", "/funds", dict(body, approval_days=0)).status_code == 422
    assert Fund.objects.count() == 0
    r = post(client, dworld, "community_c1", "/funds", body)
    assert r.status_code == 201 and r.json()["account"] == "fund:X-MF" and r.json()["balance"] == 0
    taken = post(client, dworld, "community_c1", "/funds", body)
    assert taken.status_code == 422 and taken.json()["code"] == "fund.code_taken"

    _person(dworld, "rc")
    sup = {"username": "rc", "party": "residents_committee", "level": 1}
    assert post(client, dworld, "community_c2", "/funds/X-MF/supervisors", sup).status_code == 403
    assert post(client, dworld, "community_c1", "/funds/X-MF/supervisors", dict(sup, level=3)).status_code == 422
    assert post(client, dworld, "community_c1", "/funds/X-MF/supervisors", dict(sup, username="nobody")).status_code == 422
    assert post(client, dworld, "community_c1", "/funds/NOPE/supervisors", sup).status_code == 404
    r = post(client, dworld, "community_c1", "/funds/X-MF/supervisors", sup)
    assert r.status_code == 201 and r.json() == {"fund": "X-MF", "username": "rc", "party": "residents_committee",
                                                 "level": 1}
    assert list(Supervisor.objects.values_list("person__username", "level")) == [("rc", 1)]


def test_donations_reach_the_fund_account(dworld, client, fund):
    body = {"amount": 50000, "name": "张三", "source": "donation", "client_token": "d-1"}
    for who, status in (("anonymous", 401), ("resident", 403), ("community_c2", 403), ("property_x", 403)):
        assert post(client, dworld, who, "/funds/X-GG/donations", body).status_code == status
    for bad in ({"amount": 0}, {"amount": 1.5}, {"amount": 10**14}, {"source": "theft"}, {"name": ""}):
        assert post(client, dworld, "community_c1", "/funds/X-GG/donations", dict(body, **bad)).status_code == 422
    assert Donation.objects.count() == 1 and balance("fund:X-GG") == 10_000_000
    r = post(client, dworld, "community_c1", "/funds/X-GG/donations", body)
    assert r.status_code == 201 and r.json()["balance"] == 10_050_000 and r.json()["name"] == "张三"
    assert post(client, dworld, "community_c1", "/funds/X-GG/donations", body).json()["id"] == r.json()["id"]
    anon = post(client, dworld, "committee_x", "/funds/X-GG/donations", {"amount": 100, "anonymous": True})
    assert anon.status_code == 201 and anon.json()["anonymous"] is True
    assert Donation.objects.count() == 3 and balance("fund:X-GG") == 10_050_100


def test_spending_is_decided_in_two_levels(dworld, client, fund):
    body = {"amount": 300_000, "payee": "电梯公司", "purpose": "更换光幕"}
    for who, status in (("anonymous", 401), ("resident", 403), ("property_z", 403)):
        assert post(client, dworld, who, "/funds/X-GG/requests", body).status_code == status
    assert post(client, dworld, "committee_x", "/funds/X-GG/requests", dict(body, payee="")).status_code == 422
    assert SpendingRequest.objects.count() == 0
    r = post(client, dworld, "committee_x", "/funds/X-GG/requests", body)
    assert r.status_code == 201 and r.json()["state"] == "waiting1"
    pk = r.json()["id"]
    assert Account.objects.get(code="fund:X-GG").available == 10_000_000 - 300_000

    for who, status in (("anonymous", 401), ("resident", 403), ("bank", 403), ("community_c1", 403)):
        resp = post(client, dworld, who, f"/spending/{pk}/decide", {"decision": "approve"})
        assert resp.status_code == status, (who, resp.content)
    assert post(client, dworld, "rc", f"/spending/{pk}/decide", {"decision": "maybe"}).status_code == 422
    one = post(client, dworld, "rc", f"/spending/{pk}/decide", {"decision": "approve", "note": "同意"})
    assert one.status_code == 200 and one.json()["state"] == "waiting2" and len(one.json()["steps"]) == 1
    two = post(client, dworld, "bank", f"/spending/{pk}/decide", {"decision": "approve"})
    assert two.status_code == 200 and two.json()["state"] == "posted"
    assert [s["party"] for s in two.json()["steps"]] == ["residents_committee", "bank"]
    assert balance("fund:X-GG") == 9_700_000 and balance("fund:X-GG:spent") == 300_000
    again = post(client, dworld, "bank", f"/spending/{pk}/decide", {"decision": "approve"})
    assert again.status_code == 409 and again.json()["code"] == "fund.decided"
    assert Approval.objects.count() == 2
    assert post(client, dworld, "bank", "/spending/999999/decide", {"decision": "approve"}).status_code == 404


def test_rejection_needs_a_note_and_frees_the_money(dworld, client, fund):
    req = funds.spend_request(fund=fund, amount=500_000, payee="某公司", purpose="外墙", by=dworld.person("committee_x"))
    bad = post(client, dworld, "dev", f"/spending/{req.pk}/decide", {"decision": "reject"})
    assert bad.status_code == 422 and Approval.objects.count() == 0
    r = post(client, dworld, "dev", f"/spending/{req.pk}/decide", {"decision": "reject", "note": "报价过高"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert Account.objects.get(code="fund:X-GG").available == 10_000_000


def test_crowdfunding_succeeds_into_the_fund(dworld, client, fund):
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    body = {"title": "加装电梯", "target": 200_000, "deadline": deadline}
    for who, status in (("anonymous", 401), ("resident", 403), ("community_c2", 403)):
        assert post(client, dworld, who, "/funds/X-GG/campaigns", body).status_code == status
    past = post(client, dworld, "community_c1", "/funds/X-GG/campaigns", dict(body, deadline="2020-01-01"))
    assert past.status_code == 422 and past.json()["code"] == "fund.deadline"
    assert post(client, dworld, "community_c1", "/funds/X-GG/campaigns", dict(body, deadline="2025-02-30")).status_code == 422
    assert CrowdfundingCampaign.objects.count() == 0
    c = post(client, dworld, "community_c1", "/funds/X-GG/campaigns", body)
    assert c.status_code == 201 and c.json()["state"] == "open" and c.json()["escrow_account"].startswith("campaign:")
    cid = c.json()["id"]

    assert post(client, dworld, "resident", f"/campaigns/{cid}/pledges",
                {"source": "donation", "amount": 100, "name": "李四"}).status_code == 403
    assert post(client, dworld, "committee_x", f"/campaigns/{cid}/pledges",
                {"source": "donation", "amount": 100}).status_code == 422  # neither a name nor anonymous
    p1 = post(client, dworld, "committee_x", f"/campaigns/{cid}/pledges",
              {"source": "donation", "amount": 150_000, "name": "李四"})
    p2 = post(client, dworld, "committee_x", f"/campaigns/{cid}/pledges",
              {"source": "employer", "amount": 60_000, "anonymous": True})
    assert p1.status_code == p2.status_code == 201 and p2.json()["name"] == "匿名"
    early = post(client, dworld, "community_c1", f"/campaigns/{cid}/close")
    assert early.status_code == 409 and early.json()["code"] == "campaign.open"

    for pid in (p1.json()["id"], p2.json()["id"]):
        assert post(client, dworld, "resident", f"/pledges/{pid}/receive").status_code == 403
        r = post(client, dworld, "community_c1", f"/pledges/{pid}/receive")
        assert r.status_code == 200 and r.json()["state"] == "received"
    again = post(client, dworld, "community_c1", f"/pledges/{p1.json()['id']}/receive")
    assert again.status_code == 409 and again.json()["code"] == "pledge.state"

    seen = client.get(f"{API}/campaigns/{cid}").json()  # public
    assert seen["received"] == 210_000 and seen["percent"] == 100 and seen["escrow_balance"] == 210_000
    assert seen["by_source"] == {"donation": 150_000, "employer": 60_000}
    closed = post(client, dworld, "community_c1", f"/campaigns/{cid}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "succeeded"
    assert balance("fund:X-GG") == 10_210_000 and closed.json()["escrow_balance"] == 0
    assert post(client, dworld, "community_c1", f"/campaigns/{cid}/close").status_code == 409
    late = post(client, dworld, "community_c1", f"/campaigns/{cid}/pledges", {"source": "donation", "amount": 1,
                                                                            "anonymous": True})
    assert late.status_code == 409 and late.json()["code"] == "campaign.closed"
    assert Pledge.objects.count() == 2
    assert client.get(f"{API}/campaigns/999999").status_code == 404


def test_failed_campaign_refunds_every_receipt(dworld, client, fund):
    c = funds.campaign_create(fund=fund, title="加装电梯", target=200_000,
                              deadline=dt.date.today() + dt.timedelta(days=1), by=dworld.person("community_c1"))
    p = funds.pledge_add(campaign=c, source="donation", amount=50_000, name="李四", by=dworld.person("community_c1"))
    funds.pledge_receive(pledge=p, by=dworld.person("community_c1"))
    CrowdfundingCampaign.objects.filter(pk=c.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    r = post(client, dworld, "community_c1", f"/campaigns/{c.pk}/close")
    assert r.status_code == 200 and r.json()["state"] == "failed"
    assert r.json()["pledges"][0]["state"] == "refunded" and r.json()["escrow_balance"] == 0
    assert balance("fund:X-GG") == 10_000_000


# ---------------------------------------------------------------------------
# Reads write nothing, show no more than the pages, and odd input is refused


@pytest.mark.parametrize("who", ["anonymous", "resident", "property_x"])
def test_reading_the_money_opens_no_account(dworld, client, who):
    """The money figures of a compound without entries: the page and the API answer
    with a zero balance and no cash account, and open none (a GET writes nothing)."""
    before = Account.objects.count()
    headers = auth(dworld, who)
    r = client.get(API + "/compounds/X/money", **headers)
    assert r.status_code == 200
    assert r.json()["balance"] == 0 and r.json()["cash_account"] is None and r.json()["entries"] == []
    if who != "anonymous":
        client.force_login(dworld.person(who))
    page = client.get("/compounds/X/money/")
    assert page.status_code == 200
    assert Account.objects.count() == before and not Account.objects.filter(code="X:cash").exists()


def test_money_page_survives_odd_years_and_the_api_refuses_them(dworld, client):
    entry(dworld, "parking", 8000)
    for year in ("99999", "-1", "0", "abc", "9" * 30):
        page = client.get(f"/compounds/X/money/?year={year}")
        assert page.status_code == 200 and "80.00" in page.content.decode(), year  # the year with entries
        assert client.get(f"{API}/compounds/X/money?year={year}").status_code == 422
    assert client.get(f"{API}/compounds/X/money").json()["year"] == 2025  # the latest year with entries


def test_a_corrected_entry_offers_no_second_reversal(dworld, client):
    e = entry(dworld, "parking", 8000)
    client.force_login(dworld.person("property_x"))
    assert client.get("/compounds/X/money/").content.decode().count(f"/money/entries/{e.pk}/correct") == 1
    services.money_entry_correct(entry=e, reason="重复", by=dworld.person("property_x"))
    html = client.get("/compounds/X/money/").content.decode()
    assert "/correct" not in html  # neither the corrected entry nor its reversal can be reversed again


def test_anonymous_callers_see_published_reports_only_and_no_review_note(dworld, client):
    by, committee = dworld.person("property_x"), dworld.person("committee_x")
    draft = services.report_draft(compound=dworld["X"], kind="service", year=2025, quarter=2, by=by)
    services.report_review(report=draft, approve=False, note="草稿内部意见", by=committee)
    pub = services.report_draft(compound=dworld["X"], kind="service", year=2025, quarter=1, by=by)
    services.report_review(report=pub, approve=True, note="委员会内部备注", by=committee)
    services.report_publish(report=pub, by=by)

    public = client.get(f"{API}/compounds/X/reports")
    assert [r["id"] for r in public.json()] == [pub.pk]
    assert "委员会内部备注" not in public.content.decode() and "草稿内部意见" not in public.content.decode()
    assert client.get(f"{API}/reports/{pub.pk}").json()["review_note"] == ""
    assert client.get(f"{API}/reports/{draft.pk}").status_code == 404
    assert "草稿内部意见" not in client.get(f"/reports/{pub.pk}/").content.decode()

    staff = client.get(f"{API}/compounds/X/reports", **auth(dworld, "committee_x")).json()
    assert {r["id"] for r in staff} == {draft.pk, pub.pk}
    assert [r["review_note"] for r in staff if r["id"] == draft.pk] == ["草稿内部意见"]
    assert client.get(f"{API}/reports/{draft.pk}", **auth(dworld, "committee_x")).status_code == 200  # by token
    assert client.get(f"{API}/reports/{draft.pk}", **auth(dworld, "committee_z")).status_code == 404
    assert client.get(f"{API}/compounds/X/reports", **auth(dworld, "committee_z")).json()[0]["id"] == pub.pk
    assert len(client.get(f"{API}/compounds/X/reports", **auth(dworld, "committee_z")).json()) == 1


def test_import_refuses_a_nul_character_in_a_cell(dworld, client):
    csv = "日期,类别,金额(元),摘要\n2025-01-05,停车收入,10,好\n2025-01-06,停车收入,10,a\x00b\n"
    r = upload(client, dworld, "property_x", "/compounds/X/money/import", "nul.csv", csv.encode())
    assert r.status_code == 422 and r.json()["code"] == "import.rejected"
    assert [(d["row"], d["column"]) for d in r.json()["details"]] == [(3, "memo")]
    assert "空字符" in r.json()["details"][0]["message"]
    assert MoneyEntry.objects.count() == 0 and Transaction.objects.count() == 0


def test_fund_pages_refuse_a_nul_character(dworld, fund):
    from django.test import Client

    client = Client()  # page forms, not the API
    client.force_login(dworld.person("community_c1"))
    r = client.post("/funds/X-GG/donations", {"amount": "10", "name": "张\x00三", "source": "donation"}, follow=True)
    assert r.status_code == 200 and "空字符" in r.content.decode()
    r = client.post("/funds/", {"place": "X", "code": "X-N", "name": "a\x00b", "kind": "micro"})
    assert r.status_code == 422 and "空字符" in r.content.decode()
    assert Donation.objects.count() == 1 and Fund.objects.count() == 1 and balance("fund:X-GG") == 10_000_000
