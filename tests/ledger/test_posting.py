"""Double entry: balanced legs, overdrafts, idempotency, two-phase transfers, reversals."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from linli.errors import DomainError, InvalidInput
from linli.ledger import services as s
from linli.ledger.models import Account, Leg, PendingTransfer, Transaction
from tests.ledger.helpers import open_accounts


@pytest.fixture
def books(world):
    return open_accounts(world["X"], 3)


def bal(a):
    return Account.objects.get(pk=a.pk).balance


def test_assets_have_their_scale(db):
    assert s.asset_get("CNY").scale == 2 and s.asset_get("PTS").scale == 0
    assert s.asset_get("CNY").format(-123456) == "-1,234.56"
    assert s.asset_get("PTS").format(1200) == "1,200"


def test_post_moves_money_and_keeps_sum_zero(books):
    src, (a, b, _c) = books
    tx = s.ledger_post(legs=[(src, -10000), (a, 10000)], idempotency_key="k1", memo="开户")
    s.ledger_post(legs=[(a, -2550), (b, 2550)], idempotency_key="k2")
    assert (bal(src), bal(a), bal(b)) == (-10000, 7450, 2550)
    assert tx.legs.count() == 2
    assert sum(Account.objects.values_list("balance", flat=True)) == 0


@pytest.mark.parametrize("legs, code", [
    ([], "ledger.legs"),
    ([("src", -100)], "ledger.legs"),
    ([("src", -100), ("a", 99)], "ledger.unbalanced"),
    ([("src", -100), ("a", 100.0)], "ledger.amount"),
    ([("src", 0), ("a", 0)], "ledger.amount"),
    ([("src", -100), ("src", 100)], "ledger.legs"),
    ([("a", -100), ("src", 100)], "ledger.overdraft"),
])
def test_bad_postings_are_refused_and_write_nothing(books, legs, code):
    src, (a, _b, _c) = books
    names = {"src": src, "a": a}
    with pytest.raises(DomainError) as err:
        s.ledger_post(legs=[(names[n], amt) for n, amt in legs], idempotency_key="bad")
    assert err.value.code == code
    assert str(err.value.message)  # a readable (Chinese) message
    assert Transaction.objects.count() == 0 and Leg.objects.count() == 0
    assert bal(src) == 0 and bal(a) == 0


def test_overdraft_message_is_chinese(books):
    src, (a, b, _c) = books
    with pytest.raises(DomainError) as err:
        s.ledger_post(legs=[(a, -1), (b, 1)], idempotency_key="x")
    assert "不足" in str(err.value.message)


def test_mixing_assets_must_balance_per_asset(world):
    src, (a,) = open_accounts(world["X"], 1)
    psrc, (p,) = open_accounts(world["X"], 1, asset="PTS")
    s.ledger_post(legs=[(src, -100), (a, 100), (psrc, -5), (p, 5)], idempotency_key="mixed")
    with pytest.raises(InvalidInput):
        s.ledger_post(legs=[(src, -100), (p, 100)], idempotency_key="cross")


def test_same_key_same_content_returns_first_other_content_refused(books):
    src, (a, b, _c) = books
    first = s.ledger_post(legs=[(src, -500), (a, 500)], idempotency_key="pay-1")
    again = s.ledger_post(legs=[(a, 500), (src, -500)], idempotency_key="pay-1")
    assert again.pk == first.pk and bal(a) == 500
    with pytest.raises(DomainError) as err:
        s.ledger_post(legs=[(src, -600), (a, 600)], idempotency_key="pay-1")
    assert err.value.code == "ledger.key_reused"
    assert bal(a) == 500 and Transaction.objects.count() == 1


def test_pending_reserves_then_posts_exactly_once(books):
    src, (a, b, _c) = books
    s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    p = s.ledger_reserve(legs=[(a, -700), (b, 700)], idempotency_key="r1")
    assert Account.objects.get(pk=a.pk).available == 300
    with pytest.raises(DomainError) as err:  # the reserved money cannot be spent twice
        s.ledger_post(legs=[(a, -400), (b, 400)], idempotency_key="spend")
    assert err.value.code == "ledger.overdraft"
    tx = s.ledger_commit_pending(pending=p)
    assert s.ledger_commit_pending(pending=p).pk == tx.pk  # replay: same result
    assert (bal(a), bal(b), Account.objects.get(pk=a.pk).reserved) == (300, 700, 0)
    with pytest.raises(DomainError):
        s.ledger_void_pending(pending=p)
    assert PendingTransfer.objects.get(pk=p.pk).state == "posted"


def test_void_releases_and_cannot_post_afterwards(books):
    src, (a, b, _c) = books
    s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    p = s.ledger_reserve(legs=[(a, -700), (b, 700)], idempotency_key="r1")
    s.ledger_void_pending(pending=p)
    s.ledger_void_pending(pending=p)
    assert Account.objects.get(pk=a.pk).reserved == 0 and bal(b) == 0
    with pytest.raises(DomainError) as err:
        s.ledger_commit_pending(pending=p)
    assert err.value.code == "ledger.pending_voided"


def test_expired_pending_is_voided(books):
    import datetime as dt

    from django.utils import timezone

    src, (a, b, _c) = books
    s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    p = s.ledger_reserve(legs=[(a, -700), (b, 700)], idempotency_key="r1",
                         expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError):
        s.ledger_commit_pending(pending=p)
    assert s.ledger_void_expired() == 1
    assert PendingTransfer.objects.get(pk=p.pk).state == "voided"


def test_reversal_is_the_only_correction_and_happens_once(books):
    src, (a, b, _c) = books
    tx = s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    rev = s.ledger_reverse(transaction=tx, idempotency_key="rev")
    assert rev.reverses_id == tx.pk and bal(a) == 0 and bal(src) == 0
    assert s.ledger_reverse(transaction=tx, idempotency_key="rev").pk == rev.pk
    with pytest.raises(DomainError) as err:
        s.ledger_reverse(transaction=tx, idempotency_key="rev-2")
    assert err.value.code == "ledger.already_reversed"
    assert Leg.objects.count() == 4  # history kept


def test_reversal_refused_when_money_already_spent(books):
    src, (a, b, _c) = books
    tx = s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    s.ledger_post(legs=[(a, -800), (b, 800)], idempotency_key="spend")
    with pytest.raises(DomainError) as err:
        s.ledger_reverse(transaction=tx, idempotency_key="rev")
    assert err.value.code == "ledger.overdraft"


def test_posted_rows_cannot_be_updated_in_the_database(books):
    src, (a, _b, _c) = books
    tx = s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    leg = tx.legs.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Leg.objects.filter(pk=leg.pk).update(amount=5)
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.filter(pk=tx.pk).update(memo="changed")
    assert Leg.objects.get(pk=leg.pk).amount == leg.amount


@pytest.mark.postgres_only
def test_posted_rows_cannot_be_deleted_on_postgres(books):
    src, (a, _b, _c) = books
    tx = s.ledger_post(legs=[(src, -1000), (a, 1000)], idempotency_key="fund")
    with pytest.raises(DatabaseError), transaction.atomic():
        Leg.objects.filter(transaction=tx).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as c:
            c.execute("DELETE FROM ledger_transaction")


@pytest.mark.postgres_only
def test_database_refuses_unbalanced_legs_written_around_the_service(books):
    src, (a, _b, _c) = books
    with pytest.raises(IntegrityError), transaction.atomic():
        tx = Transaction.objects.create(idempotency_key="raw", request_hash="x")
        Leg.objects.create(transaction=tx, account=src, amount=-5, seq=1, balance_after=-5, prev_hash="0", entry_hash="0")
        Leg.objects.create(transaction=tx, account=a, amount=4, seq=1, balance_after=4, prev_hash="0", entry_hash="0")
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        tx = Transaction.objects.create(idempotency_key="raw1", request_hash="x")
        Leg.objects.create(transaction=tx, account=src, amount=-5, seq=1, balance_after=-5, prev_hash="0", entry_hash="0")
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_sqlite_check_before_commit_refuses_unbalanced_legs(books):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL checks with a deferred trigger (test above)")
    src, (a, _b, _c) = books
    with pytest.raises(IntegrityError), transaction.atomic():
        tx = Transaction.objects.create(idempotency_key="raw", request_hash="x")
        Leg.objects.create(transaction=tx, account=src, amount=-5, seq=1, balance_after=-5, prev_hash="0", entry_hash="0")
        Leg.objects.create(transaction=tx, account=a, amount=4, seq=1, balance_after=4, prev_hash="0", entry_hash="0")
        s._db_check_balanced(tx)


def test_no_negative_account_is_also_a_database_constraint(books):
    _src, (a, _b, _c) = books
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=a.pk).update(balance=-1)


@pytest.mark.django_db(transaction=True)
def test_deadlock_and_serialization_failures_are_retried_unseen(world, monkeypatch):
    from django.db import OperationalError

    src, (a, _b, _c) = open_accounts(world["X"], 3)
    real_write = s._write
    failures = {"n": 0}

    class Cause(Exception):
        sqlstate = "40P01"

    def flaky(**kw):
        if failures["n"] < 2:
            failures["n"] += 1
            try:
                raise Cause("deadlock detected")
            except Cause as cause:
                raise OperationalError("deadlock detected") from cause
        return real_write(**kw)

    monkeypatch.setattr(s, "_write", flaky)
    tx = s.ledger_post(legs=[(src, -100), (a, 100)], idempotency_key="retry")
    assert failures["n"] == 2 and tx.legs.count() == 2 and bal(a) == 100


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried(world, monkeypatch):
    from django.db import OperationalError

    src, (a, _b, _c) = open_accounts(world["X"], 3)
    calls = {"n": 0}

    def broken(**kw):
        calls["n"] += 1
        raise OperationalError("disk full")

    monkeypatch.setattr(s, "_write", broken)
    with pytest.raises(OperationalError):
        s.ledger_post(legs=[(src, -100), (a, 100)], idempotency_key="nope")
    assert calls["n"] == 1 and bal(a) == 0
