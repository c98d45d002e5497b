"""Any sequence of sign-ups, completions, redemptions and settlements keeps
pool + residents + merchants equal to what was issued."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.errors import DomainError
from linli.ledger.models import Account
from linli.ledger.selectors import verify_all
from linli.mutualaid import services as aid
from tests.mutualaid.conftest import make_volunteer

Step = st.one_of(
    st.tuples(st.just("signup"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("complete"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("confirm"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("redeem"), st.integers(0, 2), st.integers(0, 12000), st.integers(0, 1)),
    st.tuples(st.just("redeem"), st.integers(0, 2), st.integers(3000, 6999), st.integers(0, 1)),
    st.tuples(st.just("settle"), st.integers(0, 1)),
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.integers(0, 2)),
)


def held(community_code):
    return Account.objects.filter(code__startswith=f"pts:{community_code}:").exclude(
        code=f"pts:{community_code}:issued").aggregate(s=Sum("balance"))["s"] or 0


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(Step, min_size=5, max_size=30))
def test_points_are_conserved(aidworld, steps):
    from django.db import transaction

    with transaction.atomic():  # each example undone afterwards
        w = aidworld.world
        people = [aidworld.person("resident")] + [make_volunteer(w, f"h{i}-{id(steps)}") for i in range(2)]
        staff = w.person("community_c1")
        slots = [aidworld.slot]
        for i in range(2):
            start = aidworld.start + dt.timedelta(hours=3 * (i + 1))
            t = aid.task_post(node=w["C1"], title=f"t{i}", place="p", places=2, points=7, signup_deadline=start,
                              slots=[(start, start + dt.timedelta(hours=1))], by=staff)
            slots.append(t.slots.get())
        # Everyone starts signed up everywhere (two places per slot: the third waits), so that
        # completions, redemptions and settlements are reachable in a short sequence.
        for slot in slots:
            for p in people:
                aid.signup_create(slot=slot, by=p, now=aidworld.start - dt.timedelta(days=2))
        shops = [(aidworld.shop, aidworld.person("cashier")), (aidworld.other, aidworld.person("cashier2"))]
        issued, done = held("C1"), []
        assert issued == 1000
        for step in steps:
            try:
                with transaction.atomic():
                    kind = step[0]
                    if kind == "signup":
                        aid.signup_create(slot=slots[step[2]], by=people[step[1]], now=aidworld.start - dt.timedelta(days=1))
                    elif kind == "complete":
                        slot = slots[step[2]]
                        aid.checkin_scan(token=slot.token, by=people[step[1]], now=slot.starts_at)
                    elif kind == "confirm":
                        slot = slots[step[2]]
                        su = slot.signups.filter(person=people[step[1]]).first()
                        if su:
                            aid.completion_confirm(signup=su, by=staff, now=slot.ends_at)
                    elif kind == "redeem":
                        shop, cashier = shops[step[3]]
                        code = aid.tillcode_issue(person=people[step[1]], by=people[step[1]])
                        aid.redemption_confirm(merchant=shop, code=code.digits, bill_fen=step[2], by=cashier)
                    elif kind == "withdraw":
                        su = slots[step[2]].signups.filter(person=people[step[1]]).first()
                        aid.signup_withdraw(signup=su, by=people[step[1]], now=aidworld.start - dt.timedelta(days=1))
                    elif kind == "settle":  # the chosen shop first, then any other holding points
                        for shop, cashier in (shops[step[1]], shops[1 - step[1]]):
                            if aid.merchant_account(shop).balance:
                                aid.merchant_settle(merchant=shop, by=cashier)
                                break
                        else:
                            aid.merchant_settle(merchant=shops[step[1]][0], by=shops[step[1]][1])
                done.append(kind)
            except DomainError:
                pass
            assert held("C1") == issued
        assert verify_all() == []
        REACHED.update(done)
        transaction.set_rollback(True)


REACHED: set[str] = set()


# Reads what the database test above reached: a database test itself, so it runs in
# .ci/run's PostgreSQL pass too (--database-tests-only).
@pytest.mark.django_db
def test_the_sequences_reached_every_kind_of_step():
    # Runs after the property test in this module: each kind of step succeeded at least once,
    # so the conservation above was checked over real moves of points, not only refusals.
    assert REACHED >= {"signup", "complete", "confirm", "redeem", "settle", "withdraw"}
