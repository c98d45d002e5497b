"""A tester's attack on three changes: the merge rule outside compounds (case_merge,
merge_other_community), a received time up to 60 s ahead taken as now (case_create),
and the cached OpenAPI document (LinliAPI.get_openapi_schema)."""
from __future__ import annotations

import datetime as dt
import re
import threading
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from linli.cases import services
from linli.cases.models import Case, Category, Source, Status
from linli.cases.services.transitions import CaseStateError
from linli.errors import DomainError, InvalidInput
from tests.factories import bearer

from .conftest import local
from .test_rollups_attack import _check, _new

MERGE = "/api/v1/cases/{}/actions/merge"


def _status(case) -> str:
    return Case.objects.get(pk=case.pk).status


# ---------------------------------------------------------------------------
# 1. case_merge outside compounds


@pytest.mark.parametrize("a_code,b_code,ok", [
    ("C1", "C1-M1", True),      # one community, no compound
    ("C1-G", "C1-M2", True),
    ("C1", "C2", False),        # two communities of one street
    ("C1", "C3-M1", False),     # two streets
])
def test_merge_outside_compounds_matrix(world, clock, a_code, b_code, ok):
    admin = world.person("admin")
    a, b = _new(world, a_code), _new(world, b_code)
    if ok:
        assert services.case_merge(case=a, into=b, by=admin, at=clock.advance(minutes=1)).merged_into == b
    else:
        with pytest.raises(InvalidInput) as refused:
            services.case_merge(case=a, into=b, by=admin, at=clock.advance(minutes=1))
        assert refused.value.code == "merge_other_community"
        assert _status(a) != Status.MERGED
    _check(world, clock)


@pytest.mark.parametrize("code", ["S1", "D1"])
def test_no_request_is_made_above_a_community(world, code):
    """So every request outside a compound has a community to compare (the merge rule's
    fallback to the place itself is never reached through intake)."""
    with pytest.raises(DomainError):
        _new(world, code)
    assert not Case.objects.filter(node=world[code]).exists()


def test_merge_compound_and_no_compound_still_refused_as_other_compound(world, clock):
    admin = world.person("admin")
    a, b = _new(world, "C1"), _new(world, "X-B1-U1")
    for case, into in ((a, b), (b, a)):
        with pytest.raises(InvalidInput) as refused:
            services.case_merge(case=case, into=into, by=admin, at=clock.advance(minutes=1))
        assert refused.value.code == "merge_other_compound"


def test_merge_messages_in_chinese_and_english(world, clock):
    a, b = _new(world, "C1"), _new(world, "C3-M1")
    with pytest.raises(InvalidInput) as refused:
        services.case_merge(case=a, into=b, by=world.person("admin"), at=clock.advance(minutes=1))
    with translation.override("zh-hans"):
        zh = str(refused.value.message)
    with translation.override("en"):
        en = str(refused.value.message)
    assert not re.search(r"[A-Za-z]", zh), zh
    assert not re.search(r"[,.;:?!()]", zh), zh  # full-width punctuation only
    assert zh.endswith("。") and "，" in zh
    assert en == "Requests outside any compound can only be merged within the same community."


def test_merge_into_merged_or_closed_or_self_or_twice(world, clock):
    admin = world.person("admin")
    a, b, c = _new(world, "C1"), _new(world, "C1-M1"), _new(world, "C1-G")
    services.case_merge(case=a, into=b, by=admin, at=clock.advance(minutes=1))
    with pytest.raises(CaseStateError) as refused:  # into a merged one
        services.case_merge(case=c, into=Case.objects.get(pk=a.pk), by=admin, at=clock.advance(minutes=1))
    assert refused.value.code == "merge_target_closed"
    with pytest.raises(DomainError):  # the same merge submitted twice
        services.case_merge(case=Case.objects.get(pk=a.pk), into=b, by=admin, at=clock.advance(minutes=1))
    with pytest.raises(DomainError):  # the stale object of the first submit
        services.case_merge(case=a, into=b, by=admin, at=clock.advance(minutes=1))
    with pytest.raises(InvalidInput) as into_itself:
        services.case_merge(case=c, into=c, by=admin, at=clock.advance(minutes=1))
    assert into_itself.value.code == "merge_self"
    assert Case.objects.filter(merged_into=b).count() == 1
    _check(world, clock)


