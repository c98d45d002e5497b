"""Issue 12 item 5: an owner's objection to a quarterly report tells whoever must answer
it (the property staff of the compound, else the community), with the answer deadline,
in the app and through the outbox. On main nobody was told."""
from __future__ import annotations

import pytest
from django.utils import timezone

from linli.cases.models import Notification
from linli.disclosure import services
from linli.org.models import Role, RoleAssignment
from linli.outbox.models import OutboxMessage
from tests.disclosure.test_reports import money, published  # noqa: F401 - the fixture is used by name


def test_an_objection_tells_the_property_staff_with_the_answer_deadline(dworld, money, settings):  # noqa: F811
    settings.LINLI_OBJECTION_ANSWER_DAYS = 7
    staff = dworld.person("property_x")
    staff.email = "property@example.cn"
    staff.save()
    report = published(dworld, *money)
    objection = services.objection_create(report=report, line="cleaning", text="保洁费为什么翻倍？",
                                          by=dworld.person("owner"))
    due = timezone.localtime(objection.due_at).strftime("%Y-%m-%d %H:%M")
    row = Notification.objects.get(kind="disclosure.objection")
    assert row.recipient == staff
    assert row.title == f"业主对{report.title}提出异议：请在 {due} 前答复"
    assert row.body == f"请在 {due} 前在报告页面答复。异议内容：保洁费为什么翻倍？"
    assert row.url == f"/reports/{report.pk}/"
    message = OutboxMessage.objects.get(kind="disclosure.objection")
    assert (message.channel, message.address, message.node) == ("email", "property@example.cn", dworld["X"])


def test_without_property_staff_the_community_must_answer(dworld, money):  # noqa: F811
    report = published(dworld, *money)
    RoleAssignment.objects.filter(role=Role.PROPERTY_STAFF, node=dworld["X"]).delete()
    services.objection_create(report=report, line="cleaning", text="保洁费为什么翻倍？", by=dworld.person("owner"))
    assert set(Notification.objects.filter(kind="disclosure.objection")
               .values_list("recipient__username", flat=True)) == {"community_c1", "multi"}


@pytest.mark.parametrize("line, text", [("nope", "?"), ("cleaning", "  ")])
def test_a_refused_objection_tells_nobody(dworld, money, line, text):  # noqa: F811
    from linli.errors import InvalidInput

    report = published(dworld, *money)
    with pytest.raises(InvalidInput):
        services.objection_create(report=report, line=line, text=text, by=dworld.person("owner"))
    assert not Notification.objects.filter(kind="disclosure.objection").exists()
    assert not OutboxMessage.objects.filter(kind="disclosure.objection").exists()
