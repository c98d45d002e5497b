"""Every URL pattern, fed hostile values in each path and query parameter, as
anonymous and as each role of the test world: never a 5xx; under /api/ every
error is the JSON ``{"code", "message", "details"}`` shape, under /open311/ the
spec's error document.

The walk iterates the resolver (the admin site excepted: Django's own), so a new
page or endpoint is walked without touching this file. One representative bad
value per parameter per role keeps it fast; the values rotate over the roles, so
the whole list is tried on every parameter.
"""
from __future__ import annotations

import functools
import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from linli.cases import services
from linli.cases.models import Category, Source

ROLES = ["anonymous", "resident", "owner", "property_x", "property_z", "grid_c1", "leader_m1", "community_c1",
         "community_c2", "street_s1", "multi", "admin"]

# Already percent-encoded where needed.
BAD_TEXT = ["%00", "A%01B", "%1F%7F", "x" * 300, "%FF%FE", "..%2F..", "-1", "9" * 25, "%E4%B8%AD" * 100, "%0B"]
BAD_INT = ["99999999999999999999", "0", "2147483648", "9" * 40]
BAD_QUERY = ["%00", "%07", "x" * 400, "-1", "9" * 25, "2199-13-45T99:99:99", "1970-01-01T00:00:00Z", "%FF",
             "1e309", "nan", "[]", "%0Ax%0D"]
# Query parameters the pages and Open311 read (the JSON API's come from its schema).
PAGE_QUERY = ["year", "format", "sent", "rated", "code", "page", "q", "status", "kind", "next", "lang",
              "api_key", "jurisdiction_id", "service_code", "service_request_id", "start_date", "end_date",
              "address_id", "lat", "long"]


def patterns(resolver=None, prefix="", admin=False):
    """Every URL pattern, the admin site's apart (``admin=True``: only those)."""
    top = resolver is None
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if top and (getattr(p, "namespace", None) == "admin") != admin:
                continue
            yield from patterns(p, prefix + _pattern_text(p.pattern))
        elif isinstance(p, URLPattern) and not (top and admin):
            yield prefix + _pattern_text(p.pattern), p


def _pattern_text(pattern) -> str:
    """A route template with ``{name:kind}`` placeholders for the parameters."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: f"{{{m.group(2)}:{m.group(1) or 'str'}}}", str(pattern))
    assert isinstance(pattern, RegexPattern)
    text = str(pattern).lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: f"{{{m.group(1)}:str}}", text)
    return text.replace("\\.", ".")


def _url(template: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"\{(\w+):(\w+)\}", lambda m: values.get(m.group(1), "x"), template)


def _params(template: str) -> list[tuple[str, str]]:
    return re.findall(r"\{(\w+):(\w+)\}", template)


@pytest.fixture
def samples(world):
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="三楼楼道灯不亮了", source=Source.QR, contact_phone="13912345678")
    return {"code": "X", "node_code": "X", "id": str(case.pk), "pk": str(case.pk), "rid": str(case.pk),
            "token": case.tracking_code, "fmt": "json", "action": "accept", "photo_id": "1", "photo_pk": "1",
            "rest": "nothing.json", "_tracking": case.tracking_code}


def _valid(name: str, template: str, samples) -> str:
    if name == "code" and template.startswith(("t/", "api/v1/track/")):
        return samples["_tracking"]
    if name == "fmt" and template.startswith("reports/"):
        return "csv"
    return samples.get(name, "x")


@functools.cache
def _api_query_names() -> frozenset[str]:
    from linli.api.main import api

    schema = api.get_openapi_schema()
    names = set()
    for ops in schema["paths"].values():
        for op in ops.values():
            names |= {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
    return frozenset(names)


def _shape_problem(url: str, response) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code < 400:
        return None
    body = response.content
    if url.startswith("/api/"):
        if not response.get("Content-Type", "").startswith("application/json"):
            return f"{response.status_code} not JSON ({response.get('Content-Type')})"
        try:
            data = json.loads(body)
        except ValueError:
            return f"{response.status_code} not JSON: {body[:80]!r}"
        if not (isinstance(data, dict) and isinstance(data.get("code"), str) and isinstance(data.get("message"), str)):
            return f"{response.status_code} not the error shape: {body[:120]!r}"
    elif url.startswith("/open311/"):
        if response.get("Content-Type", "").startswith("text/xml"):
            if b"<errors><error><code>" not in body:
                return f"{response.status_code} not an Open311 XML error"
        else:
            try:
                data = json.loads(body)
            except ValueError:
                return f"{response.status_code} not JSON: {body[:80]!r}"
            if not (isinstance(data, list) and data and {"code", "description"} <= set(data[0])):
                return f"{response.status_code} not an Open311 JSON error: {body[:120]!r}"
    return None


def walk_as(role: str, world, samples, admin: bool = False) -> list[str]:
    client = Client(raise_request_exception=False)
    person = world.person(role)
    if person is not None:
        client.force_login(person)
    offset = ROLES.index(role)
    query_names = sorted(set(PAGE_QUERY) | _api_query_names())
    problems = []

    def check(method: str, url: str, **kw):
        response = getattr(client, method)(url, **kw)
        problem = _shape_problem(url, response)
        if problem:
            problems.append(f"{role} {method.upper()} {url[:160]} -> {problem}")

    for i, (template, _pattern) in enumerate(patterns(admin=admin)):
        params = _params(template)
        valid = {name: _valid(name, template, samples) for name, _ in params}
        # One path parameter gets a bad value for GET, another for POST (the others stay
        # valid); over the roles every parameter of every pattern gets every kind of value.
        for k, method in enumerate(("get", "post")):
            if not params:
                break
            name, kind = params[(offset + i + k) % len(params)]
            pool = BAD_INT if kind == "int" else BAD_TEXT
            url = _url(template, {**valid, name: pool[(offset + i + k) % len(pool)]})
            check(method, url, **({"data": {}} if method == "post" else {}))
        # Every query parameter gets a bad value (path valid).
        value = BAD_QUERY[(offset + i) % len(BAD_QUERY)]
        query = "&".join(f"{n}={value}" for n in query_names)
        check("get" if (offset + i) % 3 else "post", f"{_url(template, valid)}?{query}")
    return problems


def test_the_walk_sees_pages_api_and_open311():
    templates = [t for t, _ in patterns()]
    assert len(templates) > 100
    assert {"q/{code:str}", "api/v1/cases/{id:str}", "open311/v2/tokens/{token:str}.{fmt:str}",
            "ledger/accounts/{code:str}/"} <= set(templates)


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_value_in_a_path_or_query_answers_5xx(world, samples, settings, role):
    settings.LINLI_INTAKE_THROTTLE = (10_000, 60)
    problems = walk_as(role, world, samples)
    assert problems == [], "\n".join(problems)


def test_the_admin_site_survives_hostile_values_too(world, samples):
    """Django's admin, walked by the superuser (the only role that reaches its views)."""
    assert len(list(patterns(admin=True))) > 50
    problems = walk_as("admin", world, {**samples, "object_id": samples["id"], "app_label": "cases"}, admin=True)
    assert problems == [], "\n".join(problems)
