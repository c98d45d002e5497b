"""The test world plus a renovation project of compound X (community C1), run by
``community_c1``: the owner of X-102 on the self-renovation committee, a
construction company whose contact is ``builder`` and a supervisor whose contact
is ``inspector``, three scope items, a budget from four sources, two milestones;
the residents' share is ¥10 per m² (X-101 and X-102 have 88.5 m²: ¥885.00).
``projworld.to(status)`` moves the project on (decision, start) through the services."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from linli.org import services as org
from linli.projects import services as svc
from linli.projects.models import Project


@pytest.fixture(autouse=True)
def _chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@dataclass
class Proj:
    world: Any
    project: Project
    today: dt.date

    def person(self, name):
        return self.world.person(name)

    @property
    def staff(self):
        return self.world.person("community_c1")

    def refresh(self) -> Project:
        self.project.refresh_from_db()
        return self.project

    def approve(self) -> Project:
        return svc.project_decide(project=self.project, approve=True, note="多数住户支持，同意实施。", by=self.staff,
                                  today=self.project.notice_until + dt.timedelta(days=1))

    def run(self) -> Project:
        self.approve()
        return svc.project_start(project=self.project, by=self.staff)


def make_people(world):
    for name in ("builder", "inspector"):
        person = org.person_create(username=name, real_name={"builder": "王工", "inspector": "李监理"}[name],
                                   phone="13800001111", password="pw-" + name, by=None)
        person.email = f"{name}@example.cn"
        person.save(update_fields=["email"])
        world.people[name] = person


@pytest.fixture
def projworld(world) -> Proj:
    make_people(world)
    staff = world.person("community_c1")
    today = timezone.localdate()
    p = svc.project_create(
        compound=world["X"], kind="courtyard", title="X 小区院落改造", description="拆违、增绿、增设车位与充电桩。",
        contractor={"name": "川建装饰工程公司", "contact_name": "王工", "phone": "13812345678",
                    "person": world.person("builder")},
        supervisor={"name": "蜀信工程监理", "contact_name": "李监理", "phone": "13987654321",
                    "person": world.person("inspector")},
        notice_until=today + dt.timedelta(days=7), start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=100), share_rule="area", share_amount=1000, name_display="masked",
        by=staff, today=today)
    svc.committee_add(project=p, person=world.person("owner"), title="主任", by=staff)
    for title, qty, unit, budget in (("拆除违建", 22, "处", 3_000_000), ("新增车位", 110, "个", 5_000_000),
                                     ("充电桩", 20, "个", 2_000_000)):
        svc.item_add(project=p, title=title, quantity=qty, unit=unit, budget=budget, by=staff)
    for source, planned in (("government", 6_000_000), ("work_units", 1_000_000), ("residents", 2_000_000),
                            ("donations", 1_000_000)):
        svc.budget_set(project=p, source=source, planned=planned, by=staff)
    svc.milestone_add(project=p, title="拆违完成", due=today + dt.timedelta(days=30), by=staff)
    svc.milestone_add(project=p, title="竣工", due=today + dt.timedelta(days=100), by=staff)
    return Proj(world=world, project=p, today=today)
