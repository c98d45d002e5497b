"""Open311 GeoReport v2 conformance, written from the spec
(http://wiki.open311.org/GeoReport_v2) and mySociety's servicerequestupdates
extension: roots and element names in XML and JSON, required fields, the
date window, tokens, updates and the error documents."""
from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from linli.cases import services as case_services
from linli.cases.models import AssigneeKind, Case, CaseEvent, Category, Deadline, Source, Status
from linli.open311.models import Open311Key, Open311Submission, ServiceAttribute
from tests.cases.conftest import local

BASE = "/open311/v2/"
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]


@pytest.fixture
def key(world):
    _k, raw = Open311Key.issue(name="12345热线")
    return raw


@pytest.fixture
def floor_attribute(world):
    return ServiceAttribute.objects.create(
        category=Category.objects.get(code="repair"), code="floor", datatype="singlevaluelist", required=True,
        description="哪一层？", order=1, values=[{"key": "1", "name": "一楼"}, {"key": "3", "name": "三楼"}],
    )


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def assert_error(response, status: int, fmt: str = "json") -> str:
    assert response.status_code == status
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        errors = root.findall("error")
        assert len(errors) == 1 and [c.tag for c in errors[0]] == ["code", "description"]
        assert errors[0].findtext("code") == str(status)
        return errors[0].findtext("description", "")
    body = response.json()
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


