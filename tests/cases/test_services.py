"""Workflow services: the permission matrix, refusals that change nothing, and
the side roads (transfer, send back, merge, unsolvable, reopen, online rating,
mutual help, campaigns, notifications)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from linli.cases import selectors, services
from linli.cases.models import Case, CaseEvent, Category, Deadline, Notification, Rating, Source, Status
from linli.errors import DomainError, InvalidInput, NotAllowed, NotFound
from linli.org import services as org
from linli.org.models import Role


def _snapshot(case):
    case.refresh_from_db()
    return (case.status, case.colour, case.assignee_kind, CaseEvent.objects.filter(case=case).count(),
            Deadline.objects.filter(case=case).count())


ACCEPT_MATRIX = [
    ("anonymous", False), ("resident", False), ("owner", False),
    ("property_z", False), ("community_c2", False),            # staff out of scope
    ("property_x", True), ("grid_c1", True), ("leader_m1", True),  # in scope (micro-grid via the request)
    ("community_c1", True), ("street_s1", True), ("multi", True), ("admin", True),
]


@pytest.mark.parametrize("who,allowed", ACCEPT_MATRIX)
def test_who_may_accept_a_request(world, report, who, allowed):
    case = report()
    before = _snapshot(case)
    if allowed:
        assert services.case_accept(case=case, by=world.person(who)).status == Status.ACCEPTED
    else:
        with pytest.raises(NotAllowed):
            services.case_accept(case=case, by=world.person(who))
        assert _snapshot(case) == before


DISPATCH_MATRIX = [("anonymous", False), ("resident", False), ("property_z", False), ("property_x", True),
                   ("leader_m1", True), ("community_c1", True), ("community_c2", False)]


@pytest.mark.parametrize("who,allowed", DISPATCH_MATRIX)
def test_who_may_dispatch(world, report, who, allowed):
    case = services.case_accept(case=report(), by=world.person("property_x"))
    before = _snapshot(case)
    if allowed:
        case = services.case_dispatch(case=case, by=world.person(who), to="community")
        assert (case.status, case.assignee_node.code) == (Status.DISPATCHED, "C1")
    else:
        with pytest.raises(NotAllowed):
            services.case_dispatch(case=case, by=world.person(who), to="community")
        assert _snapshot(case) == before


@pytest.mark.parametrize("who,allowed", [("anonymous", False), ("resident", False), ("property_z", False),
                                         ("leader_m1", True), ("property_x", True)])
def test_who_may_record_a_snapshot(world, clock, who, allowed):
    kwargs = dict(node=world["X-B1-U1"], category=Category.objects.get(code="hygiene"), description="垃圾桶满了",
                  source=Source.SNAPSHOT, by=world.person(who))
    if allowed:
        assert services.case_create(**kwargs).source == Source.SNAPSHOT
    else:
        with pytest.raises(NotAllowed):
            services.case_create(**kwargs)
        assert Case.objects.count() == 0


@pytest.mark.parametrize("who,allowed", [("property_x", False), ("community_c1", True), ("community_c2", False)])
def test_only_community_and_street_staff_import_with_the_original_time(world, clock, who, allowed):
    kwargs = dict(node=world["X-B1-U1"], category=Category.objects.get(code="repair"), description="12345转办：漏水",
                  source=Source.HOTLINE, by=world.person(who), received_at=clock.now - dt.timedelta(days=2))
    if allowed:
        case = services.case_create(**kwargs)
        assert case.received_at == clock.now - dt.timedelta(days=2)
        assert Deadline.objects.get(case=case, clock="respond").due_at == case.received_at + dt.timedelta(minutes=5)
    else:
        with pytest.raises(NotAllowed):
            services.case_create(**kwargs)
        assert Case.objects.count() == 0


def test_a_double_tap_creates_one_request(world, report):
    # The key is the caller's (here an anonymous browser's): tests/security/test_client_token.py.
    first = report(client_token="tap-1", client_browser="b1")
    second = report(client_token="tap-1", client_browser="b1")
    assert first.pk == second.pk and Case.objects.count() == 1


def test_an_action_out_of_order_is_refused_in_chinese_and_changes_nothing(world, report):
    case = report()
    before = _snapshot(case)
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        services.case_arrive(case=case, by=world.person("property_x"))
    assert (refused.value.status, refused.value.code) == (409, "case_state")
    assert str(refused.value.message).startswith("现在不能")
    assert _snapshot(case) == before


def test_bad_input_is_refused_and_changes_nothing(world, report):
    case = services.case_accept(case=report(), by=world.person("property_x"))
    services.case_dispatch(case=case, by=world.person("property_x"), to="property")
    services.case_arrive(case=case, by=world.person("property_x"))
    before = _snapshot(case)
    for colour, note in (("purple", "x"), ("green", "  ")):
        with pytest.raises(InvalidInput):
            services.case_plan(case=case, by=world.person("property_x"), colour=colour, note=note)
    assert _snapshot(case) == before
    with pytest.raises(InvalidInput):
        report(description=" ")


def _working(world, report, colour="green"):
    staff = world.person("property_x")
    case = services.case_accept(case=report(), by=staff)
    case = services.case_dispatch(case=case, by=staff, to="property")
    case = services.case_arrive(case=case, by=staff)
    return services.case_plan(case=case, by=staff, colour=colour, note="方案")


def test_transfer_and_send_back_need_a_reason(world, report):
    case = _working(world, report)
    with pytest.raises(InvalidInput):
        services.case_transfer(case=case, by=world.person("grid_c1"), to="community", note="")
    case = services.case_transfer(case=case, by=world.person("grid_c1"), to="community", note="涉及公共部位改造")
    assert (case.status, case.assignee_kind, case.assignee_node.code) == (Status.PLANNED, "community", "C1")
    case = services.case_send_back(case=case, by=world.person("community_c1"), note="不属于社区职责")
    assert (case.status, case.assignee_kind) == (Status.ACCEPTED, "")
    assert list(case.events.values_list("action", flat=True))[-2:] == ["transfer", "send_back"]


def test_merging_a_duplicate(world, report):
    target, duplicate = report(), report(description="楼道灯坏了（同一个）")
    other_compound = report("Z-B1-U1")
    with pytest.raises(InvalidInput):
        services.case_merge(case=duplicate, into=duplicate, by=world.person("property_x"))
    with pytest.raises((InvalidInput, NotAllowed)):
        services.case_merge(case=duplicate, into=other_compound, by=world.person("street_s1"))
    merged = services.case_merge(case=duplicate, into=target, by=world.person("property_x"), note="重复")
    assert (merged.status, merged.merged_into_id) == (Status.MERGED, target.pk)
    assert not Deadline.objects.filter(case=merged, met_at__isnull=True, cancelled_at__isnull=True).exists()
    assert target.events.filter(action="merged_in").count() == 1


def test_declaring_unsolvable_makes_it_grey_and_stops_the_clocks(world, report):
    case = _working(world, report, "red")
    case = services.case_declare_unsolvable(case=case, by=world.person("community_c1"), note="产权不清，需司法确认")
    assert (case.status, case.colour) == (Status.UNSOLVABLE, "grey")
    assert not Deadline.objects.filter(case=case, met_at__isnull=True, cancelled_at__isnull=True).exists()


def test_an_unsatisfied_return_visit_reopens_with_a_new_finish_clock(world, clock, report):
    case = _working(world, report)
    case = services.case_finish(case=case, by=world.person("property_x"))
    case = services.case_visit(case=case, by=world.person("leader_m1"), method="visit", rating=Rating.UNSATISFIED,
                               comment="灯还是闪")
    assert (case.status, case.rating) == (Status.IN_PROGRESS, "unsatisfied")
    open_finish = Deadline.objects.get(case=case, clock="finish", met_at__isnull=True)
    assert open_finish.due_at == clock.now + dt.timedelta(days=3)


def test_the_resident_rates_online_with_the_tracking_code(world, report):
    case = services.case_finish(case=_working(world, report), by=world.person("property_x"))
    with pytest.raises(NotFound):
        services.case_visit(case=case, by=None, method="online", rating="satisfied", tracking_code="WRONGCODE1")
    assert Case.objects.get(pk=case.pk).status == Status.DONE
    case = services.case_visit(case=case, by=None, method="online", rating="satisfied",
                               tracking_code=case.tracking_code, comment="很及时")
    assert (case.status, case.return_visits.get().method) == (Status.VISITED, "online")
    case = services.case_close(case=case, by=world.person("property_x"))
    assert case.status == Status.CLOSED
    case = services.case_reopen(case=case, by=world.person("grid_c1"), note="又坏了")
    assert case.status == Status.IN_PROGRESS


def test_mutual_help_is_matched_to_a_volunteer_who_then_handles_it(world, clock):
    volunteer = org.person_create(username="vol", real_name="王阿姨", password="pw-vol", by=None)
    org.role_assign(person=volunteer, role=Role.VOLUNTEER, node=world["X-B1"], by=None)
    stranger = org.person_create(username="vol2", real_name="李", password="pw-vol2", by=None)
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="help"),
                                description="周六下午需要有人帮忙照看孩子两小时", source=Source.QR)
    assert case.kind == "help"
    case = services.case_accept(case=case, by=world.person("leader_m1"))
    with pytest.raises(NotAllowed):  # property staff do not match volunteers
        services.case_dispatch(case=case, by=world.person("property_x"), to="person", person=volunteer)
    case = services.case_dispatch(case=case, by=world.person("leader_m1"), to="person", person=volunteer)
    assert (case.helper, case.assignee) == (volunteer, volunteer)
    with pytest.raises(NotAllowed):
        services.case_arrive(case=case, by=stranger)
    case = services.case_arrive(case=case, by=volunteer)
    case = services.case_plan(case=case, by=volunteer, colour="green", note="周六14:00到家")
    case = services.case_finish(case=case, by=volunteer)
    assert case.status == Status.DONE
    assert list(selectors.case_list(viewer=volunteer)) == [case]
    assert Notification.objects.filter(recipient=volunteer, kind="staff.dispatched").count() == 1


def test_a_campaign_turns_found_problems_into_requests_and_counts_them(world, clock):
    campaign = services.campaign_create(node=world["X"], title="问题大家找·整改我来办", by=world.person("community_c1"),
                                        starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 30),
                                        participants=[world.person("owner")])
    add = dict(campaign=campaign, node=world["X-B1-U1"], category=Category.objects.get(code="safety"),
               responsible="物业公司", measure="更换灭火器", due_at=clock.now + dt.timedelta(days=7))
    with pytest.raises(NotAllowed):
        services.campaign_add_problem(by=world.person("resident"), description="灭火器过期", **add)
    first = services.campaign_add_problem(by=world.person("owner"), description="灭火器过期", **add)
    services.campaign_add_problem(by=world.person("owner"), description="消防通道堆物", **add)
    assert (first.source, first.responsible, first.plan) == ("campaign", "物业公司", "更换灭火器")
    assert Deadline.objects.get(case=first, clock="finish").due_at == clock.now + dt.timedelta(days=7)
    staff = world.person("property_x")
    for step in ("accept", "dispatch", "arrive"):
        first = getattr(services, f"case_{step}")(case=first, by=staff, **({"to": "property"} if step == "dispatch" else {}))
    first = services.case_plan(case=first, by=staff, colour="green", note="本周更换", due_at=None)
    services.case_finish(case=first, by=staff)
    assert selectors.campaign_figures(campaign) == {"found": 2, "fixed": 1, "rate": 0.5}


def test_lists_show_exactly_what_the_viewer_may_see(world, report):
    x, z = report("X-B1-U1"), report("Z-B1-U1")
    seen = {name: {c.pk for c in selectors.case_list(viewer=world.person(name))}
            for name in ("anonymous", "resident", "property_x", "property_z", "leader_m1", "community_c1", "street_s1")}
    assert seen == {"anonymous": set(), "resident": set(), "property_x": {x.pk}, "property_z": {z.pk},
                    "leader_m1": {x.pk}, "community_c1": {x.pk}, "street_s1": {x.pk, z.pk}}
    with pytest.raises(NotFound):
        selectors.case_get(viewer=world.person("property_z"), pk=x.pk)


def test_the_resident_hears_by_email_through_the_outbox(world, report, django_capture_on_commit_callbacks):
    from linli.outbox.services import outbox_drain

    with django_capture_on_commit_callbacks(execute=True):
        case = report(contact_email="resident@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(case=case, by=world.person("property_x"))
    assert mail.outbox == []  # queued in the action's transaction, sent by the worker
    outbox_drain()
    to_resident = [m for m in mail.outbox if m.to == ["resident@example.cn"]]
    assert len(to_resident) == 1 and case.tracking_code in to_resident[0].subject
    assert f"/t/{case.tracking_code}" in to_resident[0].body


def test_messages_to_the_resident_are_in_the_site_language_whatever_the_staff_browse_in(world, report):
    from django.utils import translation

    case = report()
    with translation.override("en"):
        services.case_accept(case=case, by=world.person("property_x"))
    message = Notification.objects.get(case=case, for_reporter=True, kind="resident.accepted")
    assert message.title.startswith("您的诉求已受理")
    assert "工作人员会尽快处理" in message.body
