"""The test world plus service circles in community C1: compound X at a known
position, five entries at known distances east of X's gate (a clinic, a
late-opening supermarket linked to the mutual-aid shop ``SHOP1`` whose staff is
``cashier``, a noodle bar open overnight, a housing-fund office and a volunteer
team), one entry in C2, and ``cashier2`` working another shop."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from linli.circles import services as circles
from linli.circles.hours import parse_hours_text
from linli.circles.models import Entry
from linli.mutualaid import services as aid
from linli.org import services as org

X_LAT, X_LNG = Decimal("30.694210"), Decimal("103.841530")
METRE_LNG = Decimal("0.0000104585")  # one metre east at 30.694°N


@pytest.fixture(autouse=True)
def _chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@dataclass
class Circles:
    world: Any
    clinic: Entry
    shop: Entry
    noodles: Entry
    fund: Entry
    team: Entry
    other: Entry

    def person(self, name):
        return self.world.person(name)


def east(metres: int) -> Decimal:
    return (X_LNG + METRE_LNG * metres).quantize(Decimal("0.000001"))


@pytest.fixture
def cw(world) -> Circles:
    staff = world.person("community_c1")
    circles.location_set(compound=world["X"], lat=X_LAT, lng=X_LNG, by=staff)
    shop = aid.merchant_create(community=world["C1"], code="SHOP1", name="红旗超市", by=staff)
    other_shop = aid.merchant_create(community=world["C1"], code="SHOP2", name="街角面馆", by=staff)
    for name, m in (("cashier", shop), ("cashier2", other_shop)):
        p = org.person_create(username=name, real_name=name, password="pw-" + name, by=None)
        aid.merchant_staff_add(merchant=m, person=p, by=staff)
        world.people[name] = p

    def mk(community="C1", **kw):
        kw.setdefault("lat", X_LAT)
        return circles.entry_create(community=world[community], by=staff if community == "C1" else world.person(
            "community_c2"), **kw)

    return Circles(
        world=world,
        clinic=mk(circle="life", category="医疗", name="社区卫生服务站", address="X 小区东 800 米", lng=east(800),
                  phone="028-82703120", phone_public=True, hours=parse_hours_text("每天 08:00-17:30")),
        shop=mk(circle="life", category="超市", name="红旗超市 X 店", address="X 小区东门", lng=east(120),
                phone="13880001234", hours=parse_hours_text("每天 07:30-23:30"), service_point=True,
                services="流动党员登记、张贴通知、志愿者报名、打印参保材料", merchant="SHOP1"),
        noodles=mk(circle="life", category="餐饮", name="老码头烧烤", address="夜市街", lng=east(2500),
                   hours=parse_hours_text("每天 18:00-02:00")),
        fund=mk(circle="government", category="公积金", name="住房公积金服务大厅", address="政务中心二楼",
                lng=east(1500), phone="028-82712345", phone_public=True,
                hours=parse_hours_text("周一至周五 09:00-12:00，13:30-17:00"), documents="身份证原件"),
        team=mk(circle="volunteer", category="志愿服务队", name="X 小区志愿服务队", address="C1 党群服务中心",
                lat=None, phone="13980001111"),
        other=mk(community="C2", circle="life", category="超市", name="Z 小区超市", address="Z 小区", lng=east(50)),
    )
