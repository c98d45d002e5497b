"""Any sequence of residents' pledges, confirmations, rejections, replays and a close keeps
the public progress equal to the confirmed money, which equals what the ledger holds."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.disclosure import funds
from linli.disclosure.models import Pledge, PledgeState
from linli.errors import DomainError
from linli.ledger.models import Account
from linli.ledger.selectors import verify_all

Step = st.one_of(
    st.tuples(st.just("offer"), st.integers(1, 40_000), st.integers(0, 3)),  # amount, form key
    st.tuples(st.just("confirm"), st.integers(0, 5)),
    st.tuples(st.just("reject"), st.integers(0, 5)),
    st.tuples(st.just("close"),),
)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(Step, min_size=3, max_size=20))
def test_progress_counts_exactly_the_confirmed_money(dworld, steps):
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():  # each example undone afterwards
        by = dworld.person("community_c1")
        fund = funds.fund_create(node=dworld["C1"], code=f"H-{id(steps)}", name="微基金", kind="micro", by=by)
        c = funds.campaign_create(fund=fund, title="扶手", target=100_000,
                                  deadline=timezone.localdate() + dt.timedelta(days=5), by=by)
        for step in steps:
            pledges = list(Pledge.objects.filter(campaign=c).order_by("pk"))
            try:
                with transaction.atomic():
                    if step[0] == "offer":
                        funds.pledge_offer(campaign=c, amount=step[1], name="居民", shown="masked",
                                           key=f"k{step[2]}", by=None)
                    elif step[0] in ("confirm", "reject") and pledges:
                        p = pledges[step[1] % len(pledges)]
                        if step[0] == "confirm":
                            funds.pledge_receive(pledge=p, by=by)
                        else:
                            funds.pledge_reject(pledge=p, reason="未到账", by=by)
                    elif step[0] == "close":
                        funds.campaign_close(campaign=c, by=by)
            except DomainError:
                pass
            c.refresh_from_db()
            confirmed = sum(p.amount for p in Pledge.objects.filter(campaign=c, state=PledgeState.RECEIVED))
            escrow = Account.objects.get(code=f"campaign:{c.pk}").balance
            assert funds.campaign_progress(c)["received"] == confirmed
            if c.state == "open":
                assert escrow == confirmed
            else:  # paid into the fund on success: the escrow is empty
                assert escrow == 0 and Account.objects.get(code=f"fund:{fund.code}").balance == confirmed
            # One pledge per form key; rejected pledges never reach the ledger.
            keys = list(Pledge.objects.filter(campaign=c).exclude(client_key=None).values_list("client_key", flat=True))
            assert len(keys) == len(set(keys)) <= 4
            assert not Pledge.objects.filter(campaign=c, state=PledgeState.REJECTED, receipt__isnull=False).exists()
        assert verify_all() == []
        transaction.set_rollback(True)
