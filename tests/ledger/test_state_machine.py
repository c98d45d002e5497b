"""Random transfers, pending/post/void, reversals and replays keep every invariant."""
from __future__ import annotations

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from linli.errors import DomainError
from linli.ledger import services as s
from linli.ledger.models import Account, Leg, PendingTransfer, Transaction
from linli.ledger.selectors import verify_all
from linli.org.models import Node

N = 4


class LedgerMachine(RuleBasedStateMachine):
    run_id = 0  # account codes differ from one run of the machine to the next

    @initialize()
    def setup(self):
        LedgerMachine.run_id += 1
        node = Node.objects.get(code="X")
        p = f"SM{LedgerMachine.run_id}"
        self.source = s.account_open(code=f"{p}:src", name="src", kind="equity", node=node, asset="CNY")
        self.wallets = [s.account_open(code=f"{p}:w{i}", name=f"w{i}", kind="asset", node=node, asset="CNY",
                                       no_negative=True) for i in range(N)]
        self.ids = [self.source.pk] + [w.pk for w in self.wallets]
        self.expected = {i: 0 for i in self.ids}
        self.reserved = {i: 0 for i in self.ids}
        self.posted: dict[str, tuple] = {}  # key -> (legs, tx id)
        self.pending: list[tuple[PendingTransfer, list]] = []
        self.txs: list[tuple[Transaction, list]] = []
        self.reversed: set = set()
        self.prefix = p

    def _apply(self, legs, sign=1):
        for a, amt in legs:
            self.expected[a] += sign * amt

    def _ok(self, legs, release=None):
        release = release or {}
        for a, amt in legs:
            if a != self.source.pk and self.expected[a] + amt - (self.reserved[a] - release.get(a, 0)) < 0:
                return False
        return True

    @rule(to=st.integers(0, N - 1), amount=st.integers(1, 5000))
    def fund(self, to, amount):
        legs = [(self.source.pk, -amount), (self.wallets[to].pk, amount)]
        key = f"{self.prefix}:f{len(self.posted)}"
        tx = s.ledger_post(legs=legs, idempotency_key=key)
        self._apply(legs)
        self.posted[key] = (legs, tx.pk)
        self.txs.append((tx, legs))

    @rule(src=st.integers(0, N - 1), dst=st.integers(0, N - 1), amount=st.integers(1, 4000))
    def transfer(self, src, dst, amount):
        if src == dst:
            return
        legs = [(self.wallets[src].pk, -amount), (self.wallets[dst].pk, amount)]
        key = f"{self.prefix}:t{len(self.posted)}"
        if self._ok(legs):
            tx = s.ledger_post(legs=legs, idempotency_key=key)
            self._apply(legs)
            self.posted[key] = (legs, tx.pk)
            self.txs.append((tx, legs))
        else:
            with pytest.raises(DomainError):
                s.ledger_post(legs=legs, idempotency_key=key)

    @rule(data=st.data())
    def replay(self, data):
        if not self.posted:
            return
        key = data.draw(st.sampled_from(sorted(self.posted)))
        legs, tx_id = self.posted[key]
        assert s.ledger_post(legs=legs, idempotency_key=key).pk == tx_id
        other = [(a, amt * 2) for a, amt in legs]
        with pytest.raises(DomainError):
            s.ledger_post(legs=other, idempotency_key=key)

    @rule(src=st.integers(0, N - 1), dst=st.integers(0, N - 1), amount=st.integers(1, 4000))
    def reserve(self, src, dst, amount):
        if src == dst:
            return
        legs = [(self.wallets[src].pk, -amount), (self.wallets[dst].pk, amount)]
        key = f"{self.prefix}:p{len(self.pending)}:{src}{dst}{amount}"
        a = self.wallets[src].pk
        if self.expected[a] - self.reserved[a] - amount >= 0:
            p = s.ledger_reserve(legs=legs, idempotency_key=key)
            self.reserved[a] += amount
            self.pending.append((p, legs))
        else:
            with pytest.raises(DomainError):
                s.ledger_reserve(legs=legs, idempotency_key=key)

    @rule(data=st.data(), commit=st.booleans())
    def resolve(self, data, commit):
        open_ = [(p, legs) for p, legs in self.pending if PendingTransfer.objects.get(pk=p.pk).state == "pending"]
        if not open_:
            return
        p, legs = data.draw(st.sampled_from(open_))
        a = legs[0][0] if legs[0][1] < 0 else legs[1][0]
        amount = max(-x for _, x in legs)
        if commit:
            tx = s.ledger_commit_pending(pending=p)
            assert s.ledger_commit_pending(pending=p).pk == tx.pk  # exactly once
            self._apply(legs)
            self.txs.append((tx, legs))
        else:
            s.ledger_void_pending(pending=p)
            with pytest.raises(DomainError):
                s.ledger_commit_pending(pending=p)
        self.reserved[a] -= amount

    @rule(data=st.data())
    def reverse(self, data):
        candidates = [(tx, legs) for tx, legs in self.txs if tx.pk not in self.reversed]
        if not candidates:
            return
        tx, legs = data.draw(st.sampled_from(candidates))
        inverse = [(a, -amt) for a, amt in legs]
        key = f"{self.prefix}:rev:{tx.pk}"
        if self._ok(inverse):
            s.ledger_reverse(transaction=tx, idempotency_key=key)
            self._apply(inverse)
            self.reversed.add(tx.pk)
            with pytest.raises(DomainError):
                s.ledger_reverse(transaction=tx, idempotency_key=key + "b")
        else:
            with pytest.raises(DomainError):
                s.ledger_reverse(transaction=tx, idempotency_key=key)

    @invariant()
    def books_hold(self):
        if not hasattr(self, "ids"):
            return
        accounts = {a.pk: a for a in Account.objects.filter(pk__in=self.ids)}
        assert sum(a.balance for a in accounts.values()) == 0  # sum zero per asset
        for pk, a in accounts.items():
            assert a.balance == self.expected[pk]
            assert a.reserved == self.reserved[pk]
            legs_sum = Leg.objects.filter(account_id=pk).aggregate(t=Sum("amount"))["t"] or 0
            assert a.balance == legs_sum  # cached balance == sum of legs
            if a.no_negative:
                assert a.balance - a.reserved >= 0

    def teardown(self):
        if hasattr(self, "ids"):
            assert verify_all() == []


@pytest.mark.django_db
def test_ledger_state_machine(world):
    LedgerMachine.TestCase.settings = settings(
        max_examples=40, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    LedgerMachine.TestCase().runTest()
