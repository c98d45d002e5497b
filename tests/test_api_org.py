"""The org part of the JSON API: bearer tokens carry exactly their person's scope."""
from __future__ import annotations

import pytest

from linli.org import services


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize(
    "who,code,status",
    [
        ("anonymous", "X", 401),
        ("resident", "X", 403),
        ("resident", "X-101", 200),
        ("property_z", "X", 403),
        ("property_x", "X", 200),
        ("street_s1", "Z-101", 200),
    ],
)
def test_node_detail_matrix(client, world, who, code, status):
    headers = {}
    if who != "anonymous":
        _t, raw = services.api_token_create(person=world.person(who), by=None)
        headers = bearer(raw)
    r = client.get(f"/api/v1/org/nodes/{code}", **headers)
    assert r.status_code == status
    if status == 200:
        assert r.json()["code"] == code


def test_token_lists_only_places_in_scope(client, world):
    _t, raw = services.api_token_create(person=world.person("property_z"), by=None)
    codes = {n["code"] for n in client.get("/api/v1/org/nodes", **bearer(raw)).json()}
    assert "Z-101" in codes and "Z" in codes
    assert not codes & {"X", "X-101", "Y", "W-101"}


def test_revoked_token_is_refused(client, world):
    token, raw = services.api_token_create(person=world.person("property_x"), by=None)
    assert client.get("/api/v1/org/me", **bearer(raw)).status_code == 200
    services.api_token_revoke(token=token, by=None)
    r = client.get("/api/v1/org/me", **bearer(raw))
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_unknown_token_is_refused(client, world):
    assert client.get("/api/v1/org/me", **bearer("ll_not-a-token")).status_code == 401


def test_session_works_too(client, world):
    client.force_login(world.person("resident"))
    r = client.get("/api/v1/org/me")
    assert r.status_code == 200
    assert r.json()["roles"] == [{"role": "resident", "node": "X-101"}]


def test_openapi_document_and_docs_page_need_no_cdn(client, db):
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    assert "/api/v1/org/nodes/{code}" in doc.json()["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"cdn." not in page.content


def test_openapi_document_is_built_once_per_language_and_each_caller_gets_a_copy(client, db, monkeypatch):
    """Building the document costs ~0.5 s of CPU: /api/v1/openapi.json must not pay it on
    every request (anyone may ask for it), and no caller may change another's copy."""
    from ninja import NinjaAPI

    from linli.api.main import api

    builds = []
    build = NinjaAPI.get_openapi_schema

    def counted(self, **kwargs):
        builds.append(kwargs)
        return build(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counted)
    monkeypatch.setattr(api, "_openapi_documents", {}, raising=False)
    first = client.get("/api/v1/openapi.json").json()
    assert client.get("/api/v1/openapi.json").json() == first and len(builds) == 1
    mine = api.get_openapi_schema(path_prefix=builds[0]["path_prefix"], path_params=builds[0]["path_params"])
    mine["paths"].clear()
    assert client.get("/api/v1/openapi.json").json() == first and len(builds) == 1
    assert "/api/v1/org/nodes/{code}" in first["paths"]
    client.cookies["django_language"] = "en"
    assert client.get("/api/v1/openapi.json").status_code == 200 and len(builds) == 2
