"""The test world plus a questionnaire of compound X with every kind of question
and a conditional one, open from yesterday to next week, named, one answer per
household. ``spouse`` lives in X-101 beside ``resident``; ``neighbour_z`` lives
in Z (another community)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from linli.org import services as org
from linli.org.models import Role
from linli.surveys import services as svc
from linli.surveys.models import Survey

TEXT = """\
单选：您在小区住了多久？
- 不到1年
- 1年以上
多选 1-2：最需要解决的问题
- 停车
- 卫生
- 绿化
填空：停车方面有什么建议？
仅当 2=停车
打分 1-5 很差/很好：请为环境打分
排序：请排序
- 安全
- 卫生
- 绿化
矩阵：请评价
行：保洁｜安保
- 好
- 差
填空？：其他意见
"""


@pytest.fixture(autouse=True)
def _chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@dataclass
class SV:
    world: Any
    survey: Survey

    def person(self, name):
        return self.world.person(name)

    def q(self, n: int):
        return self.survey.questions.get(position=n)

    def o(self, n: int, k: int) -> int:
        return self.q(n).options.get(position=k).pk

    def good(self, **change) -> dict:
        """A full valid answer (choosing 停车, so question 3 is shown)."""
        a = {self.q(1).pk: self.o(1, 1), self.q(2).pk: [self.o(2, 1)], self.q(3).pk: "多划车位",
             self.q(4).pk: 4, self.q(5).pk: [self.o(5, 2), self.o(5, 1), self.o(5, 3)],
             self.q(6).pk: [self.o(6, 1), self.o(6, 2)]}
        for n, value in change.items():
            q = self.q(int(n[1:]))
            if value is None:
                a.pop(q.pk, None)
            else:
                a[q.pk] = value
        return a


def make_survey(world, *, by="community_c1", node="X", **kw) -> Survey:
    now = timezone.now()
    args: dict = {"title": "X小区治理问卷", "opens_at": now - dt.timedelta(days=1),
                  "closes_at": now + dt.timedelta(days=7), "questions": svc.questions_from_text(TEXT)}
    args.update(kw)
    return svc.survey_create(node=world[node], by=world.person(by), **args)


@pytest.fixture
def sv(world) -> SV:
    for name, home in (("spouse", "X-101"), ("neighbour_z", "Z-101")):
        p = org.person_create(username=name, real_name=name, password="pw-" + name, by=None)
        org.role_assign(person=p, role=Role.RESIDENT, node=world[home], by=None)
        world.people[name] = p
    return SV(world=world, survey=make_survey(world))
