"""Board roll-ups (issue 15 item 2): the public boards read these small tables
instead of counting every request under a place.

Three tables hold what the boards sum (``cases/models.py``):

* ``BoardTotal`` — one row per place (the request's compound, or its own place
  when it lies in no compound): counts by status, by colour, "我也遇到了", ratings,
  and per clock the settled "due" and "met on time" counts. A board sums the rows
  whose ``path`` starts with its node's path (a compound: its own row), so a
  district reads as many rows as it has compounds, however many requests.
* ``BoardMonth`` — per place and calendar month (local time): reported, finished.
* ``BoardResponse`` — per board node (the place and every place above it) and
  whole minute: how many requests were accepted that many minutes after they
  came in. The median is exact (read from one node's histogram).

``CaseTally`` holds, per request, what it last added. The one choke point is
``refresh(cases)``: called at the end of every service that changes a request,
its clocks or its supporters (intake, each workflow action, merges, "我也遇到了",
the deadline sweep), it reads the requests as they are now, compares with their
tallies and moves the roll-ups by the difference, in the same transaction. It
also copes with a request moved to another place or deleted. Call it once per
transaction with every request touched: the roll-up rows are locked last (after
the requests, their deadlines and everything else; lock order in
``cases/locks.py``) and in sorted key order, by ``INSERT … ON CONFLICT DO UPDATE
SET n = n + excluded.n``, so concurrent intakes neither deadlock nor lose counts.

What depends on ``now`` alone: a running clock (not met, cancelled or breached)
becomes "due" when its time passes, with no write. The roll-ups hold only the
settled clocks (met; cancelled after they were due; breached by the sweep); the
board adds the running clocks whose due time has passed by one query on the
partial index ``deadline_due_open`` — the clocks due but not yet swept, a
handful when the worker runs. The figures equal a direct count for any ``now``
not earlier than the last change (the property test ``tests/cases/test_rollups.py``).

``rebuild()`` recomputes everything from the source tables in bulk SQL (after a
bulk load such as ``linli generate-city``, or ``linli rollups --rebuild``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from linli.cases.models import (
    ROLLUP_CLOCKS,
    ROLLUP_TOTALS,
    BoardMonth,
    BoardResponse,
    BoardTotal,
    Case,
    CaseSupporter,
    CaseTally,
    Deadline,
    Status,
)
from linli.org.models import path_ids

TALLY_FIELDS = (
    "place_id", "path", "status", "counted", "colour", "rating", "received_month", "done_month", "minute", "me_too",
    *(f"due_{c}" for c in ROLLUP_CLOCKS), *(f"met_{c}" for c in ROLLUP_CLOCKS),
)
MINUTE = dt.timedelta(minutes=1)
CHUNK = 20  # rows per upsert statement (SQLite's parameter limit)


def month_of(t: dt.datetime) -> dt.date:
    return timezone.localtime(t).date().replace(day=1)


def settled(d: Any) -> tuple[int, int]:
    """A clock's (due, met on time) that no longer depends on ``now``; a running
    clock gives (0, 0) and is counted live by the board."""
    if d["met_at"] is not None:
        return 1, int(d["met_at"] <= d["due_at"])
    if d["cancelled_at"] is not None:
        return int(d["cancelled_at"] > d["due_at"]), 0
    if d["breached_at"] is not None:
        return 1, 0
    return 0, 0


def _place_path(node_path: str, compound_id: int | None) -> str:
    if compound_id is None:
        return node_path
    ids = path_ids(node_path)
    return "/" + "/".join(str(i) for i in ids[: ids.index(compound_id) + 1]) + "/"


def _tally(*, node_id: int, node_path: str, compound_id: int | None, status: str, colour: str, rating: str,
           received_at: dt.datetime, accepted_at: dt.datetime | None, done_at: dt.datetime | None) -> dict:
    """What a request with these fields adds, before its clocks and supporters are counted
    (``due_*``, ``met_*`` and ``me_too`` start at 0)."""
    t: dict[str, Any] = {
        "place_id": compound_id or node_id, "path": _place_path(node_path, compound_id), "status": status,
        "counted": status != Status.MERGED, "colour": colour, "rating": rating,
        "received_month": month_of(received_at),
        "done_month": month_of(done_at) if done_at else None,
        "minute": (accepted_at - received_at) // MINUTE if accepted_at else None,
        "me_too": 0,
    }
    for c in ROLLUP_CLOCKS:
        t[f"due_{c}"] = t[f"met_{c}"] = 0
    return t


def tallies(case_ids: list[int]) -> dict[int, dict]:
    """What each request adds now (``CaseTally`` fields), by id; a request that is no more is absent."""
    out: dict[int, dict] = {}
    rows = Case.objects.filter(pk__in=case_ids).values(
        "id", "node_id", "node__path", "compound_id", "status", "colour", "rating", "received_at", "accepted_at",
        "done_at")
    for r in rows:
        out[r["id"]] = _tally(node_id=r["node_id"], node_path=r["node__path"], compound_id=r["compound_id"],
                              status=r["status"], colour=r["colour"], rating=r["rating"],
                              received_at=r["received_at"], accepted_at=r["accepted_at"], done_at=r["done_at"])
    if not out:
        return out
    for d in Deadline.objects.filter(case_id__in=list(out)).values(
            "case_id", "clock", "due_at", "met_at", "cancelled_at", "breached_at"):
        due, met = settled(d)
        out[d["case_id"]][f"due_{d['clock']}"] += due
        out[d["case_id"]][f"met_{d['clock']}"] += met
    for s in CaseSupporter.objects.filter(case_id__in=list(out)).values("case_id").annotate(n=Count("id")).order_by():
        out[s["case_id"]]["me_too"] = s["n"]
    return out


class _Delta:
    def __init__(self) -> None:
        self.totals: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.months: dict[tuple[int, dt.date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.response: dict[tuple[int, int], int] = defaultdict(int)

    def add(self, t: dict | None, sign: int) -> None:
        if t is None:
            return
        key = (t["place_id"], t["path"])
        tot = self.totals[key]
        tot[f"st_{t['status']}"] += sign
        if not t["counted"]:
            return
        tot[f"col_{t['colour'] or 'none'}"] += sign
        tot["me_too"] += sign * t["me_too"]
        if t["rating"]:
            tot[f"rt_{t['rating']}"] += sign
        for c in ROLLUP_CLOCKS:
            tot[f"due_{c}"] += sign * t[f"due_{c}"]
            tot[f"met_{c}"] += sign * t[f"met_{c}"]
        self.months[(t["place_id"], t["received_month"], t["path"])]["reported"] += sign
        if t["done_month"] is not None:
            self.months[(t["place_id"], t["done_month"], t["path"])]["finished"] += sign
        if t["minute"] is not None:
            for node_id in path_ids(t["path"]):
                self.response[(node_id, t["minute"])] += sign


def _upsert(table: str, keys: tuple[str, ...], extra: tuple[str, ...], counters: tuple[str, ...],
            rows: list[tuple]) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c`` (PostgreSQL and SQLite),
    rows in the order given (sorted by the caller: the lock order)."""
    cols = (*keys, *extra, *counters)
    qn = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sets = ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + excluded.{qn(c)}" for c in counters)
    with connection.cursor() as cur:
        for i in range(0, len(rows), CHUNK):
            part = rows[i:i + CHUNK]
            cur.execute(
                f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) VALUES {', '.join([one] * len(part))} "
                f"ON CONFLICT ({', '.join(qn(k) for k in keys)}) DO UPDATE SET {sets}",
                [v for row in part for v in row],
            )


