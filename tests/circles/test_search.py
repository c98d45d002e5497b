"""The search of a community's circles: Chinese substrings, filters, open now,
nearest first from the resident's compound, phones masked on public pages."""
from __future__ import annotations

import datetime as dt

from linli.circles import selectors
from linli.circles.hours import SHANGHAI

MON_10 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # a Monday morning
SAT_01 = dt.datetime(2026, 12, 12, 1, 0, tzinfo=SHANGHAI)  # Saturday 01:00


def names(hits):
    return [h.entry.name for h in hits]


def test_nearest_first_from_the_compound_with_distances(cw):
    hits = selectors.search(cw.world["C1"], None, origin=cw.world["X"], now=MON_10)
    assert [(h.entry.name, h.distance_text) for h in hits] == [
        ("红旗超市 X 店", "120 米"), ("社区卫生服务站", "800 米"), ("住房公积金服务大厅", "1.5 公里"),
        ("老码头烧烤", "2.5 公里"), ("X 小区志愿服务队", ""),  # no position: last
    ]
    assert [h.distance for h in hits[:4]] == sorted(h.distance or 0 for h in hits[:4])


def test_without_a_compound_position_the_list_is_by_name(cw):
    hits = selectors.search(cw.world["C1"], None, origin=cw.world["Y"], now=MON_10)
    assert all(h.distance is None for h in hits)
    assert names(hits) == sorted(names(hits))


def test_text_search_finds_chinese_substrings_in_name_category_and_services(cw):
    c1 = cw.world["C1"]
    assert names(selectors.search(c1, None, q="公积金")) == ["住房公积金服务大厅"]
    assert names(selectors.search(c1, None, q="参保")) == ["红旗超市 X 店"]  # a service it offers
    assert names(selectors.search(c1, None, q="医疗")) == ["社区卫生服务站"]  # its category
    assert names(selectors.search(c1, None, q="超市 党员")) == ["红旗超市 X 店"]  # every word must match
    assert names(selectors.search(c1, None, q="游泳馆")) == []
    assert names(selectors.search(c1, None, q="超市")) == ["红旗超市 X 店"]  # C2's supermarket is not C1's


def test_filter_by_circle_category_and_open_now(cw):
    c1 = cw.world["C1"]
    assert names(selectors.search(c1, None, circle="government")) == ["住房公积金服务大厅"]
    assert names(selectors.search(c1, None, circle="volunteer")) == ["X 小区志愿服务队"]
    assert names(selectors.search(c1, None, category="餐饮")) == ["老码头烧烤"]
    assert set(names(selectors.search(c1, None, open_now=True, now=MON_10))) == {
        "红旗超市 X 店", "社区卫生服务站", "住房公积金服务大厅"}
    # Friday night's barbecue is still open at 01:00 on Saturday; nothing else is.
    assert names(selectors.search(c1, None, open_now=True, now=SAT_01)) == ["老码头烧烤"]


def test_hidden_entries_leave_the_directory(cw):
    from linli.circles import services as circles

    circles.entry_set_hidden(entry=cw.noodles, hidden=True, by=cw.person("community_c1"))
    assert "老码头烧烤" not in names(selectors.search(cw.world["C1"], None))


def test_phones_are_masked_unless_public_or_seen_by_staff_in_scope(cw):
    c1 = cw.world["C1"]
    shown = {h.entry.name: h.phone_shown for h in selectors.search(c1, cw.person("resident"))}
    assert shown["社区卫生服务站"] == "028-82703120"  # an organisation's public number
    assert shown["红旗超市 X 店"] == "138****1234"
    assert shown["X 小区志愿服务队"] == "139****1111"  # a person's mobile
    staff = {h.entry.name: h.phone_shown for h in selectors.search(c1, cw.person("community_c1"))}
    assert staff["X 小区志愿服务队"] == "13980001111"
    outside = {h.entry.name: h.phone_shown for h in selectors.search(c1, cw.person("community_c2"))}
    assert outside["X 小区志愿服务队"] == "139****1111"


def test_the_residents_compound(cw):
    assert selectors.home_compounds(cw.person("resident")) == [cw.world["X"]]
    assert selectors.home_compounds(cw.person("community_c1")) == []
