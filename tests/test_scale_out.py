"""Scale-out (issue 15 item 5), PostgreSQL only: two ``linli serve`` processes (each a
gunicorn with two workers) and two ``linli worker`` processes over one database give
the answers one process gives.

The scenario: requests come in through Open311 and the JSON API on both servers in
turn; staff act on them through both; the JSON API's intake limit and the sign-in lock
are reached across the two servers; every clock still running is then moved into the
past; two workers sweep, and one is killed with SIGKILL while it holds claimed requests
and deadlines. Afterwards every due clock is breached exactly once, every e-mail reached
the (counting) mail server exactly once, both servers' boards equal a direct count, and
the ledger verifies. With a Redis server reachable the servers share it as their cache
(``LINLI_CACHE_URL``), as a city deployment would.
"""
from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.utils import timezone

from linli.cases import stats
from linli.cases.models import Case, CaseEvent, Deadline, Escalation, Status
from linli.ledger.selectors import verify_all
from linli.open311.models import Open311Key
from linli.org import services as org_services
from linli.org.models import Person
from linli.outbox.models import OutboxMessage
from tests.mailservers import SMTPSink
from tests.test_shared_cache import REDIS_URL, redis_unreachable

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

OPEN311_POSTS = 8
API_POSTS = 8  # also the JSON API's intake limit for the test: the next one is refused on either server
SECRET = "scale-out-test-secret-key-shared-by-every-process-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(application_name: str) -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            f"?application_name={application_name}")


def _env(data_dir: Path, smtp_port: int, name: str) -> dict:
    env = {**os.environ,
           "DATABASE_URL": _database_url(name), "LINLI_DATA_DIR": str(data_dir), "LINLI_SECRET_KEY": SECRET,
           "LINLI_DEBUG": "0", "LINLI_SSL_REDIRECT": "0", "LINLI_SECURE_COOKIES": "0", "LINLI_HSTS_SECONDS": "0",
           "LINLI_ALLOWED_HOSTS": "127.0.0.1,localhost", "LINLI_BOARD_CACHE_SECONDS": "0",
           "LINLI_API_INTAKE_THROTTLE": f"{API_POSTS}/600", "LINLI_OUTBOX_QUIET_HOURS": "0-0",
           "LINLI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "LINLI_EMAIL_HOST": "127.0.0.1",
           "LINLI_EMAIL_PORT": str(smtp_port), "LINLI_EMAIL_TIMEOUT": "5", "LINLI_OUTBOX_CLAIM_SECONDS": "10",
           "LINLI_CACHE_URL": "" if redis_unreachable() else REDIS_URL, "LINLI_CACHE_KEY_PREFIX": f"scale-{os.getpid()}"}
    for leftover in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"):
        env.pop(leftover, None)
    return env


