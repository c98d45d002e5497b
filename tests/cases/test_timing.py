"""Deadlines in working time (official holidays, make-up working days 调休, local
overrides) and under service hours; policies are data and never move the
deadlines of open requests."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.cases import deadline_sweep, services, timing
from linli.cases.models import Deadline, Holiday, PolicyClock, TimeLimitPolicy
from linli.errors import InvalidInput
from tests.cases.conftest import local

DAY = 24 * 60
HOURS = (dt.time(8), dt.time(20))


@pytest.mark.django_db
def test_three_working_days_skip_national_day_and_count_the_make_up_saturday():
    # 2026: 1–7 October off; Saturday 10 October is a make-up working day.
    due = timing.add_duration(local(2026, 9, 30, 10), 3 * DAY, working_time=True)
    # 14 h left of 30 Sep, then 8 and 9 Oct, then 10 h into Saturday 10 Oct.
    assert due == local(2026, 10, 10, 10)
    # In calendar time the same clock ends inside the holiday.
    assert timing.add_duration(local(2026, 9, 30, 10), 3 * DAY) == local(2026, 10, 3, 10)


@pytest.mark.django_db
def test_make_up_sunday_counts_and_an_ordinary_weekend_does_not():
    # Sunday 20 September 2026 is a make-up working day.
    assert timing.add_duration(local(2026, 9, 19, 10), 60, working_time=True) == local(2026, 9, 20, 1)
    # An ordinary Saturday/Sunday (14–15 Nov 2026) is skipped.
    assert timing.add_duration(local(2026, 11, 13, 23), 120, working_time=True) == local(2026, 11, 16, 1)


@pytest.mark.django_db
def test_a_report_at_three_in_the_morning_starts_at_opening_time_unless_urgent():
    assert timing.add_duration(local(2026, 11, 2, 3), 5, service_hours=HOURS) == local(2026, 11, 2, 8, 5)
    # Late in the evening: 10 minutes left today, the rest tomorrow morning.
    assert timing.add_duration(local(2026, 11, 2, 19, 50), 15, service_hours=HOURS) == local(2026, 11, 3, 8, 5)
    # Working time and service hours together: Friday evening to Monday morning.
    assert timing.add_duration(local(2026, 11, 13, 19, 55), 15, working_time=True, service_hours=HOURS) == local(
        2026, 11, 16, 8, 10)


@pytest.mark.django_db
def test_local_holidays_override_the_calendar_and_extend_it_beyond_its_years():
    Holiday.objects.create(date=dt.date(2026, 11, 3), is_workday=False, name="区里停工")
    assert timing.add_duration(local(2026, 11, 2, 23), 120, working_time=True) == local(2026, 11, 4, 1)
    # 2027 is beyond chinese-calendar's data: Monday–Friday, plus what the admin enters.
    Holiday.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert timing.add_duration(local(2026, 12, 31, 23), 120, working_time=True) == local(2027, 1, 4, 1)


def _use_service_hours_policy():
    policy = TimeLimitPolicy.objects.get(code="515303")
    policy.service_start, policy.service_end = HOURS
    policy.save()
    policy.clocks.filter(clock__in=["respond", "on_site", "plan"]).update(service_hours=True)
    return policy


def test_a_night_report_gets_deadlines_from_opening_time(world, clock, report):
    _use_service_hours_policy()
    clock.set(local(2026, 11, 2, 3))
    case = report()
    due = dict(Deadline.objects.filter(case=case).values_list("clock", "due_at"))
    assert due == {"respond": local(2026, 11, 2, 8, 5), "on_site": local(2026, 11, 2, 8, 15),
                   "plan": local(2026, 11, 2, 8, 30)}
    urgent = report(urgent=True)
    assert Deadline.objects.get(case=urgent, clock="respond").due_at == local(2026, 11, 2, 3, 5)


def test_working_time_finish_clock_through_the_services(world, clock, report):
    PolicyClock.objects.filter(policy__code="515303", clock="finish", colour="green").update(working_time=True)
    clock.set(local(2026, 9, 30, 10))
    case = report()
    staff = world.person("property_x")
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_arrive(case=case, by=staff)
    services.case_plan(case=case, by=staff, colour="green", note="更换水泵")
    finish = Deadline.objects.get(case=case, clock="finish")
    assert finish.due_at == local(2026, 10, 10, 10) and finish.working_time


def test_changing_a_policy_never_moves_deadlines_of_open_requests(world, clock, report):
    first = report()
    before = list(Deadline.objects.filter(case=first).order_by("id").values_list("clock", "due_at"))
    PolicyClock.objects.filter(policy__code="515303", clock="respond").update(minutes=60)
    second = report()
    assert list(Deadline.objects.filter(case=first).order_by("id").values_list("clock", "due_at")) == before
    assert Deadline.objects.get(case=second, clock="respond").due_at == clock.now + dt.timedelta(minutes=60)


def test_a_compound_uses_its_own_policy(world, clock, report):
    services.policy_assign(node=world["X"], policy=TimeLimitPolicy.objects.get(code="4h24h"),
                           by=world.person("community_c1"))
    x_case, y_case = report("X-B1-U1"), report("Y-B1-U1")
    assert Deadline.objects.get(case=x_case, clock="respond").due_at == clock.now + dt.timedelta(hours=4)
    assert Deadline.objects.get(case=y_case, clock="respond").due_at == clock.now + dt.timedelta(minutes=5)
    assert not Deadline.objects.filter(case=x_case, clock="on_site").exists()  # the 4h/24h preset has none


def _planned(world, case, colour="green", **kw):
    staff = world.person("property_x")
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_arrive(case=case, by=staff)
    return services.case_plan(case=case, by=staff, colour=colour, note="方案", **kw)


def test_reclassifying_recomputes_the_finish_deadline_from_the_report_and_records_why(world, clock, report):
    case = report()
    received = case.received_at
    case = _planned(world, case, "green")
    clock.advance(days=1)
    case = services.case_reclassify(case=case, by=world.person("grid_c1"), colour="yellow", note="需要更换整段管道")

    finishes = list(Deadline.objects.filter(case=case, clock="finish").order_by("id"))
    assert [d.due_at for d in finishes] == [received + dt.timedelta(days=3), received + dt.timedelta(days=30)]
    assert finishes[0].cancelled_at == clock.now and "需要更换整段管道" in finishes[0].reason
    assert finishes[1].cancelled_at is None
    event = case.events.get(action="reclassify")
    assert (event.data, event.note) == ({"from": "green", "to": "yellow"}, "需要更换整段管道")


def test_difficult_requests_under_4h24h_need_the_promised_deadline(world, clock, report):
    services.policy_assign(node=world["X"], policy=TimeLimitPolicy.objects.get(code="4h24h"),
                           by=world.person("community_c1"))
    case = report()
    staff = world.person("property_x")
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    with pytest.raises(InvalidInput) as refused:
        services.case_plan(case=case, by=staff, colour="red", note="需协调燃气公司")
    assert refused.value.code == "due_required"
    assert not Deadline.objects.filter(case=case, clock="finish").exists()
    promised = clock.now + dt.timedelta(days=10)
    case = services.case_plan(case=case, by=staff, colour="red", note="需协调燃气公司，10天内完成", due_at=promised)
    assert Deadline.objects.get(case=case, clock="finish").due_at == promised
    # Planned by phone without a visit: the plan clock is met.
    assert Deadline.objects.get(case=case, clock="plan").met_at == clock.now


def test_red_requests_owe_the_resident_a_progress_report_every_interval(world, clock, report):
    case = _planned(world, report(), "red")
    first = Deadline.objects.get(case=case, clock="progress")
    assert first.due_at == clock.now + dt.timedelta(days=7)
    clock.advance(days=6)
    services.case_progress(case=case, by=world.person("property_x"), note="材料已到，下周施工")
    # Met on time; the next report is due a week after this one.
    second = Deadline.objects.filter(case=case, clock="progress", met_at__isnull=True).get()
    assert second.due_at == clock.now + dt.timedelta(days=7)
    # Nobody reports for three weeks: one breach per missed interval, each once.
    deadline_sweep.sweep(now=clock.now + dt.timedelta(days=21, minutes=1))
    deadline_sweep.sweep(now=clock.now + dt.timedelta(days=21, minutes=2))
    breached = list(Deadline.objects.filter(case=case, clock="progress", breached_at__isnull=False).order_by("due_at"))
    assert [d.due_at for d in breached] == [clock.now + dt.timedelta(days=7 * k) for k in (1, 2, 3)]
    assert case.escalations.count() == 3
