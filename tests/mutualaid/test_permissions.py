"""Who may do what: anonymous, a resident, a volunteer, the staff of another
shop, community staff out of scope (C2) and in scope (C1)."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.errors import NotAllowed
from linli.mutualaid import services as aid
from linli.mutualaid.models import Volunteer

PERSONAS = ["anonymous", "owner", "resident", "cashier2", "community_c2", "community_c1"]


def attempt(fn) -> bool:
    try:
        fn()
    except NotAllowed:
        return False
    except aid.AidRefused:
        return True  # allowed through authorisation, refused by the domain
    return True


def ops(a):
    w = a.world
    start = a.start

    def post_task(p):
        return aid.task_post(node=w["X"], title="雨季巡逻", place="河堤", places=1, points=3, signup_deadline=start,
                             slots=[(start, start + dt.timedelta(hours=1))], by=p)

    def decide(p):
        owner = w.person("owner")
        v = Volunteer.objects.filter(person=owner).first() or aid.volunteer_register(person=owner, community=w["C1"],
                                                                                   by=owner)
        return aid.volunteer_decide(volunteer=v, confirm=True, by=p)

    def redeem(p):
        code = aid.tillcode_issue(person=w.person("resident"), by=w.person("resident"))
        return aid.redemption_confirm(merchant=a.shop, code=code.digits, bill_fen=3000, by=p)

    return {
        "sign up for a task": lambda p: aid.signup_create(slot=a.slot, by=p, now=start - dt.timedelta(days=1)),
        "post a task": post_task,
        "confirm a volunteer": decide,
        "take points at shop 1's till": redeem,
        "quote at shop 1's till": lambda p: aid.redemption_quote(merchant=a.shop, code="123456", bill_fen=3000, by=p),
        "settle shop 1": lambda p: aid.merchant_settle(merchant=a.shop, by=p),
        "score shop 1": lambda p: aid.merchant_score(merchant=a.shop, period="Q", scores={}, by=p),
        "get the resident's till code": lambda p: aid.tillcode_issue(person=w.person("resident"), by=p),
    }


EXPECTED = {
    #                                 anon   owner  volunteer other-shop C2-staff C1-staff
    "sign up for a task":            [False, False, True, False, False, False],
    "post a task":                   [False, False, False, False, False, True],
    "confirm a volunteer":           [False, False, False, False, False, True],
    "take points at shop 1's till":  [False, False, False, False, False, False],
    "quote at shop 1's till":        [False, False, False, False, False, False],
    "settle shop 1":                 [False, False, False, False, False, True],
    "score shop 1":                  [False, False, False, False, False, True],
    "get the resident's till code":  [False, False, True, False, False, False],
}


@pytest.mark.parametrize("operation", list(EXPECTED))
def test_permission_matrix(aidworld, operation):
    fn = ops(aidworld)[operation]
    got = [attempt(lambda name=name: fn(aidworld.person(name))) for name in PERSONAS]
    assert got == EXPECTED[operation]


def test_only_the_shops_own_staff_work_its_till(aidworld):
    assert aid.may_till(aidworld.person("cashier"), aidworld.shop)
    assert not aid.may_till(aidworld.person("cashier2"), aidworld.shop)
    assert not aid.may_till(aidworld.person("community_c1"), aidworld.shop)
    assert not aid.may_till(None, aidworld.shop)