def _new_tally(case: Case) -> dict:
    """The tally of a request just created (intake): read from the object, no query. Its
    clocks are all running and nobody has joined it yet."""
    return _tally(node_id=case.node_id, node_path=case.node.path, compound_id=case.compound_id, status=case.status,
                  colour=case.colour, rating=case.rating, received_at=case.received_at,
                  accepted_at=case.accepted_at, done_at=case.done_at)


def refresh(cases: Iterable[Case | int], *, created: bool = False) -> None:
    """Bring the roll-ups up to date with these requests (call once, at the end of the
    transaction that changed them; see the module docstring). ``created``: the requests
    were just made by intake (``Case`` objects with open clocks only): three writes, no read."""
    if created:
        made = sorted((c for c in cases if isinstance(c, Case)), key=lambda c: c.pk)
        new = {c.pk: _new_tally(c) for c in made}
        old: dict[int, dict] = {}
        ids = [c.pk for c in made]
    else:
        ids = sorted({c if isinstance(c, int) else c.pk for c in cases})
        if not ids:
            return
        new = tallies(ids)
        old = {t["case_id"]: t for t in CaseTally.objects.filter(case_id__in=ids).values("case_id", *TALLY_FIELDS)}
    delta = _Delta()
    gone, changed = [], []
    for case_id in ids:
        before, after = old.get(case_id), new.get(case_id)
        if before is not None:
            before.pop("case_id")
        if before == after:
            continue
        delta.add(before, -1)
        delta.add(after, +1)
        if after is None:
            gone.append(case_id)
        else:
            changed.append(CaseTally(case_id=case_id, **after))
    if gone:
        CaseTally.objects.filter(case_id__in=gone).delete()
    if changed:
        CaseTally.objects.bulk_create(changed, update_conflicts=True, unique_fields=["case_id"],
                                      update_fields=list(TALLY_FIELDS))
    # The roll-up rows last, in key order.
    rows = [(place, path, *(d.get(c, 0) for c in ROLLUP_TOTALS))
            for (place, path), d in sorted(delta.totals.items()) if any(d.values())]
    _upsert(BoardTotal._meta.db_table, ("place_id",), ("path",), ROLLUP_TOTALS, rows)
    rows = [(place, month, path, d.get("reported", 0), d.get("finished", 0))
            for (place, month, path), d in sorted(delta.months.items()) if any(d.values())]
    _upsert(BoardMonth._meta.db_table, ("place_id", "month"), ("path",), ("reported", "finished"), rows)
    rows = [(node, minute, n) for (node, minute), n in sorted(delta.response.items()) if n]
    _upsert(BoardResponse._meta.db_table, ("node_id", "minute"), (), ("n",), rows)


