"""The outbox: messages are written in the transaction of their event, sent by the
worker once, retried with backoff, marked failed after the limit, released when the
worker stops, and shown to staff of their scope with masked addresses."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linli.cases import services as cases
from linli.cases.models import Category, Source
from linli.outbox import services
from linli.outbox.models import MessageState, OutboxMessage

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen(monkeypatch):
    clock = {"now": NOW}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    return clock


def _enqueue(key="ev:1:email", address="resident@example.cn", node=None, **kw):
    return services.message_enqueue(channel="email", address=address, subject="您的诉求已受理", body="正文",
                                    dedupe_key=key, node=node, **kw)


def _report(world, email=""):
    return cases.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                             description="楼道灯坏了", source=Source.QR, contact_email=email)


class Refusing:
    """A channel whose far side refuses everything."""

    kind = "email"

    def address_for(self, contact):
        return contact.email

    def mask(self, address):
        return address

    def send(self, message):
        raise ConnectionRefusedError("connection refused")


# --- writing ------------------------------------------------------------------------------

def test_a_message_is_written_with_its_event_and_rolled_back_with_it(world, mailoutbox):
    staff = world.person("property_x")
    case = _report(world, email="resident@example.cn")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        cases.case_accept(case=case, by=staff)
        assert OutboxMessage.objects.filter(kind="resident.accepted").count() == 1
        raise Boom
    assert not OutboxMessage.objects.filter(kind="resident.accepted").exists()
    case.refresh_from_db()
    cases.case_accept(case=case, by=staff)
    message = OutboxMessage.objects.get(kind="resident.accepted")
    assert (message.channel, message.address, message.state, message.node) == (
        "email", "resident@example.cn", "pending", world["X-B1-U1"])
    assert message.subject == f"您的诉求已受理 ({case.tracking_code})"
    assert message.body.endswith(f"/t/{case.tracking_code}")
    assert mailoutbox == []  # nothing is sent inside the action


def test_the_same_event_never_enqueues_twice(db, frozen):
    first = _enqueue()
    again = _enqueue(address="other@example.cn")
    assert again.pk == first.pk
    assert list(OutboxMessage.objects.values_list("dedupe_key", "address")) == [("ev:1:email", "resident@example.cn")]


def test_an_unknown_channel_or_an_empty_address_is_refused(db):
    with pytest.raises(ValueError):
        services.message_enqueue(channel="fax", address="13912345678", subject="", body="", dedupe_key="k:fax")
    with pytest.raises(ValueError):
        _enqueue(address="")
    assert OutboxMessage.objects.count() == 0


# --- sending ------------------------------------------------------------------------------

def test_the_worker_sends_each_message_once(db, frozen, mailoutbox):
    m = _enqueue()
    assert services.outbox_drain().sent == 1
    assert services.outbox_drain().sent == 0
    assert [(e.to, e.subject, e.extra_headers["X-Linli-Outbox"]) for e in mailoutbox] == [
        (["resident@example.cn"], "您的诉求已受理", str(m.pk))]
    m.refresh_from_db()
    assert (m.state, m.attempts, m.sent_at, m.claimed_until, m.last_error) == ("sent", 1, NOW, None, "")


def test_a_refused_message_is_retried_with_exponential_backoff_then_marked_failed(db, frozen, settings, monkeypatch):
    settings.LINLI_OUTBOX_MAX_ATTEMPTS = 4
    monkeypatch.setattr("linli.outbox.services.channel_of", lambda kind: Refusing())
    m = _enqueue()
    waits = []
    for _ in range(3):
        result = services.outbox_drain()
        assert (result.sent, result.retried, result.failed) == (0, 1, 0)
        m.refresh_from_db()
        waits.append(m.next_attempt_at - frozen["now"])
        assert services.outbox_drain().retried == 0  # not due before its time
        frozen["now"] = m.next_attempt_at
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert services.outbox_drain().failed == 1
    m.refresh_from_db()
    assert (m.state, m.attempts, m.sent_at) == ("failed", 4, None)
    assert m.last_error == "ConnectionRefusedError: connection refused"
    frozen["now"] += dt.timedelta(days=1)
    assert services.outbox_drain().retried == 0  # a failed message stays failed
    services.message_retry(message=m)
    assert (m.state, m.attempts) == ("pending", 0)


def test_a_message_whose_worker_died_while_sending_is_sent_after_its_claim_runs_out(db, frozen, mailoutbox):
    m = _enqueue()
    assert [c.pk for c in services.messages_claim(batch=10)] == [m.pk]  # the worker dies here
    assert services.outbox_drain().sent == 0  # still claimed
    frozen["now"] += dt.timedelta(seconds=299)
    assert services.outbox_drain().sent == 0
    frozen["now"] += dt.timedelta(seconds=1)
    assert services.outbox_drain().sent == 1
    m.refresh_from_db()
    assert (m.state, m.attempts, len(mailoutbox)) == ("sent", 2, 1)


def test_a_stopping_worker_releases_the_rest_of_its_batch(db, frozen, mailoutbox):
    for i in range(3):
        _enqueue(key=f"ev:{i}:email")
    calls = []

    def stop_after_first():
        calls.append(1)
        return len(mailoutbox) >= 1

    result = services.outbox_drain(should_stop=stop_after_first)
    assert (result.sent, result.released) == (1, 2)
    assert sorted(OutboxMessage.objects.values_list("state", "attempts")) == [
        ("pending", 0), ("pending", 0), ("sent", 1)]


def test_a_send_interrupted_by_a_signal_releases_the_message(db, frozen):
    m = _enqueue()

    class Interrupted(BaseException):
        pass

    class Hanging(Refusing):
        def send(self, message):
            raise Interrupted

    import linli.outbox.services as s

    original = s.channel_of
    s.channel_of = lambda kind: Hanging()  # type: ignore[assignment, return-value]
    try:
        with pytest.raises(Interrupted):
            services.outbox_drain()
    finally:
        s.channel_of = original
    m.refresh_from_db()
    assert (m.state, m.attempts, m.claimed_until, m.next_attempt_at) == ("pending", 0, None, NOW)


# --- the staff page -----------------------------------------------------------------------

@pytest.fixture
def queued(world):
    x = _enqueue(key="x:email", address="resident@example.cn", node=world["X-B1-U1"])
    z = _enqueue(key="z:email", address="zed@example.cn", node=world["Z-B1-U1"])
    return x, z


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("who,status,sees", [
    ("anonymous", 302, None),
    ("resident", 403, None),
    ("property_x", 403, None),  # property staff do not see the outbox
    ("community_c2", 200, {"z***@example.cn"}),  # out of scope for X
    ("community_c1", 200, {"r***@example.cn"}),
    ("street_s1", 200, {"r***@example.cn", "z***@example.cn"}),
    ("admin", 200, {"r***@example.cn", "z***@example.cn"}),
])
def test_staff_see_the_messages_of_their_scope_with_masked_addresses(client, world, queued, who, status, sees):
    if world.person(who) is not None:
        client.force_login(world.person(who))
    response = client.get(reverse("outbox"))
    assert response.status_code == status
    if sees is None:
        return
    html = response.content.decode()
    assert set(re.findall(r"\w\*\*\*@example\.cn", html)) == sees
    assert "resident@example.cn" not in html and "zed@example.cn" not in html
    assert "待发送" in _text(response) and "收件人" in _text(response)


def test_the_page_filters_by_state_and_shows_the_error(client, world, queued, settings, monkeypatch):
    monkeypatch.setattr("linli.outbox.services.channel_of", lambda kind: Refusing())
    services.outbox_drain()
    OutboxMessage.objects.filter(dedupe_key="z:email").update(state=MessageState.FAILED)
    client.force_login(world.person("street_s1"))
    text = _text(client.get(reverse("outbox") + "?state=failed"))
    assert "z***@example.cn" in text and "r***@example.cn" not in text
    assert "ConnectionRefusedError: connection refused" in text
    assert "失败" in text


@pytest.mark.parametrize("who,linked", [("resident", False), ("property_x", False), ("community_c1", True),
                                        ("admin", True)])
def test_the_start_page_links_the_outbox_for_those_who_may_see_it(client, world, who, linked):
    client.force_login(world.person(who))
    html = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("outbox")}"' in html) == linked


def test_a_slow_batch_gives_back_what_it_could_not_send_in_half_its_claim_time(db, frozen, settings, mailoutbox):
    settings.LINLI_OUTBOX_CLAIM_SECONDS = 60
    for i in range(3):
        _enqueue(key=f"ev:{i}:email")

    class Slow:
        kind = "email"

        def send(self, message):
            frozen["now"] += dt.timedelta(seconds=20)  # each send takes 20 s

    import linli.outbox.services as s

    original, s.channel_of = s.channel_of, lambda kind: Slow()  # type: ignore[assignment, return-value]
    try:
        result = services.outbox_drain(rounds=1)
    finally:
        s.channel_of = original
    # Sent at 0 s and 20 s; at 40 s (past 30 s) the third goes back to the queue unsent.
    assert (result.sent, result.released) == (2, 1)
    assert sorted(OutboxMessage.objects.values_list("state", "attempts")) == [
        ("pending", 0), ("sent", 1), ("sent", 1)]


def test_the_admin_never_shows_a_password_reset_link(client, world):
    """Whoever may look at outgoing messages in the admin must not be able to take
    an account with the link a reset e-mail carries; other bodies are shown."""
    from linli.web.accounts import send_reset_mail

    link = "http://testserver/password-reset/MQ/cab1-0123456789abcdef/"
    send_reset_mail(subject="设置新密码", body=f"请打开链接设置新密码：{link}", to="wangmei@example.org")
    reset = OutboxMessage.objects.get(kind="account.password_reset")
    other = services.message_enqueue(channel="email", address="wangmei@example.org", subject="已受理",
                                     body="您的诉求已受理，工作人员会尽快处理", dedupe_key="ev:2:email")
    client.force_login(world.person("admin"))
    html = client.get(reverse("admin:outbox_outboxmessage_change", args=[reset.pk])).content.decode()
    assert link not in html and "/password-reset/" not in html and "不显示：内含设置新密码的链接" in html
    html = client.get(reverse("admin:outbox_outboxmessage_change", args=[other.pk])).content.decode()
    assert "您的诉求已受理，工作人员会尽快处理" in html
