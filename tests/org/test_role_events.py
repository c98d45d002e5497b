"""Roles given and taken leave an append-only trace (issue 11): who, when, what,
which role, where. Every org service names who acts (``by``, no default)."""
from __future__ import annotations

import inspect

import pytest
from django.utils import timezone

from linli.errors import NotAllowed
from linli.org import services
from linli.org.models import Role, RoleAssignment, RoleEvent


def test_giving_a_role_records_who_gave_it_where_and_when(world):
    community = world.person("community_c1")
    before = timezone.now()
    services.role_assign(person=world.person("owner"), role=Role.BUILDING_REP, node=world["X-B1"], by=community)
    event = RoleEvent.objects.get(person=world.person("owner"), role=Role.BUILDING_REP)
    assert (event.action, event.role, event.node, event.by) == ("grant", Role.BUILDING_REP, world["X-B1"], community)
    assert event.at >= before
    # Giving it again changes nothing and records nothing.
    services.role_assign(person=world.person("owner"), role=Role.BUILDING_REP, node=world["X-B1"], by=community)
    assert RoleEvent.objects.filter(person=world.person("owner"), role=Role.BUILDING_REP).count() == 1


def test_taking_a_role_away_records_it_and_keeps_the_grant(world):
    community = world.person("community_c1")
    owner = world.person("owner")
    assignment = services.role_assign(person=owner, role=Role.BUILDING_REP, node=world["X-B1"], by=community)
    services.role_revoke(assignment=assignment, by=community)
    assert not RoleAssignment.objects.filter(person=owner, role=Role.BUILDING_REP).exists()
    assert list(RoleEvent.objects.filter(person=owner, role=Role.BUILDING_REP).order_by("id")
                .values_list("action", "role", "by")) == [
        ("grant", Role.BUILDING_REP, community.pk), ("withdraw", Role.BUILDING_REP, community.pk)]


def test_a_refused_grant_or_withdrawal_records_nothing(world):
    owner = world.person("owner")
    with pytest.raises(NotAllowed):
        services.role_assign(person=owner, role=Role.BUILDING_REP, node=world["Z-B1"], by=world.person("community_c1"))
    resident_role = RoleAssignment.objects.get(person=world.person("resident"))
    with pytest.raises(NotAllowed):
        services.role_revoke(assignment=resident_role, by=world.person("community_c2"))
    assert RoleAssignment.objects.filter(pk=resident_role.pk).exists()
    assert not RoleEvent.objects.filter(person__in=[owner, world.person("resident")], by__isnull=False).exists()


@pytest.mark.parametrize("name", ["node_create", "node_update", "role_assign", "role_revoke", "person_create",
                                  "api_token_create", "api_token_revoke"])
def test_every_org_service_needs_by(name):
    by = inspect.signature(getattr(services, name)).parameters["by"]
    assert by.kind is inspect.Parameter.KEYWORD_ONLY and by.default is inspect.Parameter.empty


def test_a_resident_may_not_create_places_or_accounts(world):
    from linli.org.models import Node, NodeKind, Person

    with pytest.raises(NotAllowed):
        services.node_create(kind=NodeKind.BUILDING, code="X-B9", name="9栋", parent=world["X"],
                             by=world.person("resident"))
    with pytest.raises(NotAllowed):
        services.person_create(username="someone", by=world.person("resident"))
    with pytest.raises(NotAllowed):
        services.person_create(username="root2", is_superuser=True, by=world.person("community_c1"))
    assert not Node.objects.filter(code="X-B9").exists()
    assert not Person.objects.filter(username__in=["someone", "root2"]).exists()


def test_the_admin_gives_and_takes_roles_through_the_services(client, world):
    admin = world.person("admin")
    owner = world.person("owner")
    client.force_login(admin)
    r = client.post("/admin/org/roleassignment/add/", {"person": owner.pk, "role": Role.BUILDING_REP,
                                                       "node": world["X-B1"].pk})
    assert r.status_code == 302
    assignment = RoleAssignment.objects.get(person=owner, role=Role.BUILDING_REP)
    r = client.post(f"/admin/org/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert list(RoleEvent.objects.filter(person=owner, role=Role.BUILDING_REP).order_by("id")
                .values_list("action", "by")) == [("grant", admin.pk), ("withdraw", admin.pk)]
    event = RoleEvent.objects.first()
    n = RoleEvent.objects.count()
    assert client.get("/admin/org/roleevent/").status_code == 200
    assert client.post(f"/admin/org/roleevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert RoleEvent.objects.count() == n
