"""One till code presented by 10 concurrent requests redeems exactly once."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.errors import DomainError
from linli.ledger.selectors import verify_all
from linli.mutualaid import services as aid
from linli.mutualaid.models import Redemption

N = 10


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_code_presented_ten_times_at_once_redeems_once(aidworld):
    import datetime as dt

    resident, cashier, c1 = aidworld.person("resident"), aidworld.person("cashier"), aidworld.world["C1"]
    aid.signup_create(slot=aidworld.slot, by=resident, now=aidworld.start - dt.timedelta(days=1))
    aid.checkin_scan(token=aidworld.slot.token, by=resident, now=aidworld.start)
    code = aid.tillcode_issue(person=resident, by=resident)
    barrier = threading.Barrier(N)
    results: list = []
    lock = threading.Lock()

    def present():
        try:
            barrier.wait()
            r = aid.redemption_confirm(merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier)
            out: tuple = ("ok", r.points)
        except DomainError as exc:
            out = ("refused", exc.code, str(exc.message))
        except BaseException as exc:  # noqa: BLE001 - anything else fails the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=present) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results)[0] == ("ok", 3)
    assert sorted(results)[1:] == [("refused", "mutualaid.code_used", "这个付款码已经使用过，请居民重新出示。")] * (N - 1)
    assert Redemption.objects.count() == 1
    assert aid.person_account(c1, resident).balance == 2
    assert aid.merchant_account(aidworld.shop).balance == 3
    assert verify_all() == []
