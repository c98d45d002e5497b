"""The standing fault suite (issue 10): PostgreSQL only, bounded in time (the folder
runs in well under a minute on a small machine).

* two ``linli worker`` processes, rounds of ``kill -9`` in the middle of their work:
  every due clock is breached once, every message reaches the (counting) mail server,
  at most once more than the number of kills;
* a mail server that accepts and never answers: both workers still stop on SIGTERM
  within 10 seconds;
* staff actions and sweeps at the same time: no deadlock, each breach once.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from linli.cases import services
from linli.cases.models import Case, Deadline, Escalation
from linli.org.models import Person
from linli.outbox.models import OutboxMessage
from tests.cases.test_worker import _many_due_cases, _worker_env
from tests.mailservers import HungServer, SMTPSink

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _env(port: int, *, email_timeout: float = 1, claim_seconds: int = 3) -> dict:
    return {**_worker_env(), "LINLI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "LINLI_EMAIL_HOST": "127.0.0.1", "LINLI_EMAIL_PORT": str(port),
            "LINLI_EMAIL_TIMEOUT": str(email_timeout), "LINLI_OUTBOX_CLAIM_SECONDS": str(claim_seconds)}


def _start(env, log_dir, name):
    err = open(log_dir / f"{name}.err", "a")
    out_path = log_dir / f"{name}.out"
    before = _started_lines(out_path)
    worker = subprocess.Popen([sys.executable, "-m", "linli.cli", "worker", "--interval", "0.2", "--batch", "3",
                               "--send-batch", "3"], env=env, stdout=open(out_path, "a"), stderr=err)
    worker.ready = lambda: _started_lines(out_path) > before  # type: ignore[attr-defined]
    return worker


def _started_lines(path) -> int:
    return path.read_text().count("worker started") if path.exists() else 0


def _everyone_has_email():
    for p in Person.objects.all():
        Person.objects.filter(pk=p.pk).update(email=f"{p.username}@example.cn")


def _wait(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _stop(workers, seconds: float = 10) -> list[float]:
    # A worker started a moment ago may still be loading Django: until it says it has
    # started, SIGTERM simply ends the process (nothing is held yet). Stop it once it runs.
    _wait(lambda: all(w.ready() for w in workers), 60)
    started = time.monotonic()
    for w in workers:
        w.send_signal(signal.SIGTERM)
    took = []
    for w in workers:
        w.wait(timeout=max(0.1, seconds - (time.monotonic() - started)))
        took.append(time.monotonic() - started)
    return took


def test_two_workers_killed_again_and_again_breach_every_clock_once_and_send_every_message(world, tmp_path):
    _many_due_cases(world, 1)  # the world, so that everyone gets an address before the requests come in
    _everyone_has_email()
    _many_due_cases_more(15)
    due = Deadline.objects.count()
    kills = 0
    with SMTPSink() as sink:
        env = _env(sink.port)
        workers = [_start(env, tmp_path, "a"), _start(env, tmp_path, "b")]
        try:
            for round_ in range(3):  # kill -9 one worker mid-sweep, start it again
                seen = Escalation.objects.count()
                _wait(lambda seen=seen: Escalation.objects.count() > seen or sum(sink.by_outbox_id.values()) > 0, 15)
                victim = workers[round_ % 2]
                victim.send_signal(signal.SIGKILL)
                victim.wait(timeout=10)
                kills += 1
                workers[round_ % 2] = _start(env, tmp_path, "ab"[round_ % 2])
            done = _wait(lambda: Escalation.objects.count() == due
                         and not OutboxMessage.objects.exclude(state="sent").exists(), 30)
        finally:
            took = _stop(workers)
        errors = "".join(p.read_text() for p in tmp_path.glob("*.err"))
        assert done, (Escalation.objects.count(), due, list(OutboxMessage.objects.values_list("state", "attempts")),
                      errors[-3000:])
        assert max(took) < 10
        assert [w.returncode for w in workers] == [0, 0]
        # Every clock breached once.
        assert Escalation.objects.values("deadline").distinct().count() == due
        assert Deadline.objects.filter(breached_at__isnull=True).count() == 0
        # Every message sent; a worker killed between the mail server's answer and its
        # commit may have sent its one message twice, never more.
        # (Messages queued while the workers were being stopped may still be pending: they
        # are not lost, the next worker sends them. A message marked sent was delivered.)
        ids = {str(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)}
        sent = {str(pk) for pk in OutboxMessage.objects.filter(state="sent").values_list("pk", flat=True)}
        assert sent and sent <= set(sink.by_outbox_id) <= ids
        assert sum(sink.by_outbox_id.values()) - len(ids) <= kills, sink.by_outbox_id.most_common(5)
        assert "deadlock" not in errors.lower(), errors[-3000:]


def _many_due_cases_more(n: int) -> None:
    from linli.cases.models import Category, Source
    from linli.org.models import Node

    unit = Node.objects.get(code="X-B1-U1")
    repair = Category.objects.get(code="repair")
    for i in range(n):
        services.case_create(node=unit, category=repair, description=f"第{i}号问题", source=Source.QR)
    from tests.cases.conftest import local

    Deadline.objects.update(due_at=local(2026, 1, 1))


def test_workers_stop_on_sigterm_within_10_seconds_while_the_mail_server_never_answers(world, tmp_path):
    _many_due_cases(world, 1)
    _everyone_has_email()
    _many_due_cases_more(3)
    with HungServer(close_after=120) as hung:
        env = _env(hung.port, email_timeout=60, claim_seconds=300)
        workers = [_start(env, tmp_path, "a"), _start(env, tmp_path, "b")]
        try:
            stuck = _wait(lambda: hung.accepted >= 2, 30)
        finally:
            took = _stop(workers)
    assert stuck, "both workers should have been waiting on the mail server"
    assert max(took) < 10, took
    assert [w.returncode for w in workers] == [0, 0]
    assert Escalation.objects.count() == Deadline.objects.count()  # the sweep never waited for mail
    assert not OutboxMessage.objects.filter(state="sending").exists()  # released, not left claimed
    assert not OutboxMessage.objects.filter(state="sent").exists()


def test_staff_actions_and_sweeps_at_the_same_time_never_deadlock(world, tmp_path):
    _many_due_cases(world, 1)
    _many_due_cases_more(12)
    staff = Person.objects.get(username="property_x")
    cases = list(Case.objects.order_by("id"))
    errors = []

    def act(chunk):
        try:
            for case in chunk:
                services.case_accept(case=case, by=staff)
                services.case_dispatch(case=case, by=staff, to="property")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    with SMTPSink() as sink:
        env = _env(sink.port)
        workers = [_start(env, tmp_path, "a"), _start(env, tmp_path, "b")]
        try:
            threads = [threading.Thread(target=act, args=(cases[i::2],)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=40)
            alive = [t for t in threads if t.is_alive()]
            from django.utils import timezone

            now = timezone.now()
            settled = _wait(lambda: not Deadline.objects.filter(due_at__lte=now, met_at__isnull=True,
                                                                cancelled_at__isnull=True,
                                                                breached_at__isnull=True).exists(), 20)
        finally:
            took = _stop(workers)
    worker_errors = "".join(p.read_text() for p in tmp_path.glob("*.err"))
    assert not alive and errors == [], errors
    assert "deadlock" not in worker_errors.lower(), worker_errors[-3000:]
    assert settled and max(took) < 10
    # Each missed clock breached once, by the worker or by the action that met it late.
    assert Escalation.objects.count() == Deadline.objects.filter(breached_at__isnull=False).count()
    assert Escalation.objects.values("deadline").distinct().count() == Escalation.objects.count()
    assert Case.objects.filter(status="dispatched").count() == len(cases)
