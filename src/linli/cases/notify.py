"""Notifications: an in-app row for every message, and an outbox row per channel.

The in-app ``Notification`` is what staff see in the app and residents on their
tracking page. For each channel in ``LINLI_OUTBOX_CHANNELS`` (default: e-mail)
that has an address for the reader, an ``OutboxMessage`` is written in the same
transaction (``linli.outbox.services.message_enqueue``): a rolled-back action
sends nothing, a committed one is sent by ``linli worker`` even if this process
dies right after the commit. Nothing here talks to a mail server.
"""
from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.outbox import services as outbox
from linli.outbox.channels import Contact, channels

log = logging.getLogger(__name__)


def _contact(notification) -> Contact:
    if notification.recipient_id:
        person = notification.recipient
        return Contact(email=person.email or "", phone=getattr(person, "phone", "") or "")
    if notification.case_id:
        case = notification.case
        return Contact(email=case.contact_email or "", phone=case.contact_phone or "")
    return Contact()


def _enqueue(notification) -> None:
    """Queue the notification on every configured channel that can reach its reader."""
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{getattr(settings, 'LINLI_SITE_URL', '').rstrip('/')}{notification.url}"
    node = notification.case.node if notification.case_id else None
    for kind, channel in channels().items():
        address = channel.address_for(_contact(notification))
        if address:
            outbox.message_enqueue(channel=kind, address=address, subject=notification.title, body=body,
                                   kind=notification.kind, node=node,
                                   dedupe_key=f"notification:{notification.pk}:{kind}")


def in_site_language(func):
    """Messages are stored as text for someone else (a resident, another staff
    member): write them in the site's language, not in the language of whoever
    happened to act (a staff member browsing in English)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def _create(*, recipients=(), case=None, for_reporter=False, kind: str, title: str, body: str = "", url: str = ""):
    from linli.cases.models import Notification

    rows = [Notification(recipient=r, case=case, kind=kind, title=title, body=body, url=url) for r in recipients]
    if for_reporter:
        rows.append(Notification(case=case, for_reporter=True, kind=kind, title=title, body=body, url=url))
    created = [Notification.objects.create(**{f.name: getattr(r, f.name) for f in Notification._meta.fields
                                               if f.name not in ("id", "created_at")}) for r in rows]
    for n in created:
        _enqueue(n)
    return created


def tracking_url(case) -> str:
    return reverse("case_track", args=[case.tracking_code])


def staff_url(case) -> str:
    return reverse("case_detail", args=[case.pk])


RESIDENT_MESSAGES = {
    "accepted": (gettext_noop("Your request has been accepted"),
                 gettext_noop("We have accepted your request; staff will handle it soon.")),
    "planned": (gettext_noop("Your request has a plan"), gettext_noop("The plan: {plan}")),
    "progress": (gettext_noop("News on your request"), "{note}"),
    "done": (gettext_noop("Your request is done: please rate it"),
             gettext_noop("The problem has been dealt with. Open the link and tell us whether you are satisfied.")),
    "unsolvable": (gettext_noop("Your request cannot be solved for now"),
                   gettext_noop("We will keep following it and explain why.")),
}


@in_site_language
def resident(case, event: str) -> None:
    """Tell the person who reported (their account if any, and the tracking page)."""
    title, body = RESIDENT_MESSAGES[event]
    last_note = case.events.order_by("-at", "-id").values_list("note", flat=True).first() or ""
    title, body = _(title), (_(body) if body != "{note}" else body).format(plan=case.plan, note=last_note)
    recipients = [case.reporter] if case.reporter_id else []
    _create(recipients=recipients, case=case, for_reporter=True, kind=f"resident.{event}",
            title=f"{title} ({case.tracking_code})", body=body, url=tracking_url(case))


@in_site_language
def case_received(case) -> None:
    """Tell the micro-grid leader and the property staff of the compound that a request came in."""
    from linli.org.models import Person, Role

    targets = Q(pk__in=[])
    if case.microgrid_id:
        targets |= Q(roles__node_id=case.microgrid_id, roles__role=Role.MICROGRID_LEADER)
    if case.compound_id:
        targets |= Q(roles__node_id=case.compound_id, roles__role=Role.PROPERTY_STAFF)
    people = Person.objects.filter(targets, is_active=True).distinct().order_by("pk")
    _create(recipients=people, case=case, kind="staff.received",
            title=_("New request %(code)s: %(category)s") % {"code": case.tracking_code, "category": case.category.name},
            body=case.description[:200], url=staff_url(case))


def received_fanout(*, batch: int = 50, should_stop=lambda: False) -> int:
    """The worker's part of intake: tell staff of the requests recorded since the last
    round (``Case.staff_told_at`` empty), each in its own short transaction (in-app
    rows and their outbox messages), the request's row claimed so that two workers
    never tell twice; a request a staff action holds just now is told next round.
    Returns how many requests were told."""
    from django.utils import timezone

    from linli.cases.models import Case

    told = 0
    pending = list(Case.objects.filter(staff_told_at__isnull=True).order_by("received_at", "pk")
                   .values_list("pk", flat=True)[:batch])
    for pk in pending:
        if should_stop():
            break
        with transaction.atomic():
            qs = Case.objects.filter(pk=pk, staff_told_at__isnull=True).select_related("category")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            case = qs.first()
            if case is None:  # another worker has it
                continue
            case_received(case)
            Case.objects.filter(pk=pk).update(staff_told_at=timezone.now())
            told += 1
    return told


@in_site_language
def dispatched(case, by) -> None:
    from linli.org.models import Person, Role, RoleAssignment

    if case.assignee_id:
        people = [case.assignee]
    else:
        role = {"property": Role.PROPERTY_STAFF, "community": Role.COMMUNITY_STAFF, "party_branch": Role.PARTY_BRANCH,
                "microgrid_leader": Role.MICROGRID_LEADER}.get(case.assignee_kind)
        ids = RoleAssignment.objects.filter(node=case.assignee_node, role=role).values_list("person_id", flat=True)
        people = list(Person.objects.filter(pk__in=ids, is_active=True))
    _create(recipients=[p for p in people if p != by], case=case, kind="staff.dispatched",
            title=_("Request %(code)s was dispatched to you") % {"code": case.tracking_code},
            body=case.description[:200], url=staff_url(case))


@in_site_language
def escalated(escalation, people) -> None:
    case = escalation.case
    _create(recipients=people, case=case, kind="staff.escalated",
            title=_("Overdue: request %(code)s missed its “%(clock)s” limit")
            % {"code": case.tracking_code, "clock": escalation.deadline.get_clock_display()},
            body=case.description[:200], url=staff_url(case))


@in_site_language
def supervised(case, by) -> None:
    from linli.org.models import Person

    ids = {case.assignee_id} if case.assignee_id else set()
    people = Person.objects.filter(pk__in=[i for i in ids if i])
    _create(recipients=people, case=case, kind="staff.supervised",
            title=_("Supervision 督办 on request %(code)s") % {"code": case.tracking_code},
            body="", url=staff_url(case))
