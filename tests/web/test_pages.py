"""Shell pages: place pages behind authorisation, account and tokens, masked phones."""
from __future__ import annotations

import pytest

from linli.org.models import ApiToken


@pytest.mark.parametrize(
    "who,code,status",
    [
        ("anonymous", "X", 302),
        ("resident", "X", 403),
        ("resident", "X-101", 200),
        ("property_z", "X", 403),
        ("property_x", "X", 200),
        ("community_c1", "Y", 200),
        ("multi", "W", 200),
        ("multi", "Z", 403),
    ],
)
def test_place_page_matrix(client, world, who, code, status):
    if world.person(who):
        client.force_login(world.person(who))
    r = client.get(f"/places/{code}/")
    assert r.status_code == status
    if status == 403:
        assert "您无权在此执行该操作" in r.content.decode()


def test_unknown_place_is_404_in_chinese(client, world):
    client.force_login(world.person("admin"))
    r = client.get("/places/NOPE/")
    assert r.status_code == 404


def test_place_page_lists_only_visible_children(client, world):
    client.force_login(world.person("leader_m1"))
    body = client.get("/places/C1-M1/").content.decode()
    assert "X-101" in body and "X-102" in body and "X-201" not in body


def test_phones_unmasked_only_for_staff_allowed_to_see_people(client, world):
    client.force_login(world.person("property_x"))
    assert "13912345678" in client.get("/places/X/").content.decode()
    client.force_login(world.person("resident"))
    me = client.get("/me/").content.decode()
    assert "139****5678" in me and "13912345678" not in me


def test_token_created_shown_once_and_revoked(client, world):
    client.force_login(world.person("resident"))
    r = client.post("/me/", {"name": "脚本"})
    raw = r.context["new_token"]
    assert raw in r.content.decode()
    assert raw not in client.get("/me/").content.decode()
    token = ApiToken.objects.get(person=world.person("resident"))
    client.post(f"/me/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cannot_revoke_someone_elses_token(client, world):
    from linli.org import services

    token, _raw = services.api_token_create(person=world.person("owner"), by=None)
    client.force_login(world.person("resident"))
    r = client.post(f"/me/tokens/{token.pk}/revoke")
    assert r.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_is_chinese_and_lists_places(client, world):
    client.force_login(world.person("admin"))
    r = client.get("/admin/org/node/?kind__exact=compound&q=X")
    body = r.content.decode()
    assert r.status_code == 200 and "位置" in body


def test_a_form_sent_without_its_csrf_token_is_refused_in_chinese_and_saves_nothing(world):
    from django.test import Client

    from linli.cases.models import Case

    client = Client(enforce_csrf_checks=True)
    r = client.post("/q/X-B1-U1", {"description": "楼道灯坏了", "category": "repair"})
    assert r.status_code == 403
    body = r.content.decode()
    assert "表单已过期" in body and "没有保存" in body
    assert Case.objects.count() == 0


def test_the_server_error_page_stands_alone_in_chinese():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "出错了" in html and "没有保存" in html


def test_every_page_links_the_connection_guide_for_city_systems(client, db):
    body = client.get("/").content.decode()
    assert 'href="/developers/"' in body and "系统对接" in body


def _shortcut_links(client, world, who):
    import re

    client.force_login(world.person(who))
    html = client.get("/").content.decode()
    card = html.split('id="shortcuts"', 1)[1].split("</section>", 1)[0] if 'id="shortcuts"' in html else ""
    return set(re.findall(r'href="([^"]+)"', card)), card


def test_start_page_shortcuts_follow_the_roles(client, world):
    # a resident reports from their own unit and follows their compound's board and money
    links, card = _shortcut_links(client, world, "resident")
    assert links == {"/q/X-B1-U1", "/boards/X/", "/compounds/X/money/", "/compounds/X/reports/", "/deliberation/c/X/",
                     "/projects/c/X/", "/circles/"}
    assert "反映诉求" in card and "公开看板" in card and "改造项目" in card and "服务圈" in card
    # property staff: their compound only, nothing to report from
    links, _ = _shortcut_links(client, world, "property_z")
    assert links == {"/boards/Z/", "/compounds/Z/money/", "/compounds/Z/reports/", "/deliberation/c/Z/",
                     "/projects/c/Z/", "/circles/"}
    # a street's staff: the street's board and the ranking of its grids
    links, card = _shortcut_links(client, world, "street_s1")
    assert links == {"/boards/S1/", "/evaluation/S1/"} and "网格与微网格长评价" in card
    # a micro-grid leader follows the community's board; the ranking is for supervisors
    links, _ = _shortcut_links(client, world, "leader_m1")
    assert links == {"/boards/C1/"}
    # two communities in two streets: both
    links, _ = _shortcut_links(client, world, "multi")
    assert {"/boards/C1/", "/boards/C3/"} <= links


def test_start_page_without_roles_has_no_shortcuts(client, world):
    html = client.get("/").content.decode()
    assert 'id="shortcuts"' not in html
    assert '<a href="/circles/">服务圈</a>' in html  # open to everyone
    client.force_login(world.person("admin"))
    assert 'id="shortcuts"' not in client.get("/").content.decode()


def test_start_page_names_the_unit_to_report_from(client, world):
    _links, card = _shortcut_links(client, world, "resident")
    assert world["X-B1-U1"].full_name() in card


def test_start_page_shortcuts_cost_the_same_for_fifty_roles_as_for_one(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.org import services as org_services
    from linli.org.models import Role
    from linli.org.services import ROLE_SCOPE_KINDS

    def queries_for(person):
        client.force_login(person)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    one = org_services.person_create(username="one_role", real_name="one_role", password="pw-one", by=None)
    org_services.role_assign(person=one, role=Role.RESIDENT, node=world["X-101"], by=None)
    many = org_services.person_create(username="many_roles", real_name="many_roles", password="pw-many", by=None)
    for node in world.nodes.values():
        for role in Role.values:
            if node.kind in ROLE_SCOPE_KINDS[role]:
                org_services.role_assign(person=many, role=role, node=node, by=None)
    assert many.roles.count() >= 50
    baseline = queries_for(one)
    # neither the roles list nor the shortcuts cost a query per role
    assert queries_for(many) <= baseline + 3
