"""Who may do what in the service circles (a matrix over the test world), and
that every refusal and every bad input leaves the database as it was."""
from __future__ import annotations

import pytest

from linli import authz
from linli.circles import services as circles
from linli.circles.hours import parse_hours_text
from linli.circles.models import CompoundLocation, Entry, Event
from linli.errors import InvalidInput, NotAllowed

ALL = ["anonymous", "resident", "owner", "property_x", "grid_c1", "leader_m1", "community_c1", "community_c2",
       "street_s1", "multi", "admin", "cashier", "cashier2"]
EDITORS = {"community_c1", "street_s1", "multi", "admin"}


def snapshot():
    return (list(Entry.objects.order_by("pk").values()), Event.objects.count(),
            list(CompoundLocation.objects.order_by("pk").values()))


@pytest.mark.parametrize("who", ALL)
def test_anyone_reads_the_circles(cw, who):
    assert authz.can(cw.person(who), "circles.entry.view", cw.shop) is True


@pytest.mark.parametrize("who", ALL)
def test_who_adds_an_entry(cw, who):
    before = snapshot()
    kwargs = {"community": cw.world["C1"], "circle": "life", "category": "药店", "name": "和济大药房",
              "address": "X 小区东门", "by": cw.person(who)}
    if who in EDITORS:
        entry = circles.entry_create(**kwargs)
        assert (entry.node.code, entry.name) == ("C1", "和济大药房")
        assert Event.objects.filter(entry=entry, kind="created").count() == 1
    else:
        with pytest.raises(NotAllowed):
            circles.entry_create(**kwargs)
        assert snapshot() == before


@pytest.mark.parametrize("who", ALL)
def test_who_changes_an_entry_and_its_hours(cw, who):
    before = snapshot()
    hours = parse_hours_text("每天 07:00-24:00")
    if who in EDITORS | {"cashier"}:  # the cashier works the shop the entry is linked to
        entry = circles.entry_update(entry=cw.shop, changes={"hours": hours, "phone": "028-82709999"},
                                     by=cw.person(who))
        assert (entry.hours, entry.phone) == (hours, "028-82709999")
        event = Event.objects.filter(entry=cw.shop, kind="updated").get()
        assert event.data["after"]["phone"] == "028-82709999"
        assert event.data["before"]["phone"] == "13880001234"
    else:
        with pytest.raises(NotAllowed):
            circles.entry_update(entry=cw.shop, changes={"hours": hours}, by=cw.person(who))
        assert snapshot() == before


def test_a_merchant_edits_only_their_own_entry_and_only_its_shop_fields(cw):
    cashier = cw.person("cashier")
    before = snapshot()
    with pytest.raises(NotAllowed):  # another entry of the community
        circles.entry_update(entry=cw.noodles, changes={"phone": "13800000000"}, by=cashier)
    with pytest.raises(NotAllowed) as exc:  # moving the shop or renaming it is the community's
        circles.entry_update(entry=cw.shop, changes={"name": "红旗超市 旗舰店", "phone": "13800000000"}, by=cashier)
    assert str(exc.value.message) == ("商家只能修改自己条目的服务内容、电话、营业时间、休息日期、提供的服务和链接；"
                                      "其他内容请联系社区。")
    with pytest.raises(NotAllowed):
        circles.entry_set_hidden(entry=cw.shop, hidden=True, by=cashier)
    assert snapshot() == before
    assert circles.may_edit(cashier, cw.shop) is True
    assert circles.may_edit(cashier, cw.noodles) is False
    assert circles.may_edit(cw.person("cashier2"), cw.shop) is False


@pytest.mark.parametrize("who", ALL)
def test_who_hides_an_entry(cw, who):
    before = snapshot()
    if who in EDITORS:
        assert circles.entry_set_hidden(entry=cw.fund, hidden=True, by=cw.person(who)).hidden is True
        assert circles.entry_set_hidden(entry=cw.fund, hidden=False, by=cw.person(who)).hidden is False
        assert list(Event.objects.filter(entry=cw.fund).values_list("kind", flat=True)) == [
            "created", "hidden", "shown"]
    else:
        with pytest.raises(NotAllowed):
            circles.entry_set_hidden(entry=cw.fund, hidden=True, by=cw.person(who))
        assert snapshot() == before


@pytest.mark.parametrize("who", ALL)
def test_who_sets_a_compound_position(cw, who):
    before = snapshot()
    if who in EDITORS:
        loc = circles.location_set(compound=cw.world["Y"], lat="30.7", lng="103.85", by=cw.person(who))
        assert (str(loc.lat), str(loc.lng)) == ("30.700000", "103.850000")
    else:
        with pytest.raises(NotAllowed):
            circles.location_set(compound=cw.world["Y"], lat="30.7", lng="103.85", by=cw.person(who))
        assert snapshot() == before


