"""A synthetic city for benchmarks (issue 15): ``linli generate-city``.

District → streets → communities → grids → micro-grids, and compounds → buildings →
units → households under the communities; then requests over several years with the
colour mix of seed 002 (55 green, 15 yellow, 12 red, plus grey), the status and
timing that follow from their age (a request received last week is more often
still open than one from last year), four clocks each (respond, on site, plan,
finish), return-visit ratings, one history row per step, and ledger entries.

Deterministic for a seed (``random.Random(seed)`` and a fixed "now" derived from the
seed unless ``now`` is given). Fast (issue 15: ≥ 1 M rows a minute on PostgreSQL):

- places and requests are built in Python (every random draw is there) and written in bulk —
  PostgreSQL's COPY (psycopg ``cursor.copy``), ``executemany`` of one INSERT on SQLite — with
  ids chosen up front (a place's ``path`` holds its ancestors' ids), the sequences moved past them;
- the clocks and the history (four rows in five) follow from a request's times, colour and policy,
  so they are written by the database itself: one ``INSERT … SELECT`` from the requests each
  (``_deadlines_derive``, ``_events_derive``), in slices of ``DERIVE_SLICE`` requests;
- on PostgreSQL, a table the generator fills that holds no row yet is the generator's alone: its
  foreign keys and non-unique indexes are dropped inside the load's transaction and built once
  after it (``_keys_drop`` / ``_keys_restore``, as pg_restore does), instead of one index entry and
  one deferred foreign-key check per row. Nobody sees the tables without them (the transaction holds
  them locked), a failed load rolls the drop back, and the foreign keys are validated over every
  row when they are added back. Into tables that already hold rows the load keeps them up row by
  row (slower, same rows).

The report's seconds cover the whole load: building, COPY, the derived rows, the keys, the commit
(where PostgreSQL runs deferred foreign-key checks) and the ANALYZE after it.

What the rows respect: every CheckConstraint of the tables written (kinds, vocabularies,
a household's area and micro-grid, the derived ``compound`` and ``request_microgrid``
of every place, as ``org.services.node_create`` keeps them); ``staff_told_at`` is set
(the worker does not tell staff about history); a clock that would have run out
before "now" without being met carries ``breached_at`` (the sweep already saw it), so a
fresh city has nothing due. Ledger rows are NOT copied: the ledger's hash chain and
its balance triggers need each leg's predecessor, so they are posted through
``ledger.services.ledger_post`` (a few per compound; far slower per row, counted apart).
Clocks count wall-clock minutes (no working days or service hours).
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from linli.cases.models import Case, Category, PolicyClock, TimeLimitPolicy
from linli.org.models import Node

# Seed 002: of 82 classified requests, 55 green, 15 yellow, 12 red; grey added at 3.
COLOURS = (("green", 55), ("yellow", 15), ("red", 12), ("grey", 3))
RATINGS = (("satisfied", 80), ("basically", 15), ("unsatisfied", 5))
SOURCES = (("qr", 50), ("snapshot", 15), ("phone", 10), ("visit", 10), ("hotline", 10), ("open311", 5))
# How long each step takes, in minutes (low, high), drawn uniformly.
STEP_MINUTES = {"accept": (1, 9), "arrive": (5, 25), "plan": (5, 40), "visit": (600, 4000), "close": (10, 1440)}
FINISH_MINUTES = {"green": (120, 5000), "yellow": (2000, 50000), "red": (10000, 280000), "grey": (200000, 800000)}
# The share of requests whose work is late (finish after its clock), per colour.
LATE = {"green": 0.08, "yellow": 0.1, "red": 0.15, "grey": 0.0}


@dataclass
class Sizes:
    streets: int = 4
    communities_per_street: int = 5
    grids_per_community: int = 2
    microgrids_per_grid: int = 3
    compounds: int = 2000
    buildings_per_compound: int = 3
    units_per_building: int = 2
    households_per_unit: int = 4
    requests: int = 100_000
    years: int = 3
    ledger_compounds: int = 20
    ledger_transfers_per_compound: int = 5


# Counted apart from the bulk rows per minute: the ledger's posts (one by one) and the roll-ups.
NOT_BULK = ("ledger", "rollups")


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    # The tables that were empty: their indexes and foreign keys were built after the load.
    keys_built_after: list[str] = field(default_factory=list)

    @property
    def copied_rows(self) -> int:
        return sum(v for k, v in self.rows.items() if not k.startswith(NOT_BULK))

    @property
    def copied_seconds(self) -> float:
        return sum(v for k, v in self.seconds.items() if not k.startswith(NOT_BULK))

    def as_dict(self) -> dict[str, Any]:
        per_minute = self.copied_rows / self.copied_seconds * 60 if self.copied_seconds else 0.0
        return {"database": connection.vendor, "rows": self.rows,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "bulk_rows": self.copied_rows, "bulk_seconds": round(self.copied_seconds, 3),
                "bulk_rows_per_minute": round(per_minute), "keys_built_after": self.keys_built_after}


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]):
    names = [n for n, _w in table]
    cum = list(itertools.accumulate(w for _n, w in table))
    total, rand = cum[-1], rng.random
    return lambda: names[bisect.bisect(cum, rand() * total)]


class Writer:
    """Bulk rows into one model's table: the given columns, the others at their model default."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        self.table = model._meta.db_table
        self.fields = fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = list(columns)
        now = timezone.now()
        rest = []
        for name, f in fields.items():
            if name in columns or (f.primary_key and name not in columns):
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            else:
                value = f.get_default()
            rest.append((name, value))
        self.columns += [n for n, _v in rest]
        self.rest = tuple(v for _n, v in rest)
        self.vendor = connection.vendor
        self.count = 0

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        rest = self.rest
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                raw = cur.cursor  # the psycopg cursor under Django's wrapper
                json_at = [i for i, f in enumerate(self.columns) if isinstance(self.fields[f], models.JSONField)]
                with raw.copy(f"COPY {connection.ops.quote_name(self.table)} ({cols}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        full = row + rest
                        if json_at:
                            full = tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(full))
                        write(full)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {connection.ops.quote_name(self.table)} ({cols}) VALUES ({marks})",
                                [tuple(_sqlite(v) for v in row + rest) for row in rows])
        self.count += len(rows)


