"""Every refusal comes with a clear Chinese message and writes nothing."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.ledger.models import Transaction
from linli.mutualaid import services as aid
from linli.mutualaid.models import Completion, Event, Redemption, SignUp, TillCode, TillCodeState
from tests.mutualaid.conftest import make_volunteer


def snapshot():
    return (Transaction.objects.count(), Completion.objects.count(), Redemption.objects.count(), Event.objects.count(),
            list(SignUp.objects.values_list("pk", "status").order_by("pk")),
            list(TillCode.objects.values_list("pk", "state").order_by("pk")))


def refused(expected_code, message, fn, **kwargs):
    before = snapshot()
    with pytest.raises(aid.AidRefused) as exc:
        fn(**kwargs)
    assert (exc.value.code, str(exc.value.message)) == (expected_code, message)
    assert snapshot() == before


def earn(aidworld, person, points=5, day=0):
    """Sign up and check in to a fresh slot ``day`` days after the fixture's slot."""
    staff = aidworld.person("community_c1")
    start = aidworld.start + dt.timedelta(days=day)
    task = aid.task_post(node=aidworld.world["C1"], title=f"巡逻{day}-{points}", place="河堤", places=5, points=points,
                         signup_deadline=start, slots=[(start, start + dt.timedelta(hours=1))], by=staff)
    slot = task.slots.get()
    aid.signup_create(slot=slot, by=person, now=start - dt.timedelta(hours=2))
    return aid.checkin_scan(token=slot.token, by=person, now=start + dt.timedelta(minutes=5))


def test_waiting_list_fills_a_freed_place_in_order(aidworld):
    w = aidworld.world
    a, b, c = (make_volunteer(w, n) for n in ("va", "vb", "vc"))
    now = aidworld.start - dt.timedelta(days=1)
    sa = aid.signup_create(slot=aidworld.slot, by=a, now=now)
    sb = aid.signup_create(slot=aidworld.slot, by=b, now=now + dt.timedelta(seconds=1))
    sc = aid.signup_create(slot=aidworld.slot, by=c, now=now + dt.timedelta(seconds=2))
    sr = aid.signup_create(slot=aidworld.slot, by=aidworld.person("resident"), now=now + dt.timedelta(seconds=3))
    assert [s.status for s in (sa, sb, sc, sr)] == ["confirmed", "confirmed", "waiting", "waiting"]
    aid.signup_withdraw(signup=sa, by=a, now=now + dt.timedelta(minutes=1))
    statuses = dict(SignUp.objects.values_list("person__username", "status"))
    assert statuses == {"va": "withdrawn", "vb": "confirmed", "vc": "confirmed", "resident": "waiting"}


def test_check_in_outside_the_slot_or_without_a_place_is_refused(aidworld):
    resident = aidworld.person("resident")
    aid.signup_create(slot=aidworld.slot, by=resident, now=aidworld.start - dt.timedelta(days=1))
    refused("mutualaid.outside_slot", "这个签到码只在本时段内有效（" +
            aidworld.start.strftime("%m-%d %H:%M") + "–11:00）。",
            aid.checkin_scan, token=aidworld.slot.token, by=resident, now=aidworld.start + dt.timedelta(hours=3))
    other = make_volunteer(aidworld.world, "late")
    refused("mutualaid.not_signed_up", "只有在本时段报名成功的志愿者才能签到。",
            aid.checkin_scan, token=aidworld.slot.token, by=other, now=aidworld.start + dt.timedelta(minutes=5))


def test_nobody_confirms_their_own_completion(aidworld):
    w = aidworld.world
    organiser = w.person("community_c1")
    from linli.org import services as org
    from linli.org.models import Role

    org.role_assign(person=organiser, role=Role.VOLUNTEER, node=w["C1"], by=None)
    signup = aid.signup_create(slot=aidworld.slot, by=organiser, now=aidworld.start - dt.timedelta(days=1))
    refused("mutualaid.self_confirm", "不能确认自己的服务，请由其他组织者确认。",
            aid.completion_confirm, signup=signup, by=organiser, now=aidworld.start + dt.timedelta(hours=2))
    done = aid.completion_confirm(signup=signup, by=w.person("street_s1"), now=aidworld.start + dt.timedelta(hours=2))
    assert (done.method, done.confirmed_by, done.points) == ("organiser", w.person("street_s1"), 5)


