"""Choosing community-fund projects: by support within the fund (knapsack,
deterministic: most support, then the smaller budget, then the older project)
or by approval; the chosen total never exceeds the fund, payments go through
the ledger, and the books verify."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.deliberation import services as dlb
from linli.deliberation.models import Event, FundRound, Project
from linli.errors import InvalidInput
from linli.ledger.selectors import verify_all

Candidates = st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10_000)), max_size=25)


@given(amount=st.integers(1, 50_000), cands=Candidates)
def test_knapsack_never_exceeds_the_fund_and_skips_only_what_did_not_fit(amount, cands):
    rows = [(i + 1, support, budget) for i, (support, budget) in enumerate(cands)]
    result = dlb.knapsack(amount, rows)
    by_id = {pk: (support, budget) for pk, support, budget in rows}
    # Looked at in order: most support, then smaller budget, then id.
    assert [pk for pk, _c, _l in result] == [pk for pk, _s, _b in sorted(rows, key=lambda r: (-r[1], r[2], r[0]))]
    left = amount
    for pk, chosen, left_after in result:
        budget = by_id[pk][1]
        assert chosen == (budget <= left)  # chosen exactly when it still fitted
        left = left - budget if chosen else left
        assert left_after == left >= 0
    assert sum(by_id[pk][1] for pk, chosen, _l in result if chosen) <= amount
    assert dlb.knapsack(amount, list(reversed(rows))) == result  # the input order does not matter


def test_what_fitted_is_shown(dstate, client):
    w, c1 = dstate.world, dstate.world.person("community_c1")
    rnd = dstate.proposing  # 10,000 yuan
    owner, resident, neighbour = w.person("owner"), w.person("resident"), w.person("neighbour")
    a = dlb.project_propose(round=rnd, title="儿童游乐区", description="d", budget=600_000, by=owner)
    b = dlb.project_propose(round=rnd, title="楼道扶手", description="d", budget=500_000, by=resident)
    c = dlb.project_propose(round=rnd, title="垃圾分类亭", description="d", budget=300_000, by=neighbour)
    d = dlb.project_propose(round=rnd, title="旧自行车清理", description="d", budget=100_000, by=neighbour)
    for p in (a, b, c, d):
        dlb.project_review(project=p, eligible=True, by=c1)
    dlb.round_advance(round=rnd, by=c1)
    for p in (resident, neighbour):
        dlb.project_support(project=a, by=p)  # a: 3
    dlb.project_support(project=b, by=owner)  # b: 2
    dlb.project_support(project=c, by=owner)  # c: 2, cheaper than b
    dlb.round_select(round=rnd, by=c1)
    got = list(Project.objects.filter(round=rnd).order_by("rank").values_list("title", "status", "left_after"))
    assert got == [("儿童游乐区", "selected", 400_000), ("垃圾分类亭", "selected", 100_000),
                   ("楼道扶手", "not_selected", 100_000), ("旧自行车清理", "selected", 0)]
    page = client.get(f"/deliberation/rounds/{rnd.pk}/").content.decode()
    assert "已选定金额" in page and "¥10,000.00" in page and "未选定" in page


def test_approval_beyond_the_fund_is_refused_and_nothing_changes(dstate):
    w, c1 = dstate.world, dstate.world.person("community_c1")
    rnd = dstate.supporting  # 5,000 yuan, approval
    other = dlb.project_propose(round=FundRound.objects.get(pk=dstate.proposing.pk), title="x", description="d",
                                budget=100, by=w.person("owner"))
    big = Project.objects.create(round=rnd, title="大项目", description="d", budget=400_000, status="eligible")
    before = (list(Project.objects.values_list("pk", "status", "rank")), Event.objects.count())
    with pytest.raises(InvalidInput) as exc:
        dlb.round_select(round=rnd, approved=[dstate.project.pk, big.pk], by=c1)
    assert str(exc.value.message) == "审定项目的预算合计超过了基金金额。"
    with pytest.raises(InvalidInput):
        dlb.round_select(round=rnd, approved=[other.pk], by=c1)  # a project of another round
    assert (list(Project.objects.values_list("pk", "status", "rank")), Event.objects.count()) == before
    assert FundRound.objects.get(pk=rnd.pk).status == "supporting"
    dlb.round_select(round=rnd, approved=[big.pk], by=c1)
    assert dict(Project.objects.filter(round=rnd).values_list("title", "status")) == {
        "大项目": "selected", "楼道照明改造": "not_selected"}


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.integers(1, 2_000_000),
       projects=st.lists(st.tuples(st.integers(1, 800_000), st.integers(0, 3)), min_size=1, max_size=6))
def test_chosen_projects_paid_in_full_stay_within_the_fund_and_the_books_verify(dworld, amount, projects):
    with transaction.atomic():
        w = dworld
        c1 = w.person("community_c1")
        people = [w.person(n) for n in ("owner", "resident", "neighbour")]
        rnd = dlb.round_open(node=w["X"], title="性质测试", amount=amount, method="knapsack", by=c1)
        made = []
        for budget, extra in projects:
            if budget > amount:
                with pytest.raises(InvalidInput):
                    dlb.project_propose(round=rnd, title="超出", description="d", budget=budget, by=people[0])
                continue
            p = dlb.project_propose(round=rnd, title="项目", description="d", budget=budget, by=people[0])
            dlb.project_review(project=p, eligible=True, by=c1)
            made.append((p, extra))
        if not made:
            transaction.set_rollback(True)
            return
        dlb.round_advance(round=rnd, by=c1)
        for p, extra in made:
            for person in people[1:1 + min(extra, 2)]:
                dlb.project_support(project=p, by=person)
        dlb.round_select(round=rnd, by=c1)
        chosen = list(Project.objects.filter(round=rnd, status="selected"))
        assert sum(p.budget for p in chosen) <= amount
        for p in chosen:  # pay every chosen project in full
            m = dlb.milestone_add(project=p, title="完工", amount=p.budget, due_on=timezone.localdate(), by=c1)
            dlb.milestone_done(milestone=m, by=c1)
        assert dlb.fund_account_of(rnd).balance == amount - sum(p.budget for p in chosen) >= 0
        assert verify_all() == []
        transaction.set_rollback(True)


def test_a_project_is_never_paid_beyond_its_budget(dstate):
    c1 = dstate.world.person("community_c1")
    dlb.round_select(round=dstate.supporting, approved=[dstate.project.pk], by=c1)
    due = timezone.localdate() + dt.timedelta(days=10)
    m = dlb.milestone_add(project=dstate.project, title="采购灯具", amount=150_000, due_on=due, by=c1)
    with pytest.raises(InvalidInput):
        dlb.milestone_add(project=dstate.project, title="安装", amount=50_001, due_on=due, by=c1)
    assert dstate.project.milestones.count() == 1
    dlb.milestone_done(milestone=m, by=c1)
    with pytest.raises(dlb.DeliberationRefused):
        dlb.milestone_done(milestone=m, by=c1)
    project = Project.objects.get(pk=dstate.project.pk)
    assert (project.paid, dlb.fund_account_of(dstate.supporting).balance) == (150_000, 350_000)
    assert verify_all() == []
