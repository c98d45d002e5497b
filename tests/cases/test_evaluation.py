"""Evaluation of grids and micro-grid leaders (seed 004): figures against direct
counts, the ranking and its titles, and who may see the page."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.cases import stats
from linli.cases.models import Case, Deadline, Rating, ReturnVisit
from tests.cases.test_boards import NOW, _make, _walk, case_st


def _expected_microgrid(code: str) -> dict:
    cases = [c for c in Case.objects.filter(microgrid__code=code).values() if c["status"] != "merged"]
    ids = {c["id"] for c in cases}
    deadlines = [d for d in Deadline.objects.values() if d["case_id"] in ids]
    due = sum(1 for d in deadlines if d["met_at"] is not None or (
        d["due_at"] <= NOW and (d["cancelled_at"] is None or d["cancelled_at"] > d["due_at"])))
    met = sum(1 for d in deadlines if d["met_at"] is not None and d["met_at"] <= d["due_at"])
    ratings = [c["rating"] for c in cases if c["rating"]]
    return {
        "received": len(cases),
        "handled": sum(1 for c in cases if c["status"] in ("done", "visited", "closed")),
        "return_visits": sum(1 for v in ReturnVisit.objects.values("case_id") if v["case_id"] in ids),
        "on_time": {"due": due, "met_on_time": met, "rate": met / due if due else None},
        "satisfaction": {"rated": len(ratings), "satisfied": ratings.count("satisfied"),
                         "basically": ratings.count("basically"), "unsatisfied": ratings.count("unsatisfied"),
                         "rate": (ratings.count("satisfied") + ratings.count("basically")) / len(ratings)
                         if ratings else None},
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(case_st, max_size=16), min_handled=st.integers(min_value=0, max_value=3))
def test_evaluation_figures_equal_direct_counts(world, specs, min_handled):
    _make(world, specs)
    result = stats.evaluation(street=world["S1"], now=NOW, min_handled=min_handled)
    rows = {r["node"]["code"]: r for r in result["microgrids"]}
    assert set(rows) == {"C1-M1", "C1-M2", "C2-M1"}  # S2's C3-M1 is another street
    for code, row in rows.items():
        want = _expected_microgrid(code)
        assert {k: row[k] for k in want} == want, code
        rates = [r for r in (want["on_time"]["rate"], want["satisfaction"]["rate"]) if r is not None]
        assert row["score"] == (round(100 * sum(rates) / len(rates), 1) if rates else None)
    grids = {r["node"]["code"]: r for r in result["grids"]}
    assert set(grids) == {"C1-G", "C2-G"}
    for key in ("received", "handled", "return_visits"):
        assert grids["C1-G"][key] == rows["C1-M1"][key] + rows["C1-M2"][key]
        assert grids["C2-G"][key] == rows["C2-M1"][key]
    # Ranked by score (None last), then handled; ranks 1..n.
    for ranking in (result["grids"], result["microgrids"]):
        keys = [(r["score"] is None, -(r["score"] or 0), -r["handled"]) for r in ranking]
        assert keys == sorted(keys)
        assert [r["rank"] for r in ranking] == list(range(1, len(ranking) + 1))
    eligible = [r for r in result["microgrids"]
                if r["handled"] >= min_handled and r["score"] is not None and r["people"]]
    assert result["excellent_microgrid"] == (eligible[0] if eligible else None)


def test_titles_need_enough_handled_requests(world, clock, report):
    for _i in range(2):
        _walk(report(node_code="X-B1-U1"), world, clock, rating=Rating.SATISFIED)  # micro-grid C1-M1
    result = stats.evaluation(street=world["S1"], min_handled=3)
    assert result["demonstration_grid"] is None and result["excellent_microgrid"] is None
    result = stats.evaluation(street=world["S1"], min_handled=2)
    assert result["excellent_microgrid"]["node"]["code"] == "C1-M1"
    assert result["excellent_microgrid"]["people"] == ["leader_m1"]
    assert result["demonstration_grid"]["node"]["code"] == "C1-G"
    assert result["demonstration_grid"]["people"] == ["grid_c1"]
    assert result["excellent_microgrid"]["score"] == 100.0


# ---------------------------------------------------------------------------
# Who may see the page


@pytest.mark.parametrize("who, code, status", [
    ("anonymous", "S1", 302),
    ("resident", "S1", 403),
    ("property_x", "S1", 403),       # staff, but not a supervisor
    ("grid_c1", "C1", 403),
    ("community_c2", "C1", 403),     # supervisor out of scope
    ("community_c1", "S1", 403),     # a community does not see its whole street
    ("community_c1", "C1", 200),
    ("street_s1", "S1", 200),
    ("street_s1", "C2", 200),
    ("multi", "S2", 403),
    ("admin", "S2", 200),
])
def test_evaluation_page_permission_matrix(world, client, who, code, status):
    if world.person(who) is not None:
        client.force_login(world.person(who))
    response = client.get(f"/evaluation/{code}/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")
    if status == 200:
        assert "示范网格" in response.content.decode()


def test_evaluation_page_names_leaders_and_ranks(world, clock, report, client):
    for _i in range(5):
        _walk(report(node_code="X-B1-U1"), world, clock, rating=Rating.SATISFIED)
    client.force_login(world.person("street_s1"))
    page = client.get("/evaluation/S1/").content.decode()
    assert "leader_m1" in page and "grid_c1" in page
    assert '<p class="big-name">C1-G</p>' in page and '<p class="big-name">leader_m1</p>' in page


@pytest.mark.parametrize("code", ["X", "C1-G", "D1", "nope"])
def test_evaluation_only_for_streets_and_communities(world, client, code):
    client.force_login(world.person("admin"))
    assert client.get(f"/evaluation/{code}/").status_code == 404


# ---------------------------------------------------------------------------
# Issue 12: only places with a named person win; the evaluation has a period


def test_a_micro_grid_without_a_leader_cannot_be_the_excellent_micro_grid_leader(world, clock, report):
    for _i in range(2):  # C1-M2 (household X-201) has no leader, and the better score
        _walk(report(node_code="X-B2-U1"), world, clock, rating=Rating.SATISFIED)
    _walk(report(node_code="X-B1-U1"), world, clock, rating=Rating.SATISFIED)  # C1-M1, led by leader_m1
    _walk(report(node_code="X-B1-U1"), world, clock, rating=Rating.UNSATISFIED)
    result = stats.evaluation(street=world["S1"], min_handled=1)  # the unsatisfied one was reopened
    ranking = [(r["node"]["code"], r["people"]) for r in result["microgrids"]]
    assert ranking[:2] == [("C1-M2", []), ("C1-M1", ["leader_m1"])]
    assert result["excellent_microgrid"]["node"]["code"] == "C1-M1"
    assert result["excellent_microgrid"]["people"] == ["leader_m1"]


def test_the_evaluation_counts_the_chosen_period(world, clock, report, client):
    from tests.cases.conftest import local

    clock.set(local(2025, 12, 20, 10))
    _walk(report(node_code="X-B1-U1"), world, clock)      # last year
    clock.set(local(2026, 9, 10, 10))
    _walk(report(node_code="X-B1-U1"), world, clock)      # this year, last quarter
    clock.set(local(2026, 10, 12, 10))
    _walk(report(node_code="X-B1-U1"), world, clock)      # this quarter, last month
    clock.set(local(2026, 11, 2, 10))
    _walk(report(node_code="X-B1-U1"), world, clock)      # this month
    received = {p: {r["node"]["code"]: r["received"] for r in
                    stats.evaluation(street=world["S1"], period=p)["microgrids"]}["C1-M1"]
                for p in (None, "year", "quarter", "month")}
    assert received == {None: 4, "year": 3, "quarter": 2, "month": 1}

    client.force_login(world.person("street_s1"))
    page = client.get("/evaluation/S1/?period=quarter").content.decode()
    assert '<strong aria-current="page">本季度</strong>' in page and 'href="?period=month"' in page