def test_daily_earning_limit(aidworld, settings):
    settings.LINLI_POINTS_DAILY_EARN_LIMIT = 8
    resident = aidworld.person("resident")
    earn(aidworld, resident, points=5)
    staff = aidworld.person("community_c1")
    start = aidworld.start + dt.timedelta(hours=3)
    task = aid.task_post(node=aidworld.world["C1"], title="第二班", place="河堤", places=5, points=5,
                         signup_deadline=start, slots=[(start, start + dt.timedelta(hours=1))], by=staff)
    slot = task.slots.get()
    aid.signup_create(slot=slot, by=resident, now=start - dt.timedelta(hours=1))
    refused("mutualaid.earn_limit", "今天获得的信义贝已达上限（8 个），这次服务没有记录。",
            aid.checkin_scan, token=slot.token, by=resident, now=start + dt.timedelta(minutes=1))
    assert aid.person_account(aidworld.world["C1"], resident).balance == 5


def test_till_refuses_below_30_yuan_expired_used_and_beyond_balance(aidworld):
    resident, cashier = aidworld.person("resident"), aidworld.person("cashier")
    earn(aidworld, resident, points=5)
    code = aid.tillcode_issue(person=resident, by=resident)
    refused("mutualaid.bill_below_step", "满 ¥30 才能用信义贝抵扣，这笔消费不足。",
            aid.redemption_confirm, merchant=aidworld.shop, code=code.digits, bill_fen=2999, by=cashier)
    refused("mutualaid.balance", "信义贝不足：这笔消费需抵扣 6 个，居民只有 5 个。",
            aid.redemption_confirm, merchant=aidworld.shop, code=code.digits, bill_fen=6500, by=cashier)
    refused("mutualaid.code_expired", "付款码已过期（有效期 2 分钟），请居民刷新后重新出示。",
            aid.redemption_confirm, merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier,
            now=code.expires_at)
    aid.redemption_confirm(merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier)
    refused("mutualaid.code_used", "这个付款码已经使用过，请居民重新出示。",
            aid.redemption_confirm, merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier)
    assert aid.person_account(aidworld.world["C1"], resident).balance == 2


def test_a_new_code_replaces_the_old_one(aidworld):
    resident, cashier = aidworld.person("resident"), aidworld.person("cashier")
    earn(aidworld, resident)
    old = aid.tillcode_issue(person=resident, by=resident)
    new = aid.tillcode_issue(person=resident, by=resident)
    assert TillCode.objects.get(pk=old.pk).state == TillCodeState.REPLACED
    refused("mutualaid.code_expired", "付款码已过期（有效期 2 分钟），请居民刷新后重新出示。",
            aid.redemption_confirm, merchant=aidworld.shop, code=old.token, bill_fen=3000, by=cashier)
    assert aid.redemption_confirm(merchant=aidworld.shop, code=new.token, bill_fen=3000, by=cashier).points == 3


def test_daily_redemption_limit(aidworld, settings):
    settings.LINLI_POINTS_DAILY_REDEEM_LIMIT = 5
    resident, cashier = aidworld.person("resident"), aidworld.person("cashier")
    earn(aidworld, resident, points=10)
    aid.redemption_confirm(merchant=aidworld.shop, code=aid.tillcode_issue(person=resident, by=resident).digits,
                           bill_fen=3000, by=cashier)
    code = aid.tillcode_issue(person=resident, by=resident)
    refused("mutualaid.redeem_limit", "今天抵扣的信义贝已达上限（5 个，今天已用 3 个）。",
            aid.redemption_confirm, merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier)


