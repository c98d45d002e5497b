"""Odd input in every form and path of mutual aid: never a server error, and a number
field fed something that is not a number changes nothing. ("²" and "①" are digits to
Python's str.isdigit but not to int(): they used to crash the till with a 500.)"""
from __future__ import annotations

from django.test import Client
from django.urls import reverse

from linli.ledger.models import Leg
from linli.mutualaid.models import Merchant, PointsRule, Redemption, Task, TillCode, Volunteer

ODD = ["", " ", "²", "①", "1e9", "-5", "99999999999999999999999", "６５", "65.999", "0", "\u202e65", "😀",
       "a" * 5000, "65,00", "¥", "NaN", "1_000", "\u00a065"]
NOT_NUMBERS = ["²", "①", "1e9", "-5", "99999999999999999999999", "\u202e65", "😀", "NaN", "1_000", "¥"]


def _counts():
    return [m.objects.count() for m in (Leg, Merchant, PointsRule, Redemption, Task, TillCode, Volunteer)]


def _forms(v: str):
    till = reverse("aid_till", args=["SHOP1"])
    manage = reverse("aid_manage", args=["C1"])
    return [
        ("cashier", till, {"code": v, "bill": v}),
        ("cashier", till, {"code": v, "bill": v, "step": "confirm"}),
        ("community_c1", reverse("aid_task_new"), {"place_code": "X", "title": v, "place": v, "places": v,
                                                   "points": v, "day": "2026-12-30", "start": "09:00",
                                                   "end": "10:00", "description": v}),
        ("community_c1", reverse("aid_task_new"), {"place_code": v, "title": "t", "place": "p", "places": "2",
                                                   "points": "2", "day": v, "start": v, "end": v}),
        ("community_c1", manage, {"op": "fund", "points": v, "key": v}),
        ("community_c1", manage, {"op": "rule", "step": v, "points_per_step": v, "expiry_days": v,
                                  "suspend_below": v}),
        ("community_c1", manage, {"op": "merchant", "code": v, "name": v, "address": v}),
        ("community_c1", manage, {"op": "staff", "username": v, "merchant": v}),
        ("community_c1", manage, {"op": "covenant", "text": v}),
        ("community_c1", manage, {"op": "criterion", "name": v, "weight": v, "evidence": v}),
        ("community_c1", manage, {"op": v}),
        ("community_c1", reverse("aid_alliance_score", args=["C1"]), {"merchant": v, "period": v, "note": v}),
        ("resident", reverse("aid_volunteer"), {"community": v, "skills": v, "availability": v, "phone": v}),
        ("resident", reverse("aid_code"), {"renewals": v}),
    ]


def test_no_odd_value_in_any_form_or_path_gives_a_server_error(aidworld):
    clients = {}
    for name in ("cashier", "community_c1", "resident"):
        clients[name] = Client()
        clients[name].force_login(aidworld.person(name))
    errors: list[object] = []
    for v in ODD:
        for who, url, data in _forms(v):
            status = clients[who].post(url, data).status_code
            if status >= 500:
                errors.append((who, url, {k: x[:12] for k, x in data.items()}, status))
    for path in ["/aid/checkin/%F0%9F%98%80", "/aid/shops/%E2%80%AE/till", "/aid/tasks/99999999999999999999/",
                 "/aid/communities/%20/manage", "/aid/shops/SHOP2/", "/aid/communities/%C2%B2/volunteers"]:
        for client in clients.values():
            if client.get(path).status_code >= 500:
                errors.append(path)
    assert errors == []


def test_a_number_field_fed_something_else_changes_nothing(aidworld):
    staff, cashier = Client(), Client()
    staff.force_login(aidworld.person("community_c1"))
    cashier.force_login(aidworld.person("cashier"))
    before = _counts()
    for v in NOT_NUMBERS:
        cashier.post(reverse("aid_till", args=["SHOP1"]), {"code": "123456", "bill": v, "step": "confirm"})
        staff.post(reverse("aid_manage", args=["C1"]), {"op": "fund", "points": v, "key": f"k{v}"})
        staff.post(reverse("aid_manage", args=["C1"]), {"op": "rule", "step": v, "points_per_step": "3"})
        staff.post(reverse("aid_task_new"), {"place_code": "X", "title": "巡逻", "place": "东门", "places": v,
                                             "points": "2", "day": "2026-12-30", "start": "09:00", "end": "10:00"})
    assert _counts() == before
    page = cashier.post(reverse("aid_till", args=["SHOP1"]), {"code": "123456", "bill": "²"})
    assert page.status_code == 409 and "请输入消费金额（元），例如 65.00。" in page.content.decode()


def test_full_width_digits_from_a_chinese_keyboard_are_read_as_digits(aidworld):
    from linli.mutualaid import services as aid

    resident = aidworld.person("resident")
    code = aid.tillcode_issue(person=resident, by=resident)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code.digits)  # "４１４０５９"
    cashier = Client()
    cashier.force_login(aidworld.person("cashier"))
    page = cashier.post(reverse("aid_till", args=["SHOP1"]), {"code": wide, "bill": "６５"})
    body = page.content.decode()
    assert "请输入居民手机上显示的 6 位数字。" not in body and "无法识别这个付款码" not in body
    assert "请输入消费金额" not in body  # ６５ is ¥65
