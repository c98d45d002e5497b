"""Writing and sending outgoing messages.

``message_enqueue`` is called inside the transaction of the event that causes the
message: the row commits or rolls back with the event. ``outbox_drain`` (the worker)
sends what is due.

Delivery guarantee: at least once, and exactly once in every case but one. A message
is claimed in a short transaction (state ``sending``, ``claimed_until`` = now + the
claim time, one attempt counted), sent outside any transaction, then marked sent in
a second short transaction that only changes a row still ``sending``, so it is
marked sent once. If the worker dies after the far side accepted the message and
before that second commit (a window of one UPDATE), the claim runs out and another
worker sends the message again: that one message arrives twice. A worker that dies
before sending loses nothing: the claim runs out and the message is sent later.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from linli.outbox.channels import channel as channel_of
from linli.outbox.channels import channels
from linli.outbox.models import MessageState, OutboxMessage

log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def quiet_until(at: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours (``LINLI_OUTBOX_QUIET_HOURS``, 22:00–08:00 in
    ``LINLI_OUTBOX_QUIET_TZ``, Asia/Shanghai) if ``at`` lies inside them, else None."""
    start, end = _setting("LINLI_OUTBOX_QUIET_HOURS", (22, 8))
    if start == end:
        return None
    local = at.astimezone(ZoneInfo(_setting("LINLI_OUTBOX_QUIET_TZ", "Asia/Shanghai")))
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if start > end:  # over midnight
        if local.hour >= start:
            return morning + dt.timedelta(days=1)
        if local.hour < end:
            return morning
        return None
    return morning if start <= local.hour < end else None


def _hold(sender, at: dt.datetime, urgent: bool) -> dt.datetime | None:
    """When a message that may go at ``at`` is held to instead (quiet hours), or None."""
    if urgent or sender is None or not getattr(sender, "quiet_hours", False):
        return None
    return quiet_until(at)


