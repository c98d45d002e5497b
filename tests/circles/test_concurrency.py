"""Concurrent writes on PostgreSQL: changes to one entry queue on its row lock, so
the history chains (each change's "before" is the previous one's "after"); the
same entry added eight times at once is added once."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.circles import services as circles
from linli.circles.models import Entry, Event
from linli.errors import DomainError

N = 8


def run_at_once(work):
    barrier = threading.Barrier(N)
    results: list = []
    lock = threading.Lock()

    def one(i):
        try:
            barrier.wait()
            out: tuple = ("ok", work(i))
        except DomainError as exc:
            out = ("refused", exc.code, str(exc.message))
        except BaseException as exc:  # noqa: BLE001 - anything else fails the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_of_one_entry_chain_in_the_history(cw):
    staff = cw.person("community_c1")
    results = run_at_once(lambda i: circles.entry_update(
        entry=cw.shop, changes={"phone": f"028-8270000{i}"}, by=staff).phone)
    assert sorted(r[0] for r in results) == ["ok"] * N
    events = list(Event.objects.filter(entry=cw.shop, kind="updated").order_by("id"))
    assert len(events) == N
    chain = ["13880001234"] + [e.data["after"]["phone"] for e in events]
    assert [e.data["before"]["phone"] for e in events] == chain[:-1]
    assert Entry.objects.get(pk=cw.shop.pk).phone == chain[-1]
    assert sorted(chain[1:]) == sorted(f"028-8270000{i}" for i in range(N))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_entry_added_at_once_is_added_once(cw):
    staff = cw.person("community_c1")
    results = run_at_once(lambda i: circles.entry_create(
        community=cw.world["C1"], circle="life", category="药店", name="和济大药房", address="X 小区东门商铺2号",
        by=staff).pk)
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * (N - 1)
    assert {r[1:] for r in results if r[0] == "refused"} == {("circles.duplicate", "本社区已有同名同地址的条目。")}
    assert Entry.objects.filter(name="和济大药房").count() == 1
    assert Event.objects.filter(entry__name="和济大药房", kind="created").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_compound_position_set_at_once_the_first_time_keeps_one_row(cw):
    from linli.circles.models import CompoundLocation

    staff = cw.person("community_c1")
    results = run_at_once(lambda i: str(circles.location_set(compound=cw.world["Y"], lat=f"30.70{i}", lng="103.85",
                                                             by=staff).lat))
    assert sorted(r[0] for r in results) == ["ok"] * N
    assert CompoundLocation.objects.filter(compound=cw.world["Y"]).count() == 1
    events = list(Event.objects.filter(kind="location", data__compound="Y").order_by("id"))
    assert len(events) == N and events[0].data["before"] == {}
    assert [e.data["before"]["lat"] for e in events[1:]] == [e.data["after"]["lat"] for e in events[:-1]]
