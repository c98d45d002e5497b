"""The issue's path: a resident raises a topic → neighbours support it → the
body schedules it in a weekly meeting and sends the notice → the minutes decide
it → the outcome, the person responsible and the review date are public."""
from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.cases.models import Notification
from linli.deliberation import services as dlb
from linli.deliberation.models import Event, Meeting, Topic
from linli.outbox.models import OutboxMessage
from tests.deliberation.conftest import soon


def test_raise_support_schedule_decide_and_the_outcome_is_public(dworld):
    w = dworld
    resident, owner, neighbour = w.person("resident"), w.person("owner"), w.person("neighbour")
    committee = w.person("committee_x")
    committee.email = "committee@example.org"
    committee.save(update_fields=["email"])
    topic = dlb.topic_raise(compound=w["X"], title="东门晚上路灯不亮", body="东门到 2 栋的路灯坏了一个月。", by=resident)
    assert (topic.status, topic.supporters) == ("raised", 1)
    dlb.topic_support(topic=topic, by=owner)
    topic = dlb.topic_support(topic=topic, by=neighbour)
    assert topic.supporters == 3
    dlb.topic_take_up(topic=topic, body="owners_committee", by=committee)

    meeting = dlb.meeting_convene(compound=w["X"], kind="weekly", title="第 12 周周周议", starts_at=soon(),
                                  place="小区议事厅", bodies=["owners_committee", "property"], by=committee)
    dlb.agenda_add(meeting=meeting, topic=topic, by=committee)
    topic.refresh_from_db()
    assert topic.status == "scheduled"
    told = dlb.meeting_notify(meeting=meeting, by=committee)
    # The committee, X's property staff, the raiser and the two supporters.
    assert told == 5
    assert set(Notification.objects.filter(kind="deliberation.notice").values_list("recipient__username", flat=True)) == {
        "committee_x", "property_x", "resident", "owner", "neighbour"}
    assert list(OutboxMessage.objects.filter(kind="deliberation.notice").values_list("address", "subject")) == [
        ("committee@example.org", "会议通知：第 12 周周周议")]

    review_on = timezone.localdate() + dt.timedelta(days=30)
    dlb.meeting_minutes(meeting=meeting, minutes="与会人员讨论了东门路灯问题。", attendance=[
        ("张主任", "业委会主任", "in_person"), ("李经理", "物业项目经理", "online")],
        outcomes={topic.pk: {"outcome": "decided", "decision": "物业一周内更换东门路灯。", "responsible": "李经理",
                             "review_on": review_on}}, by=committee)
    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.status, topic.outcome, topic.responsible, topic.review_on) == (
        "decided", "物业一周内更换东门路灯。", "李经理", review_on)
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
    assert list(Event.objects.filter(data__topic=topic.pk, kind="topic.status").values_list(
        "data__before", "data__after")) == [("raised", "scheduled"), ("scheduled", "decided")]

    anonymous = Client()
    page = anonymous.get(reverse("dlb_topic", args=[topic.pk])).content.decode()
    assert "已决定" in page and "物业一周内更换东门路灯。" in page and "李经理" in page
    assert review_on.strftime("%Y-%m-%d") in page
    listing = anonymous.get(reverse("dlb_compound", args=["X"]) + "?show=decided").content.decode()
    assert "东门晚上路灯不亮" in listing and "李经理" in listing
    minutes = anonymous.get(reverse("dlb_meeting", args=[meeting.pk])).content.decode()
    assert "会议纪要" in minutes and "李经理（物业项目经理）〔线上〕" in minutes and "物业一周内更换东门路灯。" in minutes

    dlb.topic_done(topic=topic, note="已更换。", by=committee)
    listing = anonymous.get(reverse("dlb_compound", args=["X"]) + "?show=done").content.decode()
    assert "东门晚上路灯不亮" in listing and "已办结" in listing


def test_a_request_becomes_a_topic_keeping_its_id(dworld, client):
    import pytest

    from linli.cases import services as cases
    from linli.cases.models import Category, Source
    from linli.errors import NotAllowed

    w = dworld
    case = cases.case_create(node=w["X-B1-U1"], category=Category.objects.get(code="repair"),
                             description="小区东门道闸经常抬不起来，车辆排队", source=Source.QR)
    with pytest.raises(NotAllowed):
        dlb.topic_from_case(case=case, by=w.person("community_c2"))
    assert Topic.objects.count() == 0
    client.force_login(w.person("community_c1"))
    r = client.post("/deliberation/c/X/from-request", {"case": str(case.pk), "title": "东门道闸"})
    assert r.status_code == 302
    topic = Topic.objects.get()
    assert (topic.case_id, topic.title, topic.compound.code, topic.status) == (case.pk, "东门道闸", "X", "raised")
    client.post("/deliberation/c/X/from-request", {"case": str(case.pk)})
    assert Topic.objects.count() == 1
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    assert f"来自诉求 #{case.pk}" in page
