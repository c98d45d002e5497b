"""The benchmark suite behind ``linli bench`` (issue 15): one run, one database, one JSON.

    linli bench --quick                      # every benchmark at a small size (CI: < 2 minutes)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench linli bench   # an EMPTY database

Writes bench/results/latest.json and bench/results/latest.md (``--out`` elsewhere). Each
benchmark that fails is recorded with its error and the others still run. Sizes come from
``SIZES`` (quick/full) and may be overridden with ``--set name=value``. Figures are never
asserted: ratios measured inside one run are what counts on a shared machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

SIZES = {
    "quick": {"gen_requests": 5000, "gen_compounds": 100, "sweep_small": 500, "sweep_large": 5000,
              "sweep_due": 50, "board_small": 1000, "board_large": 10000, "board_runs": 3,
              "ledger_clients": 10, "ledger_per_client": 10, "intake_seconds": 2, "intake_concurrency": "4"},
    # The issue's sizes: boards at 1M/10M requests (lean rows + roll-ups), the sweep at 100k/1M open
    # requests with 10k due. The generator's 100k requests stand for its rate (override with --set).
    "full": {"gen_requests": 100_000, "gen_compounds": 2000, "sweep_small": 100_000, "sweep_large": 1_000_000,
             "sweep_due": 10_000, "board_small": 1_000_000, "board_large": 10_000_000, "board_runs": 5,
             "ledger_clients": 50, "ledger_per_client": 20, "intake_seconds": 10, "intake_concurrency": "4,16,64"},
}


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ.setdefault("LINLI_DB_STATEMENT_TIMEOUT", "900")  # a district board at a large size is slow
    if "DATABASE_URL" not in os.environ:
        os.environ.setdefault("LINLI_DATA_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def _wipe_cases() -> None:
    """Requests and what hangs on them (not the ledger: it is append-only)."""
    from django.db import connection

    from linli.cases.models import (
        BoardMonth,
        BoardResponse,
        BoardTotal,
        Case,
        CaseEvent,
        CaseTally,
        Deadline,
        Escalation,
        Notification,
    )

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("TRUNCATE cases_case, cases_deadline, cases_caseevent, cases_escalation, "
                        "cases_notification, cases_casetally, cases_boardtotal, cases_boardmonth, "
                        "cases_boardresponse CASCADE")
        return
    for model in (Notification, Escalation, CaseEvent, Deadline, Case, CaseTally, BoardTotal, BoardMonth,
                  BoardResponse):
        model.objects.all().delete()


# --- 1. generator --------------------------------------------------------------
def bench_generator(size: dict) -> dict:
    """``generate-city`` into the suite's database (empty on a full run: the generator then builds the
    indexes and foreign keys of its tables after the load). Rows per minute over the whole load, from
    the first row to the ANALYZE after the commit; the ledger's posts are counted apart."""
    from linli.cases.citygen import Sizes, generate

    city = generate(seed=1500, prefix="GEN", sizes=Sizes(compounds=size["gen_compounds"],
                                                         requests=size["gen_requests"], ledger_compounds=5))
    return city.report.as_dict()


# --- 2. deadline sweep ----------------------------------------------------------
def _sweep_world(n_open: int, due: int, places) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.cases.citygen import Writer, _next_ids
    from linli.cases.models import Case, Deadline, TimeLimitPolicy

    _wipe_cases()
    policy = TimeLimitPolicy.objects.get(is_default=True)
    from linli.cases.models import Category

    category = Category.objects.get(code="repair")
    now = timezone.now()
    far, past = now + dt.timedelta(days=30), now - dt.timedelta(minutes=1)
    with transaction.atomic():
        first = _next_ids(Case, n_open + due)
        cases = Writer(Case, ["id", "tracking_code", "node_id", "compound_id", "microgrid_id", "category_id",
                              "description", "source", "status", "policy_id", "received_at", "staff_told_at",
                              "updated_at"])
        deadlines = Writer(Deadline, ["case_id", "clock", "started_at", "due_at"])
        for start in range(0, n_open + due, 5000):
            ids = range(first + start, first + min(start + 5000, n_open + due))
            rows, drows = [], []
            for cid in ids:
                node, compound, mg = places[cid % len(places)]
                rows.append((cid, f"S{cid:011d}", node, compound, mg, category.pk, "sweep", "qr", "accepted",
                             policy.pk, now, now, now))
                drows.append((cid, "finish", now, past if cid - first < due else far))
            cases.write(rows)
            deadlines.write(drows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE cases_case; ANALYZE cases_deadline")


def _plan() -> str:
    from django.db import connection
    from django.utils import timezone

    from linli.cases.locks import due_cases

    sql, params = due_cases(timezone.now())[:50].query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql, params)
        return "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())


