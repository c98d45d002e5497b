"""Board and evaluation figures (linli.cases.stats) against direct counts."""
from __future__ import annotations

import datetime as dt
import json
import statistics
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.cases import rollups, services, stats
from linli.cases.models import AssigneeKind, Case, Category, Deadline, Rating, ReturnVisit, TimeLimitPolicy, VisitMethod
from linli.org.models import Node


def _walk(case, world, clock, *, colour="green", rating=None, minutes=3):
    by = world.person("community_c1")
    services.case_accept(case=case, by=by, at=clock.advance(minutes=minutes))
    services.case_dispatch(case=case, by=by, to=AssigneeKind.COMMUNITY, at=clock.advance(minutes=1))
    services.case_arrive(case=case, by=by, at=clock.advance(minutes=5))
    services.case_plan(case=case, by=by, colour=colour, note="换灯泡", at=clock.advance(minutes=5))
    services.case_finish(case=case, by=by, at=clock.advance(hours=2))
    if rating:
        services.case_visit(case=case, by=by, method=VisitMethod.PHONE, rating=rating, at=clock.advance(hours=1))
    return case


def test_smoke_board_figures_are_json(world, clock, report):
    c = report()
    _walk(c, world, clock, rating=Rating.SATISFIED)
    report(node_code="Y-B1-U1")
    figures = stats.board_figures(node=world["C1"])
    json.dumps(figures)
    assert figures["total"] == 2
    assert figures["satisfaction"]["rate"] == 1.0
    assert figures["counts_by_colour"] == {"green": 1, "yellow": 0, "red": 0, "grey": 0, "none": 1}
    assert figures["median_response_minutes"] == 3.0


# ---------------------------------------------------------------------------
# Every figure equals a direct count: random requests, independent arithmetic.

NOW = dt.datetime(2026, 11, 23, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PLACES = ["X", "X-B1", "X-B1-U1", "X-101", "X-201", "Y-B1-U1", "Y-101", "Z-B1-U1", "Z-101"]
MICROGRIDS = ["C1-M1", "C1-M2", "C2-M1", None]
STATUSES = ["received", "accepted", "dispatched", "on_site", "planned", "in_progress", "done", "visited", "closed",
            "merged", "unsolvable"]
CLOCKS = ["respond", "on_site", "plan", "finish", "return_visit", "progress"]
minutes_ago = st.integers(min_value=0, max_value=60 * 24 * 420)  # up to 14 months back

deadline_st = st.fixed_dictionaries({
    "clock": st.sampled_from(CLOCKS),
    "start_ago": minutes_ago,
    "length": st.integers(min_value=1, max_value=60 * 24 * 200),
    "outcome": st.sampled_from(["open", "met", "cancelled"]),
    "outcome_at": st.one_of(st.sampled_from([0.5, 1.0, 1.5]), st.floats(min_value=0, max_value=2)),  # × length after start
})
case_st = st.fixed_dictionaries({
    "place": st.sampled_from(PLACES),
    "microgrid": st.sampled_from(MICROGRIDS),
    "status": st.sampled_from(STATUSES),
    "colour": st.sampled_from(["", "green", "yellow", "red", "grey"]),
    "rating": st.sampled_from(["", "satisfied", "basically", "unsatisfied"]),
    "received_ago": minutes_ago,
    "accept_after": st.one_of(st.none(), st.integers(min_value=0, max_value=600)),
    "done_after": st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 24 * 60)),
    "deadlines": st.lists(deadline_st, max_size=4),
    "visits": st.integers(min_value=0, max_value=2),
})


def _make(world, specs) -> None:
    ReturnVisit.objects.all().delete()
    Deadline.objects.all().delete()
    Case.objects.filter(merged_into__isnull=False).delete()
    Case.objects.all().delete()
    policy = TimeLimitPolicy.objects.get(is_default=True)
    categories = list(Category.objects.order_by("id")[:3])
    made: list[Case] = []
    for i, s in enumerate(specs):
        received = NOW - dt.timedelta(minutes=s["received_ago"])
        accepted = None if s["accept_after"] is None else min(NOW, received + dt.timedelta(minutes=s["accept_after"]))
        done = None if s["done_after"] is None else min(NOW, received + dt.timedelta(minutes=s["done_after"]))
        node = world[s["place"]]
        compound = node if node.kind == "compound" else node.ancestor_of_kind("compound")
        merged_into = made[0] if s["status"] == "merged" and made else None
        case = Case.objects.create(
            node=node, compound=compound, microgrid=world[s["microgrid"]] if s["microgrid"] else None,
            category=categories[i % len(categories)], description=f"王先生 13912345678 说的第{i}件事",
            source="qr", status=s["status"] if (s["status"] != "merged" or merged_into) else "received",
            merged_into=merged_into, colour=s["colour"], rating=s["rating"], policy=policy, received_at=received,
            accepted_at=accepted, done_at=done, contact_phone="13912345678",
        )
        made.append(case)
        for d in s["deadlines"]:
            start = NOW - dt.timedelta(minutes=d["start_ago"])
            due = start + dt.timedelta(minutes=d["length"])
            when = min(NOW, start + dt.timedelta(minutes=d["length"] * d["outcome_at"]))
            Deadline.objects.create(case=case, clock=d["clock"], started_at=start, due_at=due,
                                    met_at=when if d["outcome"] == "met" else None,
                                    cancelled_at=when if d["outcome"] == "cancelled" else None)
        for _v in range(s["visits"]):
            ReturnVisit.objects.create(case=case, method="phone", rating=s["rating"] or "satisfied", at=received)
    rollups.rebuild()  # rows written past the services: the roll-ups are rebuilt (as after a bulk load)


