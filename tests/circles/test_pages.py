"""The service-circle pages as people see them: the search with distances from
the resident's compound, masked phones, the empty states, the staff's and the
merchant's forms (a refusal shows the message and changes nothing)."""
from __future__ import annotations

import pytest

from linli.circles.models import Entry, Event


@pytest.fixture
def page(client):
    def get(url, who=None, cw=None, **params):
        if who:
            client.force_login(cw.person(who))
        r = client.get(url, params)
        return r.status_code, r.content.decode()
    return get


def test_a_resident_sees_entries_nearest_to_home_first(cw, client):
    client.force_login(cw.person("resident"))
    html = client.get("/circles/C1/").content.decode()
    assert "C1服务圈" in html
    names = [n for n in ("红旗超市 X 店", "社区卫生服务站", "住房公积金服务大厅", "老码头烧烤", "X 小区志愿服务队")]
    positions = [html.index(f"<strong>{n}</strong>") for n in names]
    assert positions == sorted(positions)
    assert "120 米" in html and "1.5 公里" in html and "离X最近的在前" in html
    assert "138****1234" in html and "13880001234" not in html  # the shop's mobile, masked
    assert 'href="tel:028-82703120"' in html  # the clinic's public number
    assert "流动党员登记、张贴通知、志愿者报名、打印参保材料" in html
    assert "新增条目" not in html


def test_search_and_filters_through_the_page(cw, client):
    html = client.get("/circles/C1/", {"q": "公积金", "from": "X"}).content.decode()
    assert "住房公积金服务大厅" in html and "红旗超市 X 店" not in html and "1 个结果" in html
    html = client.get("/circles/C1/", {"q": "游泳馆"}).content.decode()
    assert 'id="circle-empty"' in html and "试试少写几个字" in html
    html = client.get("/circles/C1/", {"circle": "volunteer"}).content.decode()
    assert "X 小区志愿服务队" in html and "红旗超市 X 店" not in html


def test_empty_community_and_the_index(cw, client):
    html = client.get("/circles/C3/").content.decode()
    assert "本社区还没有条目。" in html
    html = client.get("/circles/").content.decode()
    # by link, not by the bare code: a two-letter code can turn up inside the CSRF token
    assert "/circles/C1/" in html and "/circles/C2/" in html and "/circles/C3/" not in html
    client.force_login(cw.person("multi"))  # staff of C1 and C3: C3 is listed for them to fill
    assert "/circles/C3/" in client.get("/circles/").content.decode()
    assert client.get("/circles/NOPE/").status_code == 404


def test_staff_add_an_entry_with_hours_as_text(cw, client):
    client.force_login(cw.person("community_c1"))
    assert "新增条目" in client.get("/circles/C1/").content.decode()
    r = client.post("/circles/C1/new", {
        "circle": "life", "category": "药店", "name": "和济大药房", "address": "X 小区东门商铺2号",
        "lat": "30.69421", "lng": "103.8431", "hours": "每天 08:00-22:00", "phone": "028-82708888",
        "phone_public": "1"})
    entry = Entry.objects.get(name="和济大药房")
    assert r.status_code == 302 and r["Location"] == f"/circles/entries/{entry.pk}/"
    html = client.get(r["Location"]).content.decode()
    assert "每天 08:00-22:00" in html and "条目已添加。" in html and "新增条目" in html  # history lists the event


def test_a_bad_form_shows_the_message_and_writes_nothing(cw, client):
    client.force_login(cw.person("community_c1"))
    before = (Entry.objects.count(), Event.objects.count())
    r = client.post("/circles/C1/new", {"circle": "life", "category": "药店", "name": "药房", "address": "某处",
                                        "hours": "周一 09:00-25:00", "lat": "200", "lng": "103"})
    assert r.status_code == 422
    assert "营业时间：“25:00”不是有效的时刻，请用 00:00 到 24:00。" in r.content.decode()
    assert 'value="药房"' in r.content.decode()  # what was typed stays
    r = client.post(f"/circles/entries/{cw.shop.pk}/edit", {
        "circle": "life", "category": "超市", "name": "红旗超市 X 店", "address": "X 小区东门", "lat": "200",
        "lng": "103.8", "services": "张贴通知", "service_point": "1"})
    assert r.status_code == 422 and "纬度“200”不可能" in r.content.decode()
    assert (Entry.objects.count(), Event.objects.count()) == before


def test_the_merchant_edits_their_shops_hours_only(cw, client):
    client.force_login(cw.person("cashier"))
    html = client.get(f"/circles/entries/{cw.shop.pk}/").content.decode()
    assert 'id="edit-entry"' in html and "从名录中隐藏" not in html
    form = client.get(f"/circles/entries/{cw.shop.pk}/edit").content.decode()
    assert 'name="hours"' in form and 'name="name"' not in form and 'name="merchant"' not in form
    r = client.post(f"/circles/entries/{cw.shop.pk}/edit", {
        "hours": "每天 07:30-24:00", "phone": "13880001234", "services": "流动党员登记、张贴通知", "description": ""})
    assert r.status_code == 302
    shop = Entry.objects.get(pk=cw.shop.pk)
    assert (shop.hours[0]["close"], shop.name, shop.service_point) == ("24:00", "红旗超市 X 店", True)
    assert client.get(f"/circles/entries/{cw.noodles.pk}/edit").status_code == 403


def test_out_of_scope_staff_and_residents_are_refused(cw, client):
    for who in ("resident", "community_c2"):
        client.force_login(cw.person(who))
        assert client.get(f"/circles/entries/{cw.shop.pk}/edit").status_code == 403
        assert client.get("/circles/C1/new").status_code == 403
        assert client.post(f"/circles/entries/{cw.shop.pk}/hidden", {"hidden": "1"}).status_code == 403
        assert client.get("/circles/C1/locations").status_code == 403
    assert Entry.objects.get(pk=cw.shop.pk).hidden is False


def test_staff_hide_an_entry_and_set_positions(cw, client):
    client.force_login(cw.person("community_c1"))
    client.post(f"/circles/entries/{cw.noodles.pk}/hidden", {"hidden": "1"})
    assert "老码头烧烤" not in client.get("/circles/C1/").content.decode()
    client.logout()
    assert client.get(f"/circles/entries/{cw.noodles.pk}/").status_code == 404
    client.force_login(cw.person("community_c1"))
    r = client.post("/circles/C1/locations", {"compound": "Y", "lat": "30.70", "lng": "103.85"})
    assert r.status_code == 302
    r = client.post("/circles/C1/locations", {"compound": "Y", "lat": "91", "lng": "103.85"})
    assert r.status_code == 422 and "纬度“91”不可能" in r.content.decode()
    assert str(cw.world["Y"].circle_location.lat) == "30.700000"
