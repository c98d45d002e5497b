"""Issue 12 items 2, 4 and 5: everyone who must act is told, and only them.

- 2: every new request reaches someone who can act (micro-grid leader, else the grid
  worker, else the community), and the request's pages say who was told;
- 4: the resident's messages never land in a staff member's inbox (a phone call
  recorded by staff, or staff reporting for someone);
- 5: a reopened request tells the handler and the supervisor.
Each of these failed on main before this branch."""
from __future__ import annotations

import pytest
from django.test import Client

from linli.cases import notify, services
from linli.cases.models import Case, Category, Notification, Source, Status


@pytest.fixture
def repair(db):
    return Category.objects.get(code="repair")


def _told(case) -> set[str]:
    return set(Notification.objects.filter(case=case, kind="staff.received")
               .values_list("recipient__username", flat=True))


def _report(world, repair, code="X-B1-U1", **kw):
    kw.setdefault("source", Source.QR)
    return services.case_create(node=world[code], category=repair, description="楼道灯坏了", **kw)


# --- item 2 -----------------------------------------------------------------------------

def test_a_request_in_a_micro_grid_with_a_leader_reaches_the_leader_and_the_property_staff(world, repair):
    case = _report(world, repair)
    assert notify.received_fanout() == 1
    assert _told(case) == {"leader_m1", "property_x"}


def test_a_micro_grid_without_a_leader_passes_the_request_to_the_grid_worker(world, repair):
    case = _report(world, repair, code="X-B2-U1")  # X-201 lies in C1-M2, which has no leader
    assert case.microgrid == world["C1-M2"]
    notify.received_fanout()
    assert _told(case) == {"grid_c1", "property_x"}


def test_without_leader_grid_worker_or_property_staff_the_community_is_told(world, repair):
    case = _report(world, repair, code="W-B1-U1")  # compound W (C3): nobody but community staff ("multi")
    notify.received_fanout()
    assert _told(case) == {"multi"}


def test_the_staff_and_resident_pages_say_who_was_told(world, repair, client):
    case = _report(world, repair, code="X-B2-U1")
    track = client.get(f"/t/{case.tracking_code}").content.decode()
    assert "正在通知" in track  # the worker has not run yet
    notify.received_fanout()
    track = client.get(f"/t/{case.tracking_code}").content.decode()
    # Role and masked name ("grid_c1" → "g**"), never the full name, on the resident's page.
    assert "已通知" in track and "网格员 g**" in track and "物业" in track
    assert "grid_c1" not in track
    staff = Client()
    staff.force_login(world.person("community_c1"))
    page = staff.get(f"/cases/{case.pk}").content.decode()
    assert "网格员 g**" in page
    api = client.get(f"/api/v1/track/{case.tracking_code}").json()
    assert {"role": "网格员", "name": "g**"} in api["told"]


# --- item 4 -----------------------------------------------------------------------------

def test_a_phone_call_recorded_by_staff_never_sends_the_callers_messages_to_that_staff_member(world, repair):
    community = world.person("community_c1")
    case = _report(world, repair, source=Source.PHONE, by=community, contact_phone="13800001111")
    services.case_accept(case=case, by=community)
    assert not Notification.objects.filter(recipient=community, kind__startswith="resident.").exists()
    # The caller's message is kept for the tracking page.
    assert Notification.objects.filter(case=case, for_reporter=True, kind="resident.accepted").count() == 1


def test_staff_reporting_from_a_qr_page_get_no_resident_messages_in_their_inbox(world, repair):
    grid = world.person("grid_c1")
    case = _report(world, repair, by=grid)
    services.case_accept(case=case, by=world.person("property_x"))
    assert not Notification.objects.filter(recipient__isnull=False, kind__startswith="resident.").exists()


def test_a_resident_who_reports_with_their_account_still_reads_the_messages_in_the_app(world, repair):
    resident = world.person("resident")
    case = _report(world, repair, by=resident)
    services.case_accept(case=case, by=world.person("property_x"))
    assert list(Notification.objects.filter(recipient__isnull=False, kind="resident.accepted")
                .values_list("recipient__username", flat=True)) == ["resident"]


# --- item 5 -----------------------------------------------------------------------------

def _done(world, repair):
    staff = world.person("property_x")
    case = _report(world, repair)
    case = services.case_accept(case=case, by=staff)
    case = services.case_dispatch(case=case, by=staff, to="property")
    case = services.case_plan(case=case, by=staff, colour="green", note="明天换灯")
    return services.case_finish(case=case, by=staff, note="已更换")


def test_unsatisfied_rating_tells_the_handler_and_the_supervisor(world, repair):
    case = _done(world, repair)
    case = services.case_visit(case=case, by=None, method="online", rating="unsatisfied", comment="还是不亮",
                               tracking_code=case.tracking_code)
    assert case.status == Status.IN_PROGRESS
    rows = Notification.objects.filter(case=case, kind="staff.reopened")
    # property_x handles it; the next level of the escalation chain (the micro-grid leader) supervises.
    assert set(rows.values_list("recipient__username", flat=True)) == {"property_x", "leader_m1"}
    assert rows.first().title == f"诉求 {case.tracking_code} 已重新打开：居民不满意"
    assert rows.first().body == "还是不亮"


def test_a_request_reopened_by_staff_tells_the_handler_and_the_supervisor_but_not_who_reopened_it(world, repair):
    case = _done(world, repair)
    case = services.case_visit(case=case, by=world.person("community_c1"), method="phone", rating="satisfied")
    services.case_reopen(case=Case.objects.get(pk=case.pk), by=world.person("community_c1"), note="居民再次来电")
    assert set(Notification.objects.filter(case=case, kind="staff.reopened")
               .values_list("recipient__username", flat=True)) == {"property_x", "leader_m1"}


def test_a_phone_call_recorded_with_the_callers_opt_in_texts_the_caller_not_the_staff_member(world, repair, settings):
    from linli.outbox.models import OutboxMessage

    settings.LINLI_OUTBOX_QUIET_HOURS = (0, 0)
    community = world.person("community_c1")
    staff = Client()
    staff.force_login(community)
    answer = staff.post("/cases/new", {"source": "phone", "place": world["X-B1-U1"].pk, "category": "repair",
                                       "description": "来电：三楼灯不亮", "contact_phone": "13800003333",
                                       "updates_wanted": "on"})
    assert answer.status_code == 302
    case = Case.objects.get()
    assert case.updates_wanted
    services.case_accept(case=case, by=community)
    assert list(OutboxMessage.objects.filter(channel="sms").values_list("address", "kind")) == [
        ("13800003333", "resident.accepted")]
    assert not Notification.objects.filter(recipient=community, kind__startswith="resident.").exists()


def test_someone_told_who_has_since_lost_the_role_is_still_named(world, repair, client):
    from linli.org.models import RoleAssignment

    case = _report(world, repair, code="X-B2-U1")
    notify.received_fanout()
    RoleAssignment.objects.filter(person=world.person("grid_c1"), role="grid_worker").delete()
    api = client.get(f"/api/v1/track/{case.tracking_code}").json()
    assert {"role": "", "name": "g**"} in api["told"] and len(api["told"]) == 2
