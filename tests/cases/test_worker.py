"""The worker: ``linli worker --once``, exactly-once breaches under random
interleavings (hypothesis), two worker processes on one PostgreSQL database, a
worker killed mid-sweep, one bad request that must not stop the sweep, the one
lock order (no deadlock with a staff action), a mail server that never answers,
and stopping on SIGTERM/SIGINT. The standing fault suite is tests/faults/."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import get_urlconf, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from linli.cases import deadline_sweep, services
from linli.cases.models import Case, Category, Deadline, Escalation, Rating, Source
from linli.cases.services import deadlines
from linli.outbox.models import OutboxMessage
from tests.cases.conftest import local
from tests.mailservers import HungServer


def test_worker_once_records_due_breaches_sends_their_messages_and_exits(world, clock, report, mailoutbox):
    leader = world.person("leader_m1")
    leader.email = "leader@example.cn"
    leader.save()
    code = report().tracking_code
    assert mailoutbox == []  # nothing is sent inside the request; the worker tells staff of it
    clock.advance(minutes=20)  # respond and on-site missed, plan not yet
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    # The leader hears of the new request and of the first escalation (the second goes up
    # the chain to someone without an e-mail address): two e-mails, sent after the sweep.
    assert out.getvalue().strip().splitlines() == [
        "breaches recorded: 2", "new requests told to staff: 1", "messages sent: 2, to retry: 0, failed: 0"]
    assert sorted(Deadline.objects.filter(breached_at__isnull=False).values_list("clock", flat=True)) == [
        "on_site", "respond"]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["leader@example.cn"], f"新诉求 {code}:公共设施报修"),
        (["leader@example.cn"], f"超时：诉求 {code} 未在“响应”时限内完成")]
    # The e-mails link the request's staff page; the worker resolves page links without
    # the API and puts the site's URLs back when it returns.
    assert reverse("case_detail", args=[Case.objects.get(tracking_code=code).pk]) in mailoutbox[0].body
    assert reverse("api-v1:openapi-json") == "/api/v1/openapi.json"
    call_command("worker", "--once", stdout=StringIO())
    assert Escalation.objects.count() == 2
    assert len(mailoutbox) == 2  # sent once
    assert list(OutboxMessage.objects.values_list("state", "attempts")) == [("sent", 1), ("sent", 1)]


def test_one_round_tells_staff_of_every_new_request_not_only_one_batch(world, report):
    codes = [report(description=f"第{i}个问题").tracking_code for i in range(7)]
    out = StringIO()
    call_command("worker", "--once", "--batch", "3", stdout=out)
    assert "new requests told to staff: 7" in out.getvalue().splitlines()
    assert not Case.objects.filter(staff_told_at__isnull=True).exists()
    told = Case.objects.filter(tracking_code__in=codes, staff_told_at__isnull=False).count()
    assert told == 7
    call_command("worker", "--once", "--batch", "3", stdout=(again := StringIO()))
    assert "new requests told to staff" not in again.getvalue()  # told once


def test_one_bad_request_does_not_stop_the_sweep_and_is_tried_again(world, clock, report, monkeypatch, caplog):
    good, bad = report(), report()
    clock.advance(minutes=20)
    real = deadline_sweep.breach

    def breach(deadline, *, now):
        if deadline.case_id == bad.pk:
            raise RuntimeError("corrupt row")
        return real(deadline, now=now)

    monkeypatch.setattr(deadline_sweep, "breach", breach)
    result = deadline_sweep.sweep_run()
    assert (result.breaches, result.failed) == (2, [bad.pk])
    assert Escalation.objects.filter(case=good).count() == 2
    assert Escalation.objects.filter(case=bad).count() == 0
    assert Deadline.objects.filter(case=bad, breached_at__isnull=False).count() == 0  # its savepoint rolled back
    assert f"request {bad.pk} failed" in caplog.text
    # The worker reports the failure (exit status 1 with --once) but does not die of it.
    with pytest.raises(CommandError):
        call_command("worker", "--once", stdout=StringIO())
    monkeypatch.setattr(deadline_sweep, "breach", real)
    assert deadline_sweep.sweep() == 2
    assert Escalation.objects.filter(case=bad).count() == 2


def test_a_sweep_reads_only_what_is_due(world, clock, report, django_assert_max_num_queries):
    for _ in range(30):
        report()
    # Nothing due yet: one query, however many requests are open.
    with django_assert_max_num_queries(3):
        assert deadline_sweep.sweep(now=clock.now + dt.timedelta(minutes=1)) == 0


STEPS = ["accept", "dispatch", "arrive", "plan", "finish", "visit"]


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=5 * 24 * 60), min_size=6, max_size=6),
    sweeps=st.lists(st.booleans(), min_size=6, max_size=6),
    stop=st.integers(min_value=0, max_value=6),
)
def test_every_missed_clock_is_breached_exactly_once_whatever_the_interleaving(world, gaps, sweeps, stop):
    """Random step times, sweeps between steps or not, the loop stopping early:
    a deadline is breached iff it was met late or is still open past its due
    time, and every breach has exactly one escalation."""
    staff = world.person("property_x")
    t = local(2026, 11, 2, 10)
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="电梯停了", source=Source.QR, received_at=None)
    # Each example is its own request; earlier examples' requests are all settled by their last sweep.
    Case.objects.filter(pk=case.pk).update(received_at=t)
    Deadline.objects.filter(case=case).delete()
    case.refresh_from_db()
    for clock_name in ("respond", "on_site", "plan"):
        deadlines._start_clock(case, clock_name, t)
    actions = {
        "accept": lambda at: services.case_accept(case=case, by=staff, at=at),
        "dispatch": lambda at: services.case_dispatch(case=case, by=staff, to="property", at=at),
        "arrive": lambda at: services.case_arrive(case=case, by=staff, at=at),
        "plan": lambda at: services.case_plan(case=case, by=staff, colour="green", note="修", at=at),
        "finish": lambda at: services.case_finish(case=case, by=staff, at=at),
        "visit": lambda at: services.case_visit(case=case, by=staff, method="phone", rating=Rating.SATISFIED, at=at),
    }
    for step, gap, sweep_first in list(zip(STEPS, gaps, sweeps, strict=False))[:stop]:
        t = t + dt.timedelta(minutes=gap)
        if sweep_first:
            deadline_sweep.sweep(now=t)
        actions[step](t)
    end = t + dt.timedelta(days=1)
    deadline_sweep.sweep(now=end)
    deadline_sweep.sweep(now=end)
    assert Deadline.objects.filter(case=case, breached_at__isnull=True, met_at__isnull=True,
                                   cancelled_at__isnull=True, due_at__lte=end).count() == 0

    for d in Deadline.objects.filter(case=case):
        late = d.met_at is not None and d.met_at > d.due_at
        overdue_open = d.met_at is None and d.cancelled_at is None and d.due_at <= end
        assert (d.breached_at is not None) == (late or overdue_open), (d.clock, d.due_at, d.met_at)
    breached = Deadline.objects.filter(case=case, breached_at__isnull=False).count()
    assert Escalation.objects.filter(case=case).count() == breached


def _worker_env() -> dict:
    settings_db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{settings_db['USER']}@{settings_db['HOST'] or '127.0.0.1'}:{settings_db['PORT'] or 5432}/"
        f"{settings_db['NAME']}"
    )
    return env


def _many_due_cases(world, n: int) -> int:
    repair = Category.objects.get(code="repair")
    for i in range(n):
        services.case_create(node=world["X-B1-U1"], category=repair, description=f"第{i}号问题", source=Source.QR)
    # Every clock is overdue a day later.
    Deadline.objects.update(due_at=local(2026, 1, 1))
    return Deadline.objects.count()


def _worker(env, *extra):
    return subprocess.Popen([sys.executable, "-m", "linli.cli", "worker", "--once", "--batch", "5", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_page_links_without_building_the_api(world):
    """The API's ~1,600 schema classes took ~1 s of each worker start (linli.site_urls)."""
    _leader_with_email()
    code = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="楼道灯不亮", source=Source.QR).tracking_code
    program = ("import sys\nfrom linli.cli import main\ntry:\n    main(['linli', 'worker', '--once'])\n"
               "finally:\n    print('api built:', 'linli.api.main' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", program], env=_worker_env(), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "new requests told to staff: 1" in run.stdout and "api built: False" in run.stdout, run.stdout
    told = OutboxMessage.objects.get(kind="staff.received")
    assert reverse("case_detail", args=[Case.objects.get(tracking_code=code).pk]) in told.body


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_create_each_escalation_exactly_once(world):
    due = _many_due_cases(world, 120)
    env = _worker_env()
    workers = [_worker(env), _worker(env)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    counts = [int(out.splitlines()[0].rsplit(" ", 1)[-1]) for out, _ in outputs]
    assert sum(counts) == due
    assert all(c > 0 for c in counts), counts  # both took part (SKIP LOCKED, no waiting)
    assert Escalation.objects.count() == due
    assert Deadline.objects.filter(breached_at__isnull=True).count() == 0
    assert Escalation.objects.values("deadline").distinct().count() == due


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_nothing(world):
    due = _many_due_cases(world, 150)
    env = _worker_env()
    victim = _worker(env)
    # Kill it as soon as it has recorded something (or at once if it is slow to start).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Escalation.objects.exists():
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    partial = Escalation.objects.count()
    assert Escalation.objects.count() == Deadline.objects.filter(breached_at__isnull=False).count()
    survivor = _worker(env)
    out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err
    assert Escalation.objects.count() == due
    assert partial < due or out.splitlines()[0] == "breaches recorded: 0"


# --- a mail server that never answers, stopping, and the lock order ----------------------

def _smtp_env(env: dict, port: int, timeout: float) -> dict:
    return {**env, "LINLI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "LINLI_EMAIL_HOST": "127.0.0.1", "LINLI_EMAIL_PORT": str(port), "LINLI_EMAIL_TIMEOUT": str(timeout)}


def test_a_mail_server_that_never_answers_costs_one_timeout_per_message(world, clock, report, settings):
    leader = world.person("leader_m1")
    leader.email = "leader@example.cn"
    leader.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 1
    with HungServer(close_after=20) as hung:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", hung.port
        report()
        clock.advance(minutes=20)
        out = StringIO()
        started = time.monotonic()
        call_command("worker", "--once", stdout=out)
        elapsed = time.monotonic() - started
    assert elapsed < 8, elapsed
    # The sweep committed first; both messages wait for their next try a minute later.
    assert out.getvalue().strip().splitlines() == [
        "breaches recorded: 2", "new requests told to staff: 1", "messages sent: 0, to retry: 2, failed: 0"]
    assert Escalation.objects.count() == 2
    rows = list(OutboxMessage.objects.order_by("id"))
    assert [(m.state, m.attempts, m.next_attempt_at - clock.now, m.sent_at) for m in rows] == [
        ("pending", 1, dt.timedelta(minutes=1), None)] * 2
    assert all("timed out" in m.last_error for m in rows), [m.last_error for m in rows]
    assert all("leader@example.cn" not in m.last_error for m in rows)


def _leader_with_email():
    from linli.org.models import Person

    Person.objects.filter(username="leader_m1").update(email="leader@example.cn")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_worker_once_finishes_although_the_mail_server_never_answers(world):
    _many_due_cases(world, 3)
    _leader_with_email()
    Escalation.objects.all().delete()
    services.case_create(node=Case.objects.first().node, category=Category.objects.get(code="repair"),
                         description="又一个", source=Source.QR)  # queued: the leader hears of it
    Deadline.objects.update(due_at=local(2026, 1, 1))
    with HungServer(close_after=120) as hung:
        worker = _worker(_smtp_env(_worker_env(), hung.port, timeout=0.3))
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert out.splitlines()[0] == f"breaches recorded: {Deadline.objects.count()}"
    assert not OutboxMessage.objects.exclude(state="pending").exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert hung.accepted == OutboxMessage.objects.count() > 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_stops_within_seconds_on_a_signal_even_while_a_send_hangs(world, sig):
    _many_due_cases(world, 2)
    _leader_with_email()
    with HungServer(close_after=120) as hung:
        env = _smtp_env(_worker_env(), hung.port, timeout=60)
        worker = subprocess.Popen([sys.executable, "-m", "linli.cli", "worker", "--interval", "1"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        limit = time.monotonic() + 60
        while time.monotonic() < limit and not OutboxMessage.objects.filter(state="sending").exists():
            time.sleep(0.1)
        claimed = set(OutboxMessage.objects.filter(state="sending").values_list("pk", flat=True))
        assert claimed, worker.stderr.read() if worker.poll() is not None else "nothing claimed"
        time.sleep(0.5)  # inside the hanging send
        started = time.monotonic()
        worker.send_signal(sig)
        _out, err = worker.communicate(timeout=10)
        elapsed = time.monotonic() - started
    assert worker.returncode == 0, err
    assert elapsed < 5, elapsed
    # The batch was released unsent: due at once, the interrupted attempt not counted.
    assert not OutboxMessage.objects.filter(state="sending").exists()
    assert set(OutboxMessage.objects.filter(pk__in=claimed).values_list("state", "attempts")) == {("pending", 0)}
    assert Escalation.objects.count() == Deadline.objects.count()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_a_request_a_staff_member_holds_and_cannot_deadlock_with_it(world):
    """Staff lock the request then its deadlines; the sweep claims requests first too.
    With the old order (deadline, then request) this was a deadlock."""
    import threading

    from django.db import transaction

    from linli.cases import locks

    _many_due_cases(world, 2)
    held, other = Case.objects.order_by("id")
    results, errors = [], []

    def sweep_in_another_connection():
        try:
            results.append(deadline_sweep.sweep_run())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        locks.case_lock(held.pk)  # a staff action is under way on this request
        sweeper = threading.Thread(target=sweep_in_another_connection)
        sweeper.start()
        sweeper.join(timeout=20)
        finished = not sweeper.is_alive()
        # The staff action goes on to its deadlines (meet/cancel): nobody holds them.
        deadlines._open_deadlines(held)
    sweeper.join(timeout=30)
    assert finished and errors == [], errors
    assert results[0].breaches == Deadline.objects.filter(case=other).count()
    assert not Deadline.objects.filter(case=held, breached_at__isnull=False).exists()
    # The next sweep takes the request the staff member has let go.
    assert deadline_sweep.sweep() == Deadline.objects.filter(case=held).count()


def test_a_failed_round_is_logged_and_the_next_round_goes_on(world, clock, report, monkeypatch, caplog):
    from django.db import OperationalError

    from linli.cases.management.commands import worker as command

    report()
    clock.advance(minutes=20)
    real, calls = command.sweep_run, []

    def flaky(**kw):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kw)

    monkeypatch.setattr(command, "sweep_run", flaky)
    worker = command.Command(stdout=StringIO())
    worker.stopping = worker.sending = False
    assert worker._round(once=False, batch=50, send_batch=20) is False
    assert "worker round failed" in caplog.text and Escalation.objects.count() == 0
    assert worker._round(once=False, batch=50, send_batch=20) is True
    assert Escalation.objects.count() == 2


def test_a_worker_that_cannot_start_leaves_the_threads_urls_as_they_were():
    """Off the main thread the worker cannot take SIGTERM and refuses to start; the thread
    must not keep the worker's page-only URLs (an API reverse there would then fail)."""
    seen: dict = {}

    def run():
        try:
            call_command("worker", "--once", stdout=StringIO())
        except ValueError as exc:
            seen["error"] = str(exc)
        seen["urlconf"] = get_urlconf()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert "main thread" in seen["error"] and seen["urlconf"] is None
