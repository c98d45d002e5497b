"""SMS: the Tencent Cloud adapter against a local server that speaks its protocol, the
quiet hours (22:00–08:00 Asia/Shanghai, urgent passes), retries, the opt-out link, the
intake's opt-in and the masked numbers on the outbox page. No outside calls."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from linli.cases import services as cases
from linli.cases.models import Case, CaseEvent, Category, Source
from linli.outbox import services
from linli.outbox.channels import TencentSmsProvider
from linli.outbox.models import OutboxMessage
from tests.cases.test_api_cases import token_for
from tests.smsservers import FakeTencentSms

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEMPLATES = {"resident.accepted": "100001", "resident.planned": "100002", "resident.done": "100003",
             "resident.reopened": "100004", "resident.escalated": "100005", "resident.progress": "100006"}


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    state = {"now": local(2026, 11, 2, 10, 0)}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])
    return state


@pytest.fixture
def sms(settings):
    with FakeTencentSms() as fake:
        settings.LINLI_SMS_PROVIDER = "tencent"
        settings.LINLI_SMS_TENCENT = fake.config()
        settings.LINLI_SMS_TEMPLATES = TEMPLATES
        yield fake


def _sms(key="ev:1:sms", kind="resident.accepted", urgent=False, phone="13800001111"):
    values = {"code": "ABCD123456", "link": "https://linli.example/t/ABCD123456", "stop": "https://linli.example/u/k/"}
    return services.message_enqueue(channel="sms", address=phone, subject="您的诉求已受理", body="正文", kind=kind,
                                    dedupe_key=key, params={"template": kind, "values": values}, urgent=urgent)


def _report(world, **kw):
    return cases.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                             description="楼道灯坏了", source=Source.QR, **kw)


# --- the provider adapter -----------------------------------------------------------------

def test_the_tencent_adapter_sends_a_signed_template_message_through_the_sdk(sms):
    serial = TencentSmsProvider(sms.config()).send(phone="13800001111", template_id="100001",
                                                   params=["ABCD123456", "https://x/t/A", "https://x/u/k/"],
                                                   text="", reference="17")
    assert sms.sent == [{"phone": "+8613800001111", "template_id": "100001",
                         "params": ["ABCD123456", "https://x/t/A", "https://x/u/k/"], "reference": "17",
                         "serial": serial}]
    assert sms.refused == []


def test_a_request_signed_with_the_wrong_key_is_refused_by_the_provider(sms):
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    with pytest.raises(TencentCloudSDKException) as refused:
        TencentSmsProvider(sms.config(secret_key="not-the-key")).send(
            phone="13800001111", template_id="100001", params=["A", "B", "C"], text="", reference="1")
    assert refused.value.code == "AuthFailure.SignatureFailure"
    assert sms.sent == []


def test_a_refused_sms_is_retried_then_sent_once(db, sms, clock, settings):
    settings.LINLI_OUTBOX_QUIET_HOURS = (0, 0)
    message = _sms()
    sms.fail_next = 1
    result = services.outbox_drain()
    message.refresh_from_db()
    assert (result.sent, result.retried, message.state, message.attempts) == (0, 1, "pending", 1)
    assert "InternalError.Timeout" in message.last_error and "13800001111" not in message.last_error
    clock["now"] += dt.timedelta(minutes=1)
    assert services.outbox_drain().sent == 1
    assert services.outbox_drain().sent == 0
    message.refresh_from_db()
    assert message.state == "sent"
    assert [s["phone"] for s in sms.sent] == ["+8613800001111"]


def test_a_kind_without_a_template_id_is_never_sent_as_free_text(db, sms, clock, settings):
    settings.LINLI_SMS_TEMPLATES = {}
    _sms()
    result = services.outbox_drain()
    assert (result.sent, result.retried) == (0, 1)
    assert "no template id" in OutboxMessage.objects.get().last_error
    assert sms.sent == []


def test_the_log_provider_writes_the_text_with_the_number_masked(db, clock, settings, caplog):
    settings.LINLI_SMS_PROVIDER = "log"
    caplog.set_level("INFO", logger="linli.sms")
    _sms()
    assert services.outbox_drain().sent == 1
    assert caplog.messages == ["SMS to 138****1111: 您的诉求ABCD123456已受理，我们会尽快处理。"
                               "查看进展：https://linli.example/t/ABCD123456 退订：https://linli.example/u/k/"]


# --- quiet hours --------------------------------------------------------------------------

@pytest.mark.parametrize("at, until", [
    (local(2026, 11, 2, 21, 59), None),
    (local(2026, 11, 2, 22, 0), local(2026, 11, 3, 8, 0)),
    (local(2026, 11, 2, 23, 30), local(2026, 11, 3, 8, 0)),
    (local(2026, 11, 3, 0, 10), local(2026, 11, 3, 8, 0)),
    (local(2026, 11, 3, 7, 59), local(2026, 11, 3, 8, 0)),
    (local(2026, 11, 3, 8, 0), None),
    (dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC), local(2026, 11, 3, 8, 0)),  # 23:00 in Shanghai
])
def test_the_quiet_hours_are_22_to_8_in_shanghai(at, until):
    assert services.quiet_until(at) == until


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1),
                    timezones=st.just(dt.UTC)))
def test_a_held_message_goes_at_the_next_eight_oclock_within_ten_hours(at):
    until = services.quiet_until(at)
    hour = at.astimezone(SHANGHAI).hour
    if 8 <= hour < 22:
        assert until is None
    else:
        assert until is not None
        local_until = until.astimezone(SHANGHAI)
        assert (local_until.hour, local_until.minute, local_until.second) == (8, 0, 0)
        assert dt.timedelta(0) < until - at <= dt.timedelta(hours=10)
        assert services.quiet_until(until) is None


def test_an_sms_queued_at_night_is_held_until_eight_and_an_urgent_one_passes(db, sms, clock):
    clock["now"] = local(2026, 11, 2, 23, 0)
    held = _sms(key="a")
    urgent = _sms(key="b", urgent=True)
    email = services.message_enqueue(channel="email", address="r@example.cn", subject="s", body="b", dedupe_key="c")
    assert (held.not_before, held.next_attempt_at) == (local(2026, 11, 3, 8, 0),) * 2
    assert (urgent.not_before, email.not_before) == (None, None)
    assert services.outbox_drain().sent == 2  # the urgent SMS and the e-mail
    assert len(sms.sent) == 1
    clock["now"] = local(2026, 11, 3, 7, 59)
    assert services.outbox_drain().sent == 0
    clock["now"] = local(2026, 11, 3, 8, 0)
    assert services.outbox_drain().sent == 1
    assert len(sms.sent) == 2


def test_a_retry_that_would_fall_at_night_waits_for_the_morning(db, sms, clock, settings):
    settings.LINLI_OUTBOX_RETRY_SECONDS = 3600
    clock["now"] = local(2026, 11, 2, 21, 30)
    message = _sms()
    sms.fail_next = 1
    assert services.outbox_drain().retried == 1
    message.refresh_from_db()
    assert message.next_attempt_at == local(2026, 11, 3, 8, 0)  # not 22:30


def test_a_claim_that_runs_out_at_night_is_held_not_sent(db, sms, clock):
    clock["now"] = local(2026, 11, 2, 21, 50)
    message = _sms()
    services.messages_claim(batch=10)  # a worker claims it and dies
    clock["now"] = local(2026, 11, 2, 22, 0) + dt.timedelta(seconds=300)
    result = services.outbox_drain()
    message.refresh_from_db()
    # The dead worker's attempt counts; holding it does not.
    assert (result.sent, result.held, message.state, message.attempts) == (0, 1, "pending", 1)
    assert message.next_attempt_at == local(2026, 11, 3, 8, 0)
    assert sms.sent == []


def test_the_outbox_page_masks_the_number_and_says_a_message_is_held(world, sms, clock):
    clock["now"] = local(2026, 11, 2, 23, 0)
    case = _report(world, contact_phone="13800001111", updates_wanted=True)
    cases.case_accept(case=case, by=world.person("property_x"))
    staff = Client()
    staff.force_login(world.person("community_c1"))
    page = staff.get("/outbox/").content.decode()
    assert "138****1111" in page and "13800001111" not in page
    assert "夜间免打扰，暂缓至 2026-11-03 08:00" in page


# --- opting in at intake and out by the link -------------------------------------------

def test_the_phone_form_stores_the_opt_in_with_a_mobile_number(world, client):
    form = client.get("/q/X-B1-U1").content.decode()
    assert "告诉我进展" in form
    token = form.split('name="client_token" value="', 1)[1].split('"', 1)[0]
    data = {"category": "repair", "description": "三楼楼道灯不亮了", "contact_phone": "13800001111",
            "updates_wanted": "on", "client_token": token}
    answer = client.post("/q/X-B1-U1", data)
    assert answer.status_code == 302
    case = Case.objects.get()
    assert case.updates_wanted and len(case.updates_token or "") == 12


@pytest.mark.parametrize("phone", ["", "028-12345678"])
def test_the_opt_in_without_a_mobile_number_is_refused_and_nothing_is_written(world, client, phone):
    form = client.get("/q/X-B1-U1").content.decode()
    token = form.split('name="client_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯不亮了",
                                        "contact_phone": phone, "updates_wanted": "on", "client_token": token})
    assert answer.status_code == 422
    assert "如需短信告知进展，请留下11位手机号码。" in answer.content.decode()
    assert not Case.objects.exists()


def test_the_api_takes_the_opt_in(world, api_client):
    auth = token_for(world, "community_c1")
    answer = api_client.post("/api/v1/cases", {"unit": "X-B1-U1", "category": "repair", "description": "电梯异响",
                                               "source": "phone", "contact_phone": "13800002222",
                                               "updates_wanted": True}, content_type="application/json", **auth)
    assert answer.status_code == 201, answer.content
    assert Case.objects.get(tracking_code=answer.json()["tracking_code"]).updates_wanted
    refused = api_client.post("/api/v1/cases", {"unit": "X-B1-U1", "category": "repair", "description": "电梯异响",
                                                "source": "phone", "updates_wanted": True},
                              content_type="application/json", **auth)
    assert (refused.status_code, refused.json()["code"]) == (422, "updates_need_mobile")
    assert Case.objects.count() == 1


def test_every_sms_carries_the_opt_out_link_which_stops_the_updates(world, sms, clock, settings):
    settings.LINLI_SITE_URL = "https://linli.example"
    case = _report(world, contact_phone="13800001111", updates_wanted=True)
    staff = world.person("property_x")
    case = cases.case_accept(case=case, by=staff)
    message = OutboxMessage.objects.get(channel="sms")
    stop = f"https://linli.example/u/{case.updates_token}/"
    assert message.params["values"]["stop"] == stop and message.body.endswith(f"退订：{stop}")
    resident = Client()
    page = resident.get(f"/u/{case.updates_token}/")
    assert page.status_code == 200 and "退订短信通知" in page.content.decode()
    assert Case.objects.get(pk=case.pk).updates_wanted  # looking at the page changes nothing
    done = resident.post(f"/u/{case.updates_token}/", {"wanted": "0"}).content.decode()
    assert "已退订：您将不再收到这条诉求的短信。" in done and "恢复短信通知" in done
    assert not Case.objects.get(pk=case.pk).updates_wanted
    assert CaseEvent.objects.filter(case=case, action="updates", public=False, data={"wanted": False}).count() == 1
    cases.case_dispatch(case=case, by=staff, to="property")
    cases.case_plan(case=Case.objects.get(pk=case.pk), by=staff, colour="green", note="明天换灯")
    assert OutboxMessage.objects.filter(channel="sms").count() == 1  # nothing more by SMS
    # Switching back on by the same link.
    resident.post(f"/u/{case.updates_token}/", {"wanted": "1"})
    assert Case.objects.get(pk=case.pk).updates_wanted


def test_an_unknown_opt_out_link_changes_nothing(world, client, api_client):
    assert client.get("/u/nosuchkey000/").status_code == 404
    assert client.post("/u/nosuchkey000/", {"wanted": "0"}).status_code == 404
    answer = api_client.post("/api/v1/updates/nosuchkey000", {"wanted": False}, content_type="application/json")
    assert answer.status_code == 404
    assert not CaseEvent.objects.filter(action="updates").exists()


def test_the_api_twin_of_the_opt_out_link(world, api_client):
    case = _report(world, contact_phone="13800001111", updates_wanted=True)
    answer = api_client.post(f"/api/v1/updates/{case.updates_token}", {"wanted": False},
                             content_type="application/json")
    assert answer.json() == {"tracking_code": case.tracking_code, "updates_wanted": False}
    assert not Case.objects.get(pk=case.pk).updates_wanted
