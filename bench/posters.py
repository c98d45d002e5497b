"""Benchmark: what does a compound's A4 poster PDF cost (issue 12 item 15)?

A compound with 4 buildings of 4 units: 20 posters, 20 A4 pages. Times (best of
three) the PDF made afresh by WeasyPrint (cache emptied each time), the PDF read
back from the disk cache (what every later download costs), and the page's HTML
alone (which the cache key needs). Question: is a poster set after the first at
most 1 s, and what share of the uncached time does it cost? Results are written
as JSON to bench/results/.

    python bench/posters.py          # SQLite in a temporary data dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench python bench/posters.py
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-bench-")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from linli.org import posters  # noqa: E402
from linli.org import services as org  # noqa: E402
from linli.org.models import NodeKind as K  # noqa: E402


def best(fn, n=3) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    district = org.node_create(kind=K.DISTRICT, code="BENCH-D", name="测试区", by=None)
    street = org.node_create(kind=K.STREET, code="BENCH-S", name="测试街道", parent=district, by=None)
    community = org.node_create(kind=K.COMMUNITY, code="BENCH-C", name="测试社区", parent=street, by=None)
    compound = org.node_create(kind=K.COMPOUND, code="BENCH-X", name="地铁首座", parent=community,
                               property_mode="professional", by=None)
    for b in range(1, 5):
        building = org.node_create(kind=K.BUILDING, code=f"BENCH-X-B{b}", name=f"{b}栋", parent=compound, by=None)
        for u in range(1, 5):
            org.node_create(kind=K.UNIT, code=f"BENCH-X-B{b}-U{u}", name=f"{u}单元", parent=building, by=None)
    nodes = posters.poster_nodes(compound)
    assert len(nodes) == 20
    cache = Path(settings.DATA_DIR) / "cache" / "posters"

    def afresh():
        shutil.rmtree(cache, ignore_errors=True)
        posters.posters_pdf(nodes)

    def cached():
        posters.posters_pdf(nodes)

    def html_only():
        render_to_string("org/posters.html", {**posters.poster_context(nodes), "pdf": True})

    uncached_s = best(afresh)
    posters.posters_pdf(nodes)
    cached_s = best(cached, 5)
    html_s = best(html_only, 5)
    result = {
        "database": connection.vendor, "pages": len(nodes),
        "uncached_seconds": round(uncached_s, 3), "cached_seconds": round(cached_s, 4),
        "html_seconds": round(html_s, 4), "cached_over_uncached": round(cached_s / uncached_s, 4),
        "cached_at_most_1s": cached_s <= 1.0,
    }
    out = Path(__file__).resolve().parent / "results" / f"posters-{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
