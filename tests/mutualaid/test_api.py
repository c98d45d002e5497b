"""The JSON API twins (/api/v1/mutualaid/...): the same services as the pages,
CSRF enforced for the session, refusals in Chinese with nothing written."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from linli.mutualaid import services as aid
from linli.mutualaid.models import Completion, Redemption, Settlement, SignUp
from linli.org import services as org

API = "/api/v1/mutualaid"


@pytest.fixture
def api():
    return Client(enforce_csrf_checks=True)


def auth(world, who):
    if who == "anonymous":
        return {}
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(api, world, who, path, body=None):
    return api.post(API + path, data=json.dumps(body or {}), content_type="application/json", **auth(world, who))


def get(api, world, who, path):
    return api.get(API + path, **auth(world, who))


def test_the_whole_path_through_the_api(aidworld, api):
    w = aidworld.world
    now = timezone.now()
    r = post(api, w, "community_c1", "/tasks", {
        "place_code": "X", "title": "交通安全劝导", "place": "路口", "places": 1, "points": 10,
        "signup_deadline": (now + dt.timedelta(minutes=5)).isoformat(),
        "slots": [{"starts_at": (now + dt.timedelta(minutes=10)).isoformat(),
                   "ends_at": (now + dt.timedelta(hours=1)).isoformat()}]})
    assert r.status_code == 201, r.content
    slot_id = r.json()["slots"][0]["id"]
    r = post(api, w, "resident", f"/slots/{slot_id}/signup")
    assert (r.status_code, r.json()["status"]) == (201, "confirmed")
    from linli.mutualaid.models import Slot

    token = Slot.objects.get(pk=slot_id).token
    r = post(api, w, "resident", "/checkin", {"token": token})
    assert (r.status_code, r.json()["points"], r.json()["method"]) == (201, 10, "qr")
    r = post(api, w, "resident", "/checkin", {"token": token})
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        409, "mutualaid.already_completed", "这次服务已经记录，信义贝只发放一次。")
    assert Completion.objects.count() == 1
    code = post(api, w, "resident", "/me/code").json()
    q = post(api, w, "cashier", "/merchants/SHOP1/quote", {"code": code["digits"], "bill": 6500})
    assert q.json() == {"bill": 6500, "points": 6, "discount": 600, "to_pay": 5900}
    r = post(api, w, "cashier", "/merchants/SHOP1/redeem", {"code": code["token"], "bill": 6500})
    assert (r.status_code, r.json()["points"]) == (201, 6)
    r = post(api, w, "cashier", "/merchants/SHOP1/redeem", {"code": code["digits"], "bill": 6500})
    assert (r.status_code, r.json()["code"]) == (409, "mutualaid.code_used")
    me = get(api, w, "resident", "/me").json()
    assert (me["balance"], me["earned"], me["spent"], me["person_times"]) == (4, 10, 6, 1)
    r = post(api, w, "cashier", "/merchants/SHOP1/settle")
    assert (r.status_code, r.json()["points"], r.json()["money"]) == (201, 6, 0)
    board = get(api, w, "anonymous", "/board").json()
    assert (board["in_circulation"], board["person_times"]) == (4, 1)


def test_bill_below_30_and_other_shops_staff(aidworld, api):
    w = aidworld.world
    code = post(api, w, "resident", "/me/code").json()
    r = post(api, w, "cashier", "/merchants/SHOP1/redeem", {"code": code["digits"], "bill": 2900})
    assert (r.status_code, r.json()["message"]) == (409, "满 ¥30 才能用信义贝抵扣，这笔消费不足。")
    r = post(api, w, "cashier2", "/merchants/SHOP1/redeem", {"code": code["digits"], "bill": 6500})
    assert r.status_code == 403
    assert get(api, w, "cashier2", "/merchants/SHOP1").status_code == 403
    assert post(Client(), w, "anonymous", "/merchants/SHOP1/redeem", {"code": code["digits"], "bill": 6500}).status_code == 401
    r = post(api, w, "cashier", "/merchants/SHOP1/redeem", {"code": code["digits"], "bill": 65.5})
    assert r.status_code == 422
    assert Redemption.objects.count() == 0


def test_the_session_needs_the_csrf_token(aidworld, api):
    api.force_login(aidworld.person("resident"))
    r = api.post(API + f"/slots/{aidworld.slot.pk}/signup", content_type="application/json")
    assert r.status_code == 403
    assert SignUp.objects.count() == 0


def test_volunteers_register_and_are_confirmed(aidworld, api):
    w = aidworld.world
    r = post(api, w, "owner", "/volunteers", {"community": "C1", "skills": "急救"})
    assert (r.status_code, r.json()["status"]) == (201, "applied")
    vid = r.json()["id"]
    assert post(api, w, "community_c2", f"/volunteers/{vid}/decide", {"confirm": True}).status_code == 403
    r = post(api, w, "community_c1", f"/volunteers/{vid}/decide", {"confirm": True})
    assert (r.status_code, r.json()["status"]) == (200, "confirmed")
    r = post(api, w, "owner", "/volunteers", {"community": "C2"})
    assert (r.status_code, r.json()["message"]) == (422, "您可以在居住的社区登记为志愿者。")


def test_alliance_scoring_and_public_scores(aidworld, api):
    w, staff = aidworld.world, aidworld.person("community_c1")
    a = aid.criterion_add(community=w["C1"], name="明码标价", weight=50, by=staff)
    b = aid.criterion_add(community=w["C1"], name="服务态度", weight=50, by=staff)
    r = post(api, w, "community_c1", "/merchants/SHOP2/scores", {"period": "2026-Q4", "scores": {a.pk: 30, b.pk: 50}})
    assert (r.status_code, r.json()["total"]) == (201, 40)
    pub = get(api, w, "anonymous", "/communities/C1/alliance").json()
    shops = {m["code"]: m for m in pub["merchants"]}
    assert shops["SHOP2"]["status"] == "suspended" and shops["SHOP2"]["scorings"][0]["total"] == 40
    assert shops["SHOP1"]["status"] == "active"
    assert Settlement.objects.count() == 0


def test_community_staff_set_up_the_pool_rule_merchants_and_standard(aidworld, api):
    w = aidworld.world
    r = post(api, w, "community_c1", "/communities/C1/pool", {"points": 500, "key": "2026-12"})
    assert (r.status_code, r.json()["balance"]) == (201, 1500)
    assert post(api, w, "community_c1", "/communities/C1/pool", {"points": 500, "key": "2026-12"}).json()["balance"] == 1500
    from linli.mutualaid.models import Event

    assert Event.objects.filter(kind="pool.funded").count() == 2  # the fixture's and this one, not the replay
    assert post(api, w, "community_c2", "/communities/C1/pool", {"points": 500, "key": "x"}).status_code == 403
    r = api.put(API + "/communities/C1/rule", data=json.dumps({"step": 5000, "points_per_step": 5}),
                content_type="application/json", **auth(w, "community_c1"))
    assert (r.status_code, r.json()["step"], r.json()["expiry_days"]) == (200, 5000, None)
    r = post(api, w, "community_c1", "/communities/C1/merchants", {"code": "SHOP3", "name": "社区药店"})
    assert (r.status_code, r.json()["status"]) == (201, "active")
    r = post(api, w, "community_c1", "/merchants/SHOP3/staff", {"username": "owner"})
    assert r.status_code == 201 and aid.may_till(w.person("owner"), aid_merchant("SHOP3"))
    r = post(api, w, "community_c1", "/communities/C1/covenant", {"text": "诚信经营"})
    assert (r.status_code, r.json()["version"]) == (201, 1)
    r = post(api, w, "community_c1", "/communities/C1/criteria", {"name": "诚信", "weight": 80})
    assert r.status_code == 201
    r = post(api, w, "community_c1", "/communities/C1/criteria", {"name": "卫生", "weight": 30})
    assert (r.status_code, r.json()["message"]) == (422, "各项权重合计不超过 100，还剩 20。")


def aid_merchant(code):
    from linli.mutualaid.models import Merchant

    return Merchant.objects.get(code=code)
