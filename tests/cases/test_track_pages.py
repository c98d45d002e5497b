"""The resident's tracking page /t/<code>: a public timeline in plain Chinese,
no staff-only data, no phone numbers, and rating by the tracking code."""
from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from linli.cases import services
from linli.cases.models import AssigneeKind, Case, CaseEvent, Deadline, Rating, ReturnVisit, Status, VisitMethod


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _chinese():
    # Notifications are written in the language active when staff act; an
    # earlier test's request may have left English active in this thread.
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


def jpeg() -> ContentFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buf, format="JPEG")
    return ContentFile(buf.getvalue(), name="p.jpg")


def planned(world, clock, report, **kw):
    """Reported 10:00, accepted 10:04, dispatched to the property company, plan green."""
    case = report(contact_phone="13912345678", contact_name="王阿姨", **kw)
    staff = world.person("property_x")
    clock.advance(minutes=4)
    services.case_accept(case=case, by=staff, note="内部:先打电话给王阿姨")
    clock.advance(minutes=2)
    services.case_dispatch(case=case, by=world.person("grid_c1"), to=AssigneeKind.PROPERTY, note="内部派单说明")
    clock.advance(minutes=10)
    services.case_plan(case=case, by=staff, colour="green", note="明天上午更换楼道灯泡")
    return Case.objects.get(pk=case.pk)


def done(world, clock, report):
    case = planned(world, clock, report)
    clock.advance(hours=20)
    services.case_finish(case=case, by=world.person("property_x"), note="灯泡已更换", photos=[jpeg()])
    return Case.objects.get(pk=case.pk)


def page(client, case) -> str:
    r = client.get(f"/t/{case.tracking_code}")
    assert r.status_code == 200
    return r.content.decode()


def test_timeline_reads_in_plain_chinese_with_the_deadline_to_expect(client, world, clock, report):
    case = planned(world, clock, report)
    clock.advance(hours=1)
    services.case_progress(case=case, by=world.person("property_x"), note="已约电工,电话 13800001111")
    body = page(client, case)
    for sentence in ("11月2日 10:00", "已收到您的诉求", "11月2日 10:04", "工作人员已响应", "11月2日 10:06",
                     "已派给物业公司", "已提出方案", "明天上午更换楼道灯泡", "绿色（3天内办结）", "进展",
                     "已约电工,电话 138****1111"):
        assert sentence in body, sentence
    # The resident knows when to expect the result (green: 3 days from the report).
    assert "预计办结时间" in body and "11月5日 10:00" in body
    assert '<span class="tag status-in_progress">办理中</span>' in body
    # Messages to the resident are on the page.
    assert "您的诉求已受理" in body and "您的诉求有了处理方案" in body


def test_tracking_page_shows_no_phone_numbers_staff_names_or_internal_notes(client, world, clock, report):
    case = planned(world, clock, report)
    services.case_supervise(case=case, by=world.person("community_c1"), kind="supervise", note="督办:请加快")
    body = page(client, case)
    assert "13912345678" not in body and "13800001111" not in body
    assert "王阿姨" not in body  # the reporter's name is not shown either
    assert "内部" not in body and "督办:请加快" not in body
    assert "property_x" not in body and "grid_c1" not in body and "community_c1" not in body
    assert CaseEvent.objects.filter(case=case, public=False).exists()


def test_unknown_tracking_code_is_a_chinese_404_with_the_follow_box(client, world):
    r = client.get("/t/NOSUCHCODE")
    assert r.status_code == 404
    body = r.content.decode()
    assert "没有找到这条诉求" in body and "NOSUCHCODE" in body and 'action="/t/"' in body


def test_tracking_code_is_not_case_sensitive(client, world, report):
    case = report()
    assert client.get(f"/t/{case.tracking_code.lower()}").status_code == 200


@pytest.mark.parametrize("rating,status,thanks", [
    (Rating.SATISFIED, Status.VISITED, "感谢您的评价"),
    (Rating.BASICALLY, Status.VISITED, "感谢您的评价"),
    (Rating.UNSATISFIED, Status.IN_PROGRESS, "诉求已重新办理"),
])
def test_rating_a_done_request_records_the_return_visit(client, world, clock, report, rating, status, thanks):
    case = done(world, clock, report)
    body = page(client, case)
    assert "问题解决了吗" in body and f'action="/t/{case.tracking_code}/rate"' in body
    r = client.post(f"/t/{case.tracking_code}/rate", {"rating": rating, "comment": "谢谢师傅"})
    assert r.status_code == 302 and r["Location"] == f"/t/{case.tracking_code}?rated=1"
    case.refresh_from_db()
    assert case.status == status and case.rating == rating
    visit = ReturnVisit.objects.get(case=case)
    assert (visit.method, visit.rating, visit.comment, visit.by) == (VisitMethod.ONLINE, rating, "谢谢师傅", None)
    after = client.get(r["Location"]).content.decode()
    assert thanks in after and "问题解决了吗" not in after
    if rating == Rating.UNSATISFIED:
        assert "回访：不满意，诉求已重新办理" in after
        assert Deadline.objects.filter(case=case, clock="finish", met_at__isnull=True,
                                       cancelled_at__isnull=True).exists()
    else:
        assert "您的评价" in after


