"""Notifications: an in-app row for every message, then each configured channel.

Channels are classes with ``send(notification) -> bool`` named in the setting
``LINLI_NOTIFICATION_CHANNELS`` (default: email). A deployment adds SMS by
writing one such class. Messages are written in the request's transaction and
sent only after it commits (``transaction.on_commit``), so a rolled-back
action sends nothing.
"""
from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

log = logging.getLogger(__name__)


class Channel:
    """Delivers a notification outside the app. Return True if it was sent."""

    def send(self, notification) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


class EmailChannel(Channel):
    def send(self, notification) -> bool:
        address = ""
        if notification.recipient_id:
            address = notification.recipient.email
        elif notification.case_id:
            address = notification.case.contact_email
        if not address:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{getattr(settings, 'LINLI_SITE_URL', '').rstrip('/')}{notification.url}"
        send_mail(notification.title, body, None, [address], fail_silently=False)
        return True


def channels() -> list[Channel]:
    paths = getattr(settings, "LINLI_NOTIFICATION_CHANNELS", ["linli.cases.notify.EmailChannel"])
    return [import_string(p)() for p in paths]


def _deliver(ids: list[int]) -> None:
    from django.utils import timezone

    from linli.cases.models import Notification

    for n in Notification.objects.filter(pk__in=ids).select_related("recipient", "case"):
        for channel in channels():
            try:
                if channel.send(n) and isinstance(channel, EmailChannel):
                    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
            except Exception:  # a failing channel must not undo the action
                log.exception("notification %s via %s failed", n.pk, type(channel).__name__)


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
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _deliver(ids))
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
    from linli.org.models import Person, Role, RoleAssignment

    targets = []
    if case.microgrid_id:
        targets.append((case.microgrid_id, Role.MICROGRID_LEADER))
    if case.compound_id:
        targets.append((case.compound_id, Role.PROPERTY_STAFF))
    ids = set()
    for node_id, role in targets:
        ids |= set(RoleAssignment.objects.filter(node_id=node_id, role=role).values_list("person_id", flat=True))
    people = Person.objects.filter(pk__in=ids, is_active=True)
    _create(recipients=people, case=case, kind="staff.received",
            title=_("New request %(code)s: %(category)s") % {"code": case.tracking_code, "category": case.category.name},
            body=case.description[:200], url=staff_url(case))


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
