"""Odd input in every deliberation form: never a server error, and a number,
money or date field fed something that is not one writes nothing."""
from __future__ import annotations

import pytest
from django.test import Client

from linli.deliberation.models import Event, FundRound, Meeting, Milestone, Project, Rating, Review, Topic
from linli.ledger.models import Leg

ODD = ["", " ", "²", "①", "1e9", "-5", "99999999999999999999999", "\u202e65", "😀", "NaN", "1_000", "¥",
       "2026-02-31", "a" * 3000]


def _counts():
    return [m.objects.count() for m in (Event, FundRound, Meeting, Milestone, Project, Rating, Review, Topic, Leg)]


def _forms(s, v):
    return [
        ("resident", "/deliberation/c/X/raise", {"title": "", "body": v}),  # no title: refused whatever the body
        ("community_c1", "/deliberation/c/X/from-request", {"case": v, "title": v}),
        ("committee_x", "/deliberation/c/X/meetings/new", {"kind": v, "title": "t", "starts_at": v, "place": "p",
                                                           "bodies": [v]}),
        ("committee_x", f"/deliberation/meetings/{s.meeting.pk}/agenda", {"topic": v}),
        ("committee_x", f"/deliberation/topics/{s.topic.pk}/decide", {"outcome": "decided", "decision": "d",
                                                                       "responsible": "r", "review_on": v}),
        ("community_c1", "/deliberation/c/X/reviews/new", {"title": "t", "period": "p2", "held_on": v}),
        ("resident", f"/deliberation/reports/{s.report.pk}/rate", {"stars": v, "comment": "c"}),
        ("community_c1", "/deliberation/c/X/rounds/new", {"title": "t", "amount": v, "method": "knapsack"}),
        ("resident", f"/deliberation/rounds/{s.proposing.pk}/propose", {"title": "t", "description": "d", "budget": v}),
        ("community_c1", f"/deliberation/rounds/{s.supporting.pk}/select", {"approved": [v]}),
        ("community_c1", f"/deliberation/projects/{s.project.pk}/milestones", {"title": "t", "amount": v, "due_on": v}),
        ("community_c1", f"/deliberation/projects/{s.project.pk}/progress", {"percent": v, "note": "n"}),
    ]


@pytest.mark.parametrize("v", ODD)
def test_odd_input_never_crashes_and_writes_nothing(dstate, v):
    clients: dict[str, Client] = {}
    before = _counts()
    for who, url, data in _forms(dstate, v):
        client = clients.setdefault(who, Client())
        client.force_login(dstate.world.person(who))
        r = client.post(url, data)
        assert r.status_code in (200, 302, 422), (url, v, r.status_code)
        assert _counts() == before, (url, v, list(Event.objects.order_by("-id").values_list("kind", "data")[:1]))
