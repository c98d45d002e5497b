"""The test world plus an owners' vote in compound X: ``committee`` (owners'
committee of X), tellers ``teller1`` (governance committee of X) and ``teller2``
(party branch of X); ``owner`` owns X-102 (owner role) and ``owner2`` owns X-101
and X-201 (two units, one owner). The vote's notice went out 20 days ago; voting
opened 5 days ago and closes tomorrow."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone, translation

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Matter, Vote
from linli.org import services as org
from linli.org.models import Role


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@dataclass
class VW:
    world: Any
    vote: Vote
    now: dt.datetime

    def person(self, name):
        return self.world.person(name)

    def __getitem__(self, code):
        return self.world[code]


def add_people(world) -> None:
    for name, role, code in (("committee", Role.OWNERS_COMMITTEE, "X"), ("teller1", Role.GOVERNANCE_COMMITTEE, "X"),
                             ("teller2", Role.PARTY_BRANCH, "X"), ("owner2", Role.OWNER, "X-101"),
                             ("committee_y", Role.OWNERS_COMMITTEE, "Y")):
        p = org.person_create(username=name, real_name=name, password="pw-" + name, phone="13900001111", by=None)
        org.role_assign(person=p, role=role, node=world[code], by=None)
        world.people[name] = p
    org.role_assign(person=world.people["owner2"], role=Role.OWNER, node=world["X-201"], by=None)
    world.people["owner2"].email = "owner2@example.org"
    world.people["owner2"].save(update_fields=["email"])


def open_vote(world, *, matter=Matter.PROPERTY_COMPANY, title="续聘物业服务企业", now=None) -> Vote:
    now = now or timezone.now()
    committee = world.person("committee")
    t0 = now - dt.timedelta(days=20)
    vote = services.vote_create(compound=world["X"], title=title, matter=matter, by=committee, now=t0)
    services.vote_publish_notice(vote=vote, opens_at=t0 + dt.timedelta(days=15), closes_at=now + dt.timedelta(days=1),
                                 by=committee, now=t0)
    return services.vote_open(vote=vote, by=committee, now=now - dt.timedelta(days=5))


@pytest.fixture
def vw(world) -> VW:
    add_people(world)
    now = timezone.now()
    return VW(world=world, vote=open_vote(world, now=now), now=now)
