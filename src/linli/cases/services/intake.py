"""Intake: recording a new request from any channel (QR page, snapshot, phone, hotline, API, Open311)."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import rollups
from linli.cases.models import (
    Campaign,
    Case,
    CaseKind,
    Category,
    Clock,
    Deadline,
    DeadlineReason,
    EventAction,
    Source,
    Status,
    TimeLimitPolicy,
)
from linli.cases.selectors import case_by_client_token
from linli.cases.services.deadlines import _new_deadline
from linli.cases.services.photos import _photo_room, _store_photos
from linli.cases.services.policies import place_of, policy_for
from linli.cases.services.transitions import _event
from linli.errors import InvalidInput
from linli.org.models import Node, NodeKind, Person

# A call-back number: an 11-digit mobile (1…) or a landline with its area code (028-…),
# optionally written with the country code +86 / 0086 and spaces.
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
# A number that can receive SMS (the updates a resident asks for).
MOBILE_RE = re.compile(r"^1\d{10}$")


# Characters no intake keeps: C0 controls but tab and line feed, DEL and the C1 controls,
# lone surrogates (a JSON "\ud800") and the non-characters XML 1.0 forbids. They make
# the Open311 XML feed not well-formed and PostgreSQL refuses NUL.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(raw: str | None) -> str:
    """The one rule for free text a request arrives with, on every channel (QR page,
    staff forms, hotline import, API, Open311): line breaks made ``\n``, control
    characters dropped, outer spaces trimmed."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_RE.sub("", text).strip()


# The dates a request may carry: nothing was received before the platform's records begin
# (hotline archives reach back years, not to 1970), and a promised finish lies after the
# report and at most two years ahead (a renovation planned over a budget year and the next).
EARLIEST_RECEIVED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LATEST_DUE_AHEAD = dt.timedelta(days=2 * 365)


def check_received_at(received_at: dt.datetime, *, now: dt.datetime) -> None:
    if received_at < EARLIEST_RECEIVED:
        raise InvalidInput("received_too_early", _("The received time must not lie before the year 2000."))
    if received_at > now + dt.timedelta(seconds=60):
        raise InvalidInput("received_in_future", _("The received time lies in the future."))


def check_due_at(due_at: dt.datetime, *, received_at: dt.datetime, now: dt.datetime) -> None:
    """A promised finish: after the request was received, at most two years from ``now``."""
    if due_at <= received_at:
        raise InvalidInput("due_before_received", _("The deadline must lie after the time the request was received."))
    if due_at > now + LATEST_DUE_AHEAD:
        raise InvalidInput("due_too_far", _("The deadline may lie at most two years ahead."))