class Server:
    """One ``linli serve`` (gunicorn, two workers) on a free port."""

    def __init__(self, env: dict, log_dir: Path, name: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"serve-{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "linli.cli", "serve", "--no-migrate", "--workers", "2",
             "--addr", f"127.0.0.1:{self.port}"],
            env=env, stdout=open(self.log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
        self.http = requests.Session()

    def wait_ready(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading
                pass
            time.sleep(0.2)
        raise AssertionError(f"linli serve did not answer in {seconds} s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # gunicorn's master and its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def _worker(env: dict, log_dir: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "linli.cli", "worker", "--interval", "0.2", "--batch", "3",
                             "--send-batch", "5"],
                            env=env, stdout=open(log_dir / f"worker-{name}.out", "w"),
                            stderr=open(log_dir / f"worker-{name}.err", "w"))


def _holds_claims(application_name: str) -> bool:
    """Whether that worker's connection is inside a sweep batch right now: it holds row
    locks (FOR UPDATE) on requests and on their deadlines."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT c.relname) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "JOIN pg_class c ON c.oid = l.relation WHERE a.application_name = %s AND l.mode = 'RowShareLock' "
            "AND c.relname IN (%s, %s)", [application_name, Case._meta.db_table, Deadline._meta.db_table])
        return cursor.fetchone()[0] == 2


def _wait(condition, seconds: float, step: float = 0.1) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()


def _sign_in(server: Server, username: str, password: str) -> requests.Response:
    server.http.get(f"{server.url}/login/", timeout=10)
    token = server.http.cookies.get("csrftoken")
    return server.http.post(f"{server.url}/login/", timeout=20, allow_redirects=False,
                            data={"username": username, "password": password, "csrfmiddlewaretoken": token})


def _board(server: Server, code: str) -> dict:
    r = requests.get(f"{server.url}/api/v1/boards/{code}", timeout=20)
    assert r.status_code == 200, r.text
    figures = r.json()["figures"]
    figures.pop("generated_at")
    return figures


def test_two_servers_and_two_workers_one_killed_give_the_answers_of_one_process(world, tmp_path):
    assert not Case.objects.exists()
    started = time.monotonic()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:  # seconds since the start, printed at the end (and on a failure)
        phases[name] = round(time.monotonic() - started, 1)
        print(f"{name}: {phases[name]} s", flush=True)
    for p in Person.objects.all():  # every escalation and notice also goes out by e-mail
        Person.objects.filter(pk=p.pk).update(email=f"{p.username}@example.cn")
    _k, open311_key = Open311Key.issue(name="12345热线")
    _t, resident_token = org_services.api_token_create(person=world.person("resident"), by=None)
    _t, staff_token = org_services.api_token_create(person=world.person("property_x"), by=None)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    servers: list[Server] = []
    workers: dict[str, subprocess.Popen] = {}
    with SMTPSink() as sink:
        try:
            # The first server collects the static files; the second finds them current.
            servers.append(Server(_env(data_dir, sink.port, "serve-a"), tmp_path, "a"))
            servers[0].wait_ready(120)
            phase("first server up (static files collected)")
            servers.append(Server(_env(data_dir, sink.port, "serve-b"), tmp_path, "b"))
            servers[1].wait_ready(60)
            phase("second server up")
            # Two workers run from now on: they tell staff of new requests and send messages
            # while requests come in.
            workers["a"] = _worker(_env(data_dir, sink.port, "worker-a"), tmp_path, "a")
            workers["b"] = _worker(_env(data_dir, sink.port, "worker-b"), tmp_path, "b")
            a, b = servers

            # Intake through both servers, in turn.
            for i in range(OPEN311_POSTS):
                r = servers[i % 2].http.post(f"{servers[i % 2].url}/open311/v2/requests.json", timeout=20, data={
                    "api_key": open311_key, "service_code": "repair", "address_id": "X-B1-U1",
                    "description": f"热线转来：{i}号楼道灯不亮"})
                assert r.status_code == 201, r.text
            resident = {"Authorization": f"Bearer {resident_token}"}
            for i in range(API_POSTS):
                r = servers[i % 2].http.post(f"{servers[i % 2].url}/api/v1/cases", headers=resident, timeout=20, json={
                    "unit": "X-B1-U1", "category": "repair", "description": f"{i}号：水管漏水", "source": "qr"})
                assert r.status_code == 201, r.text
            # The limit was reached across the two servers: each refuses the next one.
            for server in servers:
                r = server.http.post(f"{server.url}/api/v1/cases", headers=resident, timeout=20, json={
                    "unit": "X-B1-U1", "category": "repair", "description": "再报一次", "source": "qr"})
                assert r.status_code == 429, r.text
            assert Case.objects.count() == OPEN311_POSTS + API_POSTS
            phase("intake done")

            # Failed sign-ins alternating between the servers: the fifth locks the account
            # (LINLI_LOGIN_FAILURE_LIMIT), on both.
            for i in range(4):
                assert _sign_in(servers[i % 2], "owner", "wrong").status_code == 200
            for server in servers:
                r = _sign_in(server, "owner", "wrong again")
                assert r.status_code == 429 and "登录已锁定" in r.text

            # Staff act through both servers: half the requests are accepted on one server,
            # dispatched on the other, and the crew arrives (on time: nothing is due yet).
            staff = {"Authorization": f"Bearer {staff_token}"}
            acted = list(Case.objects.order_by("id").values_list("pk", flat=True))[::2]
            for n, pk in enumerate(acted):
                for step, (action, payload) in enumerate(
                        [("accept", {}), ("dispatch", {"to": "property"}), ("arrive", {"note": "到了"})]):
                    server = servers[(n + step) % 2]
                    r = server.http.post(f"{server.url}/api/v1/cases/{pk}/actions/{action}", headers=staff,
                                         json=payload, timeout=20)
                    assert r.status_code == 200, (action, r.text)
            assert Case.objects.filter(status=Status.ON_SITE).count() == len(acted)
            met = set(Deadline.objects.filter(met_at__isnull=False).values_list("pk", flat=True))
            assert met and not Deadline.objects.filter(met_at__gt=timezone.now()).exists()

            phase("staff actions and sign-ins done")
            # Every clock still running falls due.
            running = Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, breached_at__isnull=True)
            due = set(running.values_list("pk", flat=True))
            running.update(due_at=timezone.now() - dt.timedelta(minutes=5))
            assert len(due) >= OPEN311_POSTS + API_POSTS

            # One of the two workers is killed (SIGKILL) in the middle of a sweep batch.
            caught = _wait(lambda: _holds_claims("worker-a"), 60, step=0.01)
            workers["a"].send_signal(signal.SIGKILL)
            workers["a"].wait(timeout=10)
            assert caught, "worker a was never seen holding claims"
            breached_at_kill = Escalation.objects.count()
            phase("worker a killed")

            settled = _wait(lambda: not Deadline.objects.filter(pk__in=due, breached_at__isnull=True).exists()
                            and not Case.objects.filter(staff_told_at__isnull=True).exists()
                            and not OutboxMessage.objects.exclude(state="sent").exists(), 60)
            errors = "".join(p.read_text() for p in tmp_path.glob("worker-*.err"))
            assert settled, (Deadline.objects.filter(pk__in=due, breached_at__isnull=True).count(),
                             list(OutboxMessage.objects.exclude(state="sent").values_list("state", "attempts")),
                             errors[-3000:])
            assert breached_at_kill < len(due)  # the survivor had work left to take over
            # No worker logged a failure (a breach that raised, a round that failed).
            assert "Traceback" not in errors and "failed" not in errors, errors[-3000:]

            phase("every due clock breached, every request told, every message sent")
            # Boards through both servers.
            boards = {code: [_board(s, code) for s in servers] for code in ("X", "C1", "S1", "D1")}
        finally:
            for w in workers.values():
                if w.poll() is None:
                    w.send_signal(signal.SIGTERM)
                    w.wait(timeout=20)
            for server in servers:
                server.stop()

    # No server answered an error.
    for server in servers:
        assert '" 500 ' not in server.log.read_text(), server.log.read_text()[-3000:]
    # Every due clock breached exactly once; no clock met on time was breached.
    assert set(Deadline.objects.filter(breached_at__isnull=False).values_list("pk", flat=True)) == due
    assert Escalation.objects.count() == len(due)
    assert sorted(Escalation.objects.values_list("deadline_id", flat=True)) == sorted(due)
    assert CaseEvent.objects.filter(action="breach").count() == len(due)
    assert not Deadline.objects.filter(pk__in=met, breached_at__isnull=False).exists()
    # Every message was sent, and each reached the mail server once.
    email_ids = {str(pk) for pk in OutboxMessage.objects.filter(channel="email").values_list("pk", flat=True)}
    assert email_ids and not OutboxMessage.objects.exclude(state="sent").exists()
    assert set(sink.by_outbox_id) == email_ids
    assert collections.Counter(sink.by_outbox_id.values()) == {1: len(email_ids)}, sink.by_outbox_id.most_common(3)
    # Both servers show the same boards, equal to a direct count.
    total = OPEN311_POSTS + API_POSTS
    by_status = collections.Counter(Case.objects.values_list("status", flat=True))
    direct_on_time = stats.overall_on_time(stats.on_time_by_clock(Deadline.objects.all(), timezone.now()))
    for code, (from_a, from_b) in boards.items():
        assert from_a == from_b, code
        assert from_a["total"] == total, code
        assert {s: n for s, n in from_a["counts_by_status"].items() if n} == dict(by_status), code
        assert from_a["counts_by_status"][Status.ON_SITE] == len(acted)
        assert stats.overall_on_time(from_a["on_time"]) == direct_on_time, code
        assert direct_on_time["met_on_time"] == len(met) and direct_on_time["due"] == len(met) + len(due)
    # The ledger's balances and hash chains verify.
    assert verify_all() == []
