"""Issue 12, "Mutual help is not a repair job": help requests take their own policy
(respond within the day, no on-site or plan clock), their own words on the staff and
resident pages, and are offered to the confirmed volunteers of the community's
mutual-aid registry, not only to the residents of the same building."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from linli.cases import notify, selectors, services
from linli.cases.models import Category, Notification, Source
from linli.mutualaid.models import Volunteer, VolunteerStatus
from linli.org import services as org


@pytest.fixture
def volunteers(world):
    """Two people of community C1 in the registry (no role in compound X): one confirmed, one waiting."""
    people = {}
    for name, status in (("helper_ok", VolunteerStatus.CONFIRMED), ("helper_waiting", VolunteerStatus.APPLIED)):
        p = org.person_create(username=name, real_name=name, password="pw-" + name, by=None)
        Volunteer.objects.create(person=p, node=world["C1"], status=status, skills="照看老人")
        people[name] = p
    return people


def _ask(world, clock=None):
    return services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="help"),
                                description="周六下午能否帮忙照看孩子三小时？电话13912345678", source=Source.QR)


def test_a_help_request_takes_the_help_policy_respond_within_the_day_and_no_site_or_plan_clock(world, clock):
    case = _ask(world)
    assert case.policy.code == "help"
    assert {d.clock: d.due_at - case.received_at for d in case.deadlines.all()} == {"respond": dt.timedelta(days=1)}
    repair = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                  description="楼道灯坏了", source=Source.QR)
    assert repair.policy.code == "515303"
    assert set(repair.deadlines.values_list("clock", flat=True)) == {"respond", "on_site", "plan"}


def test_the_pages_of_a_help_request_ask_who_can_help_not_for_a_plan_and_colour(world):
    staff = world.person("property_x")
    help_case = services.case_accept(case=_ask(world), by=staff)
    repair = services.case_accept(case=services.case_create(
        node=world["X-B1-U1"], category=Category.objects.get(code="repair"), description="楼道灯坏了",
        source=Source.QR), by=staff)
    help_case = services.case_dispatch(case=help_case, by=staff, to="property")
    repair = services.case_dispatch(case=repair, by=staff, to="property")
    c = Client()
    c.force_login(world.person("community_c1"))
    help_page = c.get(f"/cases/{help_case.pk}").content.decode()
    repair_page = c.get(f"/cases/{repair.pk}").content.decode()
    assert "谁能帮忙" in help_page and "提出方案并定颜色" not in help_page
    assert "提出方案并定颜色" in repair_page and "谁能帮忙" not in repair_page
    services.case_plan(case=help_case, by=staff, colour="green", note="楼上李阿姨周六下午来")
    track = Client().get(f"/t/{help_case.tracking_code}").content.decode()
    assert "谁能帮忙、什么时候" in track and "楼上李阿姨周六下午来" in track


def test_a_help_request_is_offered_to_the_confirmed_volunteers_of_the_community(world, volunteers):
    case = _ask(world)
    notify.received_fanout()
    offered = Notification.objects.filter(case=case, kind="help.offered")
    assert list(offered.values_list("recipient__username", flat=True)) == ["helper_ok"]
    row = offered.get()
    assert row.title == "X有邻居需要帮忙：邻里互助"
    assert "139****5678" in row.body and "13912345678" not in row.body and row.url == ""
    # The micro-grid leader can match them although they live elsewhere.
    candidates = {c.person.username: c.near for c in selectors.help_candidates(case)}
    assert candidates.get("helper_ok") == "community" and "helper_waiting" not in candidates
    services.case_match_helper(case=case, volunteer=volunteers["helper_ok"], by=world.person("leader_m1"))


def test_a_repair_request_is_not_offered_to_volunteers(world, volunteers):
    services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                         description="楼道灯坏了", source=Source.QR)
    notify.received_fanout()
    assert not Notification.objects.filter(kind="help.offered").exists()