def test_merge_is_atomic_a_failure_after_the_save_rolls_it_back(world, clock, monkeypatch):
    from linli.cases.services import workflow

    admin = world.person("admin")
    a, b = _new(world, "C1"), _new(world, "C1-M1")

    def boom(cases):
        raise RuntimeError("roll-up refresh failed")

    monkeypatch.setattr(workflow.rollups, "refresh", boom)
    with pytest.raises(RuntimeError):
        services.case_merge(case=a, into=b, by=admin, at=clock.advance(minutes=1))
    fresh = Case.objects.get(pk=a.pk)
    assert fresh.status != Status.MERGED and fresh.merged_into_id is None


def test_control_other_services_are_atomic_under_the_same_fault(world, clock, monkeypatch):
    """The same fault on an atomic service (declare_unsolvable) rolls back: the method above detects atomicity."""
    from linli.cases.services import workflow

    admin = world.person("admin")
    a = services.case_accept(case=_new(world, "C1"), by=admin, at=clock.advance(minutes=1))
    monkeypatch.setattr(workflow.rollups, "refresh", lambda cases: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        services.case_declare_unsolvable(case=a, by=admin, note="无法解决", at=clock.advance(minutes=1))
    assert _status(a) == Status.ACCEPTED


@pytest.mark.postgres_only  # SQLite has no SELECT … FOR UPDATE
@pytest.mark.django_db(transaction=True)
def test_api_merge_on_postgresql_in_autocommit(world):
    client = Client(raise_request_exception=False)
    a, b = _new(world, "C1"), _new(world, "C1-M1")
    r = client.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json",
                    **bearer(world.person("admin")))
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("who,status", [
    ("anonymous", 401),
    ("resident", 404),
    ("community_c2", 404),     # staff out of scope
    ("property_x", 404),
    ("community_c1", 200),     # in scope
    ("street_s1", 200),
    ("multi", 200),
])
def test_api_merge_matrix_same_community(world, client, who, status):
    a, b = _new(world, "C1"), _new(world, "C1-M1")
    headers = bearer(world.person(who)) if who != "anonymous" else {}
    r = client.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json", **headers)
    assert r.status_code in ((status,) if status != 404 else (403, 404)), (r.status_code, r.content)
    assert (_status(a) == Status.MERGED) == (status == 200)


@pytest.mark.parametrize("who", ["multi", "street_s1", "admin"])
def test_api_merge_across_communities_refused_in_both_languages(world, client, who):
    a, b = _new(world, "C1"), _new(world, "C3-M1" if who != "street_s1" else "C2")
    headers = bearer(world.person(who))
    client.cookies["django_language"] = "zh-hans"
    r = client.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json", **headers)
    assert r.status_code == 422 and r.json()["code"] == "merge_other_community", r.content
    assert r.json()["message"] == "不在小区内的诉求，只能与同一社区的诉求合并。"
    client.cookies["django_language"] = "en"
    r = client.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json", **headers)
    assert r.status_code == 422 and "same community" in r.json()["message"]
    assert _status(a) != Status.MERGED


def test_api_merge_session_without_csrf_is_refused(world):
    a, b = _new(world, "C1"), _new(world, "C1-M1")
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.person("community_c1"))
    r = c.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json")
    assert r.status_code in (401, 403)
    assert _status(a) != Status.MERGED


@pytest.mark.parametrize("into", [0, -1, "abc", None, 10**12, "1; drop", 1.5, [], {}, True])
def test_api_merge_odd_into(world, client, into):
    a = _new(world, "C1")
    r = client.post(MERGE.format(a.pk), {"into": into}, content_type="application/json",
                    **bearer(world.person("admin")))
    assert r.status_code in (404, 409, 422), (into, r.status_code, r.content)
    assert _status(a) != Status.MERGED


def test_api_merge_into_self_and_into_invisible(world, client):
    a, c3 = _new(world, "C1"), _new(world, "C3-M1")
    headers = bearer(world.person("community_c1"))
    r = client.post(MERGE.format(a.pk), {"into": a.pk}, content_type="application/json", **headers)
    assert r.status_code == 422 and r.json()["code"] == "merge_self"
    r = client.post(MERGE.format(a.pk), {"into": c3.pk}, content_type="application/json", **headers)
    assert r.status_code == 422 and r.json()["code"] == "unknown_merge_target", r.content


def _page_merge(client, case, into_code):
    return client.post(reverse("case_act", kwargs={"pk": case.pk, "action": "merge"}), {"into": into_code, "note": ""})


def test_page_merge_same_community_with_lowercase_and_spaces(world, client):
    a, b = _new(world, "C1"), _new(world, "C1-M1")
    client.force_login(world.person("community_c1"))
    r = _page_merge(client, a, f"  {b.tracking_code.lower()} ")
    assert r.status_code == 302, r.content[:500]
    assert Case.objects.get(pk=a.pk).merged_into_id == b.pk


