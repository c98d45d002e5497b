"""On PostgreSQL: one milestone marked done by eight staff requests at once is
paid exactly once; the same person's support sent eight times at once counts once."""
from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from linli.deliberation import services as dlb
from linli.deliberation.models import Project, Support, Topic
from linli.errors import DomainError
from linli.ledger.selectors import verify_all

N = 8


def at_once(fn) -> list:
    barrier, lock, results = threading.Barrier(N), threading.Lock(), []

    def run():
        try:
            barrier.wait()
            fn()
            out: tuple = ("ok",)
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
    return sorted(results)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_milestone_done_eight_times_at_once_pays_once(dstate):
    c1 = dstate.world.person("community_c1")
    dlb.round_select(round=dstate.supporting, approved=[dstate.project.pk], by=c1)
    m = dlb.milestone_add(project=dstate.project, title="采购灯具", amount=150_000, due_on=timezone.localdate(), by=c1)
    results = at_once(lambda: dlb.milestone_done(milestone=m, by=c1))
    assert results == [("ok",)] + [("refused", "deliberation.milestone_done")] * (N - 1)
    assert Project.objects.get(pk=dstate.project.pk).paid == 150_000
    assert dlb.fund_account_of(dstate.supporting).balance == 350_000
    assert verify_all() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_persons_support_sent_eight_times_at_once_counts_once(dstate):
    resident = dstate.world.person("resident")
    results = at_once(lambda: dlb.topic_support(topic=dstate.topic, by=resident))
    assert results == [("ok",)] + [("refused", "deliberation.already_supported")] * (N - 1)
    assert Support.objects.filter(topic=dstate.topic).count() == 2
    assert Topic.objects.get(pk=dstate.topic.pk).supporters == 2
