"""Many workers posting at once over overlapping accounts, with replays."""
from __future__ import annotations

import random
import threading

import pytest
from django.db import connection

from linli.ledger import services as s
from linli.ledger.models import Account, Transaction
from linli.ledger.selectors import verify_all
from tests.ledger.helpers import open_accounts

WORKERS = 24
TRANSFERS = 1200  # unique; plus 10% replays


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_transfers_with_replays(world):
    source, wallets = open_accounts(world["X"], 6, prefix="CC")
    ids = [w.pk for w in wallets]
    start = 10_000_000
    for w in wallets:
        s.ledger_post(legs=[(source, -start), (w, start)], idempotency_key=f"seed:{w.pk}")
    rnd = random.Random(5)
    plan = []
    for i in range(TRANSFERS):
        a, b = rnd.sample(ids, 2)  # 6 accounts: every transfer overlaps many others
        plan.append((f"t{i}", [(a, -rnd.randint(1, 5000)), (b, 0)]))
    plan = [(k, [(a, x), (b, -x)]) for k, [(a, x), (b, _)] in plan]
    jobs = plan + [rnd.choice(plan) for _ in range(TRANSFERS // 10)]  # 10% replays
    rnd.shuffle(jobs)
    chunks = [jobs[i::WORKERS] for i in range(WORKERS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def worker(chunk):
        try:
            barrier.wait()
            for key, legs in chunk:
                s.ledger_post(legs=legs, idempotency_key=key)
        except BaseException as exc:  # noqa: BLE001 - any error reaching the caller fails the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    expected = {pk: start for pk in ids}
    for _key, legs in plan:
        for a, amt in legs:
            expected[a] += amt
    assert {a.pk: a.balance for a in Account.objects.filter(pk__in=ids)} == expected
    assert Transaction.objects.filter(idempotency_key__startswith="t").count() == TRANSFERS
    assert verify_all() == []