# ---------------------------------------------------------------------------
# Rebuild from the source tables, in bulk


def _tally_select_sql() -> str:
    """SELECT of every request's tally, in ``TALLY_FIELDS`` order after ``case_id``."""
    pg = connection.vendor == "postgresql"
    if pg:
        tz = settings.TIME_ZONE.replace("'", "")
        rmonth = f"date_trunc('month', c.received_at AT TIME ZONE '{tz}')::date"
        dmonth = f"date_trunc('month', c.done_at AT TIME ZONE '{tz}')::date"
        minute = "floor(extract(epoch FROM (c.accepted_at - c.received_at)) / 60)::int"
    else:
        # SQLite keeps UTC text; the local month with the zone's offset now (Asia/Shanghai has no DST).
        offset = int(timezone.localtime(timezone.now()).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
        rmonth = f"date(c.received_at, '{offset:+d} minutes', 'start of month')"
        dmonth = f"date(c.done_at, '{offset:+d} minutes', 'start of month')"

        def micros(col: str) -> str:
            return (f"(CAST(strftime('%s', {col}) AS INTEGER) * 1000000 "
                    f"+ CAST(COALESCE(NULLIF(substr({col}, 21, 6), ''), '0') AS INTEGER))")
        diff = f"({micros('c.accepted_at')} - {micros('c.received_at')})"
        # Floor division (SQLite's integer division truncates towards zero).
        minute = f"(CASE WHEN {diff} >= 0 THEN {diff} / 60000000 ELSE -((-{diff} + 59999999) / 60000000) END)"
    settled_due = ("(d.met_at IS NOT NULL OR (d.cancelled_at IS NOT NULL AND d.cancelled_at > d.due_at) "
                   "OR (d.cancelled_at IS NULL AND d.breached_at IS NOT NULL))")
    settled_met = "(d.met_at IS NOT NULL AND d.met_at <= d.due_at)"
    per_clock = ", ".join(
        f"SUM(CASE WHEN d.clock = '{c}' AND {settled_due} THEN 1 ELSE 0 END) AS due_{c}, "
        f"SUM(CASE WHEN d.clock = '{c}' AND {settled_met} THEN 1 ELSE 0 END) AS met_{c}"
        for c in ROLLUP_CLOCKS)
    clocks = ", ".join(f"COALESCE(dl.due_{c}, 0), COALESCE(dl.met_{c}, 0)" for c in ROLLUP_CLOCKS)
    return (
        f"SELECT c.id, COALESCE(c.compound_id, c.node_id), COALESCE(x.path, n.path), c.status, "
        f"c.status <> 'merged', c.colour, c.rating, {rmonth}, "
        f"CASE WHEN c.done_at IS NULL THEN NULL ELSE {dmonth} END, "
        f"CASE WHEN c.accepted_at IS NULL THEN NULL ELSE {minute} END, COALESCE(s.n, 0), "
        # TALLY_FIELDS puts every due_* before every met_*: reorder below.
        f"{clocks} "
        f"FROM cases_case c JOIN org_node n ON n.id = c.node_id LEFT JOIN org_node x ON x.id = c.compound_id "
        f"LEFT JOIN (SELECT case_id, COUNT(*) AS n FROM cases_casesupporter GROUP BY case_id) s ON s.case_id = c.id "
        f"LEFT JOIN (SELECT d.case_id, {per_clock} FROM cases_deadline d GROUP BY d.case_id) dl ON dl.case_id = c.id"
    )


def _tally_insert_columns() -> list[str]:
    head = ["case_id", *TALLY_FIELDS[:10]]
    clocks = [col for c in ROLLUP_CLOCKS for col in (f"due_{c}", f"met_{c}")]
    return head + clocks


def rebuild() -> dict[str, int]:
    """Recompute every roll-up from the requests, their clocks and supporters (bulk SQL).
    Writers wait while it runs (the roll-up tables are locked on PostgreSQL). Returns row counts."""
    qn = connection.ops.quote_name
    tables = [m._meta.db_table for m in (CaseTally, BoardTotal, BoardMonth, BoardResponse)]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {', '.join(qn(t) for t in tables)} IN EXCLUSIVE MODE")
        for t in tables:
            cur.execute(f"DELETE FROM {qn(t)}")
        tally, total = qn(tables[0]), qn(tables[1])
        cur.execute(f"INSERT INTO {tally} ({', '.join(qn(c) for c in _tally_insert_columns())}) {_tally_select_sql()}")
        sums = []
        for col in ROLLUP_TOTALS:
            kind, _, value = col.partition("_")
            if kind == "st":
                sums.append(f"SUM(CASE WHEN status = '{value}' THEN 1 ELSE 0 END)")
            elif kind == "col":
                sums.append(f"SUM(CASE WHEN counted AND colour = '{'' if value == 'none' else value}' THEN 1 ELSE 0 END)")
            elif kind == "rt":
                sums.append(f"SUM(CASE WHEN counted AND rating = '{value}' THEN 1 ELSE 0 END)")
            else:  # me_too, due_*, met_*
                sums.append(f"SUM(CASE WHEN counted THEN {qn(col)} ELSE 0 END)")
        cur.execute(
            f"INSERT INTO {total} (place_id, path, {', '.join(qn(c) for c in ROLLUP_TOTALS)}) "
            f"SELECT place_id, MIN(path), {', '.join(sums)} FROM {tally} GROUP BY place_id")
        cur.execute(
            f"INSERT INTO {qn(tables[2])} (place_id, path, month, reported, finished) "
            f"SELECT place_id, MIN(path), month, SUM(r), SUM(f) FROM ("
            f"SELECT place_id, path, received_month AS month, 1 AS r, 0 AS f FROM {tally} WHERE counted "
            f"UNION ALL SELECT place_id, path, done_month, 0, 1 FROM {tally} WHERE counted AND done_month IS NOT NULL"
            f") u GROUP BY place_id, month")
        # The response histogram of every place and every place above it.
        cur.execute(f"SELECT DISTINCT place_id, path FROM {tally} WHERE counted AND minute IS NOT NULL")
        pairs = [(place, node) for place, path in cur.fetchall() for node in path_ids(path)]
        cur.execute("CREATE TEMPORARY TABLE linli_rollup_above (place_id bigint NOT NULL, node_id bigint NOT NULL)")
        try:
            for i in range(0, len(pairs), 400):
                part = pairs[i:i + 400]
                cur.execute("INSERT INTO linli_rollup_above (place_id, node_id) VALUES "
                            + ", ".join(["(%s, %s)"] * len(part)), [v for p in part for v in p])
            cur.execute(
                f"INSERT INTO {qn(tables[3])} (node_id, minute, n) SELECT a.node_id, t.minute, COUNT(*) "
                f"FROM {tally} t JOIN linli_rollup_above a ON a.place_id = t.place_id "
                f"WHERE t.counted AND t.minute IS NOT NULL GROUP BY a.node_id, t.minute")
        finally:
            cur.execute("DROP TABLE linli_rollup_above")
        counts = {}
        for t in tables:
            cur.execute(f"SELECT COUNT(*) FROM {qn(t)}")
            counts[t] = cur.fetchone()[0]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {', '.join(qn(t) for t in tables)}")
    return counts
