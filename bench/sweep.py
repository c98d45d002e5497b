"""Benchmark: a worker sweep costs what is due, not what is open.

Builds two databases' worth of open requests in one run — SMALL and LARGE open
requests, each with the same number DUE of overdue clocks — and times a sweep
over each. The figure reported is the ratio LARGE/SMALL sweep time (target:
close to 1, well under the ratio of open requests), plus the query plan of the
due-deadline query on PostgreSQL. Results are written as JSON to bench/results/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench python bench/sweep.py
    python bench/sweep.py            # SQLite in a temporary data dir
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SMALL, LARGE, DUE = int(os.environ.get("BENCH_SMALL", 1000)), int(os.environ.get("BENCH_LARGE", 20000)), 200


def build(n_open: int) -> None:
    """n_open requests with far-away deadlines plus DUE overdue deadlines, inserted in bulk."""
    from linli.cases.models import Case, CaseEvent, Category, Deadline, Escalation, Notification, TimeLimitPolicy
    from linli.org import services as org
    from linli.org.models import Node, NodeKind

    Notification.objects.all().delete()
    Escalation.objects.all().delete()
    CaseEvent.objects.all().delete()
    Deadline.objects.all().delete()
    Case.objects.all().delete()
    unit = Node.objects.filter(code="B-U1").first()
    if unit is None:
        d = org.node_create(kind=NodeKind.DISTRICT, code="B-D", name="区", by=None)
        s = org.node_create(kind=NodeKind.STREET, code="B-S", name="街道", parent=d, by=None)
        c = org.node_create(kind=NodeKind.COMMUNITY, code="B-C", name="社区", parent=s, by=None)
        x = org.node_create(kind=NodeKind.COMPOUND, code="B-X", name="小区", parent=c, property_mode="professional",
                            by=None)
        b = org.node_create(kind=NodeKind.BUILDING, code="B-B", name="1栋", parent=x, by=None)
        unit = org.node_create(kind=NodeKind.UNIT, code="B-U1", name="1单元", parent=b, by=None)
    category = Category.objects.get(code="repair")
    policy = TimeLimitPolicy.objects.get(code="515303")
    now = timezone.now()
    compound = unit.ancestor_of_kind(NodeKind.COMPOUND)
    cases = Case.objects.bulk_create(
        [Case(node=unit, compound=compound, category=category, description="bench", source="qr", policy=policy,
              received_at=now, tracking_code=f"B{i:09d}") for i in range(n_open + DUE)], batch_size=2000)
    far, past = now + dt.timedelta(days=30), now - dt.timedelta(minutes=1)
    Deadline.objects.bulk_create(
        [Deadline(case=c, clock="finish", started_at=now, due_at=far if i >= DUE else past)
         for i, c in enumerate(cases)], batch_size=2000)


def timed_sweep() -> float:
    from linli.cases.deadline_sweep import sweep

    start = time.perf_counter()
    n = sweep()
    elapsed = time.perf_counter() - start
    assert n == DUE, n
    return elapsed


def plan() -> str:
    from linli.cases.locks import due_cases

    # The sweep's claim: requests with a due deadline (through the partial index), 50 at a time.
    sql, params = due_cases(timezone.now())[:50].query.sql_with_params()
    with connection.cursor() as cur:
        prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cur.execute(prefix + sql, params)
        return "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())


def main() -> None:
    call_command("migrate", verbosity=0)
    results = {}
    for n in (SMALL, LARGE):
        build(n)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE cases_deadline")
        query_plan = plan()
        results[n] = timed_sweep()
    ratio = results[LARGE] / results[SMALL]
    report = {
        "benchmark": "deadline sweep cost vs open requests",
        "database": connection.vendor,
        "open_small": SMALL, "open_large": LARGE, "due": DUE,
        "seconds_small": round(results[SMALL], 4), "seconds_large": round(results[LARGE], 4),
        "ratio_large_over_small": round(ratio, 2),
        "open_ratio": LARGE / SMALL,
        "plan_large": query_plan,
    }
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"sweep-{connection.vendor}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    sys.exit(0)


if __name__ == "__main__":
    main()
