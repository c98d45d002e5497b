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


@pytest.fixture
def dstate(dworld):
    """Something of every kind in compound X: a topic raised by the owner, a planned meeting,
    an open review with the property company's report, a round taking proposals (10,000 yuan)
    and one in its support phase with an eligible project."""
    from types import SimpleNamespace

    from linli.deliberation import services as dlb

    w = dworld
    c1 = w.person("community_c1")
    topic = dlb.topic_raise(compound=w["X"], title="楼下快递柜太少", by=w.person("owner"))
    meeting = dlb.meeting_convene(compound=w["X"], kind="weekly", title="周周议", starts_at=soon(), place="议事厅",
                                  bodies=["owners_committee"], by=c1)
    review = dlb.review_open(compound=w["X"], title="2026 年上半年评述会", period="2026H1",
                             held_on=timezone.localdate(), by=c1)
    report = dlb.report_file(review=review, body="property", achievements="完成外墙清洗。", problems="停车难。",
                             next_steps="增加车位。", by=w.person("property_x"))
    proposing = dlb.round_open(node=w["X"], title="2026 微治理第一批", amount=1_000_000, method="knapsack", by=c1)
    supporting = dlb.round_open(node=w["X"], title="2026 微治理第二批", amount=500_000, method="approval", by=c1)
    project = dlb.project_propose(round=supporting, title="楼道照明改造", description="换成声控灯。", budget=200_000,
                                  by=w.person("owner"))
    dlb.project_review(project=project, eligible=True, by=c1)
    dlb.round_advance(round=supporting, by=c1)
    return SimpleNamespace(world=w, topic=topic, meeting=meeting, review=review, report=report, proposing=proposing,
                           supporting=supporting, project=project)
