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


