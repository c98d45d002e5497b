"""The test world plus deliberation in compound X (community C1): the resident
of X-101 and the owner of X-102 are neighbours; ``neighbour`` lives in X-201;
``committee_x`` sits on X's owners' committee. ``community_c1`` is staff in
scope, ``community_c2`` staff out of scope."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.org import services as org
from linli.org.models import Role


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are checked in Chinese, whatever an earlier test left active."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture
def dworld(world):
    for username, role, place in (("neighbour", Role.RESIDENT, "X-201"),
                                  ("committee_x", Role.OWNERS_COMMITTEE, "X"),
                                  ("branch_x", Role.PARTY_BRANCH, "X")):
        p = org.person_create(username=username, real_name=username, password="pw-" + username, by=None)
        org.role_assign(person=p, role=role, node=world[place], by=None)
        world.people[username] = p
    return world


def soon(days: int = 2) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)
