"""The generated city (``linli generate-city``, issue 15): rows the real code accepts, the same
city for the same seed, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from linli.cases import stats
from linli.cases.citygen import BULK_TABLES, Sizes, _owned_tables, generate
from linli.cases.deadline_sweep import sweep
from linli.cases.models import Case, CaseEvent, Deadline, PolicyClock
from linli.ledger.models import Account
from linli.ledger.selectors import verify_all
from linli.org import services as org
from linli.org.models import Node

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
SMALL = dict(streets=2, communities_per_street=2, grids_per_community=1, microgrids_per_grid=2, compounds=6,
             buildings_per_compound=2, units_per_building=2, households_per_unit=2, requests=300, years=2,
             ledger_compounds=2, ledger_transfers_per_compound=2)


def test_the_city_has_the_places_the_services_would_have_made(db):
    city = generate(seed=3, prefix="T3", sizes=Sizes(**SMALL), now=NOW)
    nodes = {n.pk: n for n in Node.objects.filter(code__startswith="T3-")}
    kinds = [n.kind for n in nodes.values()]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "district": 1, "street": 2, "community": 4, "grid": 4, "microgrid": 8, "compound": 6, "building": 12,
        "unit": 24, "household": 48}
    assert city.report.rows["places"] == 109
    for node in nodes.values():
        parent = nodes[node.parent_id] if node.parent_id is not None else None
        assert node.path == f"{parent.path if parent else '/'}{node.pk}/"
        expected_compound = node.pk if node.kind == "compound" else (parent.compound_id if parent else None)
        assert node.compound_id == expected_compound
        if node.kind == "household":
            assert node.area_m2 is not None and node.area_m2 > 0 and node.microgrid_id is not None
            assert nodes[node.microgrid_id].kind == "microgrid"
    # What node_create would derive for a unit and its building: nothing to change.
    household = next(n for n in nodes.values() if n.kind == "household")
    unit, building = nodes[household.parent_id], nodes[nodes[household.parent_id].parent_id]
    org.request_microgrids_refresh(node=household)
    assert Node.objects.get(pk=unit.pk).request_microgrid_id == unit.request_microgrid_id == household.microgrid_id
    assert Node.objects.get(pk=building.pk).request_microgrid_id == household.microgrid_id


def test_the_requests_are_consistent_and_the_boards_and_the_sweep_take_them(db):
    generate(seed=4, prefix="T4", sizes=Sizes(**SMALL), now=NOW)
    cases = list(Case.objects.filter(node__code__startswith="T4-").select_related("node"))
    assert len(cases) == 300
    for c in cases:
        assert c.compound_id == c.node.compound_id and c.microgrid_id == c.node.request_microgrid_id
        assert c.received_at <= NOW and c.staff_told_at is not None
        steps = [c.received_at, c.accepted_at, c.on_site_at, c.planned_at, c.done_at, c.visited_at]
        present = [t for t in steps if t is not None]
        assert present == sorted(present) and steps[: len(present)] == present
        assert (c.colour != "") == (c.planned_at is not None)
        assert (c.rating != "") == (c.visited_at is not None)
        assert c.status in {"received", "accepted", "on_site", "planned", "done", "visited", "closed", "unsolvable"}
    colours = [c.colour for c in cases if c.colour]
    assert colours.count("green") > colours.count("yellow") > 0 and colours.count("red") > 0
    assert CaseEvent.objects.filter(case__in=cases, action="create").count() == 300
    # Nothing is left due: the sweep of a fresh city breaches nothing.
    assert Deadline.objects.filter(case__in=cases, met_at=None, breached_at=None, due_at__lte=NOW).count() == 0
    assert sweep(now=NOW) == 0
    district = Node.objects.get(code="T4-D")
    figures = stats.board_figures(node=district, now=NOW)
    assert figures["total"] == 300
    assert sum(figures["counts_by_colour"].values()) == 300
    assert Client().get(f"/boards/{district.code}/").status_code == 200
    assert Client().get(f"/t/{cases[0].tracking_code}").status_code == 200


def test_the_ledger_rows_are_posted_through_the_ledger_and_verify(db):
    city = generate(seed=6, prefix="T6", sizes=Sizes(**SMALL), now=NOW)
    assert city.report.rows["ledger_transactions"] == 2 * 2 * 2
    fund = Account.objects.get(code="T6-X0-fund")
    assert fund.balance >= 0 and fund.seq == 4
    assert verify_all() == []


def test_the_same_seed_makes_the_same_city(db):
    def shape(prefix):
        return [(c.status, c.colour, c.received_at, c.done_at, c.rating, c.source, c.node.code.split("-", 1)[1])
                for c in Case.objects.filter(node__code__startswith=f"{prefix}-").select_related("node").order_by("id")]

    generate(seed=8, prefix="A8", sizes=Sizes(**SMALL), now=NOW)
    generate(seed=8, prefix="B8", sizes=Sizes(**SMALL), now=NOW)
    generate(seed=9, prefix="C9", sizes=Sizes(**SMALL), now=NOW)
    assert shape("A8") == shape("B8")
    assert shape("A8") != shape("C9")


def test_a_second_city_with_the_same_prefix_is_refused(db):
    generate(seed=2, prefix="T2", sizes=Sizes(**{**SMALL, "requests": 5}), now=NOW)
    before = Case.objects.count()
    with pytest.raises(ValueError, match="T2"):
        generate(seed=2, prefix="T2", sizes=Sizes(**{**SMALL, "requests": 5}), now=NOW)
    assert Case.objects.count() == before


def test_the_command_prints_what_it_wrote(db):
    out = StringIO()
    call_command("generate_city", "--seed", "11", "--streets", "1", "--communities-per-street", "1", "--compounds",
                 "2", "--requests", "40", "--ledger-compounds", "1", "--ledger-transfers-per-compound", "1",
                 stdout=out)
    report = json.loads(out.getvalue())
    assert report["rows"]["requests"] == 40
    assert report["rows"]["ledger_transactions"] == 2
    assert report["bulk_rows"] == sum(v for k, v in report["rows"].items() if not k.startswith("ledger"))
    assert Case.objects.filter(node__code__startswith="G11-").count() == 40


# --- determinism, the mix, the app's own invariants (issue 15 item 1) --------------------------
MIX = dict(SMALL, compounds=12, requests=3000, years=3)


def _checksum(prefix: str, every: int = 7) -> tuple[dict[str, int], str]:
    """Counts of a city's rows and a hash of every ``every``-th request with its clocks and history,
    written without ids (places by code, requests by their rank in the city)."""
    cases = list(Case.objects.filter(node__code__startswith=f"{prefix}-").order_by("id")
                 .values_list("id", "node__code", "category__code", "source", "status", "colour", "received_at",
                              "accepted_at", "on_site_at", "planned_at", "done_at", "visited_at", "closed_at",
                              "rating", "updated_at"))
    rank = {row[0]: i for i, row in enumerate(cases)}
    sample = {row[0] for row in cases[::every]}
    deadlines = list(Deadline.objects.filter(case__node__code__startswith=f"{prefix}-").order_by("id")
                     .values_list("case_id", "clock", "colour", "started_at", "due_at", "met_at", "breached_at",
                                  "cancelled_at"))
    events = list(CaseEvent.objects.filter(case__node__code__startswith=f"{prefix}-").order_by("id")
                  .values_list("case_id", "action", "at", "from_status", "to_status", "data"))
    text = repr([(rank[r[0]], r[1].split("-", 1)[1], *r[2:]) for r in cases if r[0] in sample]
                + [(rank[r[0]], *r[1:]) for r in deadlines if r[0] in sample]
                + [(rank[r[0]], *r[1:]) for r in events if r[0] in sample])
    counts = {"places": Node.objects.filter(code__startswith=f"{prefix}-").count(), "requests": len(cases),
              "deadlines": len(deadlines), "events": len(events)}
    return counts, hashlib.sha256(text.encode()).hexdigest()


def _schema() -> tuple[set, set]:
    """PostgreSQL: the indexes and foreign keys of the tables the generator fills."""
    with connection.cursor() as cur:
        cur.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                    "WHERE indrelid::regclass::text = ANY(%s)", [list(BULK_TABLES)])
        indexes = set(cur.fetchall())
        cur.execute("SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                    "WHERE conrelid::regclass::text = ANY(%s)", [list(BULK_TABLES)])
        return indexes, set(cur.fetchall())


def test_the_same_seed_gives_the_same_counts_and_checksum_twice(empty_state, db):
    schema = _schema() if connection.vendor == "postgresql" else None
    # On PostgreSQL the first city fills empty tables (indexes and keys built after the load), the
    # second goes into full ones (kept up row by row): the same rows either way.
    first = generate(seed=21, prefix="A21", sizes=Sizes(**MIX), now=NOW)
    if schema is not None:
        assert _owned_tables() == []
        assert _schema() == schema  # every index and foreign key back, and validated
    second = generate(seed=21, prefix="B21", sizes=Sizes(**MIX), now=NOW)
    generate(seed=22, prefix="C22", sizes=Sizes(**MIX), now=NOW)
    assert first.report.rows == second.report.rows
    a, b, c = _checksum("A21"), _checksum("B21"), _checksum("C22")
    assert a == b
    assert a[0]["requests"] == c[0]["requests"] == 3000 and a[1] != c[1]
    assert a[0]["deadlines"] == first.report.rows["deadlines"] and a[0]["events"] == first.report.rows["events"]


def test_the_mix_of_colours_statuses_ratings_and_sources(db):
    generate(seed=2, prefix="M2", sizes=Sizes(**MIX), now=NOW)
    cases = Case.objects.filter(node__code__startswith="M2-")

    def shares(field, qs=cases):
        values = list(qs.values_list(field, flat=True))
        return {v: values.count(v) / len(values) for v in set(values)}

    # Seed 002: 55 green, 15 yellow, 12 red of 82 classified, grey added at 3 (of 85).
    colours = shares("colour", cases.exclude(colour=""))
    for colour, weight, slack in (("green", 55.0, 0.04), ("yellow", 15.0, 0.03), ("red", 12.0, 0.03), ("grey", 3.0, 0.015)):
        assert abs(colours[colour] - weight / 85) < slack, (colour, colours)
    ratings = shares("rating", cases.exclude(rating=""))
    for rating, weight, slack in (("satisfied", 0.80, 0.04), ("basically", 0.15, 0.035), ("unsatisfied", 0.05, 0.02)):
        assert abs(ratings[rating] - weight) < slack, (rating, ratings)
    assert abs(shares("source")["qr"] - 0.5) < 0.04
    # Statuses follow the age: most requests are long closed, the recent ones are still being worked on.
    statuses = shares("status")
    assert 0.75 < statuses["closed"] < 0.97 and statuses.get("unsolvable", 0) > 0
    open_recent = cases.filter(received_at__gte=NOW - dt.timedelta(days=3)).exclude(status="closed").count()
    assert open_recent > 0
    assert cases.filter(received_at__lt=NOW - dt.timedelta(days=365), status__in=["received", "accepted"]).count() == 0
    # Timing: some finish clocks were met late (breached), most on time.
    finish = Deadline.objects.filter(case__in=cases, clock="finish", colour="green").exclude(met_at=None)
    late = finish.exclude(breached_at=None).count() / finish.count()
    assert 0.04 < late < 0.13


def test_the_generated_data_passes_the_apps_invariants(db):
    generate(seed=5, prefix="I5", sizes=Sizes(**{**MIX, "requests": 1500}), now=NOW)
    assert verify_all() == []  # the ledger's own check: hash chains, balances
    minutes = {(c.clock, c.colour): c.minutes for c in PolicyClock.objects.filter(policy__is_default=True)}
    cases = {c.pk: c for c in Case.objects.filter(node__code__startswith="I5-")}
    step_of = {"respond": "accepted_at", "on_site": "on_site_at", "plan": "planned_at", "finish": "done_at"}
    clocks: dict[int, list[str]] = {pk: [] for pk in cases}
    for d in Deadline.objects.filter(case__in=cases.keys()):
        case = cases[d.case_id]
        clocks[d.case_id].append(d.clock)
        assert d.due_at == d.started_at + dt.timedelta(minutes=minutes[(d.clock, d.colour)])
        assert d.started_at == (case.planned_at if d.clock == "finish" else case.received_at)
        assert d.colour == (case.colour if d.clock == "finish" else "")
        assert d.met_at == getattr(case, step_of[d.clock])
        late = (d.met_at is None or d.met_at > d.due_at) and d.due_at <= NOW
        assert d.breached_at == (d.due_at if late else None), d
        assert d.cancelled_at is None
        assert d.met_at is not None or case.status not in ("closed", "unsolvable")
    for pk, case in cases.items():
        expected = ["respond", "on_site", "plan"]
        if case.status in ("closed", "unsolvable"):
            expected = [c for c in expected if getattr(case, step_of[c]) is not None]
        if case.planned_at is not None and case.colour != "grey":
            expected.append("finish")
        assert sorted(clocks[pk]) == sorted(expected), (case.status, case.colour, clocks[pk])
    history: dict[int, list[CaseEvent]] = {pk: [] for pk in cases}
    for e in CaseEvent.objects.filter(case__in=cases.keys()).order_by("id"):
        history[e.case_id].append(e)
    for pk, case in cases.items():
        events = history[pk]
        assert events[0].action == "create" and events[0].at == case.received_at
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert all(a.to_status == b.from_status for a, b in zip(events, events[1:], strict=False))
        assert events[-1].to_status == case.status and events[-1].at == case.updated_at
        visits = [e for e in events if e.action == "visit"]
        assert [e.data for e in visits] == ([{"rating": case.rating}] if case.rating else [])
    # Nothing due is left for the worker, and the deadline sweep agrees.
    assert sweep(now=NOW) == 0