def normalise_phone(raw: str) -> str:
    """The one rule for contact phones, used by the pages, the imports, the API
    and Open311: spaces and a +86/0086 prefix dropped; empty allowed."""
    phone = (raw or "").replace(" ", "").replace("\u00a0", "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):].lstrip("-")
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput("bad_phone", _("Enter an 11-digit mobile number or a landline like 028-12345678."))
    return phone


def _help_policy():
    """The mutual-help policy (``presets.HELP_POLICY``), if it is set up."""
    from linli.cases.models import TimeLimitPolicy
    from linli.cases.presets import HELP_POLICY

    return TimeLimitPolicy.objects.prefetch_related("clocks").filter(code=HELP_POLICY).first()


def client_scope(*, by: Person | None = None, browser: str = "") -> str:
    """Whose one-time keys these are: a signed-in person or API token holder is their
    account; an anonymous resident is their browser (a digest the page computes).
    Empty: no caller known, so the key cannot be trusted and is not used."""
    if getattr(by, "is_authenticated", False):
        return f"person:{by.pk}"  # type: ignore[union-attr]  # authenticated, so not None
    return f"browser:{browser}"[:80] if browser else ""


def case_create(*, client_token: str | None = None, client_browser: str = "", **fields) -> Case:
    """Record a new request. Anyone may report from a QR code (source ``qr``);
    snapshots, phone calls and visits need ``cases.case.record`` in scope;
    a past ``received_at`` (hotline import) needs ``cases.case.import``.
    The same ``client_token`` twice from the same caller (``by``, or for an anonymous
    resident ``client_browser``) returns the first request (a double tap): the second
    insert fails on the unique key (scope, token) and the first request is read back,
    so a new request costs no look-up first. Another caller's key is just a new key.

    Everything is checked (input, place, rights) before anything is written; the
    writes are one transaction. Inside a caller's atomic block that transaction is a
    savepoint only for a ``client_token`` (to read the first request back after the
    failed insert): a failed write without one ends the caller's transaction too.
    The staff of the place are told by the worker (``notify.received_fanout``), not here."""
    scope = client_scope(by=fields.get("by"), browser=client_browser)
    client_token = (client_token or "").strip() if scope else ""
    try:
        return _case_create(client_token=client_token, client_scope=scope if client_token else "", **fields)
    except IntegrityError:
        existing = case_by_client_token(token=client_token, scope=scope) if client_token else None
        if existing is None:
            raise
        return existing


def _case_create(
    *,
    node: Node,
    category: Category,
    description: str,
    source: str,
    by: Person | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    address: str = "",
    photos=(),
    received_at: dt.datetime | None = None,
    client_token: str = "",
    client_scope: str = "",
    urgent: bool = False,
    campaign: Campaign | None = None,
    responsible: str = "",
    plan: str = "",
    due_at: dt.datetime | None = None,
    external_id: str = "",
    updates_wanted: bool = False,
    policy: TimeLimitPolicy | None = None,
) -> Case:
    description = clean_text(description)
    contact_name, address, external_id = clean_text(contact_name), clean_text(address), clean_text(external_id)
    contact_email, responsible, plan = clean_text(contact_email), clean_text(responsible), clean_text(plan)
    if len(description) < 2:
        raise InvalidInput("description_required", _("Describe the problem in a few words."))
    if not category.active:
        raise InvalidInput("category_inactive", _("This category is no longer in use."))
    if source not in Source.values:
        raise InvalidInput("bad_source", _("Unknown source."))
    now = timezone.now()
    backdated = received_at is not None and abs((received_at - now).total_seconds()) > 60
    received_at = received_at or now
    check_received_at(received_at, now=now)
    # Up to 60 s ahead is a caller's clock running fast, not a request from the future:
    # it was received now (else it would count in a month or on a board before it arrived).
    received_at = min(received_at, now)
    if due_at is not None:
        check_due_at(due_at, received_at=received_at, now=now)
    place = place_of(node)
    if place["compound_id"] is None and node.kind not in (NodeKind.COMMUNITY, NodeKind.GRID, NodeKind.MICROGRID):
        raise InvalidInput("bad_place", _("A request must be about a compound or a place in one."))
    contact_phone = normalise_phone(clean_text(contact_phone))
    if updates_wanted and not MOBILE_RE.match(contact_phone):
        raise InvalidInput("updates_need_mobile", _("To be told how it goes by SMS, leave an 11-digit mobile number."))
    kind = CaseKind.HELP if category.kind == CaseKind.HELP else CaseKind.PROBLEM
    case = Case(
        node=node, compound_id=place["compound_id"], microgrid_id=place["microgrid_id"], category=category, kind=kind,
        description=description, source=source, reporter=by if getattr(by, "is_authenticated", False) else None,
        contact_name=contact_name, contact_phone=contact_phone, updates_wanted=bool(updates_wanted),
        updates_token=secrets.token_urlsafe(9) if updates_wanted else None,
        contact_email=contact_email, address=address, received_at=received_at, client_token=client_token or None,
        client_scope=client_scope, urgent=urgent,
        campaign=campaign, responsible=responsible, plan=plan, external_id=external_id,
        policy=policy or (_help_policy() or policy_for(node) if kind == CaseKind.HELP else policy_for(node)),
    )
    # Asked of the unsaved request, so that its micro-grid counts for scope.
    if source in (Source.SNAPSHOT, Source.PHONE, Source.VISIT):  # campaigns: campaign_add_problem checks
        authz.require(by, "cases.case.record", case)
    if backdated:
        authz.require(by, "cases.case.import", case)
    photos = list(photos)
    _photo_room(case, len(photos), after=False, have=0)
    with transaction.atomic(savepoint=bool(client_token)):
        case.save()
        _store_photos(case, photos, after=False, new=True)
        _event(case, EventAction.CREATE, by, received_at, "", Status.RECEIVED, note="",
               data={"source": source, "category": category.code})
        deadlines = [_new_deadline(case, clock, received_at) for clock in (Clock.RESPOND, Clock.ON_SITE, Clock.PLAN)]
        if due_at is not None:  # a campaign item or a hotline ticket with its own deadline
            deadlines.append(_new_deadline(case, Clock.FINISH, received_at, due_at=due_at,
                                           reason=DeadlineReason.INTAKE))
        Deadline.objects.bulk_create([d for d in deadlines if d is not None])
        rollups.refresh([case], created=True)  # the board roll-ups: 3 writes, last (cases/rollups.py)
    return case