def test_page_merge_into_out_of_scope_code_is_refused(world, client):
    """Staff of C1 cannot merge into a C3 request by its tracking code. The answer (422
    merge_other_community) differs from an unknown code (404), as 403 did before the change:
    a tracking code's existence is public anyway (the resident's tracking page needs no login)."""
    a, c3 = _new(world, "C1"), _new(world, "C3-M1")
    client.force_login(world.person("community_c1"))
    foreign = _page_merge(client, a, c3.tracking_code)
    assert foreign.status_code in (403, 404, 422)
    assert _status(a) != Status.MERGED and _status(c3) != Status.MERGED


def test_page_merge_multi_staff_across_communities_shows_chinese_refusal(world, client):
    a, c3 = _new(world, "C1"), _new(world, "C3-M1")
    client.force_login(world.person("multi"))
    client.cookies["django_language"] = "zh-hans"
    r = _page_merge(client, a, c3.tracking_code)
    assert r.status_code == 422
    assert "不在小区内的诉求，只能与同一社区的诉求合并。" in r.content.decode()
    assert _status(a) != Status.MERGED


def test_page_merge_resident_and_anonymous(world, client):
    a, b = _new(world, "C1"), _new(world, "C1-M1")
    r = _page_merge(client, a, b.tracking_code)
    assert r.status_code in (302, 401, 403, 404)
    client.force_login(world.person("resident"))
    r = _page_merge(client, a, b.tracking_code)
    assert r.status_code in (403, 404)
    assert _status(a) != Status.MERGED


def test_api_double_submit_merges_once(world, client):
    """The same merge posted twice (a double tap): the second is refused, one MERGE event."""
    a, b = _new(world, "C1"), _new(world, "C1-M1")
    headers = bearer(world.person("community_c1"))
    first = client.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json", **headers)
    second = client.post(MERGE.format(a.pk), {"into": b.pk}, content_type="application/json", **headers)
    assert first.status_code == 200 and second.status_code == 409, (first.content, second.content)
    assert Case.objects.get(pk=a.pk).events.filter(action="merge").count() == 1


# ---------------------------------------------------------------------------
# 2. received_at ahead of now


def _phone(world, received_at, node="X-B1-U1"):
    return services.case_create(node=world[node], category=Category.objects.get(code="repair"), description="楼道灯不亮",
                                source=Source.PHONE, by=world.person("admin"), received_at=received_at)


@pytest.mark.parametrize("ahead,ok", [(0, True), (1, True), (59.999999, True), (60, True), (60.000001, False),
                                      (61, False)])
def test_received_at_ahead_boundaries(world, clock, ahead, ok):
    clock.set(local(2026, 11, 30, 23, 59, ) + dt.timedelta(seconds=30))
    when = clock.now + dt.timedelta(seconds=ahead)
    if ok:
        case = _phone(world, when)
        assert case.received_at == clock.now
        assert Case.objects.get(pk=case.pk).received_at == clock.now
    else:
        with pytest.raises(InvalidInput) as refused:
            _phone(world, when)
        assert refused.value.code == "received_in_future"


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", "America/Adak", "Asia/Kathmandu", "UTC"])
def test_received_at_ahead_in_odd_timezones(world, clock, tz):
    clock.set(local(2026, 11, 30, 23, 59, ) + dt.timedelta(seconds=30))
    when = (clock.now + dt.timedelta(seconds=45)).astimezone(zoneinfo.ZoneInfo(tz))
    case = _phone(world, when)
    assert case.received_at == clock.now
    _check(world, clock)


def test_received_at_ahead_with_due_at_just_after_now(world, clock):
    clock.set(local(2026, 11, 30, 12, 0))
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="楼道灯不亮", source=Source.PHONE, by=world.person("admin"),
                                received_at=clock.now + dt.timedelta(seconds=50),
                                due_at=clock.now + dt.timedelta(seconds=30))
    assert case.received_at == clock.now


def test_api_received_at_ahead(world, client, settings):
    """The API path: 30 s ahead (as +14:00) is taken as now; 61 s ahead is refused."""
    now = timezone.now()
    headers = bearer(world.person("admin"))
    body = {"unit": "X-B1-U1", "category": "repair", "description": "楼道灯不亮", "source": "phone"}
    ahead = (now + dt.timedelta(seconds=30)).astimezone(dt.timezone(dt.timedelta(hours=14))).isoformat()
    r = client.post("/api/v1/cases", {**body, "received_at": ahead}, content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()["id"])
    assert now <= case.received_at <= timezone.now()
    far = (timezone.now() + dt.timedelta(seconds=90)).isoformat()
    r = client.post("/api/v1/cases", {**body, "received_at": far}, content_type="application/json", **headers)
    assert r.status_code == 422 and r.json()["code"] == "received_in_future"


