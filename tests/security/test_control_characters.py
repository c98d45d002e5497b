"""Control characters: refused in the URL (400, in the caller's format), dropped from
the text a request arrives with on every channel, and never breaking the keyed
Open311 XML feed."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from linli.cases import services
from linli.cases.models import Case, Category, Source
from linli.open311.models import Open311Key

HOSTILE = "楼道灯\x01\x02\x0b\x1f坏了\x7f\x85两天"
CLEAN = "楼道灯坏了两天"


@pytest.fixture
def key(world):
    _k, raw = Open311Key.issue(name="12345热线")
    return raw


@pytest.mark.parametrize("url", [
    "/q/%00", "/t/%00", "/boards/%00/", "/funds/%00/", "/ledger/accounts/%00/", "/places/X%01/",
    "/t/?code=%00", "/compounds/X/money/?year=%00", "/q/X-B1-U1?x=%1b",
])
def test_control_characters_in_a_page_url_answer_400(client, world, url):
    r = client.get(url)
    assert r.status_code == 400
    assert "地址中含有不允许的字符" in r.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/org/nodes/%00", "/api/v1/cases?node=%00", "/api/v1/track/AB%00",
                                 "/api/v1/boards/X?kind=%00"])
def test_control_characters_in_an_api_url_answer_the_json_error(client, world, url):
    r = client.get(url)
    assert r.status_code == 400
    assert r.json() == {"code": "bad_characters", "message": "地址中含有不允许的字符。", "details": []}


def test_control_characters_in_an_open311_url_answer_its_error_document(client, world):
    r = client.get("/open311/v2/tokens/AB%00.json")
    assert r.status_code == 400
    assert r.json() == [{"code": 400, "description": "地址中含有不允许的字符。"}]
    r = client.get("/open311/v2/requests.xml?jurisdiction_id=%01")
    root = ET.fromstring(r.content)
    assert r.status_code == 400 and root.tag == "errors" and root.findtext("error/code") == "400"


def test_a_control_character_in_a_cookie_answers_400_without_reading_the_session(world):
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


def test_unrouted_and_wrong_method_api_answers_are_json(client, world):
    r = client.get("/api/v1/no/such/thing")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.put("/api/v1/track/ABCDEFGHJK")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed" and "GET" in r["Allow"]
    r = client.post("/open311/v2/discovery.json")
    assert r.status_code == 405 and r.json()[0]["code"] == 405


def test_tab_and_line_breaks_in_a_query_are_allowed(client, world):
    assert client.get("/t/?code=AB%0ACD%09").status_code in (302, 422)


def _requests_xml(client, key) -> ET.Element:
    r = client.get(f"/open311/v2/requests.xml?api_key={key}")
    assert r.status_code == 200
    return ET.fromstring(r.content)  # raises if not well-formed


def test_qr_page_drops_control_characters_and_the_keyed_xml_feed_stays_well_formed(client, world, key):
    r = client.post("/q/X-B1-U1", {"category": "repair", "description": HOSTILE, "client_token": "a" * 32,
                                   "contact_name": "王\x1b阿姨"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert (case.description, case.contact_name) == (CLEAN, "王阿姨")
    root = _requests_xml(client, key)
    assert [e.findtext("description") for e in root.findall("request")] == [CLEAN]


def test_api_drops_control_characters(api_client, world):
    from linli.org.services import api_token_create

    _t, raw = api_token_create(person=world.person("property_x"), name="t", by=None)
    r = api_client.post("/api/v1/cases", {"unit": "X-B1-U1", "category": "repair", "description": HOSTILE,
                                          "source": "phone", "contact_name": "王\x01阿姨"},
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201
    case = Case.objects.get()
    assert (case.description, case.contact_name) == (CLEAN, "王阿姨")


def test_open311_drops_control_characters(client, world, key):
    r = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "repair", "address_id": "X-B1-U1",
                                                  "description": HOSTILE, "first_name": "阿\x02姨"})
    assert r.status_code == 201
    case = Case.objects.get()
    assert (case.description, case.contact_name) == (CLEAN, "阿姨")


def test_the_intake_service_drops_them_for_every_other_channel(world):
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description=f"\r\n{HOSTILE}\r\n第二行\x00", source=Source.QR,
                                address="成都\x0c市", external_id="T-\x1f1")
    assert (case.description, case.address, case.external_id) == (f"{CLEAN}\n第二行", "成都市", "T-1")


def test_the_xml_feed_leaves_out_characters_xml_cannot_carry(client, world, key):
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="楼道灯坏了", source=Source.QR)
    Case.objects.filter(pk=case.pk).update(description=HOSTILE.replace("\x7f\x85", ""), plan="明天\x08修")
    request = _requests_xml(client, key).find("request")
    assert (request.findtext("description"), request.findtext("service_notice")) == (CLEAN, "明天修")
