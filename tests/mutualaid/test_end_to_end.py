"""The issue's end-to-end path: sign up → QR check-in within the slot → points
once → a ¥65 bill takes 6 points → balances, hours and the ledger agree."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from linli.ledger.selectors import verify_all
from linli.mutualaid import selectors
from linli.mutualaid import services as aid
from linli.mutualaid.models import Completion, Redemption, SignUpStatus


def test_sign_up_check_in_earn_once_redeem_and_the_books_agree(aidworld):
    w, resident, cashier = aidworld.world, aidworld.person("resident"), aidworld.person("cashier")
    c1 = w["C1"]
    # Sign up.
    signup = aid.signup_create(slot=aidworld.slot, by=resident, now=aidworld.start - dt.timedelta(days=1))
    assert signup.status == SignUpStatus.CONFIRMED
    # Check in by the slot's QR code, ten minutes into the slot.
    completion = aid.checkin_scan(token=aidworld.slot.token, by=resident, now=aidworld.start + dt.timedelta(minutes=10))
    assert (completion.points, completion.minutes, completion.method, completion.confirmed_by) == (5, 120, "qr", None)
    assert aid.person_account(c1, resident).balance == 5
    # A second scan awards nothing.
    with pytest.raises(aid.AidRefused) as exc:
        aid.checkin_scan(token=aidworld.slot.token, by=resident, now=aidworld.start + dt.timedelta(minutes=11))
    assert exc.value.code == "mutualaid.already_completed"
    assert str(exc.value.message) == "这次服务已经记录，信义贝只发放一次。"
    assert Completion.objects.count() == 1
    assert aid.person_account(c1, resident).balance == 5
    # Earn a little more so a ¥65 bill (6 points) is affordable: an organiser-confirmed second task.
    staff = w.person("community_c1")
    start = aidworld.start + dt.timedelta(days=1)
    task2 = aid.task_post(node=c1, title="交通安全劝导", place="路口", places=1, points=5, signup_deadline=start,
                          slots=[(start, start + dt.timedelta(hours=1))], by=staff)
    s2 = aid.signup_create(slot=task2.slots.get(), by=resident, now=aidworld.start)
    aid.completion_confirm(signup=s2, by=staff, now=start + dt.timedelta(hours=1))
    assert aid.person_account(c1, resident).balance == 10
    # At the till: ¥65 → 2 full ¥30 → 6 points off.
    code = aid.tillcode_issue(person=resident, by=resident)
    quote = aid.redemption_quote(merchant=aidworld.shop, code=code.digits, bill_fen=6500, by=cashier)
    assert (quote.points, quote.discount_fen, quote.to_pay_fen) == (6, 600, 5900)
    redemption = aid.redemption_confirm(merchant=aidworld.shop, code=code.digits, bill_fen=6500, by=cashier)
    assert redemption.points == 6
    # Balances.
    assert aid.person_account(c1, resident).balance == 4
    assert aid.merchant_account(aidworld.shop).balance == 6
    assert aid.pool_account(c1).balance == 1000 - 10
    # Hours and person-times.
    mine = selectors.person_summary(resident)
    assert (mine["person_times"], mine["minutes"], mine["earned"], mine["spent"]) == (2, 180, 10, 6)
    board = {row["community"]: row for row in selectors.board()["communities"]}
    assert (board["C1"]["person_times"], board["C1"]["minutes"], board["C1"]["in_circulation"]) == (2, 180, 10)
    # The ledger verifies (`linli ledger verify`).
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert out.getvalue().startswith("ok:")
    # The merchant settles: points back to the pool.
    aid.merchant_settle(merchant=aidworld.shop, by=cashier)
    assert aid.merchant_account(aidworld.shop).balance == 0
    assert aid.pool_account(c1).balance == 996
    assert Redemption.objects.count() == 1
    assert verify_all() == []