@transaction.atomic
def message_enqueue(*, channel: str, address: str, subject: str, body: str, dedupe_key: str, kind: str = "",
                    node=None, now: dt.datetime | None = None, params: dict | None = None,
                    urgent: bool = False) -> OutboxMessage:
    """Queue one message. Call it inside the transaction of the event that causes it.

    ``dedupe_key`` names the event and the channel (e.g. ``notification:17:email``): a
    key seen before returns the row already queued and queues nothing. ``params`` are
    the template parameters of channels that send templates (SMS). On a channel with
    quiet hours (SMS) a message that is not ``urgent`` queued between 22:00 and 08:00 is
    held until 08:00 (``not_before``).
    """
    known = channels()
    if channel not in known:
        raise ValueError(f"outbox channel {channel!r} is not configured (LINLI_OUTBOX_CHANNELS)")
    if not address:
        raise ValueError("an outgoing message needs an address")
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    held = _hold(known[channel], now, urgent)
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                channel=channel, address=address[:254], subject=subject[:200], body=body, kind=kind[:30], node=node,
                dedupe_key=dedupe_key, created_at=now, next_attempt_at=held or now, not_before=held,
                params=params or {}, urgent=urgent)
    except IntegrityError:
        # Another transaction queued the same key a moment ago.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped."""
    base = _setting("LINLI_OUTBOX_RETRY_SECONDS", 60)
    cap = _setting("LINLI_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


@transaction.atomic
def messages_claim(*, batch: int, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Claim up to ``batch`` messages that may be sent now: pending ones whose time has
    come, and ``sending`` ones whose claim ran out (their worker died). Rows are taken
    with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never wait on
    each other; each claim counts one attempt."""
    now = now or timezone.now()
    qs = OutboxMessage.objects.filter(state__in=[MessageState.PENDING, MessageState.SENDING],
                                      next_attempt_at__lte=now).order_by("next_attempt_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    rows = list(qs[:batch])
    until = now + dt.timedelta(seconds=_setting("LINLI_OUTBOX_CLAIM_SECONDS", 300))
    for m in rows:
        m.state, m.claimed_until, m.attempts = MessageState.SENDING, until, m.attempts + 1
        # While claimed, the row is not due: a claim that runs out makes it due again.
        m.next_attempt_at = until
    OutboxMessage.objects.bulk_update(rows, ["state", "claimed_until", "attempts", "next_attempt_at"])
    return rows


def _mark_sent(message: OutboxMessage) -> bool:
    now = timezone.now()
    done = OutboxMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.SENT, sent_at=now, claimed_until=None, last_error="", next_attempt_at=now)
    return done == 1


def _mark_failed_attempt(message: OutboxMessage, error: BaseException) -> str:
    now = timezone.now()
    text = f"{type(error).__name__}: {error}".replace(message.address, "<address>")[:500]
    limit = _setting("LINLI_OUTBOX_MAX_ATTEMPTS", 8)
    if message.attempts >= limit:
        state, next_at = MessageState.FAILED, now
    else:
        state, next_at = MessageState.PENDING, now + retry_delay(message.attempts)
        # A retry that would fall in the quiet hours waits for the morning too.
        next_at = _hold(channel_of(message.channel), next_at, message.urgent) or next_at
    OutboxMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=state, claimed_until=None, last_error=text, next_attempt_at=next_at)
    return state


def _mark_held(message: OutboxMessage, until: dt.datetime) -> None:
    OutboxMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.PENDING, claimed_until=None, attempts=max(0, message.attempts - 1),
        next_attempt_at=until, not_before=until)


def messages_release(messages: list[OutboxMessage]) -> int:
    """Give claimed messages back unsent (the worker is stopping): due at once, and the
    attempt is not counted against them."""
    now = timezone.now()
    n = 0
    for m in messages:
        n += OutboxMessage.objects.filter(pk=m.pk, state=MessageState.SENDING).update(
            state=MessageState.PENDING, claimed_until=None, attempts=max(0, m.attempts - 1), next_attempt_at=now)
    return n


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)


def outbox_drain(*, batch: int = 20, should_stop=lambda: False, around_send=contextlib.nullcontext,
                 rounds: int | None = None) -> DrainResult:
    """Send what is due, batch after batch, until nothing is due or ``should_stop()``.

    Not atomic: each claim and each outcome is its own short transaction, and no
    transaction is open while a channel talks to the far side. ``around_send`` is a
    context manager entered around each send (the worker uses it to let a stop
    signal interrupt a send that hangs); if the send is interrupted, this message and
    the rest of the batch are released and the interruption is raised again.
    """
    result = DrainResult()
    done_rounds = 0
    while not should_stop() and (rounds is None or done_rounds < rounds):
        claimed = messages_claim(batch=batch)
        done_rounds += 1
        if not claimed:
            break
        # Past half the claim time, give the rest back rather than risk sending a message
        # whose claim ran out (another worker may have taken it by then).
        give_back_at = timezone.now() + dt.timedelta(seconds=_setting("LINLI_OUTBOX_CLAIM_SECONDS", 300) / 2)
        for i, message in enumerate(claimed):
            if should_stop():
                result.released += messages_release(claimed[i:])
                return result
            if timezone.now() >= give_back_at:
                result.released += messages_release(claimed[i:])
                break
            sender = channel_of(message.channel)
            held = _hold(sender, timezone.now(), message.urgent)
            if held is not None:  # due before the quiet hours, reached in them (a claim ran out): wait
                _mark_held(message, held)
                result.held += 1
                continue
            try:
                if sender is None:
                    raise LookupError(f"channel {message.channel!r} is not configured")
                with around_send():
                    sender.send(message)
            except Exception as exc:  # the far side refused or timed out: count it and go on
                state = _mark_failed_attempt(message, exc)
                log.warning("outbox message %s via %s: %s (%s)", message.pk, message.channel, exc, state)
                result.errors.append(f"{message.pk}: {type(exc).__name__}")
                if state == MessageState.FAILED:
                    result.failed += 1
                else:
                    result.retried += 1
            except BaseException:
                # Stopping (signal) in the middle of a send: nothing was accepted that we know of.
                result.released += messages_release(claimed[i:])
                raise
            else:
                if _mark_sent(message):
                    result.sent += 1
    return result


@transaction.atomic
def message_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Put a failed message back in the queue (from the admin), with its attempts reset."""
    OutboxMessage.objects.filter(pk=message.pk, state=MessageState.FAILED).update(
        state=MessageState.PENDING, attempts=0, next_attempt_at=timezone.now())
    message.refresh_from_db()
    return message
