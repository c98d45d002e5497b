"""The demo's deliberation: topics in different statuses, a weekly meeting with
minutes in 珍宝琥珀, its half-year review with four bodies' reports and ratings,
two chosen fund projects, books that verify; the public pages show them."""
from __future__ import annotations

import pytest

from linli.deliberation.models import FundRound, Meeting, Review, Topic
from linli.ledger.selectors import verify_all


@pytest.fixture
def demo(demo_state, db):
    """The demo, loaded once per test run (tests/conftest.py)."""


def test_demo_deliberation(demo, client):
    statuses = sorted(Topic.objects.filter(compound__code="ZBHP").values_list("status", flat=True))
    assert statuses == ["decided", "discussed", "done", "raised", "referred", "vote"]
    meeting = Meeting.objects.get(compound__code="ZBHP", kind="weekly")
    assert (meeting.status, meeting.attendance.count(), meeting.items.count()) == ("held", 6, 4)
    review = Review.objects.get(compound__code="ZBHP")
    assert sorted(review.reports.values_list("body", flat=True)) == [
        "governance_committee", "owners_committee", "party_branch", "property"]
    assert sum(r.ratings.count() for r in review.reports.all()) == 20
    rnd = FundRound.objects.get(node__code="ZBHP")
    assert dict(rnd.projects.values_list("title", "status")) == {
        "楼顶共享菜园": "selected", "楼道共享书架": "selected", "儿童游乐角翻新": "not_selected"}
    assert verify_all() == []
    page = client.get("/deliberation/c/ZBHP/").content.decode()
    assert "二期 3 栋门口路灯不亮" in page and "已决定" in page and "提交业主表决" in page
    minutes = client.get(f"/deliberation/meetings/{meeting.pk}/").content.decode()
    assert "会议纪要" in minutes and "周经理（德商物业）" in minutes
    reviewed = client.get(f"/deliberation/reviews/{review.pk}/").content.decode()
    assert "物业公司" in reviewed and "5 人评价，平均 4.6 星" in reviewed
    assert "参与议事决策" in client.get("/").content.decode()
