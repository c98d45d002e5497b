"""Benchmark: what does recording one request cost, in CPU and in SQL?

Issue 11 measured an Open311 POST at 27 queries and ~29 ms of CPU. This script
posts N requests through Django's test client (the whole middleware stack, no
test transaction around it) to the Open311 endpoint and to the QR page, and
reports per POST the CPU time of this process (``time.process_time``: Python,
Django and the SQLite library; a PostgreSQL server's own CPU is not in it) and
the number of SQL statements. Each channel runs its posts twice and keeps the
better half.

"Before/after in one run": with ``--before-src PATH`` (a checkout's ``src`` of
the code before the change, e.g. ``/work/main/src``) the same measurement runs
in a child process on that code and a fresh database, and the result carries
``after / before`` ratios. Results are written as JSON to bench/results/.

    python bench/intake.py --before-src /path/to/old/src            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench python bench/intake.py
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_INTAKE_N", 60))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    if "DATABASE_URL" not in os.environ:
        os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-bench-")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    # plain HTTP to the test client, as in tests/conftest.py
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # every intake limit out of the way: this measures the work, not the refusal
    names = {n for n in dir(settings) if n.startswith("LINLI_") and n.endswith("_THROTTLE")}
    for name in names | {"LINLI_INTAKE_THROTTLE", "LINLI_API_INTAKE_THROTTLE", "LINLI_OPEN311_THROTTLE"}:
        setattr(settings, name, (10**9, 60))


def _world():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    sys.path.insert(0, str(ROOT))
    from linli.org.models import Node

    if not Node.objects.filter(code="X-B1-U1").exists():
        from tests.factories import build_world

        build_world()


def _per_post(post, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best: float | None = None
    for _round in range(2):
        started = time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            for _i in range(n):
                post()
        took = (time.process_time() - started) / n
        best = took if best is None else min(best, took)
    assert best is not None
    return {"cpu_ms": round(best * 1000, 2), "statements": round(len(ctx.captured_queries) / n, 1)}


def _photo() -> bytes:
    """The suite's ~200 KB JPEG with GPS in its EXIF (bench/suite.py ``_photo_jpeg``)."""
    import importlib

    sys.path.insert(0, str(ROOT / "bench"))
    return importlib.import_module("suite")._photo_jpeg()


def channels() -> dict:
    """One POST per channel, as callables (the world must exist)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from linli.open311.models import Open311Key
    from linli.org import services as org
    from linli.org.models import Person

    _k, key = Open311Key.issue(name="bench")
    open311 = Client()
    seq = iter(range(10**9))

    def open311_post():
        r = open311.post("/open311/v2/requests.json", {"api_key": key, "service_code": "repair",
                                                        "address_id": "X-B1-U1", "description": "三楼楼道灯不亮了"})
        assert r.status_code == 201, (r.status_code, r.content)

    qr = Client()
    qr.get("/q/X-B1-U1")

    def qr_post():
        r = qr.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯坏了两天了",
                                   "client_token": f"{next(seq):032d}"})
        assert r.status_code == 302, (r.status_code, r.content)

    person = (Person.objects.filter(username="bench-api").first()
              or Person.objects.create_user(username="bench-api", password=None))
    _t, token = org.api_token_create(person=person, name="bench", by=None)
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def json_api_post():
        r = api.post("/api/v1/cases", {"unit": "X-B1-U1", "category": "repair", "description": "三楼楼道灯不亮了"},
                     content_type="application/json")
        assert r.status_code == 201, (r.status_code, r.content)

    photo = _photo()

    def phone_photo_post():
        r = qr.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯坏了两天了",
                                   "client_token": f"{next(seq):032d}",
                                   "photos": SimpleUploadedFile("p.jpg", photo, "image/jpeg")})
        assert r.status_code == 302, (r.status_code, r.content)

    return {"open311": open311_post, "qr": qr_post, "json_api": json_api_post, "phone_form_photo": phone_photo_post}


CHANNELS = ("open311", "json_api", "qr", "phone_form_photo")


def measure(n: int = N) -> dict:
    _setup()
    _world()
    from django.db import connection

    posts = channels()
    for post in posts.values():  # warm: imports, templates, the connection
        post()
    return {"database": connection.vendor, "posts": n, **{ch: _per_post(posts[ch], n) for ch in CHANNELS}}


def profile(names: list[str], n: int, top: int = 40) -> None:
    """cProfile of ``n`` POSTs of each channel (after a warm-up), sorted by cumulative and
    by own time, and the SQL of one POST; the raw profile in $TMPDIR/linli-profile-<channel>-<db>.prof."""
    _setup()
    _world()
    posts = channels()
    for channel in names:
        _profile_one(channel, posts[channel], n, top)


def _profile_one(channel: str, post, n: int, top: int) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(), post()
    with CaptureQueriesContext(connection) as ctx:
        post()
    print(f"--- {channel}: {len(ctx.captured_queries)} statements in one POST ({connection.vendor})")
    for q in ctx.captured_queries:
        print("  ", q["sql"][:220])
    prof = cProfile.Profile()
    prof.enable()
    for _i in range(n):
        post()
    prof.disable()
    prof.dump_stats(str(Path(tempfile.gettempdir()) / f"linli-profile-{channel}-{connection.vendor}.prof"))
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before-src", help="the src folder of the code before the change")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", nargs="+", choices=CHANNELS, help="print a cProfile of these channels' POSTs")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, N)
        return
    if args.child:
        json.dump(measure(), sys.stdout)
        return
    before = None
    if args.before_src:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([args.before_src, str(ROOT)])}
        if "DATABASE_URL" in env:  # its own database: the old schema
            env["DATABASE_URL"] = env["DATABASE_URL"].rstrip("/") + "_before"
        out = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True, capture_output=True,
                             text=True, cwd=tempfile.gettempdir())
        before = json.loads(out.stdout.strip().splitlines()[-1])
    after = measure()
    result = {"after": after}
    if before is not None:
        result["before"] = before
        result["ratios_after_over_before"] = {
            ch: {k: round(after[ch][k] / before[ch][k], 2) for k in ("cpu_ms", "statements")}
            for ch in CHANNELS if ch in before}
    path = ROOT / "bench" / "results" / f"intake-{after['database']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