def test_staff_of_another_community_are_refused_in_c1_and_allowed_in_their_own(cw):
    c2 = cw.person("community_c2")
    before = snapshot()
    with pytest.raises(NotAllowed):
        circles.entry_update(entry=cw.fund, changes={"phone": "028-1234567"}, by=c2)
    with pytest.raises(NotAllowed):
        circles.location_set(compound=cw.world["X"], lat="1", lng="1", by=c2)
    assert snapshot() == before
    assert circles.entry_update(entry=cw.other, changes={"phone": "028-1234567"}, by=c2).phone == "028-1234567"


@pytest.mark.parametrize("changes, code, message", [
    ({"hours": parse_hours_text("每天 09:00-17:00") + [{"day": 1, "open": "25:00", "close": "26:00"}]},
     "circles.hours", "营业时间：“25:00”不是有效的时刻，请用 00:00 到 24:00。"),
    ({"lat": "200"}, "circles.lat", "纬度“200”不可能：请用 -90 到 90 之间的十进制度数，例如 30.6799。"),
    ({"lng": "-181"}, "circles.lng", "经度“-181”不可能：请用 -180 到 180 之间的十进制度数，例如 30.6799。"),
    ({"lat": "北纬30度"}, "circles.lat", "纬度“北纬30度”不可能：请用 -90 到 90 之间的十进制度数，例如 30.6799。"),
    ({"lat": "1_0"}, "circles.lat", "纬度“1_0”不可能：请用 -90 到 90 之间的十进制度数，例如 30.6799。"),
    ({"lat": "3²"}, "circles.lat", "纬度“3²”不可能：请用 -90 到 90 之间的十进制度数，例如 30.6799。"),
    ({"lat": "NaN"}, "circles.lat", "纬度“NaN”不可能：请用 -90 到 90 之间的十进制度数，例如 30.6799。"),
    ({"lat": ""}, "circles.position", "纬度和经度要么都填，要么都不填。"),
    ({"phone": "call me"}, "circles.phone", "请用数字填写电话，例如 028-82712345。"),
    ({"phone": "028-²²²²²"}, "circles.phone", "请用数字填写电话，例如 028-82712345。"),
    ({"link": "javascript:alert(1)"}, "circles.link", "链接须是以 https:// 开头的网址。"),
    ({"circle": "sports"}, "circles.circle", "请选择三个服务圈之一：政务服务圈、志愿服务圈、生活服务圈。"),
    ({"name": "  "}, "circles.name", "请填写“名称”。"),
    ({"services": ""}, "circles.services", "服务点须列出提供的服务。"),
    ({"closed_dates": ["2026-13-01"]}, "circles.dates", "休息日期：“2026-13-01”不是日期，请写成 2026-10-01。"),
    ({"merchant": "SHOP9"}, "circles.merchant", "本社区没有这个编码的商家。"),
    ({"node": 5}, "circles.field", "未知字段“node”。"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(cw, changes, code, message):
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        circles.entry_update(entry=cw.shop, changes=changes, by=cw.person("community_c1"))
    assert (exc.value.code, str(exc.value.message)) == (code, message)
    assert snapshot() == before


def test_full_width_digits_from_a_chinese_keyboard_are_read(cw):
    entry = circles.entry_update(entry=cw.shop, changes={"lat": "３０．７", "phone": "０２８－８２７０１２３４"},
                                 by=cw.person("community_c1"))
    assert (str(entry.lat), entry.phone) == ("30.700000", "028-82701234")


def test_a_position_out_of_range_is_refused_for_a_compound_too(cw):
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        circles.location_set(compound=cw.world["X"], lat="200", lng="103.8", by=cw.person("community_c1"))
    assert exc.value.code == "circles.lat"
    assert snapshot() == before


def test_a_duplicate_entry_is_refused(cw):
    from linli.circles.services import CircleRefused

    before = snapshot()
    with pytest.raises(CircleRefused) as exc:
        circles.entry_create(community=cw.world["C1"], circle="life", category="超市", name="红旗超市 X 店",
                             address="X 小区东门", by=cw.person("community_c1"))
    assert str(exc.value.message) == "本社区已有同名同地址的条目。"
    assert snapshot() == before


def test_history_is_append_only(cw):
    from django.db import DatabaseError, transaction

    event = Event.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(kind="hidden")
    assert Event.objects.get(pk=event.pk).kind == event.kind


def test_setting_a_position_again_records_before_and_after(cw):
    staff = cw.person("community_c1")
    circles.location_set(compound=cw.world["X"], lat="30.7", lng="103.85", by=staff)
    event = Event.objects.filter(kind="location").order_by("-id").first()
    assert event.data == {"compound": "X", "before": {"lat": "30.694210", "lng": "103.841530"},
                          "after": {"lat": "30.700000", "lng": "103.850000"}}
    assert CompoundLocation.objects.filter(compound=cw.world["X"]).count() == 1
