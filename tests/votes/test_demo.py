"""The demo's owners' vote in 莱茵春天: online, paper and proxy ballots, a published
result sheet that the rule finds valid and passed."""
from __future__ import annotations

import pytest

from linli.deliberation.votes import rules, selectors, services
from linli.deliberation.votes.models import Vote


@pytest.fixture
def demo(demo_state, db):
    """The demo, loaded once per test run (tests/conftest.py)."""


def test_demo_vote_in_laiyin_chuntian(demo, client):
    vote = Vote.objects.get(compound__code="LYCT")
    assert vote.status == "published" and vote.electors.count() == 151
    assert vote.total_owners == 151 - 5 - 1  # six unsold units count once, a two-unit buyer once
    channels = dict.fromkeys(("online", "paper", "proxy"), 0)
    for ch in vote.ballots.values_list("channel", flat=True):
        channels[ch] += 1
    assert channels == {"online": 10, "paper": 110, "proxy": 2}
    outcome = rules.decide(services.vote_tally(vote), major=False)
    assert outcome.valid and outcome.passed
    sheet = selectors.result_sheet(None, vote)
    assert sheet.final and sheet.paper_pending == 0
    page = client.get(f"/votes/{vote.pk}/result").content.decode()
    assert "表决有效" in page and "通过" in page and "周先生" not in page and "刘大姐" not in page
