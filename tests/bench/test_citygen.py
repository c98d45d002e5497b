"""The generated city (``linli generate-city``, issue 15): rows the real code accepts, the same
city for the same seed, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from linli.cases import stats
from linli.cases.citygen import Sizes, generate
from linli.cases.deadline_sweep import sweep
from linli.cases.models import Case, CaseEvent, Deadline
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
