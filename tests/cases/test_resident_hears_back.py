"""Issue 12, "Residents hear back", end to end: a resident reports from the QR page with a
phone number and ticks "告诉我进展"; through the Tencent Cloud SMS adapter (a local
server speaking its protocol) they receive accepted, the plan with its colour and date,
and done with the link to rate; they rate 不满意, the handler and the supervisor are
told and the resident hears that it is handled again. Each message is sent once: in
this process (SQLite and PostgreSQL), and on PostgreSQL with two worker processes
running at once."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.utils import timezone

from linli.cases import notify
from linli.cases import services as cases
from linli.cases.models import Case, Notification, Status
from linli.outbox import services as outbox
from linli.outbox.models import OutboxMessage
from tests.cases.test_worker import _worker_env
from tests.smsservers import FakeTencentSms

SITE = "https://linli.example"
TEMPLATES = {"resident.accepted": "100001", "resident.planned": "100002", "resident.done": "100003",
             "resident.reopened": "100004", "resident.escalated": "100005", "resident.progress": "100006"}
PHONE = "13800001111"


@pytest.fixture
def sms(settings):
    with FakeTencentSms() as fake:
        settings.LINLI_SMS_PROVIDER = "tencent"
        settings.LINLI_SMS_TENCENT = fake.config()
        settings.LINLI_SMS_TEMPLATES = TEMPLATES
        settings.LINLI_SITE_URL = SITE
        # No quiet hours: otherwise a message enqueued in the evening (Beijing time) waits
        # until morning and the loop below would depend on the time of day it runs at.
        settings.LINLI_OUTBOX_QUIET_HOURS = (0, 0)
        yield fake


def _resident_reports(client) -> Case:
    form = client.get("/q/X-B1-U1").content.decode()
    token = re.search(r'name="client_token" value="([0-9a-f]+)"', form).group(1)
    answer = client.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯不亮了，晚上很黑",
                                        "contact_name": "王女士", "contact_phone": PHONE, "updates_wanted": "on",
                                        "client_token": token})
    assert answer.status_code == 302
    return Case.objects.get()


def _loop(world, sms, deliver) -> Case:
    """The whole loop; ``deliver`` runs the worker (in this process, or two processes)."""
    resident = Client()
    case = _resident_reports(resident)
    code, stop = case.tracking_code, f"{SITE}/u/{case.updates_token}/"
    link = f"{SITE}/t/{code}"
    deliver()
    assert Notification.objects.filter(case=case, kind="staff.received").count() == 2  # leader_m1, property_x

    staff = world.person("property_x")
    cases.case_accept(case=case, by=staff)
    deliver()
    assert sms.sent[-1]["template_id"] == "100001"
    assert sms.sent[-1]["params"] == [code, link, stop]

    case = cases.case_dispatch(case=Case.objects.get(pk=case.pk), by=staff, to="property")
    case = cases.case_plan(case=case, by=staff, colour="green", note="明天上午更换灯管")
    due = case.deadlines.get(clock="finish").due_at
    deliver()
    assert sms.sent[-1]["template_id"] == "100002"
    assert sms.sent[-1]["params"] == [code, case.colour_label, timezone.localtime(due).strftime("%Y-%m-%d"), link,
                                      stop]

    cases.case_finish(case=Case.objects.get(pk=case.pk), by=staff, note="已更换灯管")
    deliver()
    assert sms.sent[-1]["template_id"] == "100003"
    assert sms.sent[-1]["params"] == [code, link, stop]  # the link opens the page with the rating form

    rated = resident.post(f"/t/{code}/rate", {"rating": "unsatisfied", "comment": "换了还是不亮"})
    assert rated.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS
    deliver()
    assert sms.sent[-1]["template_id"] == "100004"
    told = Notification.objects.filter(case=case, kind="staff.reopened")
    assert set(told.values_list("recipient__username", flat=True)) == {"property_x", "leader_m1"}

    # Each message once: four SMS, all marked sent after one attempt, each delivered once.
    messages = OutboxMessage.objects.filter(channel="sms").order_by("id")
    assert [(m.kind, m.state, m.attempts) for m in messages] == [
        ("resident.accepted", "sent", 1), ("resident.planned", "sent", 1), ("resident.done", "sent", 1),
        ("resident.reopened", "sent", 1)]
    assert sorted(s["reference"] for s in sms.sent) == sorted(str(m.pk) for m in messages)
    assert {s["phone"] for s in sms.sent} == {f"+86{PHONE}"}
    # Visible to staff on /outbox/, the number masked.
    page = Client()
    page.force_login(world.person("community_c1"))
    html = page.get("/outbox/?state=sent").content.decode()
    assert html.count("138****1111") == 4 and PHONE not in html
    return case


def test_a_resident_hears_back_at_every_step_and_the_supervisor_hears_of_the_reopen(world, sms, clock):
    def deliver():
        notify.received_fanout()
        outbox.outbox_drain()

    _loop(world, sms, deliver)


def _run_two_workers(env) -> list[int]:
    workers = [subprocess.Popen([sys.executable, "-m", "linli.cli", "worker", "--once", "--batch", "5"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    sent = []
    for out, _err in outputs:
        line = next(ln for ln in out.splitlines() if ln.startswith("messages sent:"))
        sent.append(int(line.split(":", 1)[1].split(",", 1)[0]))
    return sent


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_with_two_workers_at_once_each_sms_is_sent_once(world, sms):
    env = {**_worker_env(), **sms.env(), "LINLI_SMS_TEMPLATES": json.dumps(TEMPLATES), "LINLI_SITE_URL": SITE,
           "LINLI_OUTBOX_QUIET_HOURS": "0-0"}
    sms.delay = 0.05
    _loop(world, sms, lambda: _run_two_workers(env))

    # Many at once: 30 residents' requests accepted together, two workers share them.
    staff = world.person("property_x")
    before = len(sms.sent)
    for i in range(30):
        case = cases.case_create(node=world["X-B1-U1"], category=Case.objects.first().category,
                                 description=f"第{i}号问题", source="qr", contact_phone=f"138000{i:05d}",
                                 updates_wanted=True)
        cases.case_accept(case=case, by=staff)
    counts = _run_two_workers(env)
    new = sms.sent[before:]
    assert len(new) == 30 == sum(counts)
    assert len({s["reference"] for s in new}) == 30
    assert all(c > 0 for c in counts), counts  # both took part (SKIP LOCKED), neither sent another's
    assert OutboxMessage.objects.filter(channel="sms").exclude(state="sent").count() == 0