def post(client, key, fmt="json", **fields):
    data = {"api_key": key, "service_code": "repair", "address_id": "X-B1-U1",
            "description": "三楼楼道灯不亮了，联系 13912345678", **fields}
    return client.post(f"{BASE}requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


# ---------------------------------------------------------------------------
# services


def test_services_xml_and_json(client, world, floor_attribute):
    root = xml(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == list(
        Category.objects.filter(active=True).values_list("code", flat=True))
    repair = next(s for s in services if s.findtext("service_code") == "repair")
    assert [c.tag for c in repair] == ["service_code", "service_name", "description", "metadata", "type",
                                       "keywords", "group"]
    assert repair.findtext("metadata") == "true" and repair.findtext("type") == "realtime"
    assert next(s for s in services if s.findtext("service_code") == "noise").findtext("metadata") == "false"
    body = client.get(f"{BASE}services.json").json()
    assert body[0]["service_code"] == services[0].findtext("service_code")
    assert body[0]["metadata"] is True and body[0]["service_name"] == "公共设施报修"


def test_service_definition(client, world, floor_attribute):
    root = xml(client.get(f"{BASE}services/repair.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "repair"
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == ["variable", "code", "datatype", "required", "datatype_description",
                                          "order", "description", "values"]
    assert attribute.findtext("datatype") == "singlevaluelist" and attribute.findtext("required") == "true"
    assert [(v.findtext("key"), v.findtext("name")) for v in attribute.findall("values/value")] == [
        ("1", "一楼"), ("3", "三楼")]
    body = client.get(f"{BASE}services/repair.json").json()
    assert body["service_code"] == "repair" and body["attributes"][0]["values"][1] == {"key": "3", "name": "三楼"}
    assert_error(client.get(f"{BASE}services/nothing.xml"), 404, "xml")
    assert_error(client.get(f"{BASE}services/nothing.json"), 404)


def test_unknown_jurisdiction_is_404(client, world):
    assert_error(client.get(f"{BASE}services.json?jurisdiction_id=NOWHERE"), 404)
    assert client.get(f"{BASE}services.json?jurisdiction_id=X").status_code == 200


# ---------------------------------------------------------------------------
# POST requests


def test_post_by_unit_code_without_coordinates(client, world, key, clock):
    r = post(client, key, first_name="小明", last_name="王", phone="13800001111", account_id="acc-9")
    assert r.status_code == 201
    body = r.json()
    case = Case.objects.get()
    assert body == [{"service_request_id": case.pk, "token": case.tracking_code, "service_notice": "",
                     "account_id": "acc-9"}]
    assert case.source == Source.OPEN311 and case.node == world["X-B1-U1"] and case.compound == world["X"]
    assert case.contact_name == "王 小明" and case.contact_phone == "13800001111"
    assert case.open311.key.name == "12345热线" and case.open311.account_id == "acc-9"
    assert set(Deadline.objects.filter(case=case).values_list("clock", flat=True)) == {"respond", "on_site", "plan"}


def test_post_xml_answer(client, world, key):
    root = xml(post(client, key, fmt="xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [c.tag for c in request] == ["service_request_id", "token", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == str(Case.objects.get().pk)


def test_post_by_address_string_and_by_coordinates_in_a_compound(client, world, key):
    world["Z"].name = "锦华苑"
    world["Z"].save()
    r = post(client, key, address_id=None, address_string="成都市锦华苑 东门")
    assert r.status_code == 201
    assert Case.objects.get(pk=r.json()[0]["service_request_id"]).node == world["Z"]
    r = post(client, key, address_id=None, lat="30.65", long="104.06", jurisdiction_id="Y")
    assert r.status_code == 201
    assert Case.objects.get(pk=r.json()[0]["service_request_id"]).node == world["Y"]


def test_attributes_are_checked_and_kept(client, world, key, floor_attribute):
    assert "floor" in assert_error(post(client, key), 400)
    assert_error(post(client, key, **{"attribute[floor]": "9"}), 400)
    assert Case.objects.count() == 0
    r = post(client, key, **{"attribute[floor]": "3"})
    assert r.status_code == 201
    assert Open311Submission.objects.get().attributes == {"floor": "3"}


@pytest.mark.parametrize("fields,status", [
    ({"service_code": None}, 400),
    ({"service_code": "nothing"}, 404),
    ({"address_id": None}, 400),
    ({"address_id": "NOPE"}, 400),
    ({"address_id": None, "address_string": "火星小区"}, 400),
    ({"address_id": None, "lat": "30.6", "long": "104"}, 400),
    ({"address_id": None, "lat": "north", "long": "104", "jurisdiction_id": "X"}, 400),
    ({"jurisdiction_id": "NOWHERE"}, 404),
    ({"jurisdiction_id": "Z"}, 400),
    ({"description": "x" * 4001}, 400),
    ({"description": ""}, 400),
    ({"media_url": "javascript:alert(1)"}, 400),
    ({"api_key": None}, 403),
    ({"api_key": "o311_wrong"}, 403),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_refusals_create_nothing(client, world, key, fields, status, fmt):
    assert_error(post(client, key, fmt=fmt, **fields), status, fmt)
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_revoked_key_is_refused(client, world):
    k, raw = Open311Key.issue(name="old app")
    assert post(client, raw).status_code == 201
    k.revoked_at = local(2026, 11, 2)
    k.save()
    assert_error(post(client, raw), 403)
    assert Case.objects.count() == 1


def test_key_limited_to_a_jurisdiction(client, world):
    _k, raw = Open311Key.issue(name="C1 app", jurisdiction=world["C1"])
    assert post(client, raw, address_id="Y-B1-U1").status_code == 201
    assert_error(post(client, raw, address_id="Z-B1-U1"), 403)
    assert_error(post(client, raw, address_id="Z-B1-U1", jurisdiction_id="C2"), 403)
    assert Case.objects.count() == 1


def test_nul_character_is_400(client, world, key):
    assert_error(post(client, key, description="灯\x00坏"), 400)
    assert Case.objects.count() == 0


# ---------------------------------------------------------------------------
# GET requests, requests/{id}, tokens/{token}


@pytest.fixture
def three(world, clock, report):
    """Three requests: 100 days ago (closed after the visit), 10 days ago (planned) and now."""
    staff = world.person("community_c1")
    clock.set(local(2026, 7, 25, 9))
    old = report(description="旧的问题，电话 13912345678")
    for step in ("accept", "dispatch", "plan", "finish", "visit", "close"):
        clock.advance(minutes=5)
        if step == "accept":
            case_services.case_accept(case=old, by=staff)
        elif step == "dispatch":
            case_services.case_dispatch(case=old, by=staff, to="property")
        elif step == "plan":
            case_services.case_plan(case=old, by=staff, colour="green", note="换灯泡")
        elif step == "finish":
            case_services.case_finish(case=old, by=staff)
        elif step == "visit":
            case_services.case_visit(case=old, by=staff, method="phone", rating="satisfied")
        else:
            case_services.case_close(case=old, by=staff)
    clock.set(local(2026, 10, 23, 9))
    mid = report("Z-B1-U1", category="hygiene", description="垃圾没人清")
    case_services.case_accept(case=mid, by=world.person("community_c2"))
    case_services.case_dispatch(case=mid, by=world.person("community_c2"), to="property")
    case_services.case_plan(case=mid, by=world.person("community_c2"), colour="yellow", note="联系保洁公司")
    clock.set(local(2026, 11, 2, 10))
    new = report()
    return old, mid, new


def ids_of(response) -> list[int]:
    return [r["service_request_id"] for r in response.json()]


def test_get_requests_default_window_is_90_days_newest_first(client, three):
    old, mid, new = three
    assert ids_of(client.get(f"{BASE}requests.json")) == [new.pk, mid.pk]
    root = xml(client.get(f"{BASE}requests.xml"))
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert [r.findtext("service_request_id") for r in requests] == [str(new.pk), str(mid.pk)]
    assert [c.tag for c in requests[1]] == REQUEST_FIELDS


def test_get_requests_fields_are_public_only(client, three, world):
    old, mid, new = three
    row = client.get(f"{BASE}requests.json?start_date=2026-07-01T00:00:00%2B08:00").json()[-1]
    assert row["service_request_id"] == old.pk
    assert row["status"] == "closed" and row["service_code"] == "repair" and row["service_name"] == "公共设施报修"
    assert row["description"] == ""  # descriptions may name people: only an integration's key shows them
    assert row["address"] == "X X-B1" and row["address_id"] == "X-B1"
    assert row["requested_datetime"] == "2026-07-25T09:00:00+08:00"
    with translation.override("zh-hans"):
        assert row["agency_responsible"] == f"{AssigneeKind.PROPERTY.label} X"
        assert row["status_notes"] == str(Status.CLOSED.label)
    assert "13912345678" not in client.get(f"{BASE}requests.json?start_date=2026-07-01T00:00:00Z").content.decode()
    planned = client.get(f"{BASE}requests/{mid.pk}.json").json()[0]
    assert planned["status"] == "open" and planned["service_notice"] == "联系保洁公司"
    due = Deadline.objects.get(case=mid, clock="finish").due_at
    assert dt.datetime.fromisoformat(planned["expected_datetime"]) == due


def test_key_shows_masked_descriptions_inside_its_jurisdiction(client, three, world):
    old, mid, new = three
    _k, c1 = Open311Key.issue(name="C1 app", jurisdiction=world["C1"])
    rows = client.get(f"{BASE}requests.json?start_date=2026-07-01T00:00:00Z&api_key={c1}").json()
    by_id = {r["service_request_id"]: r for r in rows}
    assert set(by_id) == {old.pk, new.pk}  # the key's jurisdiction limits the list
    assert by_id[old.pk]["description"] == "旧的问题，电话 139****5678"
    assert_error(client.get(f"{BASE}requests.json?api_key=o311_wrong"), 403)


@pytest.mark.parametrize("query,expected", [
    ("status=open", ["new", "mid"]),
    ("status=closed&start_date=2026-07-01T00:00:00Z", ["old"]),
    ("status=open,closed&start_date=2026-07-01T00:00:00Z", ["new", "mid", "old"]),
    ("service_code=hygiene", ["mid"]),
    ("service_code=hygiene,repair", ["new", "mid"]),
    ("start_date=2026-10-20T00:00:00%2B08:00&end_date=2026-10-30T00:00:00%2B08:00", ["mid"]),
    ("end_date=2026-08-01T00:00:00Z", ["old"]),
    ("jurisdiction_id=C2", ["mid"]),
    ("jurisdiction_id=X", ["new"]),
])
def test_get_requests_filters(client, three, query, expected):
    names = dict(zip(("old", "mid", "new"), three, strict=True))
    assert ids_of(client.get(f"{BASE}requests.json?{query}")) == [names[n].pk for n in expected]


def test_service_request_id_list_ignores_the_other_filters(client, three):
    old, mid, new = three
    r = client.get(f"{BASE}requests.json?service_request_id={old.pk},{mid.pk}&status=open&service_code=noise")
    assert ids_of(r) == [mid.pk, old.pk]


def test_at_most_1000_rows(client, world, report, clock, django_assert_max_num_queries):
    repair = Category.objects.get(code="repair")
    policy = report().policy
    for i in range(1003):
        Case.objects.create(node=world["X-B1-U1"], compound=world["X"], category=repair, description=f"批量 {i}",
                            source=Source.API, received_at=local(2026, 11, 1, 8), policy=policy)
    with django_assert_max_num_queries(12):
        rows = client.get(f"{BASE}requests.json").json()
    assert len(rows) == 1000


@pytest.mark.parametrize("query", [
    "start_date=yesterday", "start_date=2026-11-01T00:00:00", "end_date=2026-01-01T00:00:00Z&start_date=2026-02-01T00:00:00Z",
    "status=pending", "service_request_id=1,two", "start_date=0001-01-01T00:00:00Z",
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_bad_input_is_400(client, world, query, fmt):
    assert_error(client.get(f"{BASE}requests.{fmt}?{query}"), 400, fmt)


def test_request_detail_and_missing(client, three):
    old, mid, new = three
    root = xml(client.get(f"{BASE}requests/{new.pk}.xml"))
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == str(new.pk)
    assert_error(client.get(f"{BASE}requests/999999.json"), 404)
    assert_error(client.get(f"{BASE}requests/abc.xml"), 404, "xml")
    # Digits to str.isdigit, not to int(): a 404 document, not a server error.
    assert_error(client.get(f"{BASE}requests/%C2%B2.json"), 404)
    assert_error(client.get(f"{BASE}requests/%E2%91%A0.json"), 404)


def test_tokens(client, world, key):
    posted = post(client, key).json()[0]
    root = xml(client.get(f"{BASE}tokens/{posted['token']}.xml"))
    assert root.tag == "service_requests"
    assert [c.tag for c in root.find("request")] == ["service_request_id", "token"]
    assert root.findtext("request/service_request_id") == str(posted["service_request_id"])
    body = client.get(f"{BASE}tokens/{posted['token']}.json").json()
    assert body == [{"service_request_id": posted["service_request_id"], "token": posted["token"]}]
    assert_error(client.get(f"{BASE}tokens/NOSUCHTOKEN.json"), 404)


# ---------------------------------------------------------------------------
# servicerequestupdates (mySociety)


def test_servicerequestupdates(client, three, world):
    old, mid, new = three
    r = client.get(f"{BASE}servicerequestupdates.xml?start_date=2026-07-25T00:00:00%2B08:00"
                   f"&end_date=2026-07-26T00:00:00%2B08:00")
    root = xml(r)
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert [c.tag for c in updates[0]] == ["update_id", "service_request_id", "status", "external_status_code",
                                           "updated_datetime", "description", "media_url"]
    assert [u.findtext("status") for u in updates] == [
        "OPEN", "INVESTIGATING", "ACTION_SCHEDULED", "ACTION_SCHEDULED", "FIXED", "FIXED", "CLOSED"]
    assert {u.findtext("service_request_id") for u in updates} == {str(old.pk)}
    with translation.override("zh-hans"):
        assert updates[3].findtext("description") == str(Status.PLANNED.label)
    assert "换灯泡" not in r.content.decode()  # notes only with a key
    times = [u.findtext("updated_datetime", "") for u in updates]
    assert times == sorted(times) and times[0] == "2026-07-25T09:00:00+08:00"
    body = client.get(f"{BASE}servicerequestupdates.json?start_date=2026-10-01T00:00:00Z").json()
    assert [(u["service_request_id"], u["external_status_code"]) for u in body] == [
        (mid.pk, "received"), (mid.pk, "accepted"), (mid.pk, "dispatched"), (mid.pk, "planned"), (new.pk, "received")]
    _k, raw = Open311Key.issue(name="city")
    keyed = client.get(f"{BASE}servicerequestupdates.json?start_date=2026-10-01T00:00:00Z&api_key={raw}").json()
    assert keyed[3]["description"].endswith("联系保洁公司")
    assert_error(client.get(f"{BASE}servicerequestupdates.json?start_date=soon"), 400)
    assert_error(client.get(f"{BASE}servicerequestupdates.xml?jurisdiction_id=NOWHERE"), 404, "xml")


def test_methods_and_formats(client, world):
    assert client.post(f"{BASE}services.json").status_code == 405
    assert_error(client.get(f"{BASE}requests.yaml"), 404)
    assert_error(client.get(f"{BASE}services/a.b.xml"), 404, "xml")
    assert_error(client.get(f"{BASE}nothing/here"), 404)


# ---------------------------------------------------------------------------
# Never a server error, whatever a client sends


ANY_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "X", "C1", "X-B1-U1", "repair", "open", "closed,open", "2026-11-01T00:00:00Z", "1,2", "-1", "9" * 30,
     "30.6", "o311_x"]))
PARAMS = ["jurisdiction_id", "service_code", "service_request_id", "start_date", "end_date", "status", "api_key",
          "address_id", "address_string", "lat", "long", "description", "attribute[floor]", "media_url", "phone"]


@hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(path=st.sampled_from(["services", "services/repair", "services/x.y", "requests", "requests/1", "requests/abc",
                             "tokens/ABC", "servicerequestupdates", "discovery"]),
       fmt=st.sampled_from(["json", "xml", "csv"]),
       method=st.sampled_from(["get", "post"]),
       params=st.dictionaries(st.sampled_from(PARAMS), ANY_TEXT, max_size=6))
def test_any_input_gets_a_document_never_a_server_error(client, world, floor_attribute, path, fmt, method, params):
    r = getattr(client, method)(f"{BASE}{path}.{fmt}", data=params)
    assert r.status_code in {200, 201, 400, 403, 404, 405}, (r.status_code, r.content[:200])
    if r.status_code in {400, 403, 404}:
        assert_error(r, r.status_code, fmt if fmt in ("json", "xml") else "json")
