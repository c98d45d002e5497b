"""CSRF on the JSON API: a call that uses no session (anonymous, or a bearer token)
needs no CSRF token; a write with the browser session does, and is refused without
one. Every API test module uses the ``api_client`` fixture (CSRF enforced)."""
from __future__ import annotations

from linli.cases import services
from linli.cases.models import Case, Status
from linli.org.services import api_token_create

NEW = {"unit": "X-B1-U1", "category": "repair", "description": "三楼楼道灯不亮了"}


def test_anonymous_rating_needs_no_csrf_token(api_client, world, clock, report):
    case = report()
    staff = world.person("property_x")
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="换灯")
    services.case_finish(case=case, by=staff, note="换好了")
    r = api_client.post(f"/api/v1/track/{case.tracking_code}/rating", {"rating": "satisfied"},
                        content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == Status.VISITED


def test_anonymous_write_is_401_not_a_csrf_403(api_client, world):
    r = api_client.post("/api/v1/cases", NEW, content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert Case.objects.count() == 0


def test_a_session_write_without_the_csrf_token_is_refused(api_client, world):
    api_client.force_login(world.person("resident"))
    r = api_client.post("/api/v1/cases", NEW, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed" and "防跨站令牌" in r.json()["message"]
    assert Case.objects.count() == 0


def test_a_session_write_with_the_csrf_token_is_accepted(api_client, world):
    api_client.force_login(world.person("resident"))
    api_client.get("/q/X-B1-U1")  # a page sets the CSRF cookie
    token = api_client.cookies["csrftoken"].value
    r = api_client.post("/api/v1/cases", NEW, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201 and Case.objects.get().reporter == world.person("resident")


def test_a_token_write_needs_no_csrf_token_even_beside_a_session(api_client, world):
    api_client.force_login(world.person("owner"))
    _t, raw = api_token_create(person=world.person("resident"), name="t", by=None)
    r = api_client.post("/api/v1/cases", NEW, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201 and Case.objects.get().reporter == world.person("resident")
