"""Role pages: community and street staff give and withdraw roles within their own scope
(never above their own rank), see the holders and the history, and import role holders
from CSV/XLSX with a preview; a bad row writes nothing. The API twin checks the same."""
from __future__ import annotations

import io

import pytest

from linli.errors import NotAllowed
from linli.org import role_import, services
from linli.org.models import Person, Role, RoleAssignment, RoleEvent
from linli.tabular import ImportRejected

PAGES = ["/roles/", "/roles/C1/", "/roles/C1/import", "/roles/C1/import-template.csv"]


def login(client, world, who):
    person = world.person(who)
    if person is not None:
        client.force_login(person)
    return person


def state():
    return (sorted(RoleAssignment.objects.values_list("person_id", "role", "node_id")),
            RoleEvent.objects.count(), Person.objects.count())


@pytest.mark.parametrize("who, allowed", [
    ("anonymous", False), ("resident", False), ("grid_c1", False), ("property_x", False),
    ("community_c2", False), ("community_c1", True), ("street_s1", True), ("admin", True),
])
def test_role_pages_permission_matrix(client, world, who, allowed):
    login(client, world, who)
    before = state()
    for url in PAGES[1:]:
        r = client.get(url)
        if allowed:
            assert r.status_code == 200, url
        else:
            assert r.status_code in (302, 403), url  # anonymous: to the login page
    r = client.post("/roles/C1/grant", {"person": "owner", "role": "building_rep", "place": "X-B1"})
    a = RoleAssignment.objects.filter(person=world.person("owner"), role="building_rep").first()
    if allowed:
        assert r.status_code == 302 and a is not None and a.node == world["X-B1"]
        assert RoleEvent.objects.filter(person=world.person("owner"), by=world.person(who), action="grant").exists()
        r = client.post(f"/role-assignments/{a.pk}/withdraw", {"back": "C1"})
        assert r.status_code == 302 and r["Location"] == "/roles/C1/"
        assert not RoleAssignment.objects.filter(pk=a.pk).exists()
        assert RoleEvent.objects.filter(person=world.person("owner"), action="withdraw").count() == 1
    else:
        assert r.status_code in (302, 403) and a is None
        leader = RoleAssignment.objects.get(role="microgrid_leader")
        assert client.post(f"/role-assignments/{leader.pk}/withdraw").status_code in (302, 403)
        assert state() == before


def test_the_page_lists_holders_and_history_of_its_place_only(client, world):
    community = login(client, world, "community_c1")
    services.role_assign(person=world.person("owner"), role=Role.BUILDING_REP, node=world["X-B1"], by=community)
    body = client.get("/roles/C1/").content.decode()
    assert "C1的角色" in body and "楼栋" in body
    assert "leader_m1" in body and "grid_c1" in body and "property_x" in body
    assert "property_z" not in body  # compound Z is in community C2
    assert "由community_c1操作" in body and "授予" in body
    # The one place of a community staff member: the index goes straight there.
    assert client.get("/roles/")["Location"] == "/roles/C1/"


def test_granting_outside_scope_or_above_ones_rank_is_refused_and_changes_nothing(client, world):
    login(client, world, "community_c1")
    before = state()
    r = client.post("/roles/C1/grant", {"person": "owner", "role": "property_staff", "place": "Z"})
    assert r.status_code == 422 and "不在C1范围内" in r.content.decode()
    r = client.post("/roles/C2/grant", {"person": "owner", "role": "property_staff", "place": "Z"})
    assert r.status_code == 403
    r = client.post("/roles/C1/grant", {"person": "owner", "role": "street_staff", "place": "C1"})
    assert r.status_code in (403, 422)
    with pytest.raises(NotAllowed) as exc:
        services.role_assign(person=world.person("owner"), role=Role.STREET_STAFF, node=world["S1"],
                             by=world.person("community_c1"))
    # Street staff rank above community staff: a community cannot take it away either.
    street = RoleAssignment.objects.get(role="street_staff")
    with pytest.raises(NotAllowed):
        services.role_revoke(assignment=street, by=world.person("community_c1"))
    r = client.post("/roles/C1/grant", {"person": "nobody-here", "role": "grid_worker", "place": "C1-G"})
    assert r.status_code == 422 and "没有用户名或手机号为此的人员" in r.content.decode()
    r = client.post("/roles/C1/grant", {"person": "owner", "role": "grid_worker", "place": "X"})
    assert r.status_code == 422 and "该角色不能设在" in r.content.decode()
    assert state() == before
    assert exc.value.code in ("forbidden", "role.above_own")


def test_street_staff_may_give_community_staff_but_community_staff_may_not_give_street_staff(world):
    services.role_assign(person=world.person("owner"), role=Role.COMMUNITY_STAFF, node=world["C2"],
                         by=world.person("street_s1"))
    assert "street_staff" not in [v for v, _l in __import__("linli.org.role_views", fromlist=["x"])
                                  .grantable(world.person("community_c1"), world["C1"])]
    with pytest.raises(NotAllowed) as exc:
        services.role_assign(person=world.person("owner"), role=Role.STREET_STAFF, node=world["S1"],
                             by=world.person("community_c1"))
    assert exc.value.code == "forbidden"  # S1 lies outside a community's scope in the first place


# --- import ---------------------------------------------------------------------------------

GOOD = "姓名,手机号,角色,地点编码\n李楼长,13700000001,楼栋长,X-B1\n周网格,13700000002,grid_worker,C1-G\n"
BAD = GOOD + "坏人,1234,市长,NOPE\n王物业,13700000003,物业,Z\n"