def bench_sweep(size: dict, places) -> dict:
    from linli.cases.deadline_sweep import sweep

    out: dict = {"due": size["sweep_due"]}
    for label in ("small", "large"):
        n = size[f"sweep_{label}"]
        _sweep_world(n, size["sweep_due"], places)
        plan = _plan()
        started = time.perf_counter()
        breaches = sweep()
        took = time.perf_counter() - started
        out[label] = {"open": n, "seconds": round(took, 3), "breaches": breaches, "plan": plan}
    out["ratio_large_over_small"] = round(out["large"]["seconds"] / out["small"]["seconds"], 2)
    out["open_ratio"] = size["sweep_large"] / size["sweep_small"]
    out["index_scan"] = "Index" in out["large"]["plan"] or "USING INDEX" in out["large"]["plan"]
    _wipe_cases()
    return out


# --- 3. boards ----------------------------------------------------------------
def _board_times(node, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.cases import stats

    times = []
    for _i in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            stats.board_figures(node=node)
        times.append(time.perf_counter() - started)
    return {"p50_ms": round(pct(times, 50) * 1000, 1), "p95_ms": round(pct(times, 95) * 1000, 1),
            "queries": len(ctx.captured_queries)}


def _lean_requests(city, first: int, n: int) -> None:
    """``n`` requests (ids from ``first``) straight into ``cases_case`` by one INSERT … SELECT
    generate_series on PostgreSQL: a deterministic mix of places, statuses (most closed),
    colours (55/15/12 green/yellow/red, grey), ratings and response times over three years;
    no clocks or history (the boards' roll-ups need only the requests); no time after ``city.now``. 10M in minutes where
    the full generator (``City.requests_write``) would take hours on this machine."""
    from django.db import connection

    from linli.cases.models import Category, TimeLimitPolicy

    policy = TimeLimitPolicy.objects.get(is_default=True).pk
    category = Category.objects.filter(active=True, kind="problem").order_by("id").values_list("id", flat=True)[0]
    now = city.now
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_places (k int PRIMARY KEY, place bigint, "
                    "compound bigint, microgrid bigint)")
        cur.execute("DELETE FROM bench_places")
        rows = [(k, *p) for k, p in enumerate(city.places)]
        for i in range(0, len(rows), 1000):
            part = rows[i:i + 1000]
            cur.execute("INSERT INTO bench_places VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(part)),
                        [v for r in part for v in r])
        # h: a cheap deterministic hash of the id; every choice below reads a different part of it.
        cur.execute(
            """
            INSERT INTO cases_case (id, tracking_code, kind, node_id, compound_id, microgrid_id, address, category_id,
                description, source, external_id, contact_name, contact_phone, contact_email, client_scope, urgent,
                updates_wanted, status, colour, policy_id, assignee_kind, responsible, plan, escalation_level,
                received_at, accepted_at, done_at, rating, updated_at, staff_told_at, merged_into_id)
            SELECT g, 'L' || g, 'problem', p.place, p.compound, p.microgrid, '', %(category)s, '', 'qr', '', '', '',
                '', '', false, false,
                CASE WHEN h %% 100 < 3 THEN 'received' WHEN h %% 100 < 5 THEN 'in_progress'
                     WHEN h %% 100 < 8 THEN 'done' WHEN h %% 100 < 10 THEN 'merged' ELSE 'closed' END,
                CASE WHEN h %% 100 < 3 THEN '' WHEN (h / 100) %% 100 < 55 THEN 'green'
                     WHEN (h / 100) %% 100 < 70 THEN 'yellow' WHEN (h / 100) %% 100 < 82 THEN 'red' ELSE 'grey' END,
                %(policy)s, '', '', '', 0, r,
                CASE WHEN h %% 100 < 3 THEN NULL ELSE LEAST(%(now)s, r + ((h / 10000) %% 600 + 1) * interval '1 minute') END,
                CASE WHEN h %% 100 < 5 OR (h %% 100 >= 8 AND h %% 100 < 10) THEN NULL
                     ELSE LEAST(%(now)s, r + ((h / 10000) %% 20000 + 700) * interval '1 minute') END,
                CASE WHEN h %% 100 < 10 THEN '' WHEN (h / 1000000) %% 10 < 7 THEN 'satisfied'
                     WHEN (h / 1000000) %% 10 < 9 THEN 'basically' ELSE 'unsatisfied' END,
                %(now)s, %(now)s,
                CASE WHEN h %% 100 >= 8 AND h %% 100 < 10 THEN %(first)s END
            FROM (SELECT g, (g * 2654435761) %% 4294967296 AS h FROM generate_series(%(first)s, %(last)s) g) s
            CROSS JOIN LATERAL (SELECT %(now)s - ((s.h * 7) %% (3 * 525600) + 1) * interval '1 minute' AS r) t
            JOIN bench_places p ON p.k = (s.h / 7) %% %(places)s
            """,
            {"category": category, "policy": policy, "now": now, "first": first, "last": first + n - 1,
             "places": len(rows)},
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [first + n - 1])


def bench_boards(size: dict) -> dict:
    """Street and district boards (``stats.board_figures``, what the page and the API call;
    there is no cache) at board_small requests, then grown to board_large, over the same
    city (2,000 compounds at full size). The boards read the roll-ups (``cases/rollups.py``),
    rebuilt after each bulk load. On PostgreSQL the requests come from a lean INSERT … SELECT
    (``_lean_requests``); on SQLite from the city generator."""
    from django.db import connection, transaction

    from linli.cases import rollups
    from linli.cases.citygen import City, Sizes
    from linli.cases.models import Case
    from linli.org.models import Node

    _wipe_cases()
    out: dict = {}
    city = None
    total = 0
    lean = connection.vendor == "postgresql"
    for label in ("small", "large"):
        want = size[f"board_{label}"]
        if city is None:
            city = City(seed=15, prefix="BRD", sizes=Sizes(compounds=min(2000, max(100, want // 500)), requests=want))
            city.places_write()
        else:
            city.sizes.requests = want - total
        started = time.perf_counter()
        with transaction.atomic():
            if lean:
                first = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
                _lean_requests(city, first, want - total)
            else:
                city.requests_write()
        gen_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rollups.rebuild()
        rebuild_seconds = time.perf_counter() - started
        total = want
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE cases_case; ANALYZE cases_deadline; ANALYZE org_node")
        street = Node.objects.get(pk=city.street_ids[0])
        district = Node.objects.get(pk=city.district_id)
        out[label] = {"requests": want, "generated_seconds": round(gen_seconds, 1),
                      "rollup_rebuild_seconds": round(rebuild_seconds, 1), "lean": lean,
                      "street": _board_times(street, size["board_runs"]),
                      "district": _board_times(district, size["board_runs"])}
    for where in ("street", "district"):
        out[f"{where}_ratio_p50"] = round(out["large"][where]["p50_ms"] / out["small"][where]["p50_ms"], 2)
        out[f"{where}_ratio_p95"] = round(out["large"][where]["p95_ms"] / out["small"][where]["p95_ms"], 2)
    out["data_ratio"] = size["board_large"] / size["board_small"]
    return out


# --- 4. ledger ----------------------------------------------------------------
def bench_ledger(size: dict) -> dict:
    """N clients (threads, one connection each) post transfers between a few accounts;
    one in ten posts replays an earlier key. Then ``ledger verify``."""
    from django.db import connection, connections

    from linli.ledger import services as ledger
    from linli.ledger.models import Transaction
    from linli.ledger.selectors import verify_all
    from linli.org.models import Node

    node = Node.objects.filter(kind="compound").order_by("id")[0]
    accounts = [ledger.account_open(code=f"bench-{i}", name=f"bench {i}", kind="asset", node=node, asset="CNY")
                for i in range(8)]
    clients, per = size["ledger_clients"], size["ledger_per_client"]
    if connection.vendor == "sqlite":
        clients = min(clients, 4)  # one writer at a time: more threads only queue
    errors: list[str] = []
    posted = [0]
    replays = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(clients)

    def client(k: int) -> None:
        import random

        rng = random.Random(k)
        start_gate.wait()
        try:
            for j in range(per):
                replay = j > 0 and rng.random() < 0.1
                key = f"bench-{k}-{rng.randrange(j) if replay else j}"
                a, b = rng.sample(accounts, 2)
                amount = 100 + (hash(key) % 1000)
                # a replay sends the same content as the first post of that key
                if replay:
                    first = Transaction.objects.filter(idempotency_key=key).first()
                    if first is None:
                        continue
                    legs = [(leg.account_id, leg.amount) for leg in first.legs.all()]
                    ledger.ledger_post(legs=legs, idempotency_key=key, memo=first.memo)
                    with lock:
                        replays[0] += 1
                else:
                    ledger.ledger_post(legs=[(a, -amount), (b, amount)], idempotency_key=key, memo="bench")
                    with lock:
                        posted[0] += 1
        except Exception as exc:  # recorded, not raised: the figure says how many failed
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    problems = verify_all()
    return {"clients": clients, "posts_per_client": per, "transfers": posted[0], "replays": replays[0],
            "seconds": round(took, 2), "transfers_per_second": round((posted[0] + replays[0]) / took, 1),
            "errors": errors[:5], "error_count": len(errors), "verify_problems": len(problems)}


# --- 5. page weight ------------------------------------------------------------
def bench_pages() -> dict:
    from django.test import Client

    from linli.org.models import Node

    unit = Node.objects.filter(kind="unit").order_by("id")[0]
    # the board of a street holding requests (the board benchmark's, when it ran)
    street = (Node.objects.filter(kind="street", code__startswith="BRD-").order_by("id").first()
              or Node.objects.filter(kind="street").order_by("id")[0])
    client = Client()
    out = {}
    for name, url in (("phone_intake", f"/q/{unit.code}"), ("public_board", f"/boards/{street.code}/")):
        r = client.get(url)
        body = r.content
        out[name] = {"url": url, "status": r.status_code, "bytes": len(body),
                     "gzip_bytes": len(gzip.compress(body)), "target_bytes": 60 * 1024}
    return out


# --- 6. intake over HTTP (wrk) ---------------------------------------------------
WRK_LUA = """
local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end
local prefix = slurp(DIR .. "/prefix")
local suffix = slurp(DIR .. "/suffix")
local headers = {}
for line in io.lines(DIR .. "/headers") do
  local k, v = line:match("^([^:]+): (.*)$")
  if k then headers[k] = v end
end
-- each thread its own sequence (the table's address differs between the threads' Lua states),
-- so no two threads send the same client_token
init = function(args)
  math.randomseed(tonumber(tostring({}):match("0x(%x+)") or "1", 16) % 2147483647)
  tid = math.random(1, 1000000000)
end
counter = 0
request = function()
  counter = counter + 1
  local body = prefix .. string.format("%d-%d-%d", tid or 0, counter, math.random(1, 1000000000)) .. suffix
  return wrk.format("POST", PATH, headers, body)
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"p50\\": %d, \\"p95\\": %d, " ..
    "\\"p99\\": %d, \\"non2xx\\": %d, \\"errors\\": %d}\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def _serve(env: dict, wsgi: str, port: int) -> subprocess.Popen:
    """gunicorn with 2 workers, as ``linli serve --workers 2`` starts it (no access log)."""
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", wsgi, "--bind", f"127.0.0.1:{port}", "--workers", "2",
                             "--log-level", "warning"], env=env, cwd=str(ROOT))
    import urllib.request

    for _i in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except Exception as exc:  # not up yet; a 404 (the floor app) counts as up
            if getattr(exc, "code", None):
                return proc
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{wsgi} did not start")


def _wrk(port: int, path: str, prefix: bytes, suffix: bytes, headers: dict, concurrency: int,
         seconds: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="linli-wrk-"))
    (folder / "prefix").write_bytes(prefix)
    (folder / "suffix").write_bytes(suffix)
    (folder / "headers").write_text("".join(f"{k}: {v}\n" for k, v in headers.items()))
    (folder / "post.lua").write_text(f'DIR = "{folder}"\nPATH = "{path}"\n' + WRK_LUA)
    out = subprocess.run(["wrk", "-t", str(min(concurrency, 2)), "-c", str(concurrency), "-d", f"{seconds}s",
                          "--timeout", "20s", "-s", str(folder / "post.lua"), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, check=True)
    shutil.rmtree(folder, ignore_errors=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    return {"req_per_s": round(data["requests"] / data["seconds"], 1), "p50_ms": round(data["p50"] / 1000, 1),
            "p95_ms": round(data["p95"] / 1000, 1), "p99_ms": round(data["p99"] / 1000, 1),
            "requests": data["requests"], "non_2xx_3xx": data["non2xx"], "socket_errors": data["errors"]}


def _photo_jpeg() -> bytes:
    """A ~200 KB JPEG with GPS in its EXIF (what a phone sends; Linli strips it)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(1)
    img = Image.new("RGB", (1024, 768))
    img.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) if i % 7 == 0 else
                 (120 + i % 50, 100, 90) for i in range(1024 * 768)])
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 39.0, 36.0), 3: "E", 4: (104.0, 4.0, 48.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80, exif=exif)
    return buf.getvalue()


def _csrf(port: int, path: str) -> tuple[str, str]:
    """The csrftoken cookie and a form token of the phone page (reused by every POST)."""
    import re
    import urllib.request

    r = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
    cookie = next(v.split(";")[0] for k, v in r.headers.items() if k.lower() == "set-cookie" and "csrftoken" in v)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', r.read())
    assert found is not None, "no CSRF token on the phone page"
    token = found.group(1).decode()
    return cookie, token


def bench_intake(size: dict) -> dict:
    """Open311 POST, JSON API POST and the phone form with a photo through gunicorn with 2 workers
    (how ``linli serve`` runs Linli) and, in the same run, the floor: bench/floor (a bare Django
    view doing one INSERT), served the same way. Load: wrk, ``intake_seconds`` per level."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    from django.conf import settings

    from linli.open311.models import Open311Key
    from linli.org import services as org
    from linli.org.models import Node, Person

    unit = Node.objects.filter(kind="unit").order_by("id")[0]
    _k, key = Open311Key.issue(name="bench")
    person = (Person.objects.filter(username="bench-api").first()
              or Person.objects.create_user(username="bench-api", password=None))
    _t, token = org.api_token_create(person=person, name="bench", by=None)
    env = {**os.environ, "LINLI_DEBUG": "0", "LINLI_SSL_REDIRECT": "0", "LINLI_SECURE_COOKIES": "0",
           "LINLI_HSTS_SECONDS": "0", "LINLI_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "LINLI_INTAKE_THROTTLE": "1000000000/60", "LINLI_API_INTAKE_THROTTLE": "1000000000/60",
           "LINLI_OPEN311_INTAKE_THROTTLE": "1000000000/60", "PYTHONPATH": str(ROOT / "src")}
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # as `linli serve` collects them
        subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
                       env={**env, "DJANGO_SETTINGS_MODULE": "linli.settings"}, cwd=str(ROOT), check=True)
    levels = [int(x) for x in str(size["intake_concurrency"]).split(",")]
    seconds = size["intake_seconds"]
    out: dict = {"server": "gunicorn, 2 workers (as linli serve)", "load": "wrk", "seconds_each": seconds,
                 "concurrency": levels}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    proc = _serve(env, "linli.wsgi:application", 8751)
    try:
        from linli.cases.models import Case, Photo

        def created(name: str, before: tuple[int, int]) -> None:
            """What the channel's 2xx/3xx answers stand for: requests (and photos) written."""
            out[f"{name}_written"] = {"requests": Case.objects.count() - before[0],
                                      "photos": Photo.objects.count() - before[1],
                                      "answered": sum(v["requests"] - v["non_2xx_3xx"] for v in out[name].values())}

        def counts() -> tuple[int, int]:
            return Case.objects.count(), Photo.objects.count()

        before = counts()
        out["open311"] = {c: _wrk(8751, "/open311/v2/requests.json",
                                  f"api_key={key}&service_code=repair&address_id={unit.code}&description=".encode(),
                                  b"%20lamp", form, c, seconds) for c in levels}
        created("open311", before)
        before = counts()
        out["json_api"] = {c: _wrk(8751, "/api/v1/cases", b'{"unit": "' + unit.code.encode()
                                   + b'", "category": "repair", "description": "lamp ', b'"}',
                                   {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, c,
                                   seconds) for c in levels}
        created("json_api", before)
        cookie, csrf = _csrf(8751, f"/q/{unit.code}")
        before = counts()
        boundary = "----linlibench"
        photo = _photo_jpeg()
        out["photo_bytes"] = len(photo)

        def part(name: str, value: bytes, filename: str = "") -> bytes:
            disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
            ctype = "\r\nContent-Type: image/jpeg" if filename else ""
            return f"--{boundary}\r\nContent-Disposition: {disp}{ctype}\r\n\r\n".encode() + value + b"\r\n"

        prefix = (part("csrfmiddlewaretoken", csrf.encode()) + part("category", b"repair")
                  + part("description", "楼道灯不亮了".encode()) + part("photos", photo, "p.jpg")
                  + f'--{boundary}\r\nContent-Disposition: form-data; name="client_token"\r\n\r\n'.encode())
        suffix = f"\r\n--{boundary}--\r\n".encode()
        out["phone_form_photo"] = {c: _wrk(8751, f"/q/{unit.code}", prefix, suffix, {
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie,
            "Referer": f"http://127.0.0.1:8751/q/{unit.code}"}, c, seconds) for c in levels}
        created("phone_form_photo", before)
    finally:
        proc.terminate()
        proc.wait()
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "floor.settings",
                 "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")])}
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"], env=floor_env,
                   cwd=str(ROOT), check=True)
    proc = _serve(floor_env, "floor.wsgi:application", 8752)
    try:
        out["floor"] = {c: _wrk(8752, "/insert", b"text=lamp%20", b"", form, c, seconds) for c in levels}
    finally:
        proc.terminate()
        proc.wait()
    out["over_floor"] = {name: {c: round(out[name][c]["req_per_s"] / out["floor"][c]["req_per_s"], 2)
                                for c in levels} for name in ("open311", "json_api", "phone_form_photo")}
    return out


