"""Mutual help (seed 002): the micro-grid leader matches a volunteer of the same
building or micro-grid, who becomes the assignee and handles the request."""
from __future__ import annotations

import pytest
from django.urls import reverse

from linli.cases import selectors, services
from linli.cases.models import Case, CaseEvent, Category, Deadline, Notification, Source, Status
from linli.errors import InvalidInput, NotAllowed
from linli.org import services as org
from linli.org.models import Role


@pytest.fixture
def people(world):
    """ren: volunteer of building X-B1 (the seed's 任阿姨); far: volunteer of compound X;
    mg2: resident of X-201 (micro-grid C1-M2, other building); other: volunteer of compound Z."""
    made = {}
    for username, role, node in (("ren", Role.VOLUNTEER, "X-B1"), ("far", Role.VOLUNTEER, "X"),
                                 ("mg2", Role.RESIDENT, "X-201"), ("other", Role.VOLUNTEER, "Z")):
        made[username] = org.person_create(username=username, real_name=username, password=f"pw-{username}", by=None)
        org.role_assign(person=made[username], role=role, node=world[node], by=None)
    made["owner"] = world.person("owner")          # owner of X-102: same building and micro-grid
    made["resident"] = world.person("resident")    # resident of X-101: the one asking for help
    return made


@pytest.fixture
def help_case(world, clock):
    return services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="help"),
                                description="下午要出门办事，需要有人帮忙照看孩子", source=Source.QR,
                                by=world.person("resident"), contact_phone="13800003333")


def _state(case):
    case.refresh_from_db()
    return (case.status, case.assignee_id, case.helper_id, CaseEvent.objects.filter(case=case).count(),
            Notification.objects.filter(case=case).count())


def test_candidates_nearest_first_and_never_the_reporter(people, help_case):
    got = [(c.person.username, c.near, c.role) for c in selectors.help_candidates(help_case)]
    assert got == [("ren", "building", "volunteer"), ("owner", "building", "resident"),
                   ("far", "compound", "volunteer")]
    # X-201 lies in micro-grid C1-M2 and another building: not offered for X-B1-U1.
    assert "mg2" not in [c.person.username for c in selectors.help_candidates(help_case)]


def test_a_resident_of_the_same_microgrid_is_offered(world, people, clock):
    case = services.case_create(node=world["X-B2-U1"], category=Category.objects.get(code="help"),
                                description="需要帮忙取快递", source=Source.QR)
    got = [(c.person.username, c.near) for c in selectors.help_candidates(case)]
    # volunteers of other buildings of the compound come after the neighbours
    assert got == [("mg2", "building"), ("ren", "compound"), ("far", "compound")]


MATCH_MATRIX = [
    ("anonymous", False), ("resident", False), ("owner", False), ("property_x", False),   # property does not match
    ("property_z", False), ("community_c2", False),
    ("leader_m1", True), ("grid_c1", True), ("community_c1", True),
]


@pytest.mark.parametrize("who,allowed", MATCH_MATRIX)
def test_who_may_match_a_volunteer(world, people, help_case, who, allowed):
    before = _state(help_case)
    if allowed:
        case = services.case_match_helper(case=help_case, volunteer=people["ren"], by=world.person(who))
        assert (case.status, case.assignee, case.helper, case.assignee_kind) == (
            Status.DISPATCHED, people["ren"], people["ren"], "person")
    else:
        with pytest.raises(NotAllowed):
            services.case_match_helper(case=help_case, volunteer=people["ren"], by=world.person(who))
        assert _state(help_case) == before


def test_matching_a_received_request_accepts_it_writes_events_and_notifies(world, people, help_case, clock):
    clock.advance(minutes=3)
    case = services.case_match_helper(case=help_case, volunteer=people["ren"], by=world.person("leader_m1"),
                                      note="任阿姨同楼栋")
    assert case.accepted_at == clock.now
    respond = Deadline.objects.get(case=case, clock="respond")
    assert respond.met_at == clock.now and respond.breached_at is None
    event = case.events.get(action="help_match")
    assert (event.from_status, event.to_status, event.note, event.actor) == (
        "received", "dispatched", "任阿姨同楼栋", world.person("leader_m1"))
    assert Notification.objects.filter(recipient=people["ren"], kind="staff.dispatched", case=case).count() == 1
    assert Notification.objects.filter(case=case, for_reporter=True, kind="resident.accepted").count() == 1


