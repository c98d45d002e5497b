"""The authorisation matrix for every action that exists so far: who may do
what where. Each row is (person, action, target place, expected)."""
from __future__ import annotations

import pytest

from linli import authz
from linli.org import selectors
from linli.org.models import Node

A = "anonymous"
MATRIX = [
    # org.node.view: residents see their own household only; staff their subtree.
    (A, "org.node.view", "X-101", False),
    ("resident", "org.node.view", "X-101", True),
    ("resident", "org.node.view", "X-102", False),
    ("resident", "org.node.view", "X", False),
    ("owner", "org.node.view", "X-102", True),
    ("property_x", "org.node.view", "X-101", True),
    ("property_x", "org.node.view", "Z-101", False),
    ("property_x", "org.node.view", "C1", False),
    ("grid_c1", "org.node.view", "X-101", True),  # through the micro-grid crossing
    ("grid_c1", "org.node.view", "X", False),  # the compound itself is not under the grid
    ("leader_m1", "org.node.view", "X-101", True),
    ("leader_m1", "org.node.view", "X-201", False),  # X-201 is in micro-grid C1-M2
    ("community_c1", "org.node.view", "Y-101", True),
    ("community_c1", "org.node.view", "Z-101", False),
    ("street_s1", "org.node.view", "Z-101", True),
    ("street_s1", "org.node.view", "W-101", False),
    ("multi", "org.node.view", "W-101", True),  # community staff in two streets
    ("multi", "org.node.view", "Z-101", False),
    ("admin", "org.node.view", "W-101", True),
    # org.tree.import: property staff of the compound, community and street staff above it.
    (A, "org.tree.import", "X", False),
    ("resident", "org.tree.import", "X", False),
    ("owner", "org.tree.import", "X", False),
    ("grid_c1", "org.tree.import", "X", False),
    ("property_z", "org.tree.import", "X", False),
    ("property_x", "org.tree.import", "X", True),
    ("community_c2", "org.tree.import", "X", False),
    ("community_c1", "org.tree.import", "X", True),
    ("street_s1", "org.tree.import", "Z", True),
    ("street_s1", "org.tree.import", "W", False),
    ("multi", "org.tree.import", "X", True),
    ("multi", "org.tree.import", "W", True),
    ("multi", "org.tree.import", "Z", False),
    # org.people.view
    (A, "org.people.view", "X", False),
    ("resident", "org.people.view", "X-101", False),
    ("property_z", "org.people.view", "X", False),
    ("property_x", "org.people.view", "X", True),
    ("grid_c1", "org.people.view", "X-101", True),
    ("community_c2", "org.people.view", "X", False),
    ("street_s1", "org.people.view", "X", True),
    # org.role.assign and org.node.edit: community and street staff only.
    (A, "org.role.assign", "X", False),
    ("resident", "org.role.assign", "X-101", False),
    ("property_x", "org.role.assign", "X", False),
    ("community_c2", "org.role.assign", "X", False),
    ("community_c1", "org.role.assign", "X", True),
    ("street_s1", "org.role.assign", "Z", True),
    ("property_x", "org.node.edit", "X", False),
    ("community_c1", "org.node.edit", "X", True),
    ("community_c1", "org.node.edit", "Z", False),
    ("street_s1", "org.node.edit", "C2", True),
]


@pytest.mark.parametrize("who,action,code,expected", MATRIX)
def test_authorisation_matrix(world, who, action, code, expected):
    assert authz.can(world.person(who), action, world[code]) is expected


@pytest.mark.parametrize("who,action,code,expected", MATRIX)
def test_selectors_agree_with_can(world, who, action, code, expected):
    # A list filtered by scope shows exactly the places ``can`` allows.
    visible = authz.filter_visible(Node.objects.all(), world.person(who), action)
    assert visible.filter(code=code).exists() is expected


@pytest.mark.parametrize("who", ["anonymous", "resident", "property_x", "community_c1"])
def test_own_account_actions_are_for_oneself_only(world, who):
    me = world.person(who)
    other = world.person("owner")
    if me is None:
        assert not authz.can(me, "account.token.manage", other)
        return
    assert authz.can(me, "account.token.manage", me)
    assert not authz.can(me, "account.token.manage", other)


def test_superuser_may_not_manage_another_persons_tokens(world):
    assert not authz.can(world.person("admin"), "account.token.manage", world.person("resident"))


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(KeyError):
        authz.can(world.person("admin"), "no.such.action", world["X"])


def test_inactive_person_may_do_nothing(world):
    p = world.person("community_c1")
    p.is_active = False
    p.save()
    assert not authz.can(p, "org.node.view", world["X"])


def test_node_roots_start_where_the_roles_are(world):
    roots = selectors.node_roots(viewer=world.person("multi"))
    assert [n.code for n in roots] == ["C1", "C3"]
    assert [n.code for n in selectors.node_roots(viewer=world.person("resident"))] == ["X-101"]
