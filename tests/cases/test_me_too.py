"""“我也遇到了”: the QR page shows the open requests of the same building reported in the
last 30 days; a neighbour joins one instead of reporting it again, counted once per
browser (anonymous) or person, on the request, its tracking page and the public board."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from linli.cases import selectors, services
from linli.cases.models import Case, CaseSupporter, Status
from linli.errors import DomainError


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def open_page(c: Client, code: str = "X-B1-U1") -> str:
    r = c.get(f"/q/{code}")
    assert r.status_code == 200
    return r.content.decode()


def me_too(c: Client, case: Case, code: str = "X-B1-U1"):
    return c.post(f"/q/{code}/same", {"case": case.pk, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})


@pytest.fixture
def reported(report, clock):
    return report(contact_name="王阿姨", contact_phone="13912345678", description="水管爆裂，赵家门口全是水")


def test_the_intake_page_shows_open_requests_of_the_same_building_without_personal_data(client, reported):
    for code in ("X-B1-U1", "X-B1"):
        body = client.get(f"/q/{code}").content.decode()
        assert "已有邻居反映：" in body and "我也遇到了" in body
        assert "公共设施报修" in body
        assert "王阿姨" not in body and "13912345678" not in body and "水管爆裂" not in body
        assert reported.tracking_code not in body
    # Another building of the same compound is not "the same place".
    assert "已有邻居反映" not in client.get("/q/X-B2").content.decode()
    # The help page asks for something else: no hint there.
    assert "已有邻居反映" not in client.get("/q/X-B1-U1/help").content.decode()


def test_only_open_requests_of_the_last_30_days_are_offered(world, report, clock):
    old = report()
    clock.advance(days=31)
    fresh = report()
    done = report()
    Case.objects.filter(pk=done.pk).update(status=Status.DONE)
    assert [c.pk for c in selectors.supportable_cases(node=world["X-B1-U1"])] == [fresh.pk]
    assert old.pk not in [h["id"] for h in selectors.duplicate_hints(node=world["X-B1"])]


def test_me_too_counts_once_per_browser_and_shows_on_the_request_and_the_board(reported):
    neighbour = browser()
    open_page(neighbour)
    r = me_too(neighbour, reported)
    assert r.status_code == 302 and r["Location"] == "/q/X-B1-U1?joined=1"
    assert "谢谢" in neighbour.get(r["Location"]).content.decode()
    # The same browser again: refused with a clear message, nothing written.
    again = me_too(neighbour, reported)
    assert again.status_code == 409
    assert "您已经说过也遇到了这个问题" in again.content.decode()
    assert CaseSupporter.objects.filter(case=reported).count() == 1
    # Another browser counts.
    other = browser()
    open_page(other)
    assert me_too(other, reported).status_code == 302
    assert CaseSupporter.objects.filter(case=reported).count() == 2
    assert Case.objects.count() == 1  # no duplicate request
    # Counted on the request (tracking page), the hint and the public board.
    track = Client().get(f"/t/{reported.tracking_code}").content.decode()
    assert "2位邻居也遇到了这个问题" in track
    assert "2位邻居也遇到了这个问题" in open_page(browser())
    from linli.cases import stats

    figures = stats.board_figures(node=reported.compound)
    assert figures["me_too"] == 2 and figures["recent"][0]["me_too"] == 2
    board = Client().get(f"/boards/{reported.compound.code}/").content.decode()
    assert "邻居也遇到了" in board


def test_the_reporter_cannot_say_me_too_on_their_own_request(world, report, client):
    client.force_login(world.person("resident"))
    case = report(by=world.person("resident"))
    with pytest.raises(DomainError) as exc:
        services.case_support(case=case, by=world.person("resident"))
    assert exc.value.code == "cases.support.own"
    assert "这条是您反映的" in client.get("/q/X-B1-U1").content.decode()
    assert not CaseSupporter.objects.exists()


def test_a_signed_in_person_counts_once_whatever_the_browser(world, reported):
    owner = world.person("owner")
    services.case_support(case=reported, by=owner)
    with pytest.raises(DomainError) as exc:
        services.case_support(case=reported, by=owner, client_browser="another-browser")
    assert exc.value.code == "cases.support.twice"
    assert CaseSupporter.objects.filter(case=reported).count() == 1


def test_a_request_not_offered_here_cannot_be_joined(world, report, clock):
    case = report()
    neighbour = browser()
    open_page(neighbour, "X-B2")
    r = me_too(neighbour, case, code="X-B2")  # another building's request
    assert r.status_code == 409 and "这条诉求已不在处理中" in r.content.decode()
    Case.objects.filter(pk=case.pk).update(status=Status.DONE)
    open_page(neighbour)
    assert me_too(neighbour, case).status_code == 409
    clock.advance(days=1)
    assert not CaseSupporter.objects.exists()


def test_me_too_without_the_csrf_token_is_refused(reported):
    c = browser()
    open_page(c)
    assert c.post("/q/X-B1-U1/same", {"case": reported.pk}).status_code == 403
    assert not CaseSupporter.objects.exists()


def test_staff_recording_a_request_see_the_hint_and_can_join(world, reported, client):
    client.force_login(world.person("grid_c1"))
    page = client.get(f"/cases/new?place={world['X-B1-U1'].pk}&check=1").content.decode()
    assert "已有邻居反映：" in page and "我也遇到了" in page
    r = client.post("/cases/new/same", {"case": reported.pk, "place": world["X-B1-U1"].pk})
    assert r.status_code == 302
    assert CaseSupporter.objects.get().person == world.person("grid_c1")


def test_the_hint_is_read_in_few_queries(client, reported, django_assert_max_num_queries):
    for _i in range(3):
        services.case_support(case=reported, by=None, client_browser=f"b{_i}")
    with django_assert_max_num_queries(25):
        assert client.get("/q/X-B1").status_code == 200


# --- API ---------------------------------------------------------------------------------

def test_api_lists_the_hints_publicly_and_joins_with_csrf(world, reported, api_client):
    r = api_client.get("/api/v1/places/X-B1-U1/open-requests")
    assert r.status_code == 200
    [hint] = r.json()
    assert hint["id"] == reported.pk and hint["supporters"] == 0 and hint["category"] == "公共设施报修"
    assert set(hint) == {"id", "category", "place", "received_on", "status", "supporters", "joined", "own"}
    # Anonymous API callers cannot join (no browser to count once).
    assert api_client.post(f"/api/v1/cases/{reported.pk}/me-too").status_code == 401
    api_client.force_login(world.person("owner"))
    # A session write without the CSRF token is refused.
    assert api_client.post(f"/api/v1/cases/{reported.pk}/me-too").status_code in (401, 403)
    assert not CaseSupporter.objects.exists()
    api_client.get("/q/X-B1-U1")
    token = api_client.cookies["csrftoken"].value
    r = api_client.post(f"/api/v1/cases/{reported.pk}/me-too", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201 and r.json() == {"case": reported.pk, "supporters": 1}
    r = api_client.post(f"/api/v1/cases/{reported.pk}/me-too", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 409 and r.json()["code"] == "cases.support.twice"
    assert api_client.get("/api/v1/places/X-B1/open-requests").json()[0]["joined"] is True
    assert CaseSupporter.objects.count() == 1


def test_api_me_too_on_an_old_request_is_refused(world, report, clock, api_client):
    case = report()
    clock.advance(days=31)
    api_client.force_login(world.person("owner"))
    api_client.get("/q/X-B1-U1")
    r = api_client.post(f"/api/v1/cases/{case.pk}/me-too", HTTP_X_CSRFTOKEN=api_client.cookies["csrftoken"].value)
    assert r.status_code == 409 and r.json()["code"] == "cases.support.not_open"
    assert not CaseSupporter.objects.exists()
    assert dt.timedelta(days=31) > dt.timedelta(days=selectors.SUPPORT_DAYS)


def test_many_presses_from_one_address_are_slowed_down(reported, settings):
    settings.LINLI_INTAKE_THROTTLE = (2, 600)
    for i in range(2):
        c = browser()
        open_page(c)
        assert me_too(c, reported).status_code == 302, i
    c = browser()
    open_page(c)
    r = me_too(c, reported)
    assert r.status_code == 429
    assert CaseSupporter.objects.filter(case=reported).count() == 2


def test_an_anonymous_reporter_sees_their_own_request_marked_and_cannot_join_it(world):
    c = browser()
    body = open_page(c)
    import re

    token = re.search(r'name="client_token" value="([0-9a-f]{32})"', body).group(1)
    r = c.post("/q/X-B1-U1", {"category": "repair", "description": "电梯按钮坏了好几天", "client_token": token,
                              "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert r.status_code == 302
    case = Case.objects.get()
    assert "这条是您反映的" in open_page(c)
    r = me_too(c, case)
    assert r.status_code == 409 and "您自己反映了这条诉求" in r.content.decode()
    assert not CaseSupporter.objects.exists()
