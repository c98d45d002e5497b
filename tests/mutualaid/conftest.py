"""The test world plus mutual aid in community C1: a points pool of 1,000, the
resident of X-101 confirmed as a volunteer, a task at compound X with a slot
from 9:00 to 11:00 tomorrow, and two shops (``shop`` with staff ``cashier``,
``other`` with staff ``cashier2``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from linli.mutualaid import services as aid
from linli.mutualaid.models import Merchant, Slot, Task, Volunteer
from linli.org import services as org


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are checked in Chinese, whatever an earlier test left active."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@dataclass
class Aid:
    world: Any
    volunteer: Volunteer
    task: Task
    slot: Slot
    shop: Merchant
    other: Merchant
    start: dt.datetime

    def person(self, name):
        return self.world.person(name)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def aidworld(world) -> Aid:
    staff = world.person("community_c1")
    aid.pool_fund(community=world["C1"], points=1000, key="seed", by=staff)
    resident = world.person("resident")
    volunteer = aid.volunteer_register(person=resident, community=world["C1"], skills="垃圾分类", by=resident)
    volunteer = aid.volunteer_decide(volunteer=volunteer, confirm=True, by=staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = at(tomorrow, 9)
    task = aid.task_post(node=world["X"], title="垃圾分类引导", place="X 小区东门投放点", places=2, points=5,
                         signup_deadline=start - dt.timedelta(hours=1), slots=[(start, start + dt.timedelta(hours=2))],
                         by=staff)
    shop = aid.merchant_create(community=world["C1"], code="SHOP1", name="红旗超市", by=staff)
    other = aid.merchant_create(community=world["C1"], code="SHOP2", name="街角面馆", by=staff)
    for name, m in (("cashier", shop), ("cashier2", other)):
        p = org.person_create(username=name, real_name=name, password="pw-" + name, by=None)
        aid.merchant_staff_add(merchant=m, person=p, by=staff)
        world.people[name] = p
    return Aid(world=world, volunteer=volunteer, task=task, slot=task.slots.get(), shop=shop, other=other, start=start)


def make_volunteer(world, username: str, household: str = "X-102"):
    """Another resident of C1, confirmed as a volunteer."""
    from linli.org.models import Role

    p = org.person_create(username=username, real_name=username, password="pw-" + username, by=None)
    org.role_assign(person=p, role=Role.RESIDENT, node=world[household], by=None)
    v = aid.volunteer_register(person=p, community=world["C1"], by=p)
    aid.volunteer_decide(volunteer=v, confirm=True, by=world.person("community_c1"))
    world.people[username] = p
    return p
