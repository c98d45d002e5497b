"""Staff pages of requests: the detail page and its action forms (permission
matrix, one service per form, refusals that change nothing), the queue, the
supervision view, escalations, notifications, recording a request and the
time-limit policy page."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from linli.cases import deadline_sweep, notify, services
from linli.cases.models import (
    Case,
    CaseEvent,
    Category,
    Deadline,
    Escalation,
    Notification,
    Photo,
    PolicyAssignment,
    Source,
    Status,
    Supervision,
    TimeLimitPolicy,
)
from linli.org import services as org
from linli.org.models import Role
from tests.cases.conftest import local


def _snapshot(case):
    case.refresh_from_db()
    return (case.status, case.colour, case.assignee_kind, case.assignee_id, CaseEvent.objects.filter(case=case).count(),
            Deadline.objects.filter(case=case).count(), Supervision.objects.filter(case=case).count())


def _client(client, world, who):
    if world.person(who) is not None:
        client.force_login(world.person(who))
    return client


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _jpeg() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="JPEG")
    buf.seek(0)
    buf.name = "after.jpg"
    return buf


def _act(client, case, action, **data):
    return client.post(reverse("case_act", args=[case.pk, action]), data)


# --- the detail page ------------------------------------------------------------------

DETAIL_MATRIX = [
    ("anonymous", "login"), ("resident", 404), ("owner", 404),
    ("property_z", 404), ("community_c2", 404),                     # staff out of scope
    ("property_x", 200), ("grid_c1", 200), ("leader_m1", 200), ("community_c1", 200), ("street_s1", 200),
]


@pytest.mark.parametrize("who,expected", DETAIL_MATRIX)
def test_who_sees_the_detail_page(client, world, report, who, expected):
    case = report(contact_name="李女士", contact_phone="13800001111")
    response = _client(client, world, who).get(reverse("case_detail", args=[case.pk]))
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        return
    assert response.status_code == expected
    if expected == 200:
        text = _text(response)
        # Staff see the status, the clocks and the history; the reporter's contact in full
        # only those dispatching the request (tests/cases/test_contact_privacy.py), masked the others.
        if who in ("property_x", "leader_m1"):
            assert "138****1111" in text and "李*" in text and "13800001111" not in text
        else:
            assert "13800001111" in text and "李女士" in text
        assert "待受理" in text and case.tracking_code in text
        assert "三楼楼道灯不亮了" in text
    else:
        assert "13800001111" not in response.content.decode()


def test_the_detail_page_shows_clocks_with_time_left_and_the_history(client, world, clock, report):
    case = report()
    clock.advance(minutes=2)
    response = _client(client, world, "property_x").get(reverse("case_detail", args=[case.pk]))
    text = _text(response)
    # respond 5 min, on site 15 min, plan 30 min — from the report at 10:00
    assert "11-02 10:05" in text and "11-02 10:15" in text and "11-02 10:30" in text
    assert "还剩 3分钟" in text and "还剩 13分钟" in text
    assert "待受理" in text  # status
    # The forms offered now: accept, not arrive or finish.
    html = response.content.decode()
    assert 'id="act-accept"' in html and 'id="act-arrive"' not in html and 'id="act-finish"' not in html


def test_a_missed_clock_shows_overdue_and_the_escalation(client, world, clock, report):
    case = report()
    clock.advance(minutes=20)
    deadline_sweep.sweep()
    response = _client(client, world, "community_c1").get(reverse("case_detail", args=[case.pk]))
    html = response.content.decode()
    assert "已超时 15分钟" in _text(response)  # respond was due 10:05
    assert 'id="escalations"' in html and "第 1 级" in _text(response)


# --- action forms: permission matrix ------------------------------------------------------

ACCEPT_MATRIX = [
    ("anonymous", "login"), ("resident", 404), ("property_z", 404), ("community_c2", 404),
    ("property_x", "ok"), ("grid_c1", "ok"), ("leader_m1", "ok"), ("community_c1", "ok"),
]


@pytest.mark.parametrize("who,expected", ACCEPT_MATRIX)
def test_who_may_use_the_accept_form(client, world, report, who, expected):
    case = report()
    before = _snapshot(case)
    response = _act(_client(client, world, who), case, "accept", note="马上处理")
    if expected == "ok":
        assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
        assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
        page = client.get(response["Location"])
        assert "已响应" in _text(page) and "受理：已完成" in _text(page)
    else:
        if expected == "login":
            assert response.status_code == 302 and response["Location"].startswith("/login/")
        else:
            assert response.status_code == expected
        assert _snapshot(case) == before


def test_in_scope_staff_without_the_right_gets_403_and_nothing_changes(client, world, report):
    """The party branch sees the request but may not accept it: the form is not offered
    and a forged POST is refused by the service."""
    branch = org.person_create(username="branch_x", real_name="党支部书记", password="pw-branch_x", by=None)
    org.role_assign(person=branch, role=Role.PARTY_BRANCH, node=world["X"], by=None)
    case = report()
    client.force_login(branch)
    page = client.get(reverse("case_detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="act-accept"' not in html and 'id="act-supervise"' in html
    before = _snapshot(case)
    response = _act(client, case, "accept")
    assert response.status_code == 403 and "您无权在此执行该操作" in _text(response)
    assert _snapshot(case) == before


def test_every_form_of_the_main_road_calls_its_service(client, world, clock, report):
    case = report()
    c = _client(client, world, "property_x")
    steps = [
        ("accept", {}, Status.ACCEPTED, "已响应"),
        ("dispatch", {"to": "property"}, Status.DISPATCHED, "已派单"),
        ("arrive", {"note": "已到现场"}, Status.ON_SITE, "已到场"),
        ("plan", {"colour": "green", "note": "今天更换灯泡"}, Status.PLANNED, "已提出方案"),
        ("progress", {"note": "灯泡已买到"}, Status.IN_PROGRESS, "办理中"),
    ]
    for action, data, status, label in steps:
        clock.advance(minutes=1)
        response = _act(c, case, action, **data)
        assert response.status_code == 302, (action, _text(response)[:400])
        page = c.get(response["Location"])
        assert Case.objects.get(pk=case.pk).status == status
        assert label in page.content.decode()
    clock.advance(minutes=30)
    response = c.post(reverse("case_act", args=[case.pk, "finish"]), {"note": "已更换", "photos": [_jpeg()]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DONE and Photo.objects.filter(case=case, after=True).count() == 1
    photo = Photo.objects.get(case=case, after=True)
    assert c.get(reverse("case_photo", args=[case.pk, photo.pk])).status_code == 200
    response = _act(c, case, "visit", method="phone", rating="satisfied", comment="很满意")
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == Status.VISITED
    response = _act(c, case, "close")
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == Status.CLOSED
    page = c.get(reverse("case_detail", args=[case.pk]))
    text = _text(page)
    html = page.content.decode()
    # Closed: only reopening is offered (property staff may reopen).
    assert "已结案" in text and 'id="act-reopen"' in html and 'id="act-close"' not in html
    # The full history, one event per form.
    assert list(case.events.values_list("action", flat=True)) == [
        "create", "accept", "dispatch", "arrive", "plan", "progress", "finish", "visit", "close"]
    assert "按时完成" in text and "超时完成" not in text


def test_the_side_roads_reclassify_transfer_send_back_merge_unsolvable_reopen(client, world, report):
    staff = world.person("property_x")
    case = services.case_accept(case=report(), by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="方案")
    c = _client(client, world, "community_c1")
    assert _act(c, case, "reclassify", colour="yellow", note="需要采购配件").status_code == 302
    case.refresh_from_db()
    assert case.colour == "yellow"
    assert _act(c, case, "transfer", to="community", note="涉及公共部位").status_code == 302
    case.refresh_from_db()
    assert (case.assignee_kind, case.assignee_node.code) == ("community", "C1")
    assert _act(c, case, "send_back", note="不属于社区职责").status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    other = report(description="楼道灯坏了（重复）")
    assert _act(c, other, "merge", into=case.tracking_code.lower(), note="重复").status_code == 302
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == (Status.MERGED, case.pk)
    assert _act(c, case, "declare_unsolvable", note="产权不清").status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.UNSOLVABLE


def test_reopen_from_the_page(client, world, report):
    staff = world.person("property_x")
    case = services.case_accept(case=report(), by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="方案")
    services.case_finish(case=case, by=staff)
    services.case_visit(case=case, by=staff, method="phone", rating="satisfied")
    services.case_close(case=case, by=staff)
    c = _client(client, world, "grid_c1")
    response = _act(c, case, "reopen", note="又坏了")
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS


def test_an_action_out_of_order_shows_the_chinese_409_and_changes_nothing(client, world, report):
    case = services.case_accept(case=report(), by=world.person("property_x"))
    before = _snapshot(case)
    c = _client(client, world, "property_x")
    response = _act(c, case, "arrive", note="到了")  # not dispatched yet
    assert response.status_code == 409
    text = _text(response)
    assert "现在不能进行此操作" in text and "“已响应”" in text and "未做任何更改" in text
    assert _snapshot(case) == before


def test_bad_input_shows_the_service_message_with_422_and_changes_nothing(client, world, report):
    staff = world.person("property_x")
    case = services.case_dispatch(case=services.case_accept(case=report(), by=staff), by=staff, to="property")
    before = _snapshot(case)
    c = _client(client, world, "property_x")
    response = _act(c, case, "plan", colour="green", note="  ")
    assert response.status_code == 422 and "请填写方案" in _text(response)
    response = _act(c, case, "plan", colour="purple", note="方案")  # not a choice: the form says so
    assert response.status_code == 422
    response = _act(c, case, "transfer", to="community", note="")
    assert response.status_code in (409, 422)
    assert _snapshot(case) == before


def test_unknown_action_is_404_and_get_goes_back_to_the_page(client, world, report):
    case = report()
    c = _client(client, world, "property_x")
    assert c.post(reverse("case_act", args=[case.pk, "explode"])).status_code == 404
    response = c.get(reverse("case_act", args=[case.pk, "accept"]))
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_the_promised_deadline_under_the_4h_policy(client, world, clock, report):
    services.policy_assign(node=world["X"], policy=TimeLimitPolicy.objects.get(code="4h24h"),
                           by=world.person("community_c1"))
    staff = world.person("property_x")
    case = services.case_dispatch(case=services.case_accept(case=report(), by=staff), by=staff, to="property")
    c = _client(client, world, "property_x")
    page = c.get(reverse("case_detail", args=[case.pk]))
    assert "疑难" in _text(page) and "承诺的期限" in _text(page)
    response = _act(c, case, "plan", colour="red", note="需要更换水管")
    assert response.status_code == 422 and Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    response = _act(c, case, "plan", colour="red", note="需要更换水管", due_at="2026-11-20T18:00")
    assert response.status_code == 302
    assert Deadline.objects.get(case=case, clock="finish").due_at == local(2026, 11, 20, 18, 0)


def test_party_branch_records_supervision_from_the_detail_page(client, world, report):
    branch = org.person_create(username="branch_x", real_name="党支部", password="pw-branch_x", by=None)
    org.role_assign(person=branch, role=Role.PARTY_BRANCH, node=world["X"], by=None)
    case = report()
    client.force_login(branch)
    queue = client.get(reverse("queue"))
    assert queue.status_code == 200 and case.tracking_code in queue.content.decode()
    assert 'id="supervised"' in queue.content.decode()
    response = _act(client, case, "supervise", kind="supervise", note="请尽快处理")
    assert response.status_code == 302
    assert Supervision.objects.get(case=case).by == branch
    response = _act(client, case, "supervise", kind="evaluate", note="处理及时", score="95")
    assert Supervision.objects.filter(case=case, kind="evaluate", score=95).count() == 1
    page = client.get(reverse("case_detail", args=[case.pk]))
    assert "请尽快处理" in _text(page) and "处理及时" in _text(page)
    client.force_login(world.person("property_x"))
    assert _act(client, case, "supervise", kind="supervise", note="x").status_code == 403
    assert Supervision.objects.filter(case=case).count() == 2


# --- queue ------------------------------------------------------------------------------

def test_queue_is_nearest_deadline_first_with_overdue_in_red(client, world, clock, report):
    staff = world.person("property_x")
    clock.set(local(2026, 11, 2, 9, 0))
    far = report(description="已定黄色的")
    services.case_accept(case=far, by=staff)
    services.case_dispatch(case=far, by=staff, to="property")
    services.case_plan(case=far, by=staff, colour="yellow", note="采购")
    clock.set(local(2026, 11, 2, 9, 5))
    first = report(description="最早到期")
    clock.set(local(2026, 11, 2, 9, 20))
    second = report(description="第二")
    clock.set(local(2026, 11, 2, 9, 12))  # first's respond (09:10) is overdue, second's is due 09:25
    response = _client(client, world, "property_x").get(reverse("queue"))
    html = response.content.decode()
    order = [m for m in re.findall(r'href="/cases/(\d+)"', html)]
    ids = [int(x) for x in dict.fromkeys(order)]
    assert ids[:3] == [first.pk, second.pk, far.pk]
    assert "已超时 2分钟" in _text(response) and "还剩 13分钟" in _text(response)
    assert re.search(rf'q-row overdue">\s*<a class="q-main" href="/cases/{first.pk}"', html)


def test_queue_shows_only_what_the_viewer_works_on(client, world, report):
    x, z = report("X-B1-U1"), report("Z-B1-U1")
    html = _client(client, world, "property_z").get(reverse("queue")).content.decode()
    assert f"/cases/{z.pk}\"" in html and f"/cases/{x.pk}\"" not in html


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("resident", 403), ("property_x", 200)])
def test_queue_needs_a_staff_role(client, world, who, status):
    assert _client(client, world, who).get(reverse("queue")).status_code == status


def test_empty_queue_says_what_to_do(client, world):
    text = _text(_client(client, world, "grid_c1").get(reverse("queue")))
    assert "目前没有等您处理的事" in text and "记录一条诉求" in text


def test_queue_query_count_does_not_grow_with_the_requests(client, world, clock, report, django_assert_max_num_queries):
    c = _client(client, world, "community_c1")
    for _ in range(3):
        report()
    with django_assert_max_num_queries(20) as few:
        assert c.get(reverse("queue")).status_code == 200
    for code in ("X-B2-U1", "Y-B1-U1", "X-B1-U1") * 4:
        report(code)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = c.get(reverse("queue"))
    assert response.content.decode().count('class="q-main"') >= 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_supervision_view_lists_a_breached_request_for_community_staff(client, world, clock, report):
    late, fine = report(description="超时的"), report("Y-B1-U1", description="刚来的")
    services.case_accept(case=fine, by=world.person("grid_c1"))
    clock.advance(minutes=10)
    deadline_sweep.sweep()
    html = _client(client, world, "community_c1").get(reverse("queue")).content.decode()
    section = html[html.index('id="supervision"'):]
    assert late.tracking_code in section.split("截止24小时内")[0] if "截止24小时内" in section else late.tracking_code in section
    assert f"/cases/{late.pk}" in section
    # property staff handle but do not supervise: no supervision section
    html = _client(client, world, "property_x").get(reverse("queue")).content.decode()
    assert 'id="supervision"' not in html


def test_escalations_are_addressed_and_acknowledged(client, world, clock, report):
    case = report()
    clock.advance(minutes=6)
    deadline_sweep.sweep()
    escalation = Escalation.objects.get(case=case)
    assert escalation.role == Role.MICROGRID_LEADER
    c = _client(client, world, "leader_m1")
    html = c.get(reverse("queue")).content.decode()
    assert 'id="escalations"' in html and f"/escalations/{escalation.pk}/ack" in html
    client.force_login(world.person("property_z"))
    assert client.post(reverse("escalation_ack", args=[escalation.pk])).status_code == 403
    assert Escalation.objects.get(pk=escalation.pk).acknowledged_at is None
    # in scope, but the escalation is addressed to the micro-grid leader, not to the grid worker
    client.force_login(world.person("grid_c1"))
    assert client.post(reverse("escalation_ack", args=[escalation.pk])).status_code == 403
    assert Escalation.objects.get(pk=escalation.pk).acknowledged_at is None
    client.force_login(world.person("leader_m1"))
    response = client.post(reverse("escalation_ack", args=[escalation.pk]), {"next": "//evil.example.com/"})
    assert response.status_code == 302 and response.url == reverse("queue")
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == world.person("leader_m1")
    assert 'id="escalations"' not in client.get(reverse("queue")).content.decode()


# --- notifications ------------------------------------------------------------------------

def test_notifications_list_and_mark_as_read(client, world, report):
    case = report()
    notify.received_fanout()  # the worker tells staff of new requests
    note = Notification.objects.get(recipient=world.person("property_x"), kind="staff.received")
    c = _client(client, world, "property_x")
    home = c.get("/")
    assert 'href="/notifications/"' in home.content.decode() and 'class="badge">1<' in home.content.decode()
    page = c.get(reverse("notifications"))
    assert case.tracking_code in _text(page) and "标记为已读" in _text(page)
    # someone else's notification: not found, unchanged
    client.force_login(world.person("leader_m1"))
    assert client.post(reverse("notification_read", args=[note.pk])).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None
    client.force_login(world.person("property_x"))
    response = client.post(reverse("notification_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已读" in response.content.decode()
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_mark_all_read(client, world, report):
    report(), report()
    notify.received_fanout()  # the worker tells staff of new requests
    c = _client(client, world, "property_x")
    assert Notification.objects.filter(recipient=world.person("property_x"), read_at__isnull=True).count() == 2
    assert c.post(reverse("notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=world.person("property_x"), read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.person("leader_m1"), read_at__isnull=True).count() == 2


def test_notifications_page_needs_login_and_is_empty_for_a_resident(client, world):
    assert client.get(reverse("notifications")).status_code == 302
    text = _text(_client(client, world, "resident").get(reverse("notifications")))
    assert "还没有通知" in text


def test_staff_hear_by_email_when_dispatched(client, world, report, mailoutbox, django_capture_on_commit_callbacks):
    from linli.outbox.services import outbox_drain

    other = world.person("community_c1")
    other.email = "c1@example.cn"
    other.save()
    staff = world.person("property_x")
    case = services.case_accept(case=report(), by=staff)
    c = _client(client, world, "property_x")
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(c, case, "dispatch", to="community").status_code == 302
    assert mailoutbox == []  # no mail server inside a web request: the worker sends it
    outbox_drain()
    assert [m.to for m in mailoutbox if "派" in m.subject] == [["c1@example.cn"]]
    assert Notification.objects.filter(recipient=other, kind="staff.dispatched", case=case).count() == 1


# --- recording a request ----------------------------------------------------------------------

def test_grid_member_records_a_snapshot(client, world):
    c = _client(client, world, "grid_c1")
    page = c.get(reverse("case_record"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{world["X-B1-U1"].pk}"' in html and f'value="{world["Z-B1-U1"].pk}"' not in html
    response = c.post(reverse("case_record"), {
        "source": "snapshot", "place": world["X-B1-U1"].pk, "category": "hygiene", "description": "垃圾桶满了溢出",
        "contact_phone": "", "photos": [_jpeg()],
    })
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.source, case.node, case.reporter, case.photos.count()) == (
        Source.SNAPSHOT, world["X-B1-U1"], world.person("grid_c1"), 1)
    assert response["Location"] == reverse("case_detail", args=[case.pk])


def test_microgrid_leader_may_record_about_the_units_of_their_microgrid(client, world):
    c = _client(client, world, "leader_m1")
    html = c.get(reverse("case_record")).content.decode()
    assert f'value="{world["X-B1-U1"].pk}"' in html and f'value="{world["X-B2-U1"].pk}"' not in html
    response = c.post(reverse("case_record"), {"source": "visit", "place": world["X-B1-U1"].pk, "category": "help",
                                               "description": "独居老人需要买药", "contact_name": "王奶奶",
                                               "contact_phone": "13800002222"})
    assert response.status_code == 302 and Case.objects.get().kind == "help"


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("resident", 403), ("owner", 403)])
def test_only_staff_record(client, world, who, status):
    assert _client(client, world, who).get(reverse("case_record")).status_code == status


def test_recording_outside_scope_or_with_a_bad_phone_creates_nothing(client, world):
    c = _client(client, world, "property_z")
    response = c.post(reverse("case_record"), {"source": "phone", "place": world["X-B1-U1"].pk,
                                               "category": "repair", "description": "电梯坏了"})
    assert response.status_code == 422
    response = c.post(reverse("case_record"), {"source": "phone", "place": world["Z-B1-U1"].pk,
                                               "category": "repair", "description": "电梯坏了", "contact_phone": "12"})
    assert response.status_code == 422 and "请填写11位手机号" in _text(response)
    assert Case.objects.count() == 0


# --- time-limit policy ------------------------------------------------------------------

def test_policy_page_changes_new_requests_only(client, world, clock, report):
    old = report()
    old_due = list(Deadline.objects.filter(case=old).order_by("id").values_list("clock", "due_at"))
    c = _client(client, world, "community_c1")
    page = c.get(reverse("policies"))
    html = page.content.decode()
    assert 'id="policy-X"' in html and 'id="policy-Y"' in html and 'id="policy-Z"' not in html
    assert "未办结的诉求保留原有期限" in _text(page)
    h4 = TimeLimitPolicy.objects.get(code="4h24h")
    response = c.post(reverse("policies"), {"compound": "X", "policy": h4.pk})
    assert response.status_code == 302
    assert PolicyAssignment.objects.get(node=world["X"]).policy == h4
    assert list(Deadline.objects.filter(case=old).order_by("id").values_list("clock", "due_at")) == old_due
    new = report()
    assert new.policy == h4
    assert Deadline.objects.get(case=new, clock="respond").due_at == new.received_at + dt.timedelta(hours=4)
    text = _text(c.get(reverse("policies")))
    assert "1 条未办结诉求保留“515303 四色”的期限" in text and "1 条未办结诉求保留“4小时/24小时”的期限" in text


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("resident", 403), ("property_x", 403),
                                        ("community_c1", 200), ("street_s1", 200)])
def test_who_opens_the_policy_page(client, world, who, status):
    assert _client(client, world, who).get(reverse("policies")).status_code == status


def test_policy_of_a_compound_out_of_scope_is_not_found(client, world):
    c = _client(client, world, "community_c2")
    h4 = TimeLimitPolicy.objects.get(code="4h24h")
    assert c.post(reverse("policies"), {"compound": "X", "policy": h4.pk}).status_code == 404
    assert not PolicyAssignment.objects.exists()


def test_photos_are_for_staff_in_scope(client, world, report):
    staff = world.person("property_x")
    case = services.case_dispatch(case=services.case_accept(case=report(), by=staff), by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="方案")
    from django.core.files.base import ContentFile

    services.case_finish(case=case, by=staff, photos=[ContentFile(_jpeg().read(), name="a.jpg")])
    photo = Photo.objects.get(case=case)
    url = reverse("case_photo", args=[case.pk, photo.pk])
    assert _client(client, world, "property_x").get(url).status_code == 200
    client.force_login(world.person("property_z"))
    assert client.get(url).status_code == 404
    client.force_login(world.person("resident"))
    assert client.get(url).status_code == 404


def test_category_fixture_exists(world):
    assert Category.objects.filter(code="help", kind="help").exists()


ALL_ACTIONS = ["accept", "match_helper", "dispatch", "arrive", "plan", "progress", "finish", "visit", "close",
               "reopen", "reclassify", "transfer", "send_back", "merge", "declare_unsolvable", "supervise"]


@pytest.mark.parametrize("action", ALL_ACTIONS)
@pytest.mark.parametrize("who,expected", [("anonymous", "login"), ("resident", 404), ("property_z", 404),
                                          ("community_c2", 404)])
def test_every_action_form_is_closed_to_people_out_of_scope(client, world, report, action, who, expected):
    staff = world.person("property_x")
    case = services.case_dispatch(case=services.case_accept(case=report(), by=staff), by=staff, to="property")
    before = _snapshot(case)
    data = {"note": "x", "colour": "green", "to": "community", "method": "phone", "rating": "satisfied",
            "kind": "supervise", "into": case.tracking_code}
    response = _act(_client(client, world, who), case, action, **data)
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected
    assert _snapshot(case) == before


def test_the_actions_the_ALL_ACTIONS_list_names_are_the_forms():
    from linli.cases.actions import ACTIONS

    assert sorted(ACTIONS) == sorted(ALL_ACTIONS)


def test_the_resident_hears_at_accept_plan_and_done(client, world, report):
    case = report(contact_email="r@example.cn")
    c = _client(client, world, "property_x")
    for action, data in (("accept", {}), ("dispatch", {"to": "property"}), ("plan", {"colour": "green", "note": "明天修"}),
                         ("finish", {"note": "修好了"})):
        assert _act(c, case, action, **data).status_code == 302
    kinds = list(Notification.objects.filter(case=case, for_reporter=True).order_by("id").values_list("kind", flat=True))
    assert kinds == ["resident.accepted", "resident.planned", "resident.done"]


def test_dispatch_to_a_named_person_offers_the_staff_of_the_request(client, world, report):
    case = services.case_accept(case=report(), by=world.person("property_x"))
    c = _client(client, world, "community_c1")
    html = c.get(reverse("case_detail", args=[case.pk])).content.decode()
    select = html[html.index('name="person"'):]
    select = select[:select.index("</select>")]
    offered = set(re.findall(r">([a-z_0-9]+)</option>", select))
    assert offered == {"property_x", "grid_c1", "leader_m1", "community_c1", "street_s1", "multi"}
    response = _act(c, case, "dispatch", to="person", person=world.person("grid_c1").pk, note="请网格员处理")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.assignee_kind, case.assignee) == ("person", world.person("grid_c1"))
    response = _act(c, case, "transfer", to="person", person=world.person("property_z").pk, note="x")
    assert response.status_code == 422  # not a choice: nobody outside the request's places
    assert Case.objects.get(pk=case.pk).assignee == world.person("grid_c1")


def test_detail_page_query_count_is_bounded(client, world, report, django_assert_max_num_queries):
    staff = world.person("property_x")
    case = services.case_dispatch(case=services.case_accept(case=report(), by=staff), by=staff, to="property")
    for n in range(8):  # a long history costs no extra queries
        services.case_supervise(case=case, by=world.person("community_c1"), kind="supervise", note=f"督办 {n}")
    c = _client(client, world, "community_c1")
    with django_assert_max_num_queries(26):
        assert c.get(reverse("case_detail", args=[case.pk])).status_code == 200


def test_recording_twice_with_the_same_form_creates_one_request(client, world):
    c = _client(client, world, "grid_c1")
    html = c.get(reverse("case_record")).content.decode()
    token = re.search(r'name="client_token" value="([0-9a-f]{32})"', html).group(1)
    data = {"source": "phone", "place": world["X-B1-U1"].pk, "category": "repair", "description": "电梯异响",
            "client_token": token}
    first, second = c.post(reverse("case_record"), data), c.post(reverse("case_record"), data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"] == reverse("case_detail", args=[Case.objects.get().pk])


def test_staff_are_told_when_working_time_falls_back_to_monday_to_friday(client, world, clock, report):
    from linli.cases import timing
    from linli.cases.models import Holiday, PolicyClock

    # A year the calendar library cannot know: working time counts Monday to Friday there.
    clock.set(local(2090, 3, 1, 10, 0))
    assert not timing.calendar_known(2090)
    PolicyClock.objects.filter(policy__code="515303", clock="respond").update(working_time=True)
    case = report()
    c = _client(client, world, "community_c1")
    notice = "法定节假日尚未录入"
    assert notice in _text(c.get(reverse("case_detail", args=[case.pk])))
    assert notice in _text(c.get(reverse("policies")))
    # Once an administrator enters the year's days, the estimate is no longer flagged.
    Holiday.objects.create(date=dt.date(2090, 10, 1), is_workday=False, name="国庆节")
    Holiday.objects.create(date=dt.date(2091, 1, 1), is_workday=False, name="元旦")
    assert timing.calendar_known(2090)
    assert notice not in _text(c.get(reverse("case_detail", args=[case.pk])))
    assert notice not in _text(c.get(reverse("policies")))


def test_opening_an_unread_notification_reads_it_and_goes_to_the_request(client, world, report):
    report()
    notify.received_fanout()  # the worker tells staff of new requests
    note = Notification.objects.get(recipient=world.person("property_x"), kind="staff.received")
    c = _client(client, world, "property_x")
    html = c.get(reverse("notifications")).content.decode()
    # the title of an unread notification is a button that reads it on the way
    assert f'action="{reverse("notification_read", args=[note.pk])}"' in html and 'name="open"' in html
    response = c.post(reverse("notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == note.url
    assert Notification.objects.get(pk=note.pk).read_at is not None
    # once read, the title is a plain link
    assert f'<a href="{note.url}"><strong>' in c.get(reverse("notifications")).content.decode()


def test_opening_a_notification_never_redirects_off_site(client, world, report):
    report()
    notify.received_fanout()
    note = Notification.objects.get(recipient=world.person("property_x"), kind="staff.received")
    Notification.objects.filter(pk=note.pk).update(url="//evil.example.com/x")
    c = _client(client, world, "property_x")
    response = c.post(reverse("notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == reverse("notifications")
