"""The demo requests (linli.cases.demo): they load through the services as part of
``linli demo``, and the boards, campaigns and evaluation show them."""
from __future__ import annotations

import pytest

from linli.cases import selectors, stats
from linli.cases.models import Campaign, Case, CaseEvent, Deadline, Escalation, ReturnVisit
from linli.org.models import Node


@pytest.fixture
def demo(demo_state, db):
    """Seconds that loading the demo took (the places and people, then load_demo_cases);
    tests/conftest.py loads it once for this module's tests."""
    return demo_state


def test_demo_requests_fill_the_boards_like_seed_002(demo):
    figures = stats.board_figures(node=Node.objects.get(code="LJGG"))
    colours = figures["counts_by_colour"]
    # Seed 002 reports 55 green, 15 yellow, 12 red; the demo keeps the proportions at about a third.
    assert (colours["green"], colours["yellow"], colours["red"], colours["grey"]) == (21, 6, 4, 2)
    assert colours["none"] >= 1  # the request that just came in
    assert figures["counts_by_status"]["merged"] == 1
    assert figures["counts_by_status"]["closed"] > 15
    assert figures["counts_by_status"]["unsolvable"] == 1
    assert 0.5 < figures["on_time"]["respond"]["rate"] < 1
    assert figures["on_time"]["progress"]["due"] > 0
    assert figures["satisfaction"]["rated"] > 15 and figures["satisfaction"]["rate"] > 0.8
    assert 1 <= figures["median_response_minutes"] <= 5
    assert sum(1 for m in figures["monthly"] if m["reported"]) >= 8
    assert len(figures["recent"]) == 10

    # Through the services: every request has its creation event and its clocks; late clocks were escalated.
    # Every request has its creation event and its clocks; late clocks were escalated.
    assert Case.objects.count() == CaseEvent.objects.filter(action="create").count() > 60
    assert Deadline.objects.filter(clock="respond").count() == Case.objects.count()
    assert Escalation.objects.exists()
    assert ReturnVisit.objects.filter(method="online").exists()

    # Rolled up to the street and the district.
    street = stats.board_figures(node=Node.objects.get(code="GP"))
    compound = stats.board_figures(node=Node.objects.get(code="LJGG"))
    assert street["total"] == compound["total"]  # 丽晶公馆 is the only compound of 公平街道
    district = stats.board_figures(node=Node.objects.get(code="WJ"))
    dtsz = stats.board_figures(node=Node.objects.get(code="DTSZ"))
    assert district["total"] == compound["total"] + dtsz["total"]
    assert dtsz["on_time"]["on_site"]["due"] == 0  # 4小时/24小时 has no on-site clock


def test_demo_campaigns_and_evaluation(demo):
    past, current = Campaign.objects.order_by("starts_on")
    assert selectors.campaign_figures(past) == {"found": 6, "fixed": 6, "rate": 1.0}
    assert selectors.campaign_figures(current) == {"found": 4, "fixed": 2, "rate": 0.5}
    problems = stats.campaign_problems(current)
    assert [p["fixed"] for p in problems].count(True) == 2
    assert all(p["responsible"] == "物业公司" and p["due_on"] for p in problems)

    # The evaluation of 公平街道 names a demonstration grid and an excellent micro-grid leader.
    result = stats.evaluation(street=Node.objects.get(code="GP"))
    assert [r["node"]["code"] for r in result["grids"]] == ["TJ-G1"]
    assert result["demonstration_grid"]["people"] == ["李网格"]
    assert result["excellent_microgrid"] is not None
    assert {r["node"]["code"] for r in result["microgrids"]} == {"TJ-G1-M1", "TJ-G1-M2"}
    assert sum(r["handled"] for r in result["microgrids"]) == result["grids"][0]["handled"] > 10


def test_demo_board_page_shows_the_figures(demo, client):
    page = client.get("/boards/LJGG/").content.decode()
    assert "丽晶公馆" in page and "<svg" in page
    assert "1380000" not in page  # no phone numbers of demo people or residents
    for case in Case.objects.filter(compound__code="LJGG")[:20]:
        assert case.tracking_code not in page and case.contact_phone not in page