def test_rating_in_another_status_is_refused_and_changes_nothing(client, world, clock, report):
    case = planned(world, clock, report)
    body = page(client, case)
    assert "问题解决了吗" not in body  # no form before the work is done
    events = CaseEvent.objects.filter(case=case).count()
    r = client.post(f"/t/{case.tracking_code}/rate", {"rating": Rating.SATISFIED})
    assert r.status_code == 409
    assert "现在不能进行此操作" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.PLANNED and case.rating == ""
    assert ReturnVisit.objects.count() == 0 and CaseEvent.objects.filter(case=case).count() == events


def test_rating_twice_is_refused_the_second_time(client, world, clock, report):
    case = done(world, clock, report)
    client.post(f"/t/{case.tracking_code}/rate", {"rating": Rating.SATISFIED})
    r = client.post(f"/t/{case.tracking_code}/rate", {"rating": Rating.UNSATISFIED})
    assert r.status_code == 409
    case.refresh_from_db()
    assert case.status == Status.VISITED and case.rating == Rating.SATISFIED
    assert ReturnVisit.objects.count() == 1


def test_rating_without_a_choice_is_refused_in_chinese(client, world, clock, report):
    case = done(world, clock, report)
    r = client.post(f"/t/{case.tracking_code}/rate", {"comment": "嗯"})
    assert r.status_code == 422
    assert "请选择满意、基本满意或不满意" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DONE and ReturnVisit.objects.count() == 0


def test_rating_needs_post_and_a_known_code(client, world, clock, report):
    case = done(world, clock, report)
    assert client.get(f"/t/{case.tracking_code}/rate").status_code == 405
    assert client.post("/t/NOSUCHCODE/rate", {"rating": Rating.SATISFIED}).status_code == 404


def test_before_and_after_photos_are_served_by_tracking_code_only(client, world, clock, report):
    case = report(photos=[jpeg()])
    other = report(description="另一个问题的描述")
    clock.advance(minutes=1)
    body = page(client, case)
    before = case.photos.get()
    assert f"/t/{case.tracking_code}/photos/{before.pk}" in body and "提交时的照片" in body
    r = client.get(f"/t/{case.tracking_code}/photos/{before.pk}")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert b"".join(r.streaming_content).startswith(b"\xff\xd8")
    assert client.get(f"/t/{other.tracking_code}/photos/{before.pk}").status_code == 404
    assert client.get(f"/t/NOSUCHCODE/photos/{before.pk}").status_code == 404


def test_after_photos_show_once_done(client, world, clock, report):
    case = done(world, clock, report)
    body = page(client, case)
    after = case.photos.get(after=True)
    assert "办理后的照片" in body and f"/photos/{after.pk}" in body
    assert "已办结" in body and "灯泡已更换" in body


def test_a_merged_request_says_how_the_other_stands_without_its_code(client, world, clock, report):
    # Its code would open the other reporter's page, photos and rating form (tests/security).
    first = report()
    dup = report(description="三楼的灯也不亮")
    services.case_merge(case=dup, into=first, by=world.person("property_x"))
    body = page(client, dup)
    assert first.tracking_code not in body and "您的诉求已与之合并办理" in body


def test_help_request_shows_only_the_volunteers_masked_name_once_matched(client, world, clock, report):
    case = report(category="help", description="周六下午需要人帮忙照看孩子")
    body = page(client, case)
    assert "正在寻找志愿者" in body
    assert "响应时限" in body and "给出方案时限" not in body
    volunteer = world.person("resident")
    volunteer.real_name = "张丽华"
    volunteer.save()
    services.case_match_helper(case=case, volunteer=volunteer, by=world.person("leader_m1"))
    body = page(client, case)
    assert "已为您找到志愿者" in body and "张**" in body
    assert "张丽华" not in body and "13912345678" not in body
