"""A matrix over every action any app registers (generated from authz.RULES, so
a new action is covered the day it is added): anonymous, a resident, each role
the rule names both in scope and out of scope."""
from __future__ import annotations

import pytest

from linli import authz
from linli.org import services as org
from linli.org.models import ROLE_SCOPE_KINDS, Role

# Where a role is held above household X-101, and the matching place in another
# branch of the tree, out of scope for W-101 (X-101 lies in C1-M1 / C1 / S1; W-101 in C3 / S2).
HOLD_AT = {"household": "X-101", "building": "X-B1", "compound": "X", "microgrid": "C1-M1", "grid": "C1-G",
           "community": "C1", "street": "S1", "district": "D1", "unit": "X-B1-U1"}


def scoped_actions():
    return sorted(name for name, rule in authz.RULES.items() if not rule.public and not rule.self_only)


def role_cases():
    for action in scoped_actions():
        for role in sorted(authz.RULES[action].roles):
            yield action, role


def _holder(world, role):
    # The lowest kind of place the role may be held at that the test world names (a
    # volunteer may be held anywhere, groups included; the world has no group).
    kind = sorted((k for k in ROLE_SCOPE_KINDS[role] if k in HOLD_AT), key=list(HOLD_AT).index)[0]
    person = org.person_create(username=f"p-{role}", real_name=role, password="pw", by=None)
    org.role_assign(person=person, role=role, node=world[HOLD_AT[kind]], by=None)
    return person, kind


@pytest.mark.parametrize("action", scoped_actions())
def test_anonymous_and_plain_residents_are_refused_unless_the_rule_names_them(world, action):
    rule = authz.RULES[action]
    assert not authz.can(None, action, world["X-101"])
    assert authz.can(world.person("resident"), action, world["X-101"]) == (Role.RESIDENT in rule.roles)
    assert authz.can(world.person("admin"), action, world["X-101"])


@pytest.mark.parametrize("action,role", list(role_cases()))
def test_each_named_role_in_scope_and_out_of_scope(world, action, role):
    person, kind = _holder(world, role)
    assert authz.can(person, action, world["X-101"]), f"{role} at a {kind} above X-101"
    if kind != "district":  # a district covers the whole test world
        assert not authz.can(person, action, world["W-101"]), f"{role} at a {kind} of another branch"
    # Lists agree with can: the person's visible households include X-101 and not W-101.
    from linli.org.models import Node

    visible = set(authz.filter_visible(Node.objects.filter(code__in=["X-101", "W-101"]), person, action)
                  .values_list("code", flat=True))
    assert "X-101" in visible and ("W-101" in visible) == (kind == "district")
