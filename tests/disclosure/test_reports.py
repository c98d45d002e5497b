"""Quarterly reports: draft → review → publish (frozen), corrections as versions, objections, exports."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from linli.disclosure import services
from linli.disclosure.models import Objection, Report
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger.models import Account


@pytest.fixture
def money(dworld, last_quarter):
    year, q = last_quarter
    start, _end = services.quarter_range(year, q)
    by = dworld.person("property_x")
    services.money_entry_create(compound=dworld["X"], kind="fee_received", date=start - dt.timedelta(days=3),
                                amount=100000, by=by)  # last quarter: carried forward
    services.money_entry_create(compound=dworld["X"], kind="fee_received", date=start, amount=900000, by=by)
    services.money_entry_create(compound=dworld["X"], kind="parking", date=start, amount=50000, by=by)
    services.money_entry_create(compound=dworld["X"], kind="cleaning", date=start + dt.timedelta(days=5), amount=200000,
                                by=by)
    services.fee_figures_set(compound=dworld["X"], year=year, quarter=q, due=1000000, received=900000, prepaid=0,
                             owed=100000, by=by)
    return year, q


def published(dworld, year, q, kind="finance"):
    r = services.report_draft(compound=dworld["X"], kind=kind, year=year, quarter=q, by=dworld.person("property_x"))
    if kind == "service":
        services.report_add_work(report=r, title="安装人脸识别门禁", date="2025-05-01", note="一期东门",
                                 by=dworld.person("property_x"))
    services.report_review(report=r, approve=True, by=dworld.person("committee_x"))
    return services.report_publish(report=r, by=dworld.person("property_x"))


def test_finance_report_figures(dworld, money):
    r = published(dworld, *money)
    lines = {ln["key"]: ln["value"] for ln in r.data["lines"]}
    assert lines["fee_received"] == 900000 and lines["parking"] == 50000 and lines["cleaning"] == 200000
    assert r.data["opening"] == 100000 and r.data["closing"] == 100000 + 950000 - 200000
    assert r.data["fees"]["rate"] == "90.0"


def test_report_carries_chain_head_at_its_date(dworld, money):
    r = published(dworld, *money)
    cash = Account.objects.get(code="X:cash")
    assert r.chain_head == {"account": "X:cash", "seq": 4, "hash": cash.head_hash, "balance": cash.balance}
    services.money_entry_create(compound=dworld["X"], kind="parking", date=dt.date.today(), amount=1,
                                by=dworld.person("property_x"))
    assert Report.objects.get(pk=r.pk).chain_head["hash"] != Account.objects.get(code="X:cash").head_hash


def test_workflow_order_is_enforced(dworld, money):
    year, q = money
    r = services.report_draft(compound=dworld["X"], kind="finance", year=year, quarter=q, by=dworld.person("property_x"))
    with pytest.raises(DomainError) as err:
        services.report_publish(report=r, by=dworld.person("property_x"))
    assert err.value.code == "disclosure.not_reviewed"
    with pytest.raises(InvalidInput):
        services.report_review(report=r, approve=False, note="", by=dworld.person("committee_x"))
    services.report_review(report=r, approve=False, note="保洁费偏高,请附凭证", by=dworld.person("committee_x"))
    assert Report.objects.get(pk=r.pk).state == "draft"
    with pytest.raises(DomainError):
        services.report_draft(compound=dworld["X"], kind="finance", year=year, quarter=q, by=dworld.person("property_x"))


def test_published_report_is_frozen(dworld, money):
    year, q = money
    r = published(dworld, year, q, kind="service")
    with pytest.raises(DomainError) as err:
        services.report_add_work(report=r, title="x", date="", by=dworld.person("property_x"))
    assert err.value.code == "disclosure.frozen"
    with pytest.raises(DomainError):
        services.report_publish(report=r, by=dworld.person("property_x"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Report.objects.filter(pk=r.pk).update(data={"lines": []})
    assert Report.objects.get(pk=r.pk).data["lines"][0]["label"] == "安装人脸识别门禁"


def test_correction_is_a_new_version_showing_what_changed(dworld, money):
    year, q = money
    v1 = published(dworld, year, q)
    start, _ = services.quarter_range(year, q)
    services.money_entry_create(compound=dworld["X"], kind="greening", date=start + dt.timedelta(days=9),
                                amount=30000, by=dworld.person("property_x"))  # a late voucher
    with pytest.raises(InvalidInput):
        services.report_correct(report=v1, reason=" ", by=dworld.person("property_x"))
    v2 = services.report_correct(report=v1, reason="补录绿化费", by=dworld.person("property_x"))
    assert (v2.version, v2.previous_id, v2.state) == (2, v1.pk, "draft")
    with pytest.raises(DomainError):
        services.report_correct(report=v1, reason="again", by=dworld.person("property_x"))
    services.report_review(report=v2, approve=True, by=dworld.person("committee_x"))
    v2 = services.report_publish(report=v2, by=dworld.person("property_x"))
    assert v2.changes == [{"key": "greening", "section": "expense", "before": 0, "after": 30000}]
    assert Report.objects.get(pk=v1.pk).data == v1.data  # old version untouched


def test_objections_deadline_overdue_and_answer(dworld, money, client, settings):
    settings.LINLI_OBJECTION_ANSWER_DAYS = 3
    r = published(dworld, *money)
    owner = dworld.person("owner")
    with pytest.raises(InvalidInput):
        services.objection_create(report=r, line="nope", text="?", by=owner)
    with pytest.raises(InvalidInput):
        services.objection_create(report=r, line="cleaning", text="  ", by=owner)
    o = services.objection_create(report=r, line="cleaning", text="保洁费为什么翻倍?", by=owner)
    assert (o.due_at - o.created_at).days == 3
    page = client.get(f"/reports/{r.pk}/").content.decode()
    assert "保洁费为什么翻倍" in page and "tag yellow" in page and "tag red" not in page
    Objection.objects.filter(pk=o.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert Objection.objects.get(pk=o.pk).overdue
    page = client.get(f"/reports/{r.pk}/").content.decode()
    assert 'tag red' in page
    listing = client.get("/compounds/X/reports/").content.decode()
    assert "1 条逾期未答复" in listing
    services.objection_answer(objection=o, answer="本季度增加了地下室清洗,见凭证", by=dworld.person("property_x"))
    with pytest.raises(DomainError):
        services.objection_answer(objection=o, answer="again", by=dworld.person("property_x"))
    page = client.get(f"/reports/{r.pk}/").content.decode()
    assert "地下室清洗" in page and "tag red" not in page


def test_drafts_are_hidden_from_the_public(dworld, money, client):
    year, q = money
    r = services.report_draft(compound=dworld["X"], kind="finance", year=year, quarter=q, by=dworld.person("property_x"))
    assert client.get(f"/reports/{r.pk}/").status_code == 403
    assert f"/reports/{r.pk}/" not in client.get("/compounds/X/reports/").content.decode()
    client.force_login(dworld.person("committee_x"))
    assert client.get(f"/reports/{r.pk}/").status_code == 200


def test_exports_and_print_view(dworld, money, client):
    r = published(dworld, *money)
    text = client.get(f"/reports/{r.pk}/export.csv").content.decode("utf-8-sig")
    assert "9,000.00" in text and "物业费收缴率" in text and r.chain_head["hash"] in text
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/reports/{r.pk}/export.xlsx").content))
    assert any("9,000.00" in str(c.value) for row in wb.active.iter_rows() for c in row)
    assert client.get(f"/reports/{r.pk}/export.pdf").status_code == 404
    page = client.get(f"/reports/{r.pk}/print").content.decode()
    from django.contrib.staticfiles import finders

    assert "disclosure/report_print.css" in page and "9,000.00" in page  # A4 print styles in a static file
    assert "@page { size: A4" in open(finders.find("disclosure/report_print.css"), encoding="utf-8").read()  # type: ignore[arg-type]


def test_report_pages_over_http_workflow(dworld, money, client):
    year, q = money
    client.force_login(dworld.person("property_x"))
    r = client.post("/compounds/X/reports/", {"kind": "service", "year": year, "quarter": q})
    report = Report.objects.get()
    assert r.status_code == 302
    client.post(f"/reports/{report.pk}/works", {"title": "更换地下室照明", "date": "", "note": ""})
    client.force_login(dworld.person("committee_x"))
    client.post(f"/reports/{report.pk}/review", {"decision": "approve"})
    client.force_login(dworld.person("property_x"))
    client.post(f"/reports/{report.pk}/publish")
    report.refresh_from_db()
    assert report.state == "published" and report.data["lines"][0]["label"] == "更换地下室照明"
    client.force_login(dworld.person("owner"))
    client.post(f"/reports/{report.pk}/objections", {"line": "work-1", "text": "照明不亮"})
    assert Objection.objects.count() == 1


ROLES = ["anonymous", "resident", "owner", "property_z", "committee_z", "community_c2", "property_x", "committee_x",
         "community_c1", "admin"]
MATRIX = {
    "draft": {"property_x", "admin"},
    "review": {"committee_x", "admin"},
    "publish": {"property_x", "admin"},
    "object": {"owner", "admin"},
    "answer": {"property_x", "admin"},
    "view_draft": {"property_x", "committee_x", "community_c1", "admin"},
}


@pytest.mark.parametrize("who", ROLES)
def test_report_permission_matrix(dworld, money, who):
    from linli import authz

    year, q = money
    p = dworld.person(who)
    x = dworld["X"]
    for action, allowed in MATRIX.items():
        name = {"object": "objection.create", "answer": "objection.answer"}.get(action, f"report.{action}")
        place = services.owner_place(p, x) if action == "object" else x
        assert authz.can(p, f"disclosure.{name}", place) == (who in allowed), (who, action)
    call = lambda: services.report_draft(compound=x, kind="finance", year=year, quarter=q, by=p)  # noqa: E731
    if who in MATRIX["draft"]:
        r = call()
    else:
        with pytest.raises(NotAllowed):
            call()
        r = services.report_draft(compound=x, kind="finance", year=year, quarter=q, by=dworld.person("property_x"))
    if who not in MATRIX["review"]:
        with pytest.raises(NotAllowed):
            services.report_review(report=r, approve=True, by=p)
    services.report_review(report=r, approve=True, by=dworld.person("committee_x"))
    if who not in MATRIX["publish"]:
        with pytest.raises(NotAllowed):
            services.report_publish(report=r, by=p)
    r = services.report_publish(report=r, by=dworld.person("property_x"))
    if who in MATRIX["object"]:
        o = services.objection_create(report=r, line="parking", text="?", by=p)
    else:
        with pytest.raises(NotAllowed):
            services.objection_create(report=r, line="parking", text="?", by=p)
        o = services.objection_create(report=r, line="parking", text="?", by=dworld.person("owner"))
    if who not in MATRIX["answer"]:
        with pytest.raises(NotAllowed):
            services.objection_answer(objection=o, answer="ok", by=p)


def test_reports_api_public_and_drafts_for_staff(dworld, money, client):
    year, q = money
    r = published(dworld, year, q)
    services.report_draft(compound=dworld["X"], kind="service", year=year, quarter=q, by=dworld.person("property_x"))
    rows = client.get("/api/v1/disclosure/compounds/X/reports").json()
    assert [x["id"] for x in rows] == [r.pk] and rows[0]["chain_head"]["hash"] == r.chain_head["hash"]
    client.force_login(dworld.person("committee_x"))
    assert len(client.get("/api/v1/disclosure/compounds/X/reports").json()) == 2
    assert client.get("/api/v1/disclosure/compounds/NOPE/reports").status_code == 404


# --- line labels: codes frozen, labels rendered in the reader's language -------------------

def test_a_report_published_from_an_english_browser_reads_in_chinese(dworld, money, client):
    from django.utils import translation

    year, q = money
    with translation.override("en"):  # the publisher's browser language
        r = published(dworld, year, q)
    lines = {ln["key"]: ln for ln in Report.objects.get(pk=r.pk).data["lines"]}
    assert "label" not in lines["fee_received"] and "label" not in lines["fees_due"]  # codes only
    page = client.get(f"/reports/{r.pk}/").content.decode()
    assert "物业费收入" in page and "应收物业费" in page and "Property fees" not in page
    text = client.get(f"/reports/{r.pk}/export.csv").content.decode("utf-8-sig")
    assert "物业费收入" in text and "Property fees" not in text
    api = client.get(f"/api/v1/disclosure/reports/{r.pk}").json()
    assert {ln["key"]: ln["label"] for ln in api["data"]["lines"]}["fees_owed"] == "欠缴物业费"
    english = client.get(f"/reports/{r.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Property fees due" in english  # an English reader reads English