def upload(text: str, name: str = "roles.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_previews_then_confirms(client, world):
    login(client, world, "community_c1")
    before = state()
    r = client.post("/roles/C1/import", {"file": upload(GOOD)})
    body = r.content.decode()
    assert r.status_code == 200 and "预览：尚未写入任何内容" in body and "导入2行" in body
    assert "新开账号并授予角色" in body
    assert state() == before  # the preview writes nothing
    import re

    data = re.search(r'name="data" value="([^"]+)"', body).group(1)
    r = client.post("/roles/C1/import", {"confirm": "1", "data": data, "filename": "roles.csv"})
    assert r.status_code == 302 and r["Location"] == "/roles/C1/"
    li = Person.objects.get(phone="13700000001")
    assert li.real_name == "李楼长" and li.roles.get().role == "building_rep"
    assert Person.objects.get(phone="13700000002").roles.get().node == world["C1-G"]
    assert RoleEvent.objects.filter(by=world.person("community_c1"), action="grant").count() == 2
    # The same file again changes nothing.
    after = state()
    role_import.role_import(node=world["C1"], data=GOOD.encode(), filename="r.csv", by=world.person("community_c1"))
    assert state() == after


def test_an_import_with_a_bad_row_writes_nothing_and_lists_every_error_in_chinese(client, world):
    login(client, world, "community_c1")
    before = state()
    r = client.post("/roles/C1/import", {"file": upload(BAD)})
    body = r.content.decode()
    assert r.status_code == 422
    assert "2 行有错误，未导入任何内容" in body or "行有错误" in body
    for text in ("手机号必须是以 1 开头的 11 位数字：1234", "未知的角色：市长", "没有编码为 NOPE 的地点",
                 "Z 不在C1范围内"):
        assert text in body, text
    assert state() == before
    with pytest.raises(ImportRejected) as exc:
        role_import.role_import(node=world["C1"], data=BAD.encode(), filename="r.csv", by=world.person("community_c1"))
    assert {e.row for e in exc.value.errors} == {4, 5}
    assert state() == before


def test_import_reads_xlsx_and_refuses_a_role_above_ones_own(world):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机号", "角色", "地点编码"])
    ws.append(["赵街道", "13700000009", "街道主任", "S1"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        role_import.role_import_check(node=world["S1"], data=buf.getvalue(), filename="r.xlsx",
                                      by=world.person("street_s1"))
    # street_s1 may give street staff at S1 (its own rank): the only error would be a bad label.
    assert exc.value.errors[0].column == "role"
    ws.cell(row=2, column=3, value="street_staff")
    buf = io.BytesIO()
    wb.save(buf)
    plan = role_import.role_import_check(node=world["S1"], data=buf.getvalue(), filename="r.xlsx",
                                         by=world.person("street_s1"))
    assert [(g.role, g.place.code) for g in plan] == [("street_staff", "S1")]
    with pytest.raises(NotAllowed):
        role_import.role_import_check(node=world["S1"], data=buf.getvalue(), filename="r.xlsx",
                                      by=world.person("community_c1"))


# --- API ------------------------------------------------------------------------------------

def test_api_roles_with_csrf(world, api_client):
    api_client.force_login(world.person("community_c1"))
    r = api_client.get("/api/v1/org/places/C1/roles")
    assert r.status_code == 200
    assert {"person": "leader_m1", "role": "microgrid_leader", "place": "C1-M1"} in [
        {k: h[k] for k in ("person", "role", "place")} for h in r.json()]
    body = {"person": "owner", "role": "building_rep", "place": "X-B1"}
    assert api_client.post("/api/v1/org/roles", body, content_type="application/json").status_code == 403
    assert not RoleAssignment.objects.filter(role="building_rep").exists()
    api_client.get("/roles/C1/")
    csrf = {"HTTP_X_CSRFTOKEN": api_client.cookies["csrftoken"].value}
    r = api_client.post("/api/v1/org/roles", body, content_type="application/json", **csrf)
    assert r.status_code == 201
    pk = r.json()["id"]
    r = api_client.post("/api/v1/org/roles", {**body, "place": "Z-B1"}, content_type="application/json", **csrf)
    assert r.status_code == 403
    events = api_client.get("/api/v1/org/places/C1/role-events").json()
    assert events[0]["action"] == "grant" and events[0]["by"] == "community_c1"
    r = api_client.post(f"/api/v1/org/roles/{pk}/withdraw", **csrf)
    assert r.status_code == 200 and not RoleAssignment.objects.filter(pk=pk).exists()
    r = api_client.post("/api/v1/org/places/C1/roles/import?dry_run=true", {"file": upload(BAD)}, **csrf)
    assert r.status_code == 422 and r.json()["code"] == "import.rejected" and len(r.json()["details"]) >= 4
    r = api_client.post("/api/v1/org/places/C1/roles/import?dry_run=true", {"file": upload(GOOD)}, **csrf)
    assert r.status_code == 200 and r.json()["granted"] == 0 and len(r.json()["rows"]) == 2
    assert not Person.objects.filter(phone="13700000001").exists()
    r = api_client.post("/api/v1/org/places/C1/roles/import", {"file": upload(GOOD)}, **csrf)
    assert r.status_code == 201 and r.json()["granted"] == 2
    api_client.force_login(world.person("resident"))
    assert api_client.get("/api/v1/org/places/C1/roles").status_code == 403
