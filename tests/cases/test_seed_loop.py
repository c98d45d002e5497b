"""Seed 002's loop on the 515303 preset: every clock met; then each clock missed
once gives exactly one breach and one escalation (also after further sweeps)."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.cases import deadline_sweep, services
from linli.cases.models import CaseEvent, Clock, Deadline, Escalation, Notification, Rating, Status
from tests.cases.conftest import local

START = local(2026, 11, 2, 10, 0)  # a Monday
ON_TIME = {
    "accept": START + dt.timedelta(minutes=4),
    "arrive": START + dt.timedelta(minutes=14),
    "plan": START + dt.timedelta(minutes=29),
    "finish": START + dt.timedelta(days=1),
    "visit": START + dt.timedelta(days=3),
}
# For each clock, the step that meets it and a time just after its limit.
LATE = {
    Clock.RESPOND: ("accept", START + dt.timedelta(minutes=6)),
    Clock.ON_SITE: ("arrive", START + dt.timedelta(minutes=16)),
    Clock.PLAN: ("plan", START + dt.timedelta(minutes=31)),
    Clock.FINISH: ("finish", START + dt.timedelta(days=3, minutes=1)),
    Clock.RETURN_VISIT: ("visit", START + dt.timedelta(days=3, minutes=1) + dt.timedelta(days=3, minutes=1)),
}


def run_loop(world, clock, report, *, late_clock=None, sweep_each_step=False):
    times = dict(ON_TIME)
    if late_clock:
        step, when = LATE[late_clock]
        times[step] = when
        if late_clock == Clock.FINISH:
            times["visit"] = when + dt.timedelta(days=1)
    clock.set(START)
    case = report(contact_phone="13800000000")
    staff = world.person("property_x")
    steps = [
        ("accept", lambda c, at: services.case_accept(case=c, by=staff, at=at)),
        ("dispatch", lambda c, at: services.case_dispatch(case=c, by=world.person("grid_c1"), to="property", at=at)),
        ("arrive", lambda c, at: services.case_arrive(case=c, by=staff, at=at)),
        ("plan", lambda c, at: services.case_plan(case=c, by=staff, colour="green", note="明天更换灯管", at=at)),
        ("finish", lambda c, at: services.case_finish(case=c, by=staff, note="已更换", at=at)),
        ("visit", lambda c, at: services.case_visit(case=c, by=world.person("leader_m1"), method="phone",
                                                     rating=Rating.SATISFIED, at=at)),
    ]
    for name, do in steps:
        at = times.get(name, clock.now)
        clock.set(at)
        if sweep_each_step:
            deadline_sweep.sweep(now=at - dt.timedelta(seconds=1))
        case = do(case, at)
    clock.set(times["visit"] + dt.timedelta(minutes=5))
    case = services.case_close(case=case, by=staff)
    return case


def test_the_loop_on_time_meets_every_clock(world, clock, report):
    case = run_loop(world, clock, report)
    deadline_sweep.sweep(now=START + dt.timedelta(days=400))

    assert case.status == Status.CLOSED
    deadlines = {d.clock: d for d in case.deadlines.all()}
    assert set(deadlines) == {Clock.RESPOND, Clock.ON_SITE, Clock.PLAN, Clock.FINISH, Clock.RETURN_VISIT}
    assert {c: d.due_at for c, d in deadlines.items()} == {
        Clock.RESPOND: START + dt.timedelta(minutes=5),
        Clock.ON_SITE: START + dt.timedelta(minutes=15),
        Clock.PLAN: START + dt.timedelta(minutes=30),
        Clock.FINISH: START + dt.timedelta(days=3),
        Clock.RETURN_VISIT: ON_TIME["finish"] + dt.timedelta(days=3),
    }
    assert all(d.met_at is not None and d.met_at <= d.due_at and d.breached_at is None for d in deadlines.values())
    assert Escalation.objects.count() == 0
    assert list(case.events.values_list("action", flat=True)) == [
        "create", "accept", "dispatch", "arrive", "plan", "finish", "visit", "close"]
    # The resident heard at accepted, plan given and done (asked to rate).
    assert list(Notification.objects.filter(case=case, for_reporter=True).order_by("id").values_list("kind", flat=True)) == [
        "resident.accepted", "resident.planned", "resident.done"]


@pytest.mark.parametrize("late_clock", list(LATE))
@pytest.mark.parametrize("sweep_each_step", [False, True], ids=["met-late", "worker-first"])
def test_each_missed_clock_breaches_once_and_escalates_once(world, clock, report, late_clock, sweep_each_step):
    case = run_loop(world, clock, report, late_clock=late_clock, sweep_each_step=sweep_each_step)
    for _ in range(3):  # further sweeps find nothing new
        deadline_sweep.sweep(now=START + dt.timedelta(days=400))

    breached = Deadline.objects.filter(case=case, breached_at__isnull=False)
    assert [d.clock for d in breached] == [late_clock]
    escalation = Escalation.objects.get(case=case)
    assert escalation.deadline == breached[0]
    # First level of the chain: the micro-grid leader of the unit's households.
    assert (escalation.level, escalation.role, escalation.node.code) == (1, "microgrid_leader", "C1-M1")
    assert CaseEvent.objects.filter(case=case, action="breach").count() == 1
    assert Notification.objects.filter(kind="staff.escalated", recipient=world.person("leader_m1")).count() == 1
    assert case.status == Status.CLOSED


def test_second_breach_goes_one_level_up_and_missing_levels_are_skipped(world, clock, report):
    clock.set(START)
    case = report()
    deadline_sweep.sweep(now=START + dt.timedelta(minutes=31))  # respond, on site and plan all missed
    levels = list(Escalation.objects.filter(case=case).order_by("deadline__due_at").values_list("level", "node__code"))
    # micro-grid leader, then (no building rep, group or committee set up) community, then street.
    assert levels == [(1, "C1-M1"), (5, "C1"), (6, "S1")]
