"""A synthetic city for benchmarks (issue 15): ``linli generate-city``.

District → streets → communities → grids → micro-grids, and compounds → buildings →
units → households under the communities; then requests over several years with the
colour mix of seed 002 (55 green, 15 yellow, 12 red, plus grey), the status and
timing that follow from their age (a request received last week is more often
still open than one from last year), four clocks each (respond, on site, plan,
finish), return-visit ratings, one history row per step, and ledger entries.

Deterministic for a seed (``random.Random(seed)`` and a fixed "now" derived from the
seed unless ``now`` is given). Fast: rows are written in bulk — PostgreSQL's COPY
(psycopg ``cursor.copy``), ``executemany`` of one INSERT on SQLite — with ids chosen
up front (a place's ``path`` holds its ancestors' ids), the sequences moved past them.

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

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from linli.cases.models import Case, CaseEvent, Category, Deadline, PolicyClock, TimeLimitPolicy
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


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def copied_rows(self) -> int:
        return sum(v for k, v in self.rows.items() if not k.startswith("ledger"))

    @property
    def copied_seconds(self) -> float:
        return sum(v for k, v in self.seconds.items() if not k.startswith("ledger"))

    def as_dict(self) -> dict[str, Any]:
        per_minute = self.copied_rows / self.copied_seconds * 60 if self.copied_seconds else 0.0
        return {"database": connection.vendor, "rows": self.rows,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "bulk_rows": self.copied_rows, "bulk_seconds": round(self.copied_seconds, 3),
                "bulk_rows_per_minute": round(per_minute)}


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]):
    names = [n for n, _w in table]
    weights = [w for _n, w in table]
    return lambda: rng.choices(names, weights)[0]


class Writer:
    """Bulk rows into one model's table: the given columns, the others at their model default."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
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
        full = [r + self.rest for r in rows]
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                raw = cur.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {connection.ops.quote_name(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in full:
                        copy.write_row(tuple(json.dumps(v) if isinstance(v, dict) else v for v in row))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {connection.ops.quote_name(self.table)} ({cols}) VALUES ({marks})",
                                [tuple(_sqlite(v) for v in row) for row in full])
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
        s, rng, now = self.sizes, self.rng, self.now
        started = time.perf_counter()
        policy = TimeLimitPolicy.objects.get(is_default=True)
        minutes = {(c.clock, c.colour): c.minutes for c in PolicyClock.objects.filter(policy=policy)}
        categories = list(Category.objects.filter(active=True, kind="problem").values_list("id", flat=True))
        colour_of, rating_of, source_of = _weighted(rng, COLOURS), _weighted(rng, RATINGS), _weighted(rng, SOURCES)
        cases = Writer(Case, ["id", "tracking_code", "node_id", "compound_id", "microgrid_id", "category_id",
                              "description", "source", "status", "colour", "policy_id", "received_at",
                              "accepted_at", "on_site_at", "planned_at", "done_at", "visited_at", "closed_at",
                              "rating", "staff_told_at", "updated_at"])
        deadlines = Writer(Deadline, ["case_id", "clock", "started_at", "due_at", "met_at", "breached_at",
                                      "colour"])
        events = Writer(CaseEvent, ["case_id", "action", "at", "from_status", "to_status", "note", "data"])
        first_id = _next_ids(Case, s.requests)
        span = 365 * 24 * 60 * s.years
        c_rows: list[tuple] = []
        d_rows: list[tuple] = []
        e_rows: list[tuple] = []
        for i in range(s.requests):
            cid = first_id + i
            place, compound, microgrid = rng.choice(self.places)
            # More requests lately (a platform that grew): the age is skewed towards now.
            received = now - dt.timedelta(minutes=int(span * rng.random() ** 1.5) + 1)
            colour = colour_of()
            steps: list[tuple[str, str, dt.datetime]] = [("create", "received", received)]
            t = received
            for action, status in (("accept", "accepted"), ("arrive", "on_site"), ("plan", "planned")):
                t = t + dt.timedelta(minutes=rng.randint(*STEP_MINUTES[action]))
                steps.append((action, status, t))
            low, high = FINISH_MINUTES[colour]
            if rng.random() < LATE[colour]:
                low, high = minutes[("finish", colour)] + 60, minutes[("finish", colour)] * 2
            elif colour != "grey":
                high = min(high, minutes[("finish", colour)] - 1)
            if colour == "grey":
                steps.append(("declare_unsolvable", "unsolvable", t + dt.timedelta(minutes=rng.randint(low, high))))
            else:
                t = t + dt.timedelta(minutes=rng.randint(low, high))
                steps.append(("finish", "done", t))
                t = t + dt.timedelta(minutes=rng.randint(*STEP_MINUTES["visit"]))
                steps.append(("visit", "visited", t))
                t = t + dt.timedelta(minutes=rng.randint(*STEP_MINUTES["close"]))
                steps.append(("close", "closed", t))
            steps = [st for st in steps if st[2] <= now]
            status = steps[-1][1]
            at = {st[1]: st[2] for st in steps}
            planned = "planned" in at
            rating = rating_of() if "visited" in at else ""
            c_rows.append((cid, f"G{self.seed % 100:02d}{cid:010d}"[-12:], place, compound, microgrid,
                           rng.choice(categories), "生成的诉求", source_of(), status, colour if planned else "",
                           policy.pk, received, at.get("accepted"), at.get("on_site"), at.get("planned"),
                           at.get("done"), at.get("visited"), at.get("closed") or at.get("unsolvable"), rating,
                           received, steps[-1][2]))
            prev = ""
            for action, st, when in steps:
                e_rows.append((cid, action, when, prev, st, "", {"rating": rating} if action == "visit" else {}))
                prev = st
            clocks = [("respond", "", received, at.get("accepted")), ("on_site", "", received, at.get("on_site")),
                      ("plan", "", received, at.get("planned"))]
            if planned and colour != "grey":
                clocks.append(("finish", colour, at["planned"], at.get("done")))
            final = status in ("closed", "unsolvable")
            for clock, c_colour, start, met in clocks:
                due = start + dt.timedelta(minutes=minutes[(clock, c_colour)])
                breached = due if (met is None or met > due) and due <= now else None
                if met is None and final:
                    continue
                d_rows.append((cid, clock, start, due, met, breached, c_colour))
            if len(c_rows) >= 2000:
                cases.write(c_rows)
                deadlines.write(d_rows)
                events.write(e_rows)
                c_rows, d_rows, e_rows = [], [], []
        cases.write(c_rows)
        deadlines.write(d_rows)
        events.write(e_rows)
        self.report.rows.update(requests=cases.count, deadlines=deadlines.count, events=events.count)
        self.report.seconds["requests"] = time.perf_counter() - started

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


def generate(*, seed: int = 1, sizes: Sizes | None = None, now: dt.datetime | None = None,
             prefix: str | None = None) -> City:
    """Write a city; returns it (its ids and its ``report``)."""
    city = City(seed=seed, sizes=sizes or Sizes(), now=now, prefix=prefix)
    if Node.objects.filter(code=f"{city.prefix}-D").exists():
        raise ValueError(f"a city with prefix {city.prefix} is already there")
    with transaction.atomic():
        city.places_write()
        city.requests_write()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE org_node; ANALYZE cases_case; ANALYZE cases_deadline; ANALYZE cases_caseevent")
    city.ledger_write()
    return city
