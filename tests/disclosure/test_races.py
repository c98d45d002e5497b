"""Requests sent at the same time (PostgreSQL, threads): corrections of one money
entry and repeated spending requests. Losers get a 409 in Chinese, never a 500,
and money is reserved once."""
from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from linli.disclosure import funds, services
from linli.disclosure.models import MoneyEntry, SpendingRequest
from linli.ledger.models import Account, PendingTransfer, Transaction
from linli.ledger.selectors import verify_all
from linli.org import services as org
from tests.factories import bearer

API = "/api/v1/disclosure"


def _in_parallel(calls):
    """Run every ``(path, body, headers)`` POST at once, each in its own thread and
    client; answer [(status, json)] in the order given."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, path, body, headers):
        try:
            client = Client(enforce_csrf_checks=True, raise_request_exception=False)
            barrier.wait()
            r = client.post(API + path, data=json.dumps(body), content_type="application/json", **headers)
            results[i] = (r.status_code, r.json() if r["Content-Type"].startswith("application/json") else None)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions below
            results[i] = (None, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_corrections_of_one_entry_reverse_it_once_and_the_others_get_409(dworld):
    by = dworld.person("property_x")
    entries = [services.money_entry_create(compound=dworld["X"], kind="parking", date=dt.date(2025, 2, 10),
                                           amount=1000 * (i + 1), by=by) for i in range(5)]
    headers = [bearer(by) for _ in range(8)]
    calls = [(f"/money/entries/{e.pk}/correct", {"reason": "重复录入"}, headers[n])
             for e in entries for n in range(8)]
    results = _in_parallel(calls)
    statuses = sorted(s for s, _body in results)
    assert statuses == [201] * 5 + [409] * 35, results
    refused = [body for s, body in results if s == 409]
    assert {b["code"] for b in refused} == {"disclosure.corrected"}
    assert {b["message"] for b in refused} == {"这条记录已经冲正过。"}
    assert MoneyEntry.objects.filter(corrects__isnull=False).count() == 5
    assert Transaction.objects.filter(reverses__isnull=False).count() == 5
    assert Account.objects.get(code="X:cash").balance == 0
    assert verify_all() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_spending_request_sent_six_times_at_once_reserves_the_money_once(dworld):
    by = dworld.person("community_c1")
    fund = funds.fund_create(node=dworld["X"], code="X-GG", name="共管资金", kind="micro", by=by)
    for name, level in (("rc", 1), ("bank", 2)):
        p = org.person_create(username=name, real_name=name, password="pw", by=None)
        funds.supervisor_add(fund=fund, person=p, party="owners_committee", level=level, by=by)
    funds.fund_donate(fund=fund, amount=1_000_000, name="捐赠人", by=by)
    headers = bearer(dworld.person("committee_x"))
    body = {"amount": 300_000, "payee": "电梯公司", "purpose": "更换光幕", "client_token": "tok-1"}
    results = _in_parallel([("/funds/X-GG/requests", body, headers)] * 6)
    assert [s for s, _b in results] == [201] * 6, results
    assert len({b["id"] for _s, b in results}) == 1
    assert SpendingRequest.objects.count() == 1 and PendingTransfer.objects.count() == 1
    fund_account = Account.objects.get(code="fund:X-GG")
    assert (fund_account.balance, fund_account.reserved) == (1_000_000, 300_000)
