"""Item 11 of issue 12: places can be told apart. Queue rows name the place
whole, a micro-grid's households carry their building and unit, numbers sort as
numbers, and the resident's tracking page keeps the unit."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from linli.cases import services as case_services
from linli.cases.models import Category, Source
from linli.org import selectors
from linli.org import services as org
from linli.org.models import NodeKind as K


@pytest.fixture
def ditie(world):
    """地铁首座 in C1: buildings 1栋, 2栋, 13栋 (codes B1, B13, B2 sort the wrong way),
    each with 1单元 and 2单元 and a 101室 in micro-grid C1-M2."""
    compound = org.node_create(kind=K.COMPOUND, code="DT", name="地铁首座", parent=world["C1"],
                               property_mode="professional", by=None)
    for b in ("13", "2", "1"):
        building = org.node_create(kind=K.BUILDING, code=f"DT-B{b}", name=f"{b}栋", parent=compound, by=None)
        for u in ("2", "1"):
            unit = org.node_create(kind=K.UNIT, code=f"DT-B{b}-U{u}", name=f"{u}单元", parent=building, by=None)
            org.node_create(kind=K.HOUSEHOLD, code=f"DT-B{b}-U{u}-101", name="101室", parent=unit,
                            area_m2=Decimal("80.00"), microgrid=world["C1-M2"], by=None)
    return compound


def link_texts(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<a href="/places/{prefix}[^"]*/">([^<]+)</a>', html)


def test_natural_key_reads_numbers_as_numbers():
    assert sorted(["13栋", "1栋", "A栋", "2栋"], key=selectors.natural_key) == ["1栋", "2栋", "13栋", "A栋"]
    assert sorted(["1001室", "101室", "99室"], key=selectors.natural_key) == ["99室", "101室", "1001室"]
    assert sorted(["3栋10单元", "3栋2单元", "12栋1单元"], key=selectors.natural_key) == [
        "3栋2单元", "3栋10单元", "12栋1单元"]


def test_a_compound_lists_its_buildings_in_natural_order(client, world, ditie):
    client.force_login(world.person("community_c1"))
    html = client.get("/places/DT/").content.decode()
    assert link_texts(html, "DT-") == ["1栋", "2栋", "13栋"]


def test_a_building_lists_units_with_their_building(client, world, ditie):
    client.force_login(world.person("community_c1"))
    html = client.get("/places/DT-B13/").content.decode()
    assert link_texts(html, "DT-") == ["13栋1单元", "13栋2单元"]


def test_a_micro_grid_lists_households_with_compound_building_and_unit(client, world, ditie):
    client.force_login(world.person("community_c1"))
    html = client.get("/places/C1-M2/").content.decode()
    shown = link_texts(html, "DT-")
    assert shown == ["地铁首座 1栋1单元101室", "地铁首座 1栋2单元101室", "地铁首座 2栋1单元101室",
                     "地铁首座 2栋2单元101室", "地铁首座 13栋1单元101室", "地铁首座 13栋2单元101室"]
    assert len(set(shown)) == len(shown)


def test_queue_rows_name_the_compound_building_and_unit(client, world, ditie):
    staff = world.person("community_c1")
    case_services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                              description="三楼楼道灯不亮了", source=Source.QR)
    case_services.case_create(node=ditie.children.get(code="DT-B13").children.get(code="DT-B13-U1"),
                              category=Category.objects.get(code="repair"), description="单元门禁坏了",
                              source=Source.QR)
    client.force_login(staff)
    html = client.get("/queue/").content.decode()
    rows = re.findall(r'<span class="q-top">.*?<span class="muted">([^<]*)</span></span>', html)
    assert sorted(rows) == ["X X-B1X-B1-U1", "地铁首座 13栋1单元"]


def test_the_tracking_page_shows_the_unit_but_never_the_room(client, world, ditie):
    unit = ditie.children.get(code="DT-B2").children.get(code="DT-B2-U1")
    case = case_services.case_create(node=unit, category=Category.objects.get(code="repair"),
                                     description="单元门禁坏了", source=Source.QR)
    html = client.get(f"/t/{case.tracking_code}").content.decode()
    assert re.search(r'<p class="where"><span class="tag">地铁首座</span> 2栋1单元</p>', html)
    household = unit.children.get()
    recorded = case_services.case_create(node=household, category=Category.objects.get(code="repair"),
                                         description="家门口灯坏了", source=Source.PHONE,
                                         by=world.person("community_c1"), contact_name="王先生",
                                         contact_phone="13800005678")
    html = client.get(f"/t/{recorded.tracking_code}").content.decode()
    assert '<span class="tag">地铁首座</span> 2栋1单元</p>' in html and "101室" not in html


def test_place_paths_read_the_tree_in_one_query(world, ditie, django_assert_num_queries):
    nodes = list(ditie.children.all()) + [world["X-101"], world["C1"], ditie]
    with django_assert_num_queries(1):
        paths = selectors.place_paths(nodes)
    assert paths[world["X-101"].pk] == "X X-B1X-B1-U1X-101"
    assert paths[world["C1"].pk] == "C1" and paths[ditie.pk] == "地铁首座"
    assert selectors.place_path(world["X-101"], within=world["X"], finest=K.UNIT) == "X-B1X-B1-U1"
