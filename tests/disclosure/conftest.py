import datetime as dt

import pytest

from linli.org import services as org
from linli.org.models import Role


@pytest.fixture
def dworld(world):
    """The world plus owners' committee members of X and Z."""
    for name, code in (("committee_x", "X"), ("committee_z", "Z")):
        p = org.person_create(username=name, real_name=name, password="pw-" + name, by=None)
        org.role_assign(person=p, role=Role.OWNERS_COMMITTEE, node=world[code], by=None)
        world.people[name] = p
    return world


@pytest.fixture
def last_quarter():
    today = dt.date.today()
    q = (today.month - 1) // 3 + 1
    year, q = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
    return year, q


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are checked in Chinese, whatever an earlier test left active."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
