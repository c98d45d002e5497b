"""Board and evaluation figures (linli.cases.stats) against direct counts."""
from __future__ import annotations

import json

from linli.cases import services, stats
from linli.cases.models import Rating, VisitMethod, AssigneeKind
from tests.cases.conftest import local


def _walk(case, world, clock, *, colour="green", rating=None, minutes=3):
    by = world.person("community_c1")
    services.case_accept(case=case, by=by, at=clock.advance(minutes=minutes))
    services.case_dispatch(case=case, by=by, to=AssigneeKind.PROPERTY, at=clock.advance(minutes=1))
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
