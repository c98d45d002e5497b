"""Resident requests in the JSON API: the same services as the pages, every
answer a documented status with a code and a message."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from linli.cases import deadline_sweep, notify
from linli.cases.models import Case, CaseEvent, Deadline, Notification, Status
from linli.org import services as org_services
from linli.org.models import Role
from tests.cases.conftest import local


@pytest.fixture
def client(api_client):
    # API calls as a browser or an integration sends them: CSRF enforced (tests/security/test_csrf.py).
    return api_client


def token_for(world, who: str) -> dict:
    if who == "anonymous":
        return {}
    _t, raw = org_services.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, data, headers):
    return client.post(url, data=data, content_type="application/json", **headers)


NEW = {"unit": "X-B1-U1", "category": "repair", "description": "三楼楼道灯不亮了", "source": "qr"}


# ---------------------------------------------------------------------------
# Create


def test_resident_creates_a_request_and_gets_its_clocks(client, world, clock):
    r = post(client, "/api/v1/cases", NEW, token_for(world, "resident"))
    assert r.status_code == 201
    body = r.json()
    case = Case.objects.get()
    assert body["id"] == case.pk and body["tracking_code"] == case.tracking_code
    assert body["status"] == "received" and body["colour"] == ""
    assert body["tracking_url"] == f"http://testserver/t/{case.tracking_code}"
    assert {d["clock"] for d in body["deadlines"]} == {"respond", "on_site", "plan"}
    respond = next(d for d in body["deadlines"] if d["clock"] == "respond")
    assert dt.datetime.fromisoformat(respond["due_at"]) == case.deadlines.get(clock="respond").due_at
    assert respond["met_at"] is None and respond["breached_at"] is None
    assert case.reporter == world.person("resident") and case.node == world["X-B1-U1"]


def test_create_by_address_naming_the_compound(client, world, clock):
    world["Y"].name = "锦华苑"
    world["Y"].save()
    r = post(client, "/api/v1/cases", {"address": "成都市锦华苑东门", "category": "repair",
                                        "description": "门禁坏了", "source": "hotline"}, token_for(world, "grid_c1"))
    assert r.status_code == 201
    case = Case.objects.get(pk=r.json()["id"])
    assert case.node == world["Y"] and case.address == "成都市锦华苑东门"


@pytest.mark.parametrize("change,code", [
    ({"unit": "NOPE"}, "unknown_place"),
    ({"category": "nope"}, "unknown_category"),
    ({"description": " "}, "description_required"),
    ({"unit": None, "address": "火星小区"}, "unknown_address"),
    ({"unit": None}, "place_required"),
])
def test_bad_input_is_422_and_creates_nothing(client, world, clock, change, code):
    r = post(client, "/api/v1/cases", {**NEW, **change}, token_for(world, "resident"))
    assert r.status_code == 422
    assert r.json()["code"] == code and r.json()["message"]
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_schema_violation_is_422_with_details(client, world):
    r = post(client, "/api/v1/cases", {"unit": "X-B1-U1"}, token_for(world, "resident"))
    assert r.status_code == 422
    assert r.json()["code"] == "invalid" and r.json()["details"]


def test_backdated_import_needs_the_import_permission(client, world, clock):
    earlier = local(2026, 11, 1, 9, 30).isoformat()
    data = {**NEW, "source": "hotline", "received_at": earlier}
    r = post(client, "/api/v1/cases", data, token_for(world, "property_x"))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert Case.objects.count() == 0
    r = post(client, "/api/v1/cases", data, token_for(world, "community_c1"))
    assert r.status_code == 201
    assert Case.objects.get().received_at == local(2026, 11, 1, 9, 30)


def test_anonymous_cannot_create(client, world, clock):
    r = post(client, "/api/v1/cases", NEW, {})
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert Case.objects.count() == 0


def test_same_client_token_twice_creates_once(client, world, clock):
    headers = token_for(world, "resident")
    first = post(client, "/api/v1/cases", {**NEW, "client_token": "tap-1"}, headers).json()
    second = post(client, "/api/v1/cases", {**NEW, "client_token": "tap-1"}, headers).json()
    assert first["id"] == second["id"] and Case.objects.count() == 1


# ---------------------------------------------------------------------------
# Read: scope matrix, filters, cursor


@pytest.mark.parametrize("who,status,sees", [
    ("anonymous", 401, None),
    ("resident", 200, False),
    ("property_z", 200, False),
    ("community_c2", 200, False),
    ("property_x", 200, True),
    ("leader_m1", 200, True),
    ("street_s1", 200, True),
])
def test_list_and_detail_matrix(client, world, report, who, status, sees):
    case = report()
    headers = token_for(world, who)
    r = client.get("/api/v1/cases", **headers)
    assert r.status_code == status
    d = client.get(f"/api/v1/cases/{case.pk}", **headers)
    if status == 401:
        assert d.status_code == 401
        return
    ids = [c["id"] for c in r.json()["items"]]
    assert ids == ([case.pk] if sees else [])
    assert d.status_code == (200 if sees else 404)
    if sees:
        body = d.json()
        assert [e["action"] for e in body["events"]] == ["create"]
        assert {x["clock"] for x in body["deadlines"]} == {"respond", "on_site", "plan"}
        assert set(body["deadlines"][0]) >= {"clock", "due_at", "met_at", "breached_at"}
        assert body["contact_phone"] == ""


def test_cursor_pages_through_everything_once(client, world, report, clock):
    made = []
    for i in range(5):
        clock.advance(minutes=1)
        made.append(report(description=f"问题 {i} 需要处理").pk)
    headers = token_for(world, "community_c1")
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/cases?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, **headers).json()
        seen += [c["id"] for c in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made)) and pages == 3


def test_bad_cursor_is_422(client, world):
    r = client.get("/api/v1/cases?cursor=!!notacursor", **token_for(world, "community_c1"))
    assert r.status_code == 422 and r.json()["code"] == "bad_cursor"


def test_filters(client, world, report, clock):
    a = report()
    clock.advance(days=2)
    b = report("Y-B1-U1")
    headers = token_for(world, "community_c1")

    def ids(query):
        return [c["id"] for c in client.get("/api/v1/cases?" + query, **headers).json()["items"]]

    assert ids("node=Y") == [b.pk]
    assert ids("node=X") == [a.pk]
    assert ids("status=received") == [b.pk, a.pk]
    assert ids("status=accepted") == []
    assert ids("category=repair") == [b.pk, a.pk]
    assert ids("since=2026-11-03T00:00:00%2B08:00") == [b.pk]
    assert ids("until=2026-11-03T00:00:00%2B08:00") == [a.pk]
    assert ids("colour=green") == []
    assert client.get("/api/v1/cases?status=bogus", **headers).status_code == 422
    assert client.get("/api/v1/cases?node=NOPE", **headers).status_code == 422


# ---------------------------------------------------------------------------
# Actions


def act(client, case, action, data, headers):
    return post(client, f"/api/v1/cases/{case.pk}/actions/{action}", data, headers)


def test_whole_workflow_through_the_api(client, world, report, clock):
    case = report()
    staff = token_for(world, "property_x")
    steps = [
        ("accept", {}, "accepted"),
        ("dispatch", {"to": "property"}, "dispatched"),
        ("arrive", {"note": "到了"}, "on_site"),
        ("plan", {"colour": "green", "note": "换灯泡"}, "planned"),
        ("progress", {"note": "已买灯泡"}, "in_progress"),
        ("finish", {}, "done"),
        ("visit", {"method": "phone", "rating": "satisfied"}, "visited"),
        ("close", {}, "closed"),
    ]
    for action, data, status in steps:
        clock.advance(minutes=1)
        r = act(client, case, action, data, staff)
        assert r.status_code == 200, (action, r.json())
        assert r.json()["status"] == status
    body = client.get(f"/api/v1/cases/{case.pk}", **staff).json()
    assert body["colour"] == "green"
    finish = next(d for d in body["deadlines"] if d["clock"] == "finish")
    assert finish["met_at"] is not None
    r = act(client, case, "reopen", {"note": "又坏了"}, token_for(world, "community_c1"))
    assert r.status_code == 200 and r.json()["status"] == "in_progress"


def test_not_now_is_409_with_a_chinese_message(client, world, report):
    case = report()
    r = act(client, case, "finish", {}, token_for(world, "property_x"))
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "case_state"
    assert re.search(r"[\u4e00-\u9fff]", body["message"])
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.events.count() == 1


def test_caller_who_may_see_but_not_act_gets_403(client, world, report):
    case = report()
    party = org_services.person_create(username="party_x", password="pw-party_x", by=None)
    org_services.role_assign(person=party, role=Role.PARTY_BRANCH, node=world["X"], by=None)
    world.people["party_x"] = party
    headers = token_for(world, "party_x")
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    r = act(client, case, "accept", {}, headers)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.accepted_at is None


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("resident", 404), ("property_z", 404),
                                        ("property_x", 200)])
def test_action_matrix(client, world, report, who, status):
    case = report()
    r = act(client, case, "accept", {}, token_for(world, who))
    assert r.status_code == status
    case.refresh_from_db()
    assert case.status == (Status.ACCEPTED if status == 200 else Status.RECEIVED)


def test_unknown_action_and_missing_case_are_404(client, world, report):
    case = report()
    headers = token_for(world, "property_x")
    r = act(client, case, "explode", {}, headers)
    assert r.status_code == 404 and r.json()["code"] == "unknown_action"
    assert post(client, "/api/v1/cases/999999/actions/accept", {}, headers).status_code == 404


def test_bad_action_input_is_422_and_changes_nothing(client, world, report):
    case = report()
    headers = token_for(world, "property_x")
    act(client, case, "accept", {}, headers)
    act(client, case, "dispatch", {"to": "property"}, headers)
    before = case.events.count()
    r = act(client, case, "plan", {"colour": "purple", "note": "x"}, headers)
    assert r.status_code == 422
    r = act(client, case, "plan", {"colour": "green", "note": " "}, headers)
    assert r.status_code == 422 and r.json()["code"] == "plan_required"
    r = act(client, case, "transfer", {"to": "person", "person": "nobody", "note": "换人"}, headers)
    assert r.status_code == 422 and r.json()["code"] == "unknown_person"
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.events.count() == before


def test_merge_and_declare_unsolvable(client, world, report):
    first, dup, other = report(), report(), report()
    headers = token_for(world, "community_c1")
    r = act(client, dup, "merge", {"into": first.pk, "note": "重复"}, headers)
    assert r.status_code == 200 and r.json()["status"] == "merged" and r.json()["merged_into"] == first.pk
    act(client, other, "accept", {}, headers)
    r = act(client, other, "declare_unsolvable", {"note": "产权不清"}, headers)
    assert r.status_code == 200 and r.json()["status"] == "unsolvable" and r.json()["colour"] == "grey"
    r = act(client, first, "merge", {"into": 999999}, headers)
    assert r.status_code == 422 and r.json()["code"] == "unknown_merge_target"


def test_a_tokens_last_use_is_kept_to_the_minute(client, world, report, clock):
    """The administrator sees when a token was last used: the first call sets it, calls in
    the same minute leave it, a call a minute later moves it."""
    case = report()
    token, raw = org_services.api_token_create(person=world.person("property_x"), by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert token.last_used_at is None
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == clock.now
    first = clock.now
    clock.advance(seconds=59)
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    clock.advance(seconds=1)
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == clock.now == first + dt.timedelta(minutes=1)


def test_revoked_token_is_refused(client, world, report):
    case = report()
    token, raw = org_services.api_token_create(person=world.person("property_x"), by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    org_services.api_token_revoke(token=token, by=None)
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 401
    assert act(client, case, "accept", {}, headers).status_code == 401
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


# ---------------------------------------------------------------------------
# The caller's notifications, escalations and queue


def test_notifications_list_and_mark_read(client, world, report):
    case = report()
    notify.received_fanout()  # the worker tells staff of new requests
    headers = token_for(world, "property_x")
    items = client.get("/api/v1/my/notifications", **headers).json()
    assert [n["case_id"] for n in items] == [case.pk] and items[0]["read_at"] is None
    other = token_for(world, "property_z")
    assert post(client, f"/api/v1/my/notifications/{items[0]['id']}/read", {}, other).status_code == 404
    assert Notification.objects.get(pk=items[0]["id"]).read_at is None
    assert post(client, f"/api/v1/my/notifications/{items[0]['id']}/read", {}, headers).status_code == 204
    assert client.get("/api/v1/my/notifications?unread=true", **headers).json() == []


def test_escalations_and_acknowledge(client, world, report, clock):
    case = report()
    clock.advance(minutes=20)
    deadline_sweep.sweep()
    headers = token_for(world, "leader_m1")
    items = client.get("/api/v1/my/escalations", **headers).json()
    # The first breach goes to the micro-grid leader, the second one level up (community staff).
    assert [(e["clock"], e["node"], e["case_id"]) for e in items] == [("respond", "C1-M1", case.pk)]
    up = client.get("/api/v1/my/escalations", **token_for(world, "community_c1")).json()
    assert [(e["clock"], e["node"]) for e in up] == [("on_site", "C1")]
    assert client.get("/api/v1/my/escalations", **token_for(world, "property_z")).json() == []
    r = post(client, f"/api/v1/my/escalations/{items[0]['id']}/acknowledge", {}, token_for(world, "property_z"))
    assert r.status_code == 404
    r = post(client, f"/api/v1/my/escalations/{items[0]['id']}/acknowledge", {}, headers)
    assert r.status_code == 200 and r.json()["acknowledged_at"] is not None
    assert client.get("/api/v1/my/escalations", **headers).json() == []
    assert len(client.get("/api/v1/my/escalations?open=false", **headers).json()) == 1


def test_queue_is_nearest_deadline_first_and_in_scope(client, world, report, clock):
    a = report()
    clock.advance(minutes=1)
    b = report()
    assert [c["id"] for c in client.get("/api/v1/my/queue", **token_for(world, "property_x")).json()] == [a.pk, b.pk]
    first = client.get("/api/v1/my/queue", **token_for(world, "property_x")).json()[0]
    assert dt.datetime.fromisoformat(first["next_due"]) == Deadline.objects.filter(case=a).order_by("due_at")[0].due_at
    assert client.get("/api/v1/my/queue", **token_for(world, "property_z")).json() == []
    assert client.get("/api/v1/my/queue").status_code == 401


# ---------------------------------------------------------------------------
# Documentation


def test_openapi_lists_the_error_statuses(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    plan = doc["paths"]["/api/v1/cases/{id}/actions/plan"]["post"]["responses"]
    assert set(plan) == {"200", "400", "401", "403", "404", "409", "422"}
    assert set(doc["paths"]["/api/v1/cases"]["post"]["responses"]) == {"201", "400", "401", "403", "404", "409", "422", "429"}
    assert "404" in doc["paths"]["/api/v1/boards/{node_code}"]["get"]["responses"]


def test_docs_page_loads_nothing_from_another_host(client, db):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui-bundle.js" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") for u in urls), urls
    # No CDN host anywhere, not even in a script (a bare "cdn" also turned up inside a random CSRF token).
    assert re.findall(r"[\w.-]*cdn[\w-]*\.[a-z]{2,}", html.lower()) == []


# ---------------------------------------------------------------------------
# Public boards


def test_board_is_public_and_the_same_figures_as_the_page(client, world, report, clock):
    from linli.cases import stats

    report()
    report("Z-B1-U1")
    r = client.get("/api/v1/boards/X")
    assert r.status_code == 200
    body = r.json()
    assert body["node"] == "X"
    assert body["figures"] == stats.board_figures(node=world["X"])
    assert body["figures"]["total"] == 1
    assert client.get("/api/v1/boards/C1").json()["figures"]["total"] == 1
    assert client.get("/api/v1/boards/S1").json()["figures"]["total"] == 2


def test_board_of_unknown_place_is_404(client, db):
    r = client.get("/api/v1/boards/NOWHERE")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_renders_every_operation_from_this_site_only(live_server, desktop, artifacts_dir):
    hosts = set()
    desktop.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    desktop.goto(live_server.url + "/api/v1/docs")
    desktop.wait_for_selector(".opblock", timeout=15000)
    titles = desktop.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/cases/{id}/actions/plan" in [t.replace("\u200b", "") for t in titles]
    assert hosts == {live_server.url.split("/")[2]}
    desktop.screenshot(path=str(artifacts_dir / "api-docs-desktop.png"))


# ---------------------------------------------------------------------------
# Twins of the other page actions


def test_supervise_needs_the_supervise_role(client, world, report):
    case = report()
    r = act(client, case, "supervise", {"kind": "supervise", "note": "请尽快处理"}, token_for(world, "property_x"))
    assert r.status_code == 403 and case.supervisions.count() == 0
    r = act(client, case, "supervise", {"kind": "evaluate", "note": "处理及时", "score": 90},
            token_for(world, "community_c1"))
    assert r.status_code == 200
    assert list(case.supervisions.values_list("kind", "score")) == [("evaluate", 90)]
    r = act(client, case, "supervise", {"kind": "evaluate", "note": "x", "score": 101}, token_for(world, "community_c1"))
    assert r.status_code == 422 and case.supervisions.count() == 1


def test_help_request_is_matched_to_a_volunteer(client, world, report):
    case = report(category="help", description="帮忙照看一下老人")
    r = act(client, case, "match_helper", {"volunteer": "owner"}, token_for(world, "leader_m1"))
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "dispatched" and r.json()["assignee"] == "owner"
    other = report(description="楼道灯坏了")
    r = act(client, other, "match_helper", {"volunteer": "owner"}, token_for(world, "leader_m1"))
    assert r.status_code == 422 and r.json()["code"] == "not_help"


def test_read_all_notifications(client, world, report):
    report()
    report()
    notify.received_fanout()
    headers = token_for(world, "property_x")
    r = post(client, "/api/v1/my/notifications/read_all", {}, headers)
    assert r.status_code == 200 and r.json() == {"marked": 2}
    assert client.get("/api/v1/my/notifications?unread=true", **headers).json() == []


def test_tracking_and_online_rating_by_the_code(client, world, report):
    case = report(contact_phone="13912345678")
    staff = token_for(world, "property_x")
    r = client.get(f"/api/v1/track/{case.tracking_code}")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "received" and body["place"] == "X X-B1"  # compound and building, as on the boards
    assert "13912345678" not in r.content.decode() and "property_x" not in r.content.decode()
    assert {d["clock"] for d in body["deadlines"]} == {"respond", "plan"}
    r = post(client, f"/api/v1/track/{case.tracking_code}/rating", {"rating": "satisfied"}, {})
    assert r.status_code == 409 and r.json()["code"] == "case_state"
    for action, data in (("accept", {}), ("dispatch", {"to": "property"}), ("plan", {"colour": "green", "note": "换灯"}),
                         ("finish", {})):
        assert act(client, case, action, data, staff).status_code == 200
    r = post(client, f"/api/v1/track/{case.tracking_code}/rating", {"rating": "unsatisfied", "comment": "还是不亮"}, {})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    case.refresh_from_db()
    assert case.rating == "unsatisfied" and case.return_visits.get().method == "online"
    assert client.get("/api/v1/track/NOSUCHCODE").status_code == 404


def test_campaign_through_the_api(client, world, clock):
    staff = token_for(world, "community_c1")
    r = post(client, "/api/v1/campaigns", {"node": "X", "title": "楼道大扫除", "starts_on": "2026-11-01",
                                           "ends_on": "2026-11-30"}, staff)
    assert r.status_code == 201
    cid = r.json()["id"]
    assert r.json()["found"] == 0
    assert post(client, "/api/v1/campaigns", {"node": "X", "title": "x", "starts_on": "2026-11-01",
                                              "ends_on": "2026-11-30"}, token_for(world, "resident")).status_code == 403
    problem = {"node": "X-B1-U1", "category": "hygiene", "description": "楼道堆放杂物", "responsible": "物业",
               "measure": "清理杂物", "due_at": "2026-11-10T18:00:00+08:00"}
    assert post(client, f"/api/v1/campaigns/{cid}/problems", problem, token_for(world, "owner")).status_code == 403
    assert post(client, f"/api/v1/campaigns/{cid}/participants", {"person": "owner"}, staff).status_code == 200
    r = post(client, f"/api/v1/campaigns/{cid}/problems", problem, token_for(world, "owner"))
    assert r.status_code == 201
    assert [d["clock"] for d in r.json()["deadlines"] if d["clock"] == "finish"] == ["finish"]
    assert client.get(f"/api/v1/campaigns/{cid}").json()["found"] == 1
    assert client.get("/api/v1/campaigns/999999").status_code == 404


def test_policy_assign(client, world):
    from linli.cases.models import PolicyAssignment, TimeLimitPolicy

    other = TimeLimitPolicy.objects.exclude(is_default=True).first()
    r = post(client, "/api/v1/policies/assign", {"node": "X", "policy": other.code}, token_for(world, "property_x"))
    assert r.status_code == 403 and not PolicyAssignment.objects.exists()
    r = post(client, "/api/v1/policies/assign", {"node": "X", "policy": other.code}, token_for(world, "community_c1"))
    assert r.status_code == 200 and r.json()["policy"] == other.code
    assert PolicyAssignment.objects.get().node == world["X"]
    r = post(client, "/api/v1/policies/assign", {"node": "X", "policy": "nope"}, token_for(world, "community_c1"))
    assert r.status_code == 422 and r.json()["code"] == "unknown_policy"


@pytest.mark.parametrize("typed,stored", [("138 0000 1111", "13800001111"), ("+86 13800001111", "13800001111"),
                                          ("0086-13800001111", "13800001111"), ("028-87654321", "028-87654321")])
def test_the_api_stores_a_call_back_number_the_way_the_pages_do(client, world, clock, typed, stored):
    r = post(client, "/api/v1/cases", {**NEW, "contact_phone": typed}, token_for(world, "resident"))
    assert r.status_code == 201
    assert Case.objects.get(pk=r.json()["id"]).contact_phone == stored


def test_an_unreadable_phone_is_refused_by_the_api_in_chinese_and_nothing_is_stored(client, world, clock):
    r = post(client, "/api/v1/cases", {**NEW, "contact_phone": "call me"}, token_for(world, "resident"))
    assert r.status_code == 422
    assert r.json()["code"] == "bad_phone" and "11位手机号" in r.json()["message"]
    assert Case.objects.count() == 0


def test_public_reads_stay_public_whatever_token_is_sent(client, world, report):
    report()
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, token_for(world, "resident")):
        r = client.get("/api/v1/boards/X", **headers)
        assert r.status_code == 200 and r.json()["figures"]["total"] == 1
        assert client.get("/api/v1/ledger/public", **headers).status_code == 200
