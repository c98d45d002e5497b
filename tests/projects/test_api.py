"""The JSON API of projects with CSRF on (a browser's session): each page action has its
twin; bad input is refused with a clear message and writes nothing."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.ledger.models import Transaction
from linli.projects import services as svc
from linli.projects.models import BudgetLine, Comment, Contribution, Event, Problem, Project, ScopeItem


def _login(api_client, person) -> str:
    api_client.force_login(person)
    api_client.get("/")
    return api_client.cookies["csrftoken"].value


def _post(api_client, token, url, data, **kw):
    return api_client.post(url, data, content_type="application/json", HTTP_X_CSRFTOKEN=token, **kw)


def _written():
    return (Event.objects.count(), Transaction.objects.count(), Project.objects.count(), Contribution.objects.count(),
            ScopeItem.objects.count(), BudgetLine.objects.count(), Comment.objects.count())


def test_the_public_reads_a_project_with_phones_masked(projworld, api_client):
    r = api_client.get(f"/api/v1/projects/{projworld.project.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["contractor"] == {"name": "川建装饰工程公司", "contact_name": "王工", "phone": "138****5678"}
    assert body["committee"] == ["o**"]
    assert [(i["title"], i["quantity"], i["unit"]) for i in body["items"]] == [
        ("拆除违建", 22, "处"), ("新增车位", 110, "个"), ("充电桩", 20, "个")]
    assert body["planned"] == 10_000_000 and body["received"] == 0
    assert [p["id"] for p in api_client.get("/api/v1/projects/compounds/X").json()] == [projworld.project.pk]


def test_a_session_write_needs_the_csrf_token(projworld, api_client):
    api_client.force_login(projworld.person("resident"))
    before = _written()
    r = api_client.post(f"/api/v1/projects/{projworld.project.pk}/comments", {"support": True},
                        content_type="application/json")
    assert r.status_code == 403
    assert _written() == before


def test_publishing_a_notice_and_adding_its_parts(projworld, api_client):
    token = _login(api_client, projworld.staff)
    today = dt.date.today()
    r = _post(api_client, token, "/api/v1/projects", {
        "compound": "X", "kind": "micro_renewal", "title": "一楼闲置空间改亲邻坊",
        "contractor": {"name": "甲装饰", "phone": "13800000000", "username": "builder"},
        "supervisor": {"name": "乙监理"}, "notice_until": str(today + dt.timedelta(days=5)),
        "start_date": str(today + dt.timedelta(days=6)), "end_date": str(today + dt.timedelta(days=30)),
        "share_rule": "household", "share_amount": 20000, "name_display": "household"})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert _post(api_client, token, f"/api/v1/projects/{pk}/items",
                 {"title": "改造活动室", "quantity": 1, "unit": "间", "budget": 5_000_000}).status_code == 201
    assert _post(api_client, token, f"/api/v1/projects/{pk}/budget",
                 {"source": "community_fund", "planned": 5_000_000}).status_code == 200
    assert _post(api_client, token, f"/api/v1/projects/{pk}/milestones",
                 {"title": "完工", "due": str(today + dt.timedelta(days=30))}).status_code == 201
    assert _post(api_client, token, f"/api/v1/projects/{pk}/committee", {"username": "owner"}).status_code == 201
    body = api_client.get(f"/api/v1/projects/{pk}").json()
    assert (body["status"], body["share_amount"], body["sources"][0]["label"]) == ("notice", 20000, "社区基金")


@pytest.mark.parametrize("change,code", [
    ({"notice_until": "2000-01-01"}, "projects.notice"),
    ({"end_date": "2000-01-01"}, "projects.dates"),
    ({"kind": "palace"}, "projects.kind"),
    ({"share_rule": "household", "share_amount": 0}, "projects.share"),
    ({"title": "   "}, "projects.title"),
    ({"compound": "C1"}, "projects.compound"),
])
def test_a_bad_notice_is_refused_and_nothing_is_written(projworld, api_client, change, code):
    token = _login(api_client, projworld.staff)
    today = dt.date.today()
    data = {"compound": "X", "kind": "courtyard", "title": "改造", "contractor": {"name": "甲"},
            "supervisor": {"name": "乙"}, "notice_until": str(today + dt.timedelta(days=5)),
            "start_date": str(today + dt.timedelta(days=6)), "end_date": str(today + dt.timedelta(days=30)),
            "share_rule": "voluntary", **change}
    before = _written()
    r = _post(api_client, token, "/api/v1/projects", data)
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert _written() == before


def test_a_pledge_follows_the_committee_s_rule(projworld, api_client):
    projworld.approve()
    token = _login(api_client, projworld.person("resident"))
    url = f"/api/v1/projects/{projworld.project.pk}/pledges"
    before = _written()
    r = _post(api_client, token, url, {"amount": 100})
    assert (r.status_code, r.json()["code"]) == (422, "projects.share")
    assert r.json()["message"] == "您家的分摊额由自改委的规则确定。"
    assert _written() == before
    r = _post(api_client, token, url, {})
    assert (r.status_code, r.json()["amount"], r.json()["state"]) == (201, 88500, "pledged")
    r = _post(api_client, token, url, {})
    assert (r.status_code, r.json()["code"]) == (409, "projects.pledged")


def test_money_through_the_api(projworld, api_client):
    projworld.approve()
    pledge = svc.pledge_add(project=projworld.project, by=projworld.person("owner"))
    token = _login(api_client, projworld.staff)
    pk = projworld.project.pk
    assert _post(api_client, token, f"/api/v1/projects/contributions/{pledge.pk}/confirm", {}).json()["state"] == "confirmed"
    before = _written()
    r = _post(api_client, token, f"/api/v1/projects/{pk}/contributions", {"source": "lottery", "amount": 100})
    assert (r.status_code, r.json()["code"]) == (422, "projects.source")
    r = _post(api_client, token, f"/api/v1/projects/{pk}/contributions", {"source": "government", "amount": -5})
    assert r.status_code == 422
    assert _written() == before
    r = _post(api_client, token, f"/api/v1/projects/{pk}/contributions", {"source": "government", "amount": 100_000})
    assert r.status_code == 201
    assert _post(api_client, token, f"/api/v1/projects/contributions/{pledge.pk}/refund", {}).json()["state"] == "refunded"
    assert api_client.get(f"/api/v1/projects/{pk}").json()["received"] == 100_000
    # Paying needs the works to run.
    item = projworld.project.items.first()
    r = _post(api_client, token, f"/api/v1/projects/items/{item.pk}/payments", {"amount": 100, "payee": "川建"})
    assert (r.status_code, r.json()["code"]) == (409, "projects.state")
    assert _post(api_client, token, f"/api/v1/projects/{pk}/start", {}).json()["status"] == "running"
    r = _post(api_client, token, f"/api/v1/projects/items/{item.pk}/payments", {"amount": 200_000, "payee": "川建"})
    assert (r.status_code, r.json()["code"]) == (409, "projects.balance")
    assert _post(api_client, token, f"/api/v1/projects/items/{item.pk}/payments",
                 {"amount": 60_000, "payee": "川建"}).status_code == 201
    assert api_client.get(f"/api/v1/projects/{pk}").json()["balance"] == 40_000


def test_a_construction_problem_from_the_api_without_login(projworld, api_client):
    p = projworld.run()
    r = api_client.post(f"/api/v1/projects/{p.pk}/problems", {"kind": "quality", "description": "新铺地砖空鼓",
                                                              "place": "X-B1-U1"})
    assert r.status_code == 201, r.content
    problem = Problem.objects.get()
    assert (r.json()["tracking_code"], r.json()["status"]) == (problem.case.tracking_code, "dispatched")
    assert problem.case.assignee == projworld.person("builder")
    before = _written()
    r = api_client.post(f"/api/v1/projects/{p.pk}/problems", {"kind": "ghost", "description": "x x"})
    assert (r.status_code, r.json()["code"]) == (422, "projects.problem_kind")
    r = api_client.post(f"/api/v1/projects/{p.pk}/problems", {"kind": "noise", "description": "吵",
                                                              "place": "Z-B1-U1"})
    assert (r.status_code, r.json()["code"]) == (422, "projects.place")
    assert _written() == before and Problem.objects.count() == 1


def test_signing_accepting_and_rating(projworld, api_client):
    p = projworld.run()
    token = _login(api_client, projworld.staff)
    r = _post(api_client, token, f"/api/v1/projects/{p.pk}/accept", {})
    assert (r.status_code, r.json()["code"]) == (409, "projects.unsigned")
    for who in ("owner", "inspector"):
        t = _login(api_client, projworld.person(who))
        for m in p.milestones.all():
            assert _post(api_client, t, f"/api/v1/projects/milestones/{m.pk}/sign", {}).status_code == 200
    r = _post(api_client, t, f"/api/v1/projects/milestones/{m.pk}/sign", {})
    assert (r.status_code, r.json()["code"]) == (409, "projects.signed")
    token = _login(api_client, projworld.staff)
    body = _post(api_client, token, f"/api/v1/projects/{p.pk}/accept", {}).json()
    assert body["status"] == "accepted" and body["final_accounts"]["received"] == 0
    token = _login(api_client, projworld.person("resident"))
    r = _post(api_client, token, f"/api/v1/projects/{p.pk}/ratings", {"score": 6})
    assert r.status_code == 422
    assert _post(api_client, token, f"/api/v1/projects/{p.pk}/ratings", {"score": 4}).status_code == 201
    assert api_client.get(f"/api/v1/projects/{p.pk}").json()["satisfaction"] == 4.0
