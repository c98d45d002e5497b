"""Who may do what on a project, as a matrix: anonymous, a resident of the compound, staff
out of scope (community C2), staff in scope (community C1, street S1), and the signers.
A refusal writes nothing (no event, no ledger posting)."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.errors import NotAllowed
from linli.ledger.models import Transaction
from linli.projects import services as svc
from linli.projects.models import Contribution, Event, Project

OK, NO = True, False


def _snapshot():
    return (Event.objects.count(), Transaction.objects.count(), Project.objects.count(), Contribution.objects.count())


def attempt(fn) -> bool:
    before = _snapshot()
    try:
        fn()
    except NotAllowed:
        assert _snapshot() == before, "a refusal wrote something"
        return False
    return True


def _new(w, by):
    today = dt.date.today()
    return svc.project_create(
        compound=w["X"], kind="micro_renewal", title="微更新", contractor={"name": "甲公司"},
        supervisor={"name": "乙监理"}, notice_until=today + dt.timedelta(days=3),
        start_date=today + dt.timedelta(days=5), end_date=today + dt.timedelta(days=9), share_rule="voluntary",
        by=by)


@pytest.mark.parametrize("who,allowed", [("anonymous", NO), ("resident", NO), ("community_c2", NO),
                                         ("property_x", NO), ("community_c1", OK), ("street_s1", OK)])
def test_publishing_a_notice(projworld, who, allowed):
    assert attempt(lambda: _new(projworld.world, projworld.person(who))) is allowed


@pytest.mark.parametrize("who,allowed", [("anonymous", NO), ("resident", OK), ("owner", OK), ("community_c1", NO),
                                         ("community_c2", NO), ("leader_m1", NO)])
def test_commenting_is_for_the_compound_s_households(projworld, who, allowed):
    p = projworld.project
    assert attempt(lambda: svc.comment_add(project=p, support=True, by=projworld.person(who))) is allowed


@pytest.mark.parametrize("who,allowed", [("anonymous", NO), ("resident", OK), ("community_c1", NO),
                                         ("property_z", NO)])
def test_pledging_is_for_the_compound_s_households(projworld, who, allowed):
    projworld.approve()
    assert attempt(lambda: svc.pledge_add(project=projworld.project, by=projworld.person(who))) is allowed


MANAGE = [("anonymous", NO), ("resident", NO), ("owner", NO), ("property_x", NO), ("community_c2", NO),
          ("community_c1", OK), ("street_s1", OK)]


@pytest.mark.parametrize("who,allowed", MANAGE)
def test_deciding(projworld, who, allowed):
    p = projworld.project
    assert attempt(lambda: svc.project_decide(project=p, approve=True, note="同意", by=projworld.person(who),
                                              today=p.notice_until + dt.timedelta(days=1))) is allowed


@pytest.mark.parametrize("who,allowed", MANAGE)
def test_recording_and_confirming_money(projworld, who, allowed):
    projworld.approve()
    p = projworld.project
    pledge = svc.pledge_add(project=p, by=projworld.person("resident"))
    by = projworld.person(who)
    assert attempt(lambda: svc.contribution_record(project=p, source="government", amount=100, by=by)) is allowed
    assert attempt(lambda: svc.contribution_confirm(contribution=pledge, by=by)) is allowed
    if allowed:
        assert attempt(lambda: svc.contribution_refund(contribution=pledge, by=projworld.person("resident"))) is NO


@pytest.mark.parametrize("who,allowed", MANAGE)
def test_paying_and_starting(projworld, who, allowed):
    projworld.approve()
    p = projworld.project
    by = projworld.person(who)
    assert attempt(lambda: svc.project_start(project=p, by=by)) is allowed


@pytest.mark.parametrize("who,allowed", [("anonymous", NO), ("resident", NO), ("community_c1", NO),
                                         ("builder", NO), ("owner", OK), ("inspector", OK)])
def test_signing_a_milestone_is_for_the_committee_and_the_supervisor(projworld, who, allowed):
    p = projworld.run()
    m = p.milestones.first()
    assert attempt(lambda: svc.milestone_sign(milestone=m, by=projworld.person(who))) is allowed


@pytest.mark.parametrize("who", ["anonymous", "resident", "community_c2"])
def test_anyone_may_report_a_construction_problem(projworld, who):
    p = projworld.run()
    assert attempt(lambda: svc.problem_report(project=p, kind="noise", description="晚上十点还在施工",
                                              by=projworld.person(who)))


@pytest.mark.parametrize("who,allowed", MANAGE)
def test_final_acceptance(projworld, who, allowed):
    p = projworld.run()
    for m in p.milestones.all():
        svc.milestone_sign(milestone=m, by=projworld.person("owner"))
        svc.milestone_sign(milestone=m, by=projworld.person("inspector"))
    assert attempt(lambda: svc.project_accept(project=p, by=projworld.person(who))) is allowed


@pytest.mark.parametrize("who,allowed", [("anonymous", NO), ("resident", OK), ("owner", OK), ("community_c1", NO),
                                         ("inspector", NO)])
def test_rating_is_for_the_compound_s_households(projworld, who, allowed):
    p = projworld.run()
    for m in p.milestones.all():
        svc.milestone_sign(milestone=m, by=projworld.person("owner"))
        svc.milestone_sign(milestone=m, by=projworld.person("inspector"))
    svc.project_accept(project=p, by=projworld.staff)
    assert attempt(lambda: svc.rating_add(project=p, score=5, by=projworld.person(who))) is allowed


def test_a_problem_is_still_taken_when_the_project_manager_lost_the_staff_role(projworld):
    """The report is routed in the manager's name; a manager who moved on (role withdrawn)
    must not turn residents' reports away: the request is kept, received, for the usual chain."""
    from linli.cases.models import Case, Status
    from linli.org import services as org
    from linli.org.models import RoleAssignment

    p = projworld.run()
    for ra in RoleAssignment.objects.filter(person=p.manager):
        org.role_revoke(assignment=ra, by=None)
    problem = svc.problem_report(project=p, kind="noise", description="晚上十点还在施工", by=projworld.person("resident"))
    case = Case.objects.get(pk=problem.case.pk)
    assert case.status == Status.RECEIVED
    assert case.policy_id == p.policy_id