def _sqlite(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _next_ids(model: type[models.Model], n: int) -> int:
    """Reserve ``n`` ids of ``model`` (returns the first) and move its sequence past them."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            first = cur.fetchone()[0] + 1
            cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + n - 1])
        else:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            first = cur.fetchone()[0] + 1
    return first


class City:
    def __init__(self, *, seed: int, sizes: Sizes, now: dt.datetime | None = None, prefix: str | None = None):
        self.seed, self.sizes = seed, sizes
        self.rng = random.Random(seed)
        self.now = now or dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
        self.prefix = prefix or f"G{seed}"
        self.report = Report()
        self.node_id = 0
        self.district_id = 0
        self.street_ids: list[int] = []
        self.compound_ids: list[int] = []
        # (place id, compound id, micro-grid id): where requests are reported.
        self.places: list[tuple[int, int, int]] = []

    # --- places ---------------------------------------------------------
    def places_write(self) -> None:
        """The tree, in one transaction (the ids are reserved under a table lock)."""
        with transaction.atomic():
            self._places_write()

    def requests_write(self) -> None:
        """``sizes.requests`` requests with their clocks and history, in one transaction."""
        with transaction.atomic():
            self._requests_write()

    def _node_count(self) -> int:
        s = self.sizes
        communities = s.streets * s.communities_per_street
        microgrids = communities * s.grids_per_community * s.microgrids_per_grid
        units = s.compounds * s.buildings_per_compound * s.units_per_building
        return (1 + s.streets + communities + communities * s.grids_per_community + microgrids + s.compounds
                + s.compounds * s.buildings_per_compound + units + units * s.households_per_unit)

    def _places_write(self) -> None:
        s, rng, p = self.sizes, self.rng, self.prefix
        started = time.perf_counter()
        writer = Writer(Node, ["id", "kind", "code", "name", "parent_id", "path", "property_mode", "area_m2",
                               "microgrid_id", "compound_id", "request_microgrid_id", "created_at"])
        next_id = _next_ids(Node, self._node_count())
        created = self.now - dt.timedelta(days=365 * s.years + 30)
        rows: list[tuple] = []

        def add(kind, code, name, parent, parent_path, *, mode="", area=None, mg=None, compound=None, rmg=None):
            nonlocal next_id
            nid = next_id
            next_id += 1
            path = f"{parent_path}{nid}/"
            if kind == "compound":
                compound = nid
            if kind == "microgrid":
                rmg = nid
            rows.append((nid, kind, code, name, parent, path, mode, area, mg, compound, rmg, created))
            if len(rows) >= 5000:
                writer.write(rows)
                rows.clear()
            return nid, path

        self.district_id, dpath = add("district", f"{p}-D", "生成区", None, "/")
        compounds_per_community = [0] * (s.streets * s.communities_per_street)
        for i in range(s.compounds):
            compounds_per_community[i % len(compounds_per_community)] += 1
        c_index = 0
        x_index = 0
        for si in range(s.streets):
            sid, spath = add("street", f"{p}-S{si}", f"生成街道{si + 1}", self.district_id, dpath)
            self.street_ids.append(sid)
            for _ci in range(s.communities_per_street):
                cid, cpath = add("community", f"{p}-C{c_index}", f"生成社区{c_index + 1}", sid, spath)
                microgrids = []
                for gi in range(s.grids_per_community):
                    gid, gpath = add("grid", f"{p}-C{c_index}-G{gi}", f"第{gi + 1}网格", cid, cpath)
                    for mi in range(s.microgrids_per_grid):
                        mid, _mpath = add("microgrid", f"{p}-C{c_index}-G{gi}-M{mi}", f"第{mi + 1}微网格", gid, gpath)
                        microgrids.append(mid)
                for _xi in range(compounds_per_community[c_index]):
                    xid, xpath = add("compound", f"{p}-X{x_index}", f"生成小区{x_index + 1}", cid, cpath,
                                     mode=rng.choice(["professional", "professional", "self", "trusteeship"]))
                    self.compound_ids.append(xid)
                    for bi in range(s.buildings_per_compound):
                        # Every household of a building in one micro-grid: the building's and its
                        # units' request micro-grid is that one (as request_microgrids_refresh finds).
                        mg = rng.choice(microgrids)
                        bid, bpath = add("building", f"{p}-X{x_index}-B{bi}", f"{bi + 1}栋", xid, xpath,
                                         compound=xid, rmg=mg)
                        for ui in range(s.units_per_building):
                            uid, upath = add("unit", f"{p}-X{x_index}-B{bi}-U{ui}", f"{ui + 1}单元", bid, bpath,
                                             compound=xid, rmg=mg)
                            self.places.append((uid, xid, mg))
                            for hi in range(s.households_per_unit):
                                hid, _h = add("household", f"{p}-X{x_index}-B{bi}-U{ui}-H{hi}",
                                              f"{(hi // 2) + 1}{(hi % 2) + 1:02d}", uid, upath,
                                              area=Decimal(rng.randint(6000, 14000)) / 100, mg=mg, compound=xid,
                                              rmg=mg)
                                self.places.append((hid, xid, mg))
                    x_index += 1
                c_index += 1
        writer.write(rows)
        self.report.rows["places"] = writer.count
        self.report.seconds["places"] = time.perf_counter() - started

    # --- requests -------------------------------------------------------
    def _requests_write(self) -> None:
        """The requests by COPY (built in Python: every random draw is here); their clocks and history
        by INSERT … SELECT from the requests (every fact of a clock or a history row follows from the
        request's times, its colour and the policy)."""
        s, rng, now = self.sizes, self.rng, self.now
        started = time.perf_counter()
        policy = TimeLimitPolicy.objects.get(is_default=True)
        minutes = {(c.clock, c.colour): c.minutes for c in PolicyClock.objects.filter(policy=policy)}
        categories = list(Category.objects.filter(active=True, kind="problem").order_by("id")
                          .values_list("id", flat=True))
        colour_of, rating_of, source_of = _weighted(rng, COLOURS), _weighted(rng, RATINGS), _weighted(rng, SOURCES)
        cases = Writer(Case, ["id", "tracking_code", "node_id", "compound_id", "microgrid_id", "category_id",
                              "description", "source", "status", "colour", "policy_id", "received_at",
                              "accepted_at", "on_site_at", "planned_at", "done_at", "visited_at", "closed_at",
                              "rating", "staff_told_at", "updated_at"])
        first_id = _next_ids(Case, s.requests)
        span = 365 * 24 * 60 * s.years
        # Per colour: the finish time's range when on time and when late, in minutes after the plan.
        finish = {}
        for colour, (low, high) in FINISH_MINUTES.items():
            if colour == "grey":
                finish[colour] = ((low, high), (low, high))
            else:
                due = minutes[("finish", colour)]
                finish[colour] = ((low, min(high, due - 1)), (due + 60, due * 2))
        places, n_places = self.places, len(self.places)
        rand, randint, choice = rng.random, rng.randint, rng.choice
        td, seed_tag, pk = dt.timedelta, f"G{self.seed % 100:02d}", policy.pk
        accept_m, arrive_m, plan_m = STEP_MINUTES["accept"], STEP_MINUTES["arrive"], STEP_MINUTES["plan"]
        visit_m, close_m = STEP_MINUTES["visit"], STEP_MINUTES["close"]
        rows: list[tuple] = []
        for cid in range(first_id, first_id + s.requests):
            place, compound, microgrid = places[int(rand() * n_places)]
            # Times in minutes before "now" (more requests lately: the age is skewed towards now).
            t0 = int(span * rand() ** 1.5) + 1
            colour = colour_of()
            t1 = t0 - randint(*accept_m)
            t2 = t1 - randint(*arrive_m)
            t3 = t2 - randint(*plan_m)
            on_time, late = finish[colour]
            t_end = t3 - randint(*(late if rand() < LATE[colour] else on_time))
            t4: int | None
            t5: int | None
            if colour == "grey":  # declared unsolvable at the end of the work: closed then
                t4 = t5 = None
                t7 = t_end
            else:
                t4 = t_end
                t5 = t4 - randint(*visit_m)
                t7 = t5 - randint(*close_m)
            received = now - td(minutes=t0)
            accepted = now - td(minutes=t1) if t1 >= 0 else None
            on_site = now - td(minutes=t2) if t2 >= 0 else None
            planned = now - td(minutes=t3) if t3 >= 0 else None
            done = now - td(minutes=t4) if t4 is not None and t4 >= 0 else None
            visited = now - td(minutes=t5) if t5 is not None and t5 >= 0 else None
            closed = now - td(minutes=t7) if t7 >= 0 else None
            if closed is not None:
                status, last = ("unsolvable" if colour == "grey" else "closed"), closed
            elif visited is not None:
                status, last = "visited", visited
            elif done is not None:
                status, last = "done", done
            elif planned is not None:
                status, last = "planned", planned
            elif on_site is not None:
                status, last = "on_site", on_site
            elif accepted is not None:
                status, last = "accepted", accepted
            else:
                status, last = "received", received
            rating = rating_of() if visited is not None else ""
            rows.append((cid, f"{seed_tag}{cid:010d}"[-12:], place, compound, microgrid, choice(categories),
                         "生成的诉求", source_of(), status, colour if planned is not None else "", pk, received,
                         accepted, on_site, planned, done, visited, closed, rating, received, last))
            if len(rows) >= 5000:
                cases.write(rows)
                rows = []
        cases.write(rows)
        self.report.rows["requests"] = cases.count
        self.report.seconds["requests"] = time.perf_counter() - started
        # In slices of requests: each statement stays short (the statement timeout) and sorts little.
        for name, derive in (("deadlines", lambda a, b: _deadlines_derive(a, b, now, minutes)), ("events", _events_derive)):
            started = time.perf_counter()
            self.report.rows[name] = sum(derive(a, min(a + DERIVE_SLICE, first_id + s.requests) - 1)
                                         for a in range(first_id, first_id + s.requests, DERIVE_SLICE))
            self.report.seconds[name] = time.perf_counter() - started

    # --- ledger ---------------------------------------------------------
    def ledger_write(self) -> None:
        """A maintenance fund per compound (the first ``ledger_compounds``), filled by residents'
        payments and drawn on for repairs, each a ``ledger_post`` (the hash chain needs it)."""
        from linli.ledger import services as ledger
        from linli.ledger.models import Leg, Transaction

        s, rng = self.sizes, self.rng
        started = time.perf_counter()
        tx_before, legs_before = Transaction.objects.count(), Leg.objects.count()
        nodes = {n.pk: n for n in Node.objects.filter(pk__in=self.compound_ids[: s.ledger_compounds])}
        for xid in self.compound_ids[: s.ledger_compounds]:
            node = nodes[xid]
            fund = ledger.account_open(code=f"{node.code}-fund", name=f"{node.name}维修资金", kind="liability", node=node,
                                       asset="CNY", no_negative=True, is_public=True)
            payers = ledger.account_open(code=f"{node.code}-payers", name=f"{node.name}业主缴费", kind="asset",
                                         node=node, asset="CNY")
            works = ledger.account_open(code=f"{node.code}-works", name=f"{node.name}维修支出", kind="expense",
                                        node=node, asset="CNY")
            for k in range(s.ledger_transfers_per_compound):
                amount = rng.randint(1000, 500000)
                ledger.ledger_post(legs=[(payers, -amount), (fund, amount)], idempotency_key=f"{node.code}-in-{k}",
                                   memo="业主缴费")
                spend = rng.randint(100, amount)
                ledger.ledger_post(legs=[(fund, -spend), (works, spend)], idempotency_key=f"{node.code}-out-{k}",
                                   memo="维修支出")
        self.report.rows["ledger_transactions"] = Transaction.objects.count() - tx_before
        self.report.rows["ledger_legs"] = Leg.objects.count() - legs_before
        self.report.seconds["ledger"] = time.perf_counter() - started



# --- clocks and history, derived from the requests in SQL ---------------------------------
# One history row per step a request went through: (order, action, time, from status, to status, data).
# The time is NULL for a step not (yet) taken; a grey request is declared unsolvable instead of finished.
_EVENT_STEPS = (
    (1, "'create'", "c.received_at", "''", "'received'", False),
    (2, "'accept'", "c.accepted_at", "'received'", "'accepted'", False),
    (3, "'arrive'", "c.on_site_at", "'accepted'", "'on_site'", False),
    (4, "'plan'", "c.planned_at", "'on_site'", "'planned'", False),
    (5, "'finish'", "c.done_at", "'planned'", "'done'", False),
    (6, "'declare_unsolvable'", "CASE WHEN c.status = 'unsolvable' THEN c.closed_at END", "'planned'",
     "'unsolvable'", False),
    (7, "'visit'", "c.visited_at", "'done'", "'visited'", True),
    (8, "'close'", "CASE WHEN c.status = 'closed' THEN c.closed_at END", "'visited'", "'closed'", False),
)
DERIVE_SLICE = 20_000  # requests per INSERT … SELECT
# Four clocks a request: (order, clock, colour, started, met). The finish clock runs from the plan for
# the request's colour (none for grey, whose work is open-ended).
_CLOCK_STEPS = (
    (1, "respond", "''", "c.received_at", "c.accepted_at"),
    (2, "on_site", "''", "c.received_at", "c.on_site_at"),
    (3, "plan", "''", "c.received_at", "c.planned_at"),
    (4, "finish", "c.colour", "CASE WHEN c.colour NOT IN ('', 'grey') THEN c.planned_at END", "c.done_at"),
)


def _steps_sql(steps: list[tuple[str, ...]], names: tuple[str, ...], first: int, last: int) -> str:
    """``(request columns…, step columns…)`` rows: a LATERAL VALUES list on PostgreSQL (one scan of the
    requests, already in id order), a UNION ALL of one SELECT per step on SQLite."""
    where = f"c.id BETWEEN {int(first)} AND {int(last)}"
    if connection.vendor == "postgresql":
        values = ",\n".join("(" + ", ".join(step) + ")" for step in steps)
        return (f"SELECT c.id AS case_id, c.policy_id, c.status, s.* FROM cases_case c CROSS JOIN LATERAL "
                f"(VALUES {values}) AS s({', '.join(names)}) WHERE {where}")
    return "\nUNION ALL\n".join(
        "SELECT c.id AS case_id, c.policy_id, c.status, " + ", ".join(f"{v} AS {n}" for v, n in zip(step, names, strict=True))
        + f" FROM cases_case c WHERE {where}" for step in steps)


def _deadlines_derive(first: int, last: int, now: dt.datetime, minutes: dict[tuple[str, str], int]) -> int:
    """The clocks of requests ``first``…``last`` (all under the policy of ``minutes``): due = start +
    the policy's minutes for the clock and colour; met when the step was taken; breached (at its due
    time) when it ran out before "now" unmet or was met late; a final request keeps no unmet clock."""
    pg = connection.vendor == "postgresql"
    due = "k.started_at + k.minutes * interval '1 minute'" if pg else \
        "datetime(k.started_at, '+' || k.minutes || ' minutes')"
    finish = "CASE c.colour " + " ".join(f"WHEN '{colour}' THEN {int(m)}" for (clock, colour), m in
                                         sorted(minutes.items()) if clock == "finish" and colour) + " END"
    steps = _steps_sql([(str(n), f"'{clock}'", colour, start, met,
                         finish if clock == "finish" else str(int(minutes[(clock, "")])))
                        for n, clock, colour, start, met in _CLOCK_STEPS],
                       ("n", "clock", "colour", "started_at", "met_at", "minutes"), first, last)
    sql = f"""
        INSERT INTO cases_deadline (case_id, clock, started_at, due_at, met_at, breached_at, cancelled_at,
                                    working_time, reason, colour)
        SELECT case_id, clock, started_at, due_at, met_at,
               CASE WHEN (met_at IS NULL OR met_at > due_at) AND due_at <= %s THEN due_at END,
               NULL, {"FALSE" if pg else "0"}, '', colour
        FROM (SELECT k.case_id, k.n, k.clock, k.colour, k.started_at, {due} AS due_at, k.met_at
              FROM ({steps}) k
              WHERE k.started_at IS NOT NULL
                AND NOT (k.met_at IS NULL AND k.status IN ('closed', 'unsolvable'))) d
        ORDER BY case_id, n"""
    with connection.cursor() as cur:
        cur.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
        return cur.rowcount


def _events_derive(first: int, last: int) -> int:
    """One history row per step of requests ``first``…``last``, in step order (ids follow it); the
    return visit carries its rating."""
    pg = connection.vendor == "postgresql"
    empty = "'{}'::jsonb" if pg else "'{}'"
    rating = "jsonb_build_object('rating', c.rating)" if pg else "json_object('rating', c.rating)"
    steps = _steps_sql([(str(n), action, at, frm, to, rating if rated else empty)
                        for n, action, at, frm, to, rated in _EVENT_STEPS],
                       ("n", "action", "at", "from_status", "to_status", "data"), first, last)
    sql = f"""
        INSERT INTO cases_caseevent (case_id, action, actor_id, at, from_status, to_status, note, data, public)
        SELECT case_id, action, NULL, at, from_status, to_status, '', data, {"TRUE" if pg else "1"}
        FROM ({steps}) s WHERE at IS NOT NULL ORDER BY case_id, n"""
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount


# --- a load the generator owns: indexes and foreign keys built once after it -------------------
BULK_TABLES = ("org_node", "cases_case", "cases_deadline", "cases_caseevent")


def _owned_tables() -> list[str]:
    """The tables the generator fills that hold no row yet (PostgreSQL only): the load is all theirs."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(f"SELECT '{t}' WHERE NOT EXISTS (SELECT 1 FROM {t})" for t in BULK_TABLES))
        return [row[0] for row in cur.fetchall()]


def _keys_drop(tables: list[str]) -> list[str]:
    """Drop the foreign keys and the non-unique indexes of ``tables`` (their rows then go in without a
    trigger or an index entry each); returns the statements that put them back. In the load's
    transaction: nobody sees the tables without them, and a failed load rolls the drop back."""
    if not tables:
        return []
    restore: list[str] = []
    with connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        cur.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                       WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
                         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                       ORDER BY 1""", [tables])
        indexes = cur.fetchall()
        cur.execute("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                       WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2""", [tables])
        foreign = cur.fetchall()
        for table, name, definition in foreign:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            cur.execute(f"DROP INDEX {name}")
            restore.insert(0, definition)  # indexes first: the foreign keys' checks may use them
    return restore


def _keys_restore(statements: list[str]) -> None:
    if not statements:
        return
    with connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in statements:
            cur.execute(sql)


def generate(*, seed: int = 1, sizes: Sizes | None = None, now: dt.datetime | None = None,
             prefix: str | None = None) -> City:
    """Write a city; returns it (its ids and its ``report``). Its places, requests, clocks and history
    are one transaction; the report's seconds include its commit (where PostgreSQL runs the deferred
    foreign-key checks) and the ANALYZE after it."""
    city = City(seed=seed, sizes=sizes or Sizes(), now=now, prefix=prefix)
    if Node.objects.filter(code=f"{city.prefix}-D").exists():
        raise ValueError(f"a city with prefix {city.prefix} is already there")
    with transaction.atomic():
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            # An index or a foreign key built over millions of rows outlasts the web's statement timeout.
            with connection.cursor() as cur:
                cur.execute("SET LOCAL statement_timeout = 0")
        # An empty table is the generator's alone: its foreign keys and indexes are built after the load.
        city.report.keys_built_after = _owned_tables()
        restore = _keys_drop(city.report.keys_built_after)
        dropped = time.perf_counter() - started
        city.places_write()
        city.requests_write()
        started = time.perf_counter()
        _keys_restore(restore)
        city.report.seconds["keys"] = dropped + time.perf_counter() - started
        committing = time.perf_counter()
    city.report.seconds["commit"] = time.perf_counter() - committing
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("ANALYZE org_node; ANALYZE cases_case; ANALYZE cases_deadline; ANALYZE cases_caseevent")
        city.report.seconds["analyze"] = time.perf_counter() - started
    city.ledger_write()
    # The boards' roll-ups of everything written past the services (issue 15 item 2): rebuilt in bulk
    # once every request, clock and history row is committed; kept out of the rows-per-minute figure.
    from linli.cases import rollups

    started = time.perf_counter()
    rollups.rebuild()
    city.report.seconds["rollups"] = time.perf_counter() - started
    return city