def test_someone_not_near_or_a_problem_request_is_refused_and_nothing_changes(world, people, help_case, report):
    before = _state(help_case)
    for stranger in (people["other"], people["mg2"], world.person("resident")):
        with pytest.raises(InvalidInput):
            services.case_match_helper(case=help_case, volunteer=stranger, by=world.person("leader_m1"))
    assert _state(help_case) == before
    problem = report()
    with pytest.raises(InvalidInput):
        services.case_match_helper(case=problem, volunteer=people["ren"], by=world.person("leader_m1"))
    assert Case.objects.get(pk=problem.pk).status == Status.RECEIVED


def test_a_finished_request_cannot_be_rematched(world, people, help_case):
    ren = people["ren"]
    case = services.case_match_helper(case=help_case, volunteer=ren, by=world.person("leader_m1"))
    services.case_plan(case=case, by=ren, colour="green", note="今天下午两点到五点")
    services.case_finish(case=case, by=ren)
    before = _state(case)
    from linli.cases.services import CaseStateError

    with pytest.raises(CaseStateError):
        services.case_match_helper(case=case, volunteer=people["far"], by=world.person("leader_m1"))
    assert _state(case) == before


def test_rematching_replaces_the_volunteer(world, people, help_case):
    case = services.case_match_helper(case=help_case, volunteer=people["ren"], by=world.person("leader_m1"))
    case = services.case_match_helper(case=case, volunteer=people["far"], by=world.person("leader_m1"),
                                      note="任阿姨临时有事")
    assert (case.assignee, case.status) == (people["far"], Status.DISPATCHED)
    with pytest.raises(NotAllowed):  # ren is no longer the assignee
        services.case_arrive(case=case, by=people["ren"])


# --- on the pages ------------------------------------------------------------------------

def test_leader_matches_from_the_detail_page_and_the_volunteer_finishes(client, world, people, help_case):
    client.force_login(world.person("leader_m1"))
    page = client.get(reverse("case_detail", args=[help_case.pk]))
    html = page.content.decode()
    assert 'id="act-match_helper"' in html
    assert html.index(">ren · 志愿者 · 同楼栋<") < html.index(">far · 志愿者 · 本小区<")
    response = client.post(reverse("case_act", args=[help_case.pk, "match_helper"]),
                           {"volunteer": people["ren"].pk, "note": "同楼栋的任阿姨"})
    assert response.status_code == 302
    assert Case.objects.get(pk=help_case.pk).assignee == people["ren"]
    # The volunteer has no staff queue: their notifications page lists the request, and the
    # notification links to it; the detail page offers the next steps.
    client.force_login(people["ren"])
    assert client.get(reverse("queue")).status_code == 403
    mine = client.get(reverse("notifications")).content.decode()
    assert 'id="assigned"' in mine and mine.count(f'href="/cases/{help_case.pk}"') == 1
    note = Notification.objects.get(recipient=people["ren"], case=help_case)
    assert f'action="{reverse("notification_read", args=[note.pk])}"' in mine  # the unread one opens and reads
    assert client.post(reverse("notification_read", args=[note.pk]), {"open": "1"}).url == f"/cases/{help_case.pk}"
    detail = client.get(reverse("case_detail", args=[help_case.pk])).content.decode()
    assert 'id="act-arrive"' in detail and 'id="act-dispatch"' not in detail and "13800003333" in detail
    for action, data in (("arrive", {}), ("plan", {"colour": "green", "note": "两点到五点帮忙照看"}),
                         ("finish", {"note": "已帮忙照看"})):
        assert client.post(reverse("case_act", args=[help_case.pk, action]), data).status_code == 302
    assert Case.objects.get(pk=help_case.pk).status == Status.DONE
    # The volunteer cannot close it (the return visit and closing are staff's).
    detail = client.get(reverse("case_detail", args=[help_case.pk])).content.decode()
    assert 'id="act-visit"' in detail  # holder may do the work clock's return visit too


def test_matching_a_stranger_through_a_forged_form_is_refused(client, world, people, help_case):
    client.force_login(world.person("leader_m1"))
    response = client.post(reverse("case_act", args=[help_case.pk, "match_helper"]),
                           {"volunteer": people["other"].pk})
    assert response.status_code == 422
    assert Case.objects.get(pk=help_case.pk).status == Status.RECEIVED


def test_a_volunteer_without_a_match_sees_nothing(client, people, help_case):
    client.force_login(people["far"])
    assert client.get(reverse("case_detail", args=[help_case.pk])).status_code == 404
    mine = client.get(reverse("notifications"))
    assert mine.status_code == 200 and f"/cases/{help_case.pk}" not in mine.content.decode()


def test_problem_requests_offer_no_volunteer_form(client, world, report):
    case = report()
    client.force_login(world.person("leader_m1"))
    assert 'id="act-match_helper"' not in client.get(reverse("case_detail", args=[case.pk])).content.decode()
