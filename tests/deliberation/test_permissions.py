"""Who may do what: anonymous, a resident of X, X's property staff, X's owners'
committee, community staff out of scope (C2) and in scope (C1). Each attempt
runs in a savepoint that is rolled back, so one persona's success does not
change what the next one meets."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from linli.deliberation import services as dlb
from linli.deliberation.models import Event, Topic
from linli.errors import DomainError, NotAllowed

PERSONAS = ["anonymous", "resident", "property_x", "committee_x", "community_c2", "community_c1"]


class _Undo(Exception):
    pass


def attempt(fn, person) -> bool:
    try:
        with transaction.atomic():
            fn(person)
            raise _Undo
    except _Undo:
        return True
    except NotAllowed:
        return False
    except DomainError as exc:  # past the authorisation, refused by a rule of the domain: a broken test
        raise AssertionError(f"refused by the domain: {exc.code}") from exc


def ops(s):
    w = s.world
    later = timezone.localdate() + dt.timedelta(days=30)
    return {
        "raise a topic": lambda p: dlb.topic_raise(compound=w["X"], title="停车", by=p),
        "support a topic": lambda p: dlb.topic_support(topic=s.topic, by=p),
        "take up a topic": lambda p: dlb.topic_take_up(topic=s.topic, body="owners_committee", by=p),
        "decide a topic": lambda p: dlb.topic_decide(topic=s.topic, outcome="decided", decision="增设快递柜。",
                                                     responsible="王经理", review_on=later, by=p),
        "convene a meeting": lambda p: dlb.meeting_convene(compound=w["X"], kind="open_air", title="坝坝会",
                                                           starts_at=timezone.now(), place="院坝",
                                                           bodies=["owners_committee"], by=p),
        "put a topic on the agenda": lambda p: dlb.agenda_add(meeting=s.meeting, topic=s.topic, by=p),
        "open a review": lambda p: dlb.review_open(compound=w["X"], title="下半年", period="2026H2",
                                                   held_on=timezone.localdate(), by=p),
        "file the committee's report": lambda p: dlb.report_file(review=s.review, body="owners_committee",
                                                                 achievements="a", problems="b", next_steps="c", by=p),
        "rate a report": lambda p: dlb.report_rate(report=s.report, stars=4, by=p),
        "open a fund round": lambda p: dlb.round_open(node=w["X"], title="第三批", amount=100, method="knapsack", by=p),
        "propose a project": lambda p: dlb.project_propose(round=s.proposing, title="花园", description="种花。",
                                                           budget=100_000, by=p),
        "support a project": lambda p: dlb.project_support(project=s.project, by=p),
        "review eligibility": lambda p: dlb.project_review(project=s.project, eligible=False, note="重复", by=p),
        "choose the projects": lambda p: dlb.round_select(round=s.supporting, approved=[s.project.pk], by=p),
    }


EXPECTED = {
    #                               anon   resident property committee C2-staff C1-staff
    "raise a topic":               [False, True,  False, False, False, False],
    "support a topic":             [False, True,  False, False, False, False],
    "take up a topic":             [False, False, False, True,  False, True],
    "decide a topic":              [False, False, False, True,  False, True],
    "convene a meeting":           [False, False, False, True,  False, True],
    "put a topic on the agenda":   [False, False, False, True,  False, True],
    "open a review":               [False, False, False, False, False, True],
    "file the committee's report": [False, False, False, True,  False, True],
    "rate a report":               [False, True,  False, False, False, False],
    "open a fund round":           [False, False, False, False, False, True],
    "propose a project":           [False, True,  False, False, False, False],
    "support a project":           [False, True,  False, False, False, False],
    "review eligibility":          [False, False, False, False, False, True],
    "choose the projects":         [False, False, False, False, False, True],
}


def test_the_matrix_covers_every_operation(dstate):
    assert set(ops(dstate)) == set(EXPECTED)


def test_permission_matrix(dstate):
    table = ops(dstate)
    events = Event.objects.count()
    people = [dstate.world.person(who) for who in PERSONAS]
    got = {name: [attempt(fn, p) for p in people] for name, fn in table.items()}
    assert got == EXPECTED
    assert Event.objects.count() == events  # every attempt was rolled back


def test_the_property_company_files_its_own_report_only(dstate):
    w = dstate.world
    review = dlb.review_open(compound=w["X"], title="下半年", period="2026H2", held_on=timezone.localdate(),
                             by=w.person("community_c1"))
    with pytest.raises(NotAllowed):
        dlb.report_file(review=review, body="party_branch", achievements="a", problems="b", next_steps="c",
                        by=w.person("property_x"))
    assert review.reports.count() == 0
    dlb.report_file(review=review, body="party_branch", achievements="a", problems="b", next_steps="c",
                    by=w.person("branch_x"))
    assert list(review.reports.values_list("body", flat=True)) == ["party_branch"]


def test_a_resident_of_another_compound_cannot_raise_or_support_here(dstate):
    w = dstate.world
    from linli.org import services as org
    from linli.org.models import Role

    zed = org.person_create(username="zed", real_name="zed", by=None)
    org.role_assign(person=zed, role=Role.RESIDENT, node=w["Z-101"], by=None)
    with pytest.raises(NotAllowed):
        dlb.topic_raise(compound=w["X"], title="外人", by=zed)
    with pytest.raises(NotAllowed):
        dlb.topic_support(topic=dstate.topic, by=zed)
    assert Topic.objects.filter(title="外人").count() == 0
    assert Topic.objects.get(pk=dstate.topic.pk).supporters == 1
