"""The pages: public lists and sheets for anyone, forms that refuse bad input
with a Chinese message and write nothing, the minutes form moving the topics,
the printable meeting sheet."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.deliberation.models import Event, Meeting, Topic


def test_public_pages_answer_anyone(dstate, client):
    s = dstate
    for url in ("/deliberation/", "/deliberation/c/X/", f"/deliberation/topics/{s.topic.pk}/",
                f"/deliberation/meetings/{s.meeting.pk}/", f"/deliberation/reviews/{s.review.pk}/",
                f"/deliberation/rounds/{s.supporting.pk}/", f"/deliberation/projects/{s.project.pk}/"):
        assert client.get(url).status_code == 200, url
    index = client.get("/deliberation/").content.decode()
    assert "X" in index and "1 个进行中的议题" in index
    assert "Topic" not in client.get("/deliberation/c/X/").content.decode()  # no English on the Chinese page


def test_raising_an_empty_topic_is_refused_and_nothing_is_written(dstate, client):
    client.force_login(dstate.world.person("resident"))
    before = (Topic.objects.count(), Event.objects.count())
    r = client.post("/deliberation/c/X/raise", {"title": "   ", "body": "说明"})
    assert r.status_code == 422
    assert "议题需要标题，最多 120 个字。" in r.content.decode()
    assert (Topic.objects.count(), Event.objects.count()) == before


def test_a_meeting_with_an_impossible_date_is_refused(dstate, client):
    client.force_login(dstate.world.person("committee_x"))
    before = Meeting.objects.count()
    r = client.post("/deliberation/c/X/meetings/new", {"kind": "weekly", "title": "周周议", "starts_at": "2026-02-31T19:00",
                                                       "place": "议事厅", "bodies": ["owners_committee"]})
    assert r.status_code == 422 and "请填写会议日期和时间。" in r.content.decode()
    assert Meeting.objects.count() == before


def test_minutes_form_decides_and_the_sheet_prints(dstate, client):
    s = dstate
    client.force_login(s.world.person("committee_x"))
    client.post(f"/deliberation/meetings/{s.meeting.pk}/agenda", {"topic": str(s.topic.pk)})
    review_on = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    t = s.topic.pk
    r = client.post(f"/deliberation/meetings/{s.meeting.pk}/minutes", {
        "attendance": "张主任，业委会主任\n李经理，物业，线上", "minutes": "讨论快递柜。",
        f"outcome_{t}": "decided", f"decision_{t}": "增设两组快递柜。", f"responsible_{t}": "李经理",
        f"review_on_{t}": review_on})
    assert r.status_code == 302
    topic = Topic.objects.get(pk=t)
    assert (topic.status, topic.responsible, topic.review_on.isoformat()) == ("decided", "李经理", review_on)
    assert list(Meeting.objects.get(pk=s.meeting.pk).attendance.values_list("name", "mode")) == [
        ("张主任", "in_person"), ("李经理", "online")]
    client.logout()
    sheet = client.get(f"/deliberation/meetings/{s.meeting.pk}/").content.decode()
    assert 'class="dlb-sheet"' in sheet and "data-print" in sheet and "linli/print.js" in sheet
    assert "会议纪要：周周议" in sheet and "增设两组快递柜。" in sheet and "李经理（物业）〔线上〕" in sheet


def test_a_project_links_its_questionnaire(dstate, client):
    from linli.deliberation import services as dlb

    dlb.project_review(project=dstate.project, eligible=True, survey_ref="5", by=dstate.world.person("community_c1"))
    page = client.get(f"/deliberation/projects/{dstate.project.pk}/").content.decode()
    assert '<a href="/surveys/5/">5</a>' in page
