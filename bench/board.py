"""Benchmark: what does a public board cost as the data around it grows?

One compound TARGET holds a fixed number of requests (each with four clocks);
the rest of the district holds OTHER requests, first SMALL then LARGE. For each
size we time ``stats.board_figures`` for the compound and for the whole
district (best of five) and count its queries. Questions: is the number of
queries fixed; does the compound's board cost what the compound holds rather
than what the district holds; how does the district board grow? Results are
written as JSON to bench/results/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench python bench/board.py
    python bench/board.py            # SQLite in a temporary data dir
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET = int(os.environ.get("BENCH_TARGET", 500))
SMALL, LARGE = int(os.environ.get("BENCH_SMALL", 2000)), int(os.environ.get("BENCH_LARGE", 20000))
COMPOUNDS = 20
STATUSES = ["received", "accepted", "planned", "in_progress", "done", "visited", "closed", "closed", "closed"]


def places():
    from linli.org import services as org
    from linli.org.models import Node, NodeKind

    if Node.objects.filter(code="BB-D").exists():
        return Node.objects.get(code="BB-D"), [Node.objects.get(code=f"BB-X{i}-U") for i in range(COMPOUNDS)]
    d = org.node_create(kind=NodeKind.DISTRICT, code="BB-D", name="区", by=None)
    units = []
    for s in range(4):
        street = org.node_create(kind=NodeKind.STREET, code=f"BB-S{s}", name=f"街道{s}", parent=d, by=None)
        community = org.node_create(kind=NodeKind.COMMUNITY, code=f"BB-C{s}", name=f"社区{s}", parent=street, by=None)
        for i in range(s * 5, s * 5 + 5):
            x = org.node_create(kind=NodeKind.COMPOUND, code=f"BB-X{i}", name=f"小区{i}", parent=community,
                                property_mode="professional", by=None)
            b = org.node_create(kind=NodeKind.BUILDING, code=f"BB-X{i}-B", name="1栋", parent=x, by=None)
            units.append(org.node_create(kind=NodeKind.UNIT, code=f"BB-X{i}-U", name="1单元", parent=b, by=None))
    return d, units


def add(units, n: int, rng: random.Random) -> None:
    """n requests spread over ``units``, each with four clocks, inserted in bulk."""
    from linli.cases.models import Case, Category, Deadline, TimeLimitPolicy

    category = Category.objects.get(code="repair")
    policy = TimeLimitPolicy.objects.get(code="515303")
    now = timezone.now()
    compound_of = {u.id: u.parent.parent_id for u in units}
    batch = []
    for _i in range(n):
        unit = rng.choice(units)
        received = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 400))
        accepted = received + dt.timedelta(minutes=rng.randint(1, 30))
        status = rng.choice(STATUSES)
        batch.append(Case(node=unit, compound_id=compound_of[unit.id], category=category,
                          description="x", source="qr", status=status, policy=policy, received_at=received,
                          accepted_at=accepted, colour=rng.choice(["green", "yellow", "red", ""]),
                          done_at=accepted + dt.timedelta(days=1) if status in ("done", "visited", "closed") else None,
                          rating=rng.choice(["", "satisfied", "basically", "unsatisfied"])))
    cases = Case.objects.bulk_create(batch, batch_size=2000)
    deadlines = []
    for c in cases:
        for clock, minutes in (("respond", 5), ("on_site", 15), ("plan", 30), ("finish", 4320)):
            due = c.received_at + dt.timedelta(minutes=minutes)
            met = c.received_at + dt.timedelta(minutes=rng.randint(1, minutes * 2)) if rng.random() < .8 else None
            deadlines.append(Deadline(case=c, clock=clock, started_at=c.received_at, due_at=due, met_at=met))
    Deadline.objects.bulk_create(deadlines, batch_size=5000)


def measure(node) -> dict:
    from linli.cases import stats

    best = float("inf")
    for _i in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            stats.board_figures(node=node)
        took = time.perf_counter() - started
        best = min(best, took)
    return {"ms": round(best * 1000, 1), "queries": len(ctx.captured_queries)}


def measure_shown(node) -> dict:
    """What a visitor of the district's board pays (``board_figures``: there is no
    cache any more, the board reads the roll-ups; best of five)."""
    from linli.cases import stats

    best = float("inf")
    for _i in range(5):
        started = time.perf_counter()
        stats.board_figures(node=node)
        took = time.perf_counter() - started
        best = min(best, took)
    return {"ms": round(best * 1000, 3)}


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    from linli.cases import rollups
    from linli.cases.models import Case

    rng = random.Random(7)
    district, units = places()
    Case.objects.filter(node__path__startswith=district.path).delete()
    target_unit, others = units[0], units[1:]
    compound = target_unit.parent.parent
    add([target_unit], TARGET, rng)
    add(others, SMALL, rng)
    rollups.rebuild()  # rows written past the services
    small = {"compound": measure(compound), "district": measure(district)}
    add(others, LARGE - SMALL, rng)
    rollups.rebuild()
    large = {"compound": measure(compound), "district": measure(district), "district_cached": measure_shown(district)}
    result = {
        "database": connection.vendor, "target_requests": TARGET, "others_small": SMALL, "others_large": LARGE,
        "small": small, "large": large,
        "compound_ratio": round(large["compound"]["ms"] / small["compound"]["ms"], 2),
        "district_ratio": round(large["district"]["ms"] / small["district"]["ms"], 2),
        "data_ratio": round((TARGET + LARGE) / (TARGET + SMALL), 2),
        # a cached view of the district's board against counting it afresh, at the large size
        "district_cached_ratio": round(large["district_cached"]["ms"] / large["district"]["ms"], 6),
    }
    out = Path(__file__).resolve().parent / "results" / f"board-{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
