"""Tree integrity: kinds stand under the right parents, a household has exactly
one micro-grid in its own community and a positive area — in the services and
in the database itself."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from linli.errors import InvalidInput
from linli.org import services
from linli.org.models import Node
from linli.org.models import NodeKind as K


def test_paths_make_subtrees(world):
    x101 = world["X-101"]
    assert [n.code for n in x101.ancestors()] == ["D1", "S1", "C1", "X", "X-B1", "X-B1-U1"]
    assert x101.path.startswith(world["X"].path)
    assert not world["Z-101"].path.startswith(world["X"].path)
    assert x101.ancestor_of_kind(K.COMMUNITY) == world["C1"]


def test_household_in_a_micro_grid_of_another_community_is_refused(world):
    before = Node.objects.count()
    with pytest.raises(InvalidInput) as e:
        services.node_create(kind=K.HOUSEHOLD, code="X-103", name="103", parent=world["X-B1-U1"],
                             area_m2=Decimal("50"), microgrid=world["C2-M1"], by=None)
    assert e.value.code == "node.microgrid"
    assert "社区" in str(e.value.message)
    assert Node.objects.count() == before


@pytest.mark.parametrize("area", [Decimal("0"), Decimal("-1"), None])
def test_household_area_must_be_positive(world, area):
    with pytest.raises(InvalidInput) as e:
        services.node_create(kind=K.HOUSEHOLD, code="X-104", name="104", parent=world["X-B1-U1"],
                             area_m2=area, microgrid=world["C1-M1"], by=None)
    assert e.value.code == "node.area"
    assert not Node.objects.filter(code="X-104").exists()


def test_database_refuses_a_household_without_area_or_micro_grid(world):
    unit = world["X-B1-U1"]
    for fields in ({"area_m2": Decimal("0"), "microgrid": world["C1-M1"]},
                   {"area_m2": Decimal("60"), "microgrid": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Node.objects.create(kind=K.HOUSEHOLD, code="X-105", name="105", parent=unit, **fields)
    assert not Node.objects.filter(code="X-105").exists()


def test_a_household_has_one_micro_grid_and_moving_it_replaces_the_old_one(world):
    h = world["X-101"]
    services.node_update(node=h, microgrid=world["C1-M2"], by=None)
    h.refresh_from_db()
    assert h.microgrid == world["C1-M2"]
    assert list(world["C1-M1"].households.filter(code="X-101")) == []
    assert list(world["C1-M2"].households.filter(code="X-101")) == [h]


def test_database_refuses_area_on_a_building(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(kind=K.BUILDING, code="X-B9", name="9", parent=world["X"], area_m2=Decimal("1"))


@pytest.mark.parametrize(
    "kind,parent",
    [(K.HOUSEHOLD, "X-B1"), (K.UNIT, "X"), (K.COMPOUND, "S1"), (K.BUILDING, "C1"), (K.STREET, None)],
)
def test_kinds_stand_only_under_their_parents(world, kind, parent):
    with pytest.raises(InvalidInput) as e:
        services.node_create(kind=kind, code="NEW-1", name="new", parent=world[parent] if parent else None, by=None)
    assert e.value.code == "node.parent"
    assert not Node.objects.filter(code="NEW-1").exists()


@pytest.mark.parametrize("code", ["", "has space", "中文", "-lead", "x" * 41])
def test_codes_are_short_and_url_safe(world, code):
    with pytest.raises(InvalidInput):
        services.node_create(kind=K.BUILDING, code=code, name="b", parent=world["X"], by=None)


def test_codes_are_unique_across_both_trees(world):
    with pytest.raises(InvalidInput) as e:
        services.node_create(kind=K.BUILDING, code="C1-G", name="b", parent=world["X"], by=None)
    assert e.value.code == "node.code_taken"


def test_property_mode_only_on_a_compound(world):
    with pytest.raises(InvalidInput):
        services.node_create(kind=K.BUILDING, code="X-B7", name="b", parent=world["X"], property_mode="trust", by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(kind=K.BUILDING, code="X-B8", name="b", parent=world["X"], property_mode="trust")


def test_role_scope_kind_is_checked(world):
    from linli.org.models import Role

    with pytest.raises(InvalidInput):
        services.role_assign(person=world.person("owner"), role=Role.GRID_WORKER, node=world["X"], by=None)


def test_role_assign_needs_permission_in_scope(world):
    from linli.errors import NotAllowed
    from linli.org.models import Role, RoleAssignment

    target = world.person("owner")
    with pytest.raises(NotAllowed):
        services.role_assign(person=target, role=Role.BUILDING_REP, node=world["Z-B1"], by=world.person("community_c1"))
    assert not RoleAssignment.objects.filter(person=target, role=Role.BUILDING_REP).exists()
    services.role_assign(person=target, role=Role.BUILDING_REP, node=world["X-B1"], by=world.person("community_c1"))
    assert RoleAssignment.objects.filter(person=target, role=Role.BUILDING_REP, node=world["X-B1"]).count() == 1
