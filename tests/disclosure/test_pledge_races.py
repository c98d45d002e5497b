"""On PostgreSQL: the same pledge form sent 8 times at once is one pledge, and 8
simultaneous “我也遇到了” from one caller are one row (the rest refused)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from linli.cases import services as case_services
from linli.cases.models import CaseSupporter, Category, Source
from linli.disclosure import funds
from linli.disclosure.models import Pledge
from linli.errors import DomainError

N = 8


def _race(fn) -> list:
    barrier = threading.Barrier(N)
    results: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            out: tuple = ("ok", fn())
        except DomainError as exc:
            out = ("refused", exc.code)
        except BaseException as exc:  # noqa: BLE001 - anything else fails the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=run) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_pledge_form_sent_eight_times_at_once_is_one_pledge(dworld):
    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["C1"], code="C1-R", name="微基金", kind="micro", by=by)
    c = funds.campaign_create(fund=f, title="扶手", target=100_000, deadline=timezone.localdate() + dt.timedelta(days=9),
                              by=by)
    results = _race(lambda: funds.pledge_offer(campaign=c, amount=5_000, name="张三", shown="full",
                                               key="pledge:1:browser:abc:k1", by=None).pk)
    assert Pledge.objects.count() == 1
    assert results == [("ok", Pledge.objects.get().pk)] * N


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_me_too_from_one_browser_count_once(world):
    case = case_services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                     description="楼道灯不亮", source=Source.QR)
    results = _race(lambda: case_services.case_support(case=case, by=None, client_browser="same-browser").pk)
    assert CaseSupporter.objects.filter(case=case).count() == 1
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * (N - 1)
    assert {r[1] for r in results if r[0] == "refused"} == {"cases.support.twice"}