def _rows(node: Node):
    """Plain rows of the requests under ``node`` and of their deadlines (no filtering in SQL but the place)."""
    under = Node.objects.filter(path__startswith=node.path).values_list("id", flat=True)
    cases = list(Case.objects.filter(node_id__in=list(under)).values())
    ids = {c["id"] for c in cases}
    deadlines = [d for d in Deadline.objects.values() if d["case_id"] in ids]
    return cases, deadlines


def _expected(node: Node) -> dict:
    cases, deadlines = _rows(node)
    kept = [c for c in cases if c["status"] != "merged"]
    merged_ids = {c["id"] for c in cases if c["status"] == "merged"}
    by_status = {s: sum(1 for c in cases if c["status"] == s) for s in STATUSES}
    by_colour = {k: sum(1 for c in kept if (c["colour"] or "none") == k) for k in ("green", "yellow", "red", "grey", "none")}
    on_time = {}
    for clock in CLOCKS:
        mine = [d for d in deadlines if d["clock"] == clock and d["case_id"] not in merged_ids]
        due = met = 0
        for d in mine:
            if d["met_at"] is not None:
                due += 1
                met += d["met_at"] <= d["due_at"]
            elif d["due_at"] <= NOW and (d["cancelled_at"] is None or d["cancelled_at"] > d["due_at"]):
                due += 1
        on_time[clock] = {"due": due, "met_on_time": met, "rate": met / due if due else None}
    ratings = [c["rating"] for c in kept if c["rating"]]
    good = ratings.count("satisfied") + ratings.count("basically")
    waits = [(c["accepted_at"] - c["received_at"]).total_seconds() / 60 for c in kept if c["accepted_at"]]
    tz = ZoneInfo("Asia/Shanghai")
    months = []
    y, m = 2026, 11
    for _i in range(12):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    months.reverse()

    def month_of(t):
        return t.astimezone(tz).strftime("%Y-%m") if t is not None and t <= NOW else None

    return {
        "total": len(kept),
        "open": sum(1 for c in kept if c["status"] in ("received", "accepted", "dispatched", "on_site", "planned",
                                                        "in_progress")),
        "finished": sum(1 for c in kept if c["status"] in ("done", "visited", "closed")),
        "counts_by_status": by_status,
        "counts_by_colour": by_colour,
        "on_time": on_time,
        "satisfaction": {"rated": len(ratings), "satisfied": ratings.count("satisfied"),
                         "basically": ratings.count("basically"), "unsatisfied": ratings.count("unsatisfied"),
                         "rate": good / len(ratings) if ratings else None},
        "median_response_minutes": round(statistics.median(waits), 1) if waits else None,
        "monthly": [{"month": mo, "reported": sum(1 for c in kept if month_of(c["received_at"]) == mo),
                     "finished": sum(1 for c in kept if month_of(c["done_at"]) == mo)} for mo in months],
        "recent_received": sorted(((c["received_at"], c["id"]) for c in kept), reverse=True)[:10],
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(case_st, max_size=18))
def test_every_board_figure_equals_a_direct_count(world, specs):
    _make(world, specs)
    for code in ("X", "Y", "C1", "C2", "S1"):
        node = world[code]
        got = stats.board_figures(node=node, now=NOW)
        want = _expected(node)
        json.dumps(got)
        for key in ("total", "open", "finished", "counts_by_status", "counts_by_colour", "on_time", "satisfaction",
                    "median_response_minutes", "monthly"):
            assert got[key] == want[key], (code, key)
        assert got["node"] == {"code": code, "name": node.name, "kind": node.kind}
        recent_ids = [i for _t, i in want["recent_received"]]
        by_id = {c.id: c for c in Case.objects.filter(id__in=recent_ids).select_related("node", "category")}
        assert [r["received_on"] for r in got["recent"]] == [
            by_id[i].received_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() for i in recent_ids]
        assert [(r["category_code"], r["colour"], r["status"]) for r in got["recent"]] == [
            (by_id[i].category.code, by_id[i].colour or None, by_id[i].status) for i in recent_ids]
        # No finer than the building; never a description, phone or tracking code.
        for r, i in zip(got["recent"], recent_ids, strict=True):
            assert r["place"] == {"X": "X", "X-B1": "X X-B1", "X-B1-U1": "X X-B1", "X-101": "X X-B1",
                                  "X-201": "X X-B2", "Y-B1-U1": "Y Y-B1", "Y-101": "Y Y-B1",
                                  "Z-B1-U1": "Z Z-B1", "Z-101": "Z Z-B1"}[by_id[i].node.code]
        text = json.dumps(got, ensure_ascii=False)
        assert "13912345678" not in text and "王先生" not in text
        assert not any(c.tracking_code in text for c in by_id.values())
