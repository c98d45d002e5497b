"""One pledge confirmed by 8 concurrent requests is received exactly once; refunds of
concurrent receipts never take the project's account below zero (PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.errors import DomainError
from linli.ledger.models import Account
from linli.ledger.selectors import verify_all
from linli.projects import services as svc
from linli.projects.models import Contribution

N = 8


def _race(fn, n=N) -> list:
    barrier = threading.Barrier(n)
    results: list = []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait()
            fn(i)
            out: tuple = ("ok",)
        except DomainError as exc:
            out = ("refused", exc.code)
        except BaseException as exc:  # noqa: BLE001 - anything else fails the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_pledge_confirmed_eight_times_at_once_is_received_once(projworld):
    projworld.approve()
    p, staff = projworld.project, projworld.staff
    pledge = svc.pledge_add(project=p, by=projworld.person("resident"))
    results = _race(lambda i: svc.contribution_confirm(contribution=pledge, by=staff))
    assert results == [("ok",)] + [("refused", "projects.contribution_state")] * (N - 1)
    assert Account.objects.get(code=f"project:{p.pk}").balance == 88500
    assert Contribution.objects.get(pk=pledge.pk).state == "confirmed"
    assert verify_all() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_overdraw_the_project(projworld):
    p = projworld.run()
    staff = projworld.staff
    svc.contribution_record(project=p, source="government", amount=1_000_000, by=staff)
    item = p.items.first()
    results = _race(lambda i: svc.item_pay(item=item, amount=300_000, payee="川建", by=staff))
    assert results == [("ok",)] * 3 + [("refused", "projects.balance")] * (N - 3)
    assert Account.objects.get(code=f"project:{p.pk}").balance == 100_000
    assert verify_all() == []