def test_api_received_at_ahead_by_resident_needs_no_import_right(world, client):
    now = timezone.now()
    body = {"unit": "X-B1-U1", "category": "repair", "description": "楼道灯不亮",
            "received_at": (now + dt.timedelta(seconds=20)).isoformat()}
    r = client.post("/api/v1/cases", body, content_type="application/json", **bearer(world.person("resident")))
    assert r.status_code == 201, r.content
    assert Case.objects.get(pk=r.json()["id"]).received_at <= timezone.now()


# ---------------------------------------------------------------------------
# 3. the cached OpenAPI document


@pytest.fixture
def fresh_cache(monkeypatch):
    from linli.api.main import api

    monkeypatch.setattr(api, "_openapi_documents", {}, raising=False)
    return api


def _some_description(doc):
    return doc["paths"]["/api/v1/cases"]["post"]["responses"]["401"]["description"] \
        if "401" in doc["paths"]["/api/v1/cases"]["post"]["responses"] else None


def test_openapi_language_switch_cookie_and_lang_param(client, db, fresh_cache):
    client.cookies["django_language"] = "zh-hans"
    zh = client.get("/api/v1/openapi.json")
    client.cookies["django_language"] = "en"
    en = client.get("/api/v1/openapi.json")
    lang = client.get("/api/v1/openapi.json?lang=zh-hans")
    assert zh.status_code == en.status_code == lang.status_code == 200
    keys = set(fresh_cache._openapi_documents)
    langs = {k[2] for k in keys}
    assert {"zh-hans", "en"} <= langs, keys
    assert zh.json()["paths"].keys() == en.json()["paths"].keys()


def test_openapi_no_caller_changes_anothers_copy_nested(db, fresh_cache):
    api = fresh_cache
    first = api.get_openapi_schema(path_prefix="/api/v1/")
    first["components"]["schemas"]["ErrorOut"]["properties"].clear()
    first["paths"]["/api/v1/cases"]["post"]["responses"][400]["content"].clear()
    first["info"]["title"] = "hacked"
    second = api.get_openapi_schema(path_prefix="/api/v1/")
    assert second["info"]["title"] == "Linli API"
    assert second["components"]["schemas"]["ErrorOut"]["properties"]
    assert second["paths"]["/api/v1/cases"]["post"]["responses"][400]["content"]


def test_openapi_json_over_http_not_changed_by_a_mutating_caller(client, db, fresh_cache):
    before = client.get("/api/v1/openapi.json").json()
    doc = fresh_cache.get_openapi_schema(path_prefix="/api/v1/", path_params={})
    doc["paths"].popitem()
    assert client.get("/api/v1/openapi.json").json() == before


def test_openapi_path_params_order_and_none(db, fresh_cache):
    api = fresh_cache
    a = api.get_openapi_schema(path_prefix="/api/v1/", path_params={"a": 1, "b": 2})
    b = api.get_openapi_schema(path_prefix="/api/v1/", path_params={"b": 2, "a": 1})
    assert a == b and len(api._openapi_documents) == 1
    api.get_openapi_schema(path_prefix="/api/v1/", path_params=None)
    api.get_openapi_schema(path_prefix="/api/v1/", path_params={})
    assert len(api._openapi_documents) == 2


def test_openapi_document_does_not_depend_on_host(client, db, fresh_cache, settings):
    settings.ALLOWED_HOSTS = ["*"]
    one = client.get("/api/v1/openapi.json", HTTP_HOST="a.example").json()
    two = client.get("/api/v1/openapi.json", HTTP_HOST="b.example").json()
    assert one == two
    assert "a.example" not in str(two)


def test_docs_page_still_works_in_both_languages(client, db, fresh_cache):
    for lang in ("zh-hans", "en"):
        client.cookies["django_language"] = lang
        page = client.get("/api/v1/docs")
        assert page.status_code == 200
        assert b"cdn." not in page.content
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_openapi_concurrent_first_builds_agree(db, fresh_cache):
    api = fresh_cache
    docs, errors = [], []

    def run():
        try:
            with translation.override("en"):
                docs.append(api.get_openapi_schema(path_prefix="/api/v1/"))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=run) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors and all(d == docs[0] for d in docs)