# --- the run -------------------------------------------------------------------
def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cur.fetchone()[0]
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "database": connection.vendor, "database_version": version.split(" on ")[0],
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "note": "2 cores shared with other engineers' test runs: absolute figures vary; ratios measured "
                    "inside one run are what counts"}


def run(mode: str, overrides: dict, only: list[str] | None = None) -> dict:
    setup()
    size = {**SIZES[mode], **overrides}
    result: dict = {"mode": mode, "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "machine": machine(), "sizes": size, "benchmarks": {}}

    def step(name, fn, *args):
        if only and name not in only:
            return
        started = time.perf_counter()
        try:
            result["benchmarks"][name] = fn(*args)
        except Exception as exc:
            result["benchmarks"][name] = {"error": repr(exc), "traceback": traceback.format_exc()[-2000:]}
        result["benchmarks"][name]["wall_seconds"] = round(time.perf_counter() - started, 1)
        print(f"[bench] {name}: {result['benchmarks'][name]['wall_seconds']} s", file=sys.stderr, flush=True)

    step("generator", bench_generator, size)
    from linli.org.models import Node

    if not Node.objects.filter(code="GEN-D").exists():  # the generator was left out: a small city
        from linli.cases.citygen import Sizes, generate

        generate(seed=1500, prefix="GEN", sizes=Sizes(compounds=20, requests=200, ledger_compounds=1))

    places = [(n.pk, n.compound_id, n.request_microgrid_id)
              for n in Node.objects.filter(kind="unit", code__startswith="GEN-")[:500]]
    step("sweep", bench_sweep, size, places)
    step("boards", bench_boards, size)
    step("ledger", bench_ledger, size)
    step("pages", bench_pages)
    step("intake", bench_intake, size)
    result["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return result


def markdown(result: dict) -> str:
    b = result["benchmarks"]
    m = result["machine"]
    lines = [f"# Benchmark results ({result['mode']}, {m['database']})", "",
             f"Run {result['started']} → {result.get('finished', '?')}; {m['cpus']} CPUs, Python {m['python']}, "
             f"{m['database_version']}; load average at start {m['load_average_at_start']}.", "",
             f"> {m['note']}.", ""]
    latest = {}
    for merged in result.get("merged", []):
        for name in merged["benchmarks"]:
            latest[name] = merged["started"]
    if latest:
        # --merge: each benchmark's figures come from the newest run that measured it.
        lines += ["Figures per benchmark from the run started at: "
                  + ", ".join(f"{name} {latest.get(name, result['started'])}" for name in b) + ".", ""]
    lines += ["| benchmark | figure | value |", "|---|---|---|"]

    def row(name, figure, value):
        lines.append(f"| {name} | {figure} | {value} |")

    for name, data in b.items():
        if "error" in data or "skipped" in data:
            row(name, "not measured", data.get("error") or data.get("skipped"))
    g = b.get("generator", {})
    if "bulk_rows_per_minute" in g:
        row("generator", "rows (places, requests, clocks, history) / minute, whole load to ANALYZE (target ≥ 1,000,000 "
                         "on PostgreSQL)", f"{g['bulk_rows_per_minute']:,} ({g['bulk_rows']:,} rows in {g['bulk_seconds']} s)")
        row("generator", "rows", ", ".join(f"{k} {v:,}" for k, v in g["rows"].items()))
        row("generator", "seconds", ", ".join(f"{k} {v}" for k, v in g["seconds"].items())
            + (f"; indexes and foreign keys built after the load: {', '.join(g['keys_built_after'])}"
               if g.get("keys_built_after") else ""))
    s = b.get("sweep", {})
    if "ratio_large_over_small" in s:
        row("sweep", f"{s['small']['open']:,} → {s['large']['open']:,} open, {s['due']:,} due",
            f"{s['small']['seconds']} s → {s['large']['seconds']} s, ratio {s['ratio_large_over_small']} "
            f"(target ≤ 1.5); index scan: {s['index_scan']}")
    bo = b.get("boards", {})
    if "district_ratio_p50" in bo:
        for where in ("street", "district"):
            row("boards", f"{where}, {bo['small']['requests']:,} → {bo['large']['requests']:,} requests (p50/p95 ms)",
                f"{bo['small'][where]['p50_ms']}/{bo['small'][where]['p95_ms']} → "
                f"{bo['large'][where]['p50_ms']}/{bo['large'][where]['p95_ms']}, ratio {bo[f'{where}_ratio_p50']} "
                f"(target ≤ 2)")
    le = b.get("ledger", {})
    if "transfers_per_second" in le:
        row("ledger", f"{le['clients']} clients, 10% replays",
            f"{le['transfers_per_second']} posts/s, {le['error_count']} errors, "
            f"verify: {le['verify_problems']} problems")
    pa = b.get("pages", {})
    for name, data in pa.items():
        if isinstance(data, dict) and "url" in data:  # not the run's own "run" entry
            row("pages", f"{name} ({data['url']})", f"{data['bytes']:,} B ({data['gzip_bytes']:,} B gzip), "
                                                    f"target ≤ 61,440 B")
    it = b.get("intake", {})
    targets = {"open311": 0.6, "json_api": 0.6, "phone_form_photo": 0.3}
    if "over_floor" in it:
        for name, ratios in it["over_floor"].items():
            for c, ratio in ratios.items():
                o, f = it[name][c], it["floor"][c]
                row("intake", f"{name}, concurrency {c}: req/s (p50/p95/p99 ms)",
                    f"{o['req_per_s']} ({o['p50_ms']}/{o['p95_ms']}/{o['p99_ms']}); floor {f['req_per_s']} "
                    f"({f['p50_ms']}/{f['p95_ms']}/{f['p99_ms']}); ours/floor **{ratio}** (target ≥ "
                    f"{targets[name]}); refused {o['non_2xx_3xx']}, socket errors {o['socket_errors']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--set", action="append", default=[], help="size=value")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other benchmarks of the latest.json already in --out (a re-run of --only)")
    args = parser.parse_args(argv)
    overrides = {}
    for item in args.set:
        k, v = item.split("=", 1)
        overrides[k] = int(v) if v.isdigit() else v
    result = run("quick" if args.quick else "full", overrides, [x for x in args.only.split(",") if x] or None)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.merge and (out / "latest.json").exists():
        earlier = json.loads((out / "latest.json").read_text())
        for data in result["benchmarks"].values():
            data["run"] = {"started": result["started"], "load_average_at_start":
                           result["machine"]["load_average_at_start"], "sizes": result["sizes"]}
        result = {**earlier, "benchmarks": {**earlier["benchmarks"], **result["benchmarks"]},
                  "merged": [*earlier.get("merged", []), {"benchmarks": sorted(result["benchmarks"]),
                                                          "started": result["started"]}]}
    (out / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    (out / "latest.md").write_text(markdown(result))
    print(markdown(result))
    failed = [name for name, data in result["benchmarks"].items() if "error" in data]
    if failed:
        print(f"[bench] failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
