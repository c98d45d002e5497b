"""The demo's mutual aid: 30 volunteers, 10 tasks, 4 merchants, a few hundred
points in circulation, books that verify."""
from __future__ import annotations

import pytest

from linli.ledger.selectors import verify_all
from linli.mutualaid import selectors
from linli.mutualaid.models import Merchant, Redemption, Task, Volunteer


@pytest.fixture
def demo(demo_state, db):
    """The demo, loaded once per test run (tests/conftest.py)."""


def test_demo_community_runs_mutual_aid(demo):
    assert Volunteer.objects.filter(node__code="TJ", status="confirmed").count() == 30
    assert Task.objects.filter(community__code="TJ").count() == 10
    assert Merchant.objects.filter(node__code="TJ").count() == 4
    assert Merchant.objects.get(code="TJ-LF").status == "suspended"
    assert Redemption.objects.count() >= 4
    row = {r["community"]: r for r in selectors.board()["communities"]}["TJ"]
    assert 200 <= row["in_circulation"] <= 600
    assert row["person_times"] == 2 * (8 + 6 + 6 + 5 + 8 + 6)  # both slots of the six tasks already done
    assert verify_all() == []
