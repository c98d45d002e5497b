"""A NUL character typed into the role form or hidden in an imported file is bad input
(a message, nothing written), not a server error: PostgreSQL cannot even look such text up."""
from __future__ import annotations

import io

from linli.org.models import RoleAssignment, RoleEvent


def state():
    return sorted(RoleAssignment.objects.values_list("person_id", "role", "node_id")), RoleEvent.objects.count()


def test_a_nul_in_the_role_form_is_refused_and_writes_nothing(client, world):
    client.force_login(world.person("community_c1"))
    before = state()
    for person, place, role in [("own\x00er", "", "building_rep"), ("owner", "X-\x00B1", "building_rep"),
                                ("owner", "X-B1", "building_rep\x00")]:
        r = client.post("/roles/C1/grant", {"person": person, "role": role, "place": place})
        assert r.status_code == 422, (person, place, role)
        assert "请求中含有无法识别的空字符" in r.content.decode()
    assert state() == before


def test_a_nul_in_the_withdraw_back_link_falls_back_to_the_roles_place(client, world):
    client.force_login(world.person("community_c1"))
    leader = RoleAssignment.objects.get(role="microgrid_leader")
    r = client.post(f"/role-assignments/{leader.pk}/withdraw", {"back": "C\x001"})
    assert r.status_code == 302 and r["Location"] == "/roles/C1-M1/"
    assert not RoleAssignment.objects.filter(pk=leader.pk).exists()


def test_a_nul_in_an_imported_cell_is_refused_not_a_server_error(client, world):
    client.force_login(world.person("community_c1"))
    before = state()
    f = io.BytesIO("姓名,手机号,角色,地点编码\n张\x00三,13800000001,楼栋长,X-B1\x00\n".encode())
    f.name = "roles.csv"
    r = client.post("/roles/C1/import", {"file": f})
    assert r.status_code == 422
    assert "空字符" in r.content.decode()
    assert state() == before
