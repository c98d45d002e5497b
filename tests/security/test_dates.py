"""Request dates stay inside what the domain allows: a promised deadline after the
request was received and at most two years ahead; a received time not before 2000
and not in the future. Pages, the API and the hotline import say so in Chinese
and change nothing."""
from __future__ import annotations

import pytest

from linli.cases import importing, services
from linli.cases.models import Case, Clock, Deadline, Status
from linli.errors import InvalidInput
from linli.tabular import ImportRejected
from tests.cases.conftest import local
from tests.factories import bearer


def dispatched(world, report):
    case = report()
    staff = world.person("property_x")
    services.case_accept(case=case, by=staff)
    return services.case_dispatch(case=case, by=staff, to="property")


@pytest.mark.parametrize("due, code, message", [
    ("1971-01-01T10:00:00+08:00", "due_before_received", "办结时限必须晚于诉求的受理时间。"),
    ("2026-11-02T09:00:00+08:00", "due_before_received", "办结时限必须晚于诉求的受理时间。"),
    ("2199-01-01T10:00:00+08:00", "due_too_far", "办结时限最多只能定在两年以内。"),
])
def test_api_red_plan_refuses_a_deadline_out_of_bounds(api_client, world, clock, report, due, code, message):
    case = dispatched(world, report)
    r = api_client.post(f"/api/v1/cases/{case.pk}/actions/plan", {"colour": "red", "note": "申请维修资金后更换",
                                                                    "due_at": due},
                        content_type="application/json", **bearer(world.person("property_x")))
    assert r.status_code == 422 and r.json()["code"] == code and r.json()["message"] == message
    case.refresh_from_db()
    assert (case.status, case.colour) == (Status.DISPATCHED, "")
    assert not Deadline.objects.filter(case=case, clock=Clock.FINISH).exists()


def test_a_red_plan_two_years_ahead_at_most_is_accepted(world, clock, report):
    case = dispatched(world, report)
    case = services.case_plan(case=case, by=world.person("property_x"), colour="red", note="申请维修资金后更换",
                              due_at=local(2028, 10, 30, 18))
    assert case.status == Status.PLANNED and Deadline.objects.filter(case=case, clock=Clock.FINISH).exists()


def test_reclassify_refuses_a_deadline_out_of_bounds(world, clock, report):
    case = dispatched(world, report)
    staff = world.person("property_x")
    services.case_plan(case=case, by=staff, colour="green", note="明天换灯")
    with pytest.raises(InvalidInput) as exc:
        services.case_reclassify(case=case, by=staff, colour="red", note="要换线路", due_at=local(2199, 1, 1))
    assert exc.value.code == "due_too_far"
    case.refresh_from_db()
    assert case.colour == "green"


def test_the_staff_page_shows_the_refusal_in_chinese(client, world, clock, report):
    case = dispatched(world, report)
    client.force_login(world.person("property_x"))
    r = client.post(f"/cases/{case.pk}/do/plan", {"colour": "red", "note": "申请维修资金后更换",
                                                  "due_at": "1971-01-01T10:00"}, follow=True)
    assert "办结时限必须晚于诉求的受理时间。" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED


@pytest.mark.parametrize("received, code", [
    ("1999-12-31T23:00:00+08:00", "received_too_early"),
    ("1970-01-01T00:00:00Z", "received_too_early"),
    ("2026-11-03T10:00:00+08:00", "received_in_future"),
])
def test_api_refuses_a_received_time_out_of_bounds(api_client, world, clock, received, code):
    r = api_client.post("/api/v1/cases", {"unit": "X-B1-U1", "category": "repair", "description": "楼道灯坏了",
                                          "source": "hotline", "received_at": received},
                        content_type="application/json", **bearer(world.person("community_c1")))
    assert r.status_code == 422 and r.json()["code"] == code
    assert Case.objects.count() == 0


def test_the_hotline_import_refuses_a_received_time_of_1970(world, clock):
    csv = ("工单号,受理时间,地点编码,地址,类别,内容,联系人,电话\n"
           "12345-1,1970-01-01 08:00,X-B1-U1,,repair,楼道灯坏了,,\n")
    with pytest.raises(ImportRejected) as exc:
        importing.hotline_import(data=csv.encode(), filename="t.csv", by=world.person("community_c1"))
    assert [(e.row, e.column, str(e.message)) for e in exc.value.errors] == [
        (2, "受理时间", "受理时间 1970-01-01 08:00 早于2000年。")]
    assert Case.objects.count() == 0
