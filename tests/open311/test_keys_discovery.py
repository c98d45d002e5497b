"""Open311 keys and discovery, checked against the GeoReport v2 spec's element names."""
from __future__ import annotations

import io
from xml.etree import ElementTree as ET

from django.core.management import call_command

from linli.open311.models import Open311Key


def test_discovery_xml_has_the_spec_elements(client, db):
    r = client.get("/open311/v2/discovery.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_discovery_json_mirrors_the_xml(client, db):
    body = client.get("/open311/v2/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_unknown_format_is_a_404_error_document(client, db):
    r = client.get("/open311/v2/discovery.yaml")
    assert r.status_code == 404
    assert r.json() == [{"code": 404, "description": "format must be xml or json"}]


def test_key_created_by_cli_authenticates_until_revoked(world):
    out = io.StringIO()
    call_command("open311", "key", "create", "12345热线", "--jurisdiction", "C1", stdout=out)
    raw = out.getvalue().strip()
    key = Open311Key.authenticate(raw)
    assert key is not None and key.name == "12345热线" and key.jurisdiction == world["C1"]
    assert Open311Key.authenticate("o311_wrong") is None
    call_command("open311", "key", "revoke", raw[:10], stdout=io.StringIO())
    assert Open311Key.authenticate(raw) is None
