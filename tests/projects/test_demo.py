"""The demo's renovation of 清波一号院落: committee, contractor, four funding sources,
10 scope items, 2 open and 3 fixed construction problems; money equal to the ledger."""
from __future__ import annotations

import pytest

from linli.ledger.selectors import verify_all
from linli.projects import selectors
from linli.projects.models import Project


@pytest.fixture
def demo(demo_state, db):
    """The demo, loaded once per test run (tests/conftest.py)."""


def test_the_demo_renovation(demo, client):
    p = Project.objects.get(compound__code="QB-Y1")
    assert (p.status, p.committee.count(), p.items.count(), p.budget.count()) == ("running", 3, 10, 4)
    problems = selectors.problems(p)
    assert (problems["found"], problems["fixed"], problems["open"]) == (5, 3, 2)
    money = selectors.money(p)
    assert {s["source"] for s in money["sources"]} == {"government", "work_units", "residents", "donations"}
    assert money["received"] == 600_000_00 + 120_000_00 + 80_000_00 + 8 * 500_00
    assert money["balance"] == money["received"] - 246_000_00
    assert verify_all() == []
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "清波一号院落老旧院落改造" in page and "施工监督" in page and "138****9002" in page
    # The stairwell QR page of the compound shows the supervision button while the works run.
    assert f"/projects/{p.pk}/supervise?place=QB-Y1-B1-U1" in client.get("/q/QB-Y1-B1-U1").content.decode()
