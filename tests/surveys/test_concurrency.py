"""The same household answering from two phones at once: exactly one answer
sheet is kept, the other phone is told the household has already answered."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.errors import DomainError
from linli.surveys import services as svc
from linli.surveys.models import Answer, Response


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_phones_of_one_household_at_once_leave_one_answer(sv):
    phones = [sv.person("resident"), sv.person("spouse")] * 3  # two members, each on several phones
    answers = sv.good()
    barrier = threading.Barrier(len(phones))
    results: list = []
    lock = threading.Lock()

    def submit(person):
        try:
            barrier.wait()
            r = svc.response_submit(survey=sv.survey, answers=answers, by=person)
            out: tuple = ("ok", r.household.code)
        except DomainError as exc:
            out = ("refused", exc.code, str(exc.message))
        except BaseException as exc:  # noqa: BLE001 - anything else fails the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=submit, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results)[0] == ("ok", "X-101")
    assert sorted(results)[1:] == [("refused", "surveys.already_answered",
                                    "您家已经填写过这份问卷，每户只能填写一次。")] * (len(phones) - 1)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == len(answers)
