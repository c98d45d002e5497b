"""The JSON API twins (/api/v1/circles/...): public search with distances, every
write calling the same service, CSRF enforced for the browser session, bad input
answered 422 in Chinese with nothing written."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from linli.circles.models import CompoundLocation, Entry, Event
from linli.org import services as org

API = "/api/v1/circles"


@pytest.fixture
def api():
    return Client(enforce_csrf_checks=True)


def auth(world, who):
    if who == "anonymous":
        return {}
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(api, world, who, method, path, body=None):
    return getattr(api, method)(API + path, data=json.dumps(body or {}), content_type="application/json",
                                **auth(world, who))


def snapshot():
    return list(Entry.objects.order_by("pk").values()), Event.objects.count(), CompoundLocation.objects.count()


def test_anyone_searches_nearest_first_with_phones_masked(cw, api):
    r = api.get(f"{API}/C1/entries", {"origin": "X", "circle": "life"})
    assert r.status_code == 200
    rows = r.json()
    assert [(x["name"], x["distance_m"]) for x in rows] == [("红旗超市 X 店", 120), ("社区卫生服务站", 800),
                                                            ("老码头烧烤", 2500)]
    assert [x["phone"] for x in rows[:2]] == ["138****1234", "028-82703120"]
    assert rows[0]["services"] == ["流动党员登记", "张贴通知", "志愿者报名", "打印参保材料"]
    assert rows[0]["hours_text"] == "每天 07:30-23:30" and rows[0]["service_point"] is True
    r = api.get(f"{API}/C1/entries", {"q": "公积金"})
    assert [x["name"] for x in r.json()] == ["住房公积金服务大厅"]
    assert api.get(f"{API}/NOPE/entries").status_code == 404
    assert api.get(f"{API}/C1/entries", {"origin": "bad code!"}).status_code == 422
    r = api.get(f"{API}/entries/{cw.fund.pk}")
    assert (r.status_code, r.json()["documents"]) == (200, "身份证原件")


def test_staff_add_change_hide_and_read_the_history(cw, api):
    w = cw.world
    r = send(api, w, "community_c1", "post", "/C1/entries", {
        "circle": "government", "category": "社保", "name": "S1 街道社保服务站", "address": "便民服务中心一楼",
        "lat": "30.695", "lng": "103.842", "phone": "028-82701234", "phone_public": True,
        "hours": [{"day": d, "open": "09:00", "close": "17:00"} for d in range(1, 6)],
        "documents": "身份证；社保卡"})
    assert r.status_code == 201, r.content
    new = r.json()
    assert (new["hours_text"], new["phone"], new["community"]) == ("周一至周五 09:00-17:00", "028-82701234", "C1")
    r = send(api, w, "community_c1", "patch", f"/entries/{new['id']}", {"hours": [
        {"day": 5, "open": "20:00", "close": "02:00"}]})
    assert (r.status_code, r.json()["hours_text"]) == (200, "周五 20:00-02:00")
    r = send(api, w, "community_c1", "post", f"/entries/{new['id']}/hidden", {"hidden": True})
    assert (r.status_code, r.json()["hidden"]) == (200, True)
    assert api.get(f"{API}/entries/{new['id']}").status_code == 404  # hidden from the public
    r = api.get(f"{API}/entries/{new['id']}/history", **auth(w, "community_c1"))
    assert [e["kind"] for e in r.json()] == ["hidden", "updated", "created"]
    assert api.get(f"{API}/entries/{new['id']}/history", **auth(w, "resident")).status_code == 403
    assert api.get(f"{API}/entries/{new['id']}/history").status_code == 401
    r = send(api, w, "community_c1", "put", "/compounds/Y/location", {"lat": "30.7", "lng": "103.85"})
    assert r.json() == {"compound": "Y", "lat": "30.700000", "lng": "103.850000"}


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("resident", 403), ("community_c2", 403),
                                         ("cashier2", 403)])
def test_refusals_change_nothing(cw, api, who, status):
    w = cw.world
    before = snapshot()
    calls = [
        ("post", "/C1/entries", {"circle": "life", "category": "超市", "name": "新店", "address": "某路1号"}),
        ("patch", f"/entries/{cw.shop.pk}", {"phone": "13800000000"}),
        ("post", f"/entries/{cw.shop.pk}/hidden", {"hidden": True}),
        ("put", "/compounds/X/location", {"lat": "30", "lng": "104"}),
    ]
    for method, path, body in calls:
        r = send(api, w, who, method, path, body)
        assert r.status_code == status, (path, r.content)
    assert snapshot() == before


def test_a_merchant_keeps_their_own_hours_through_the_api(cw, api):
    w = cw.world
    r = send(api, w, "cashier", "patch", f"/entries/{cw.shop.pk}",
             {"hours": [{"day": 6, "open": "08:00", "close": "24:00"}], "services": "张贴通知、打印参保材料"})
    assert (r.status_code, r.json()["hours_text"], r.json()["services"]) == (
        200, "周六 08:00-24:00", ["张贴通知", "打印参保材料"])
    r = send(api, w, "cashier", "patch", f"/entries/{cw.shop.pk}", {"address": "别处"})
    assert (r.status_code, r.json()["code"]) == (403, "circles.merchant_fields")
    r = send(api, w, "cashier", "patch", f"/entries/{cw.noodles.pk}", {"phone": "13800000000"})
    assert r.status_code == 403


@pytest.mark.parametrize("body, code, message", [
    ({"hours": [{"day": 1, "open": "25:00", "close": "26:00"}]}, "circles.hours",
     "营业时间：“25:00”不是有效的时刻，请用 00:00 到 24:00。"),
    ({"hours": [{"day": 9, "open": "09:00", "close": "10:00"}]}, "circles.hours",
     "营业时间：“9”不是星期几，请用 1（周一）到 7（周日）。"),
    ({"lat": 200, "lng": 103.8}, "circles.lat", "纬度“200”不可能：请用 -90 到 90 之间的十进制度数，例如 30.6799。"),
    ({"closed_dates": ["明天"]}, "circles.dates", "休息日期：“明天”不是日期，请写成 2026-10-01。"),
])
def test_bad_input_is_422_with_a_clear_message_and_nothing_written(cw, api, body, code, message):
    before = snapshot()
    r = send(api, cw.world, "community_c1", "patch", f"/entries/{cw.shop.pk}", body)
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (422, code, message)
    r = send(api, cw.world, "community_c1", "post", "/C1/entries",
             {"circle": "life", "category": "超市", "name": "新店", "address": "某路1号", **body})
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert snapshot() == before


def test_the_browser_session_needs_the_csrf_token(cw, api):
    api.force_login(cw.person("community_c1"))
    before = snapshot()
    body = json.dumps({"phone": "028-82700000"})
    r = api.patch(f"{API}/entries/{cw.shop.pk}", data=body, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")
    assert snapshot() == before
    api.get("/circles/C1/")  # a page sets the CSRF cookie
    token = api.cookies["csrftoken"].value
    r = api.patch(f"{API}/entries/{cw.shop.pk}", data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert (r.status_code, r.json()["phone"]) == (200, "028-82700000")
