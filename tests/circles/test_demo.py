"""The demo's service circles: two communities (太极社区 of 丽晶公馆, 天府社区 of
地铁首座) with 20+ entries each in all three circles, a late-opening service
point, distances from the demo resident's compound, and the merchant login
maintaining its shop's entry."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.circles import selectors
from linli.circles import services as circles
from linli.circles.hours import SHANGHAI
from linli.circles.models import Entry
from linli.org.models import Node, Person


@pytest.fixture
def demo(demo_state, db):
    """The demo, loaded once per test run (tests/conftest.py)."""


def test_two_communities_have_full_circles(demo):
    for code in ("TJ", "TFSQ"):
        entries = Entry.objects.filter(node__code=code)
        assert entries.count() >= 20
        assert set(entries.values_list("circle", flat=True)) == {"government", "volunteer", "life"}
        point = entries.get(service_point=True)
        assert "流动党员登记" in point.service_list and "打印参保材料" in point.service_list
        assert point.hours[0]["close"] == "23:30"  # late opening


def test_the_resident_sees_distances_from_lijing_and_late_services_open_at_night(demo):
    resident = Person.objects.get(username="resident")
    (home,) = selectors.home_compounds(resident)
    assert home.name == "丽晶公馆"
    night = dt.datetime(2026, 12, 8, 22, 30, tzinfo=SHANGHAI)  # a Tuesday, 22:30
    hits = selectors.search(Node.objects.get(code="TJ"), resident, open_now=True, origin=home, now=night)
    assert [(h.entry.name, h.distance_text) for h in hits] == [
        ("红旗连锁 24小时便利店", "72 米"), ("红旗超市 丽晶店", "134 米"), ("老码头烧烤", "773 米"),
        ("地铁4号线 凤溪河站", "1.6 公里"), ("温江区人民医院", "3.6 公里")]  # the metro runs until 23:00


def test_the_merchant_login_maintains_its_shops_entry(demo):
    merchant = Person.objects.get(username="merchant")
    shop = Entry.objects.get(name="红旗超市 丽晶店")
    assert circles.may_edit(merchant, shop) is True
    assert circles.may_edit(merchant, Entry.objects.get(name="温江区政务服务中心", node__code="TJ")) is False
