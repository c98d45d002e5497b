"""Issue 12, the request loop as people live it: the fixes that need no browser."""
from __future__ import annotations

import pytest
from django.urls import reverse

from linli.cases import services
from linli.cases.models import AssigneeKind, CaseEvent, Status
from linli.errors import InvalidInput


@pytest.fixture
def accepted(world, report):
    """A request of compound Y (no property staff there), accepted by C1's grid worker."""
    case = report("Y-B1-U1")
    return services.case_accept(case=case, by=world.person("grid_c1"))


def test_dispatch_to_a_role_nobody_holds_is_refused_and_changes_nothing(world, accepted):
    with pytest.raises(InvalidInput) as exc:
        services.case_dispatch(case=accepted, by=world.person("grid_c1"), to=AssigneeKind.PROPERTY)
    assert exc.value.code == "nobody_holds_role"
    accepted.refresh_from_db()
    assert (accepted.status, accepted.assignee_kind) == (Status.ACCEPTED, "")
    assert not CaseEvent.objects.filter(case=accepted, action="dispatch").exists()


def test_dispatch_to_a_role_someone_holds_goes_through(world, accepted):
    case = services.case_dispatch(case=accepted, by=world.person("grid_c1"), to=AssigneeKind.COMMUNITY)
    assert (case.status, case.assignee_kind, case.assignee_node) == (Status.DISPATCHED, "community", world["C1"])


def test_transfer_to_a_role_nobody_holds_is_refused(world, accepted):
    case = services.case_dispatch(case=accepted, by=world.person("grid_c1"), to=AssigneeKind.COMMUNITY)
    with pytest.raises(InvalidInput) as exc:
        services.case_transfer(case=case, by=world.person("grid_c1"), to=AssigneeKind.PARTY_BRANCH, note="归党支部")
    assert exc.value.code == "nobody_holds_role"


def test_the_detail_page_says_why_the_dispatch_was_refused(client, world, accepted):
    client.force_login(world.person("grid_c1"))
    response = client.post(reverse("case_act", args=[accepted.pk, "dispatch"]), {"to": "property"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "派给“物业公司”将无人接收：Y还没有人担任这一角色。" in text
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_the_migration_gives_stored_clocks_the_colour_they_were_started_for(world, accepted):
    import importlib

    from django.apps import apps

    from linli.cases.models import Deadline

    by = world.person("grid_c1")
    case = services.case_dispatch(case=accepted, by=by, to=AssigneeKind.COMMUNITY)
    services.case_plan(case=case, by=by, colour="green", note="明天更换灯泡")
    services.case_reclassify(case=case, by=by, colour="yellow", note="需要采购配件")
    Deadline.objects.update(colour="")  # as stored before the field existed
    importlib.import_module("linli.cases.migrations.0011_deadline_colour").backfill(apps, None)
    finish = list(Deadline.objects.filter(case=case, clock="finish").order_by("started_at", "id")
                  .values_list("colour", "cancelled_at"))
    assert [(colour, cancelled is not None) for colour, cancelled in finish] == [("green", True), ("yellow", False)]
    assert set(Deadline.objects.exclude(clock__in=["finish", "progress"]).values_list("colour", flat=True)) == {""}