def test_points_never_expire_by_default_and_do_when_the_rule_says_so(aidworld):
    resident, staff, c1 = aidworld.person("resident"), aidworld.person("community_c1"), aidworld.world["C1"]
    earn(aidworld, resident, points=5)
    later = aidworld.start + dt.timedelta(days=400)
    assert aid.points_expire(community=c1, now=later) == 0
    assert aid.person_account(c1, resident).balance == 5
    aid.rule_set(community=c1, expiry_days=365, by=staff)
    assert aid.points_expire(community=c1, now=later) == 5
    assert aid.person_account(c1, resident).balance == 0
    assert aid.pool_account(c1).balance == 1000


def test_the_rule_is_data(aidworld):
    resident, cashier, staff = aidworld.person("resident"), aidworld.person("cashier"), aidworld.person("community_c1")
    earn(aidworld, resident, points=10)
    aid.rule_set(community=aidworld.world["C1"], step_fen=5000, points_per_step=5, by=staff)
    quote = aid.redemption_quote(merchant=aidworld.shop, code=aid.tillcode_issue(person=resident, by=resident).digits,
                                 bill_fen=9999, by=cashier)
    assert (quote.points, quote.to_pay_fen) == (5, 9499)


def test_a_merchant_scored_below_the_threshold_is_suspended_until_rescored(aidworld):
    resident, cashier, staff = aidworld.person("resident"), aidworld.person("cashier"), aidworld.person("community_c1")
    c1 = aidworld.world["C1"]
    earn(aidworld, resident, points=10)
    aid.covenant_publish(community=c1, text="诚信经营，明码标价。", by=staff)
    honest = aid.criterion_add(community=c1, name="诚信经营", weight=60, evidence="投诉记录", by=staff)
    clean = aid.criterion_add(community=c1, name="门前整洁", weight=40, by=staff)
    low = aid.merchant_score(merchant=aidworld.shop, period="2026-Q3", scores={honest.pk: 40, clean.pk: 70}, by=staff)
    assert low.total == 52
    code = aid.tillcode_issue(person=resident, by=resident)
    refused("mutualaid.merchant_suspended", "本店已被暂停使用信义贝抵扣，重新评分合格后恢复。",
            aid.redemption_confirm, merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier)
    aid.merchant_score(merchant=aidworld.shop, period="2026-Q4", scores={honest.pk: 90, clean.pk: 80}, by=staff)
    assert aid.redemption_confirm(merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier).points == 3


def test_settling_more_than_held_is_refused(aidworld):
    refused("mutualaid.nothing_to_settle", "没有可结算的信义贝。",
            aid.merchant_settle, merchant=aidworld.shop, by=aidworld.person("cashier"))


def test_history_rows_cannot_be_changed_in_the_database(aidworld):
    from django.db import DatabaseError, transaction

    resident = aidworld.person("resident")
    done = earn(aidworld, resident, points=5)
    for qs, change in ((Completion.objects.filter(pk=done.pk), {"points": 500}),
                       (Event.objects.filter(kind="completed"), {"data": {}})):
        with pytest.raises(DatabaseError), transaction.atomic():
            qs.update(**change)
    assert Completion.objects.get(pk=done.pk).points == 5


def test_the_expire_command_follows_each_communitys_rule(aidworld):
    import io

    from django.core.management import call_command

    from linli.ledger.models import Transaction

    resident, staff, c1 = aidworld.person("resident"), aidworld.person("community_c1"), aidworld.world["C1"]
    earn(aidworld, resident, points=5)
    out = io.StringIO()
    call_command("mutualaid", "expire", stdout=out)
    assert out.getvalue() == "expired: 0 point(s)\n"
    aid.rule_set(community=c1, expiry_days=30, by=staff)
    call_command("mutualaid", "expire", stdout=out)  # the points were earned today: nothing is 30 days old
    assert out.getvalue().endswith("expired: 0 point(s)\n")
    # Posted rows are append-only: age the earning by expiring with a later clock instead.
    later = aidworld.start + dt.timedelta(days=31)
    assert aid.points_expire(community=c1, now=later) == 5
    assert Transaction.objects.filter(memo="信义贝过期（30 天）").count() == 1
