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
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.outbox import services as outbox
from linli.outbox.channels import Contact, channels, sms_text

log = logging.getLogger(__name__)


def _contact(notification) -> Contact:
    """Where the reader of a notification can be reached. Staff: their account's e-mail
    (no SMS). The reporter: the e-mail they left, and their phone for SMS only if they
    ticked "tell me how it goes" and have not opted out since."""
    if notification.recipient_id:
        return Contact(email=notification.recipient.email or "")
    if notification.case_id:
        case = notification.case
        wants_sms = case.updates_wanted and bool(case.updates_token)
        return Contact(email=case.contact_email or "", phone=case.contact_phone or "",
                       sms_phone=case.contact_phone if wants_sms else "")
    return Contact()


def site_url(path: str) -> str:
    return f"{getattr(settings, 'LINLI_SITE_URL', '').rstrip('/')}{path}"


def _enqueue(notification, *, node=None, sms: dict | None = None, urgent: bool = False) -> None:
    """Queue the notification on every configured channel that can reach its reader.
    ``sms``: the template parameters of a resident's update (SMS sends templates only)."""
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{site_url(notification.url)}"
    if node is None:
        node = notification.case.node if notification.case_id else None
    for kind, channel in channels().items():
        if kind == "sms" and (sms is None or not notification.for_reporter):
            continue
        address = channel.address_for(_contact(notification))
        if not address:
            continue
        if kind == "sms" and sms is not None:
            outbox.message_enqueue(channel=kind, address=address, subject=notification.title,
                                   body=sms_text(notification.kind, sms), kind=notification.kind, node=node,
                                   params={"template": notification.kind, "values": sms}, urgent=urgent,
                                   dedupe_key=f"notification:{notification.pk}:{kind}")
        else:
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


def _create(*, recipients=(), case=None, for_reporter=False, kind: str, title: str, body: str = "", url: str = "",
            node=None, sms: dict | None = None, urgent: bool = False):
    from linli.cases.models import Notification

    seen: set[int] = set()
    rows = []
    for r in recipients:  # each person once, however many roles brought them here
        if r.pk not in seen:
            seen.add(r.pk)
            rows.append(Notification(recipient=r, case=case, kind=kind, title=title, body=body, url=url))
    if for_reporter:
        rows.append(Notification(case=case, for_reporter=True, kind=kind, title=title, body=body, url=url))
    created = [Notification.objects.create(**{f.name: getattr(r, f.name) for f in Notification._meta.fields
                                               if f.name not in ("id", "created_at")}) for r in rows]
    for n in created:
        _enqueue(n, node=node, sms=sms, urgent=urgent)
    return created


def people_tell(people, *, kind: str, title: str, body: str = "", url: str = "", node=None):
    """Tell staff of something that is not a request (an objection to a report …): an
    in-app notification each and its outbox messages, in the caller's transaction."""
    return _create(recipients=people, kind=kind, title=title, body=body, url=url, node=node)


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
    "reopened": (gettext_noop("Your request is being handled again"),
                 gettext_noop("The request has been reopened; the staff responsible have been told.")),
    "escalated": (gettext_noop("Your request has been passed up"),
                  gettext_noop("It took longer than promised; it has been passed to {level} to follow up.")),
}

# The sources by which residents report themselves; other sources are recorded by staff
# (a phone call, a visit, a snapshot, an import): the account that typed it is not the resident.
SELF_REPORTED_SOURCES = ("qr", "api", "open311")


def _reporter_reads_in_app(case) -> bool:
    """The reporter's account gets the resident's messages only if a resident reported
    themselves, and never a staff member of the place (their inbox is for work)."""
    from linli import authz

    reporter = case.reporter
    if reporter is None or case.source not in SELF_REPORTED_SOURCES:
        return False
    return not (reporter.is_superuser or authz.can(reporter, "cases.case.view", case))


def updates_stop_url(case) -> str:
    return reverse("updates_stop", args=[case.updates_token]) if case.updates_token else ""


def _finish_due(case):
    from linli.cases.models import Clock

    row = (case.deadlines.filter(clock=Clock.FINISH, met_at__isnull=True, cancelled_at__isnull=True)
           .order_by("-due_at").first())
    return row.due_at if row else None


def _sms_values(case, event: str, level: str = "") -> dict:
    from django.utils import timezone as tz

    due = _finish_due(case)
    return {"code": case.tracking_code, "link": site_url(tracking_url(case)), "stop": site_url(updates_stop_url(case)),
            "colour": case.colour_label if case.colour else "",
            "due": tz.localtime(due).strftime("%Y-%m-%d") if due else _("to be announced"), "level": level}


@in_site_language
def resident(case, event: str, *, level: str = "") -> None:
    """Tell the person who reported: the tracking page always, their account if they
    reported themselves (never a staff member's inbox), and by SMS if they asked for
    updates (``Case.updates_wanted``; each SMS carries the opt-out link)."""
    title, body = RESIDENT_MESSAGES[event]
    last_note = case.events.order_by("-at", "-id").values_list("note", flat=True).first() or ""
    title, body = _(title), (_(body) if body != "{note}" else body).format(plan=case.plan, note=last_note, level=level)
    recipients = [case.reporter] if _reporter_reads_in_app(case) else []
    _create(recipients=recipients, case=case, for_reporter=True, kind=f"resident.{event}",
            title=f"{title} ({case.tracking_code})", body=body, url=tracking_url(case),
            sms=_sms_values(case, event, level) if case.updates_wanted and case.updates_token else None,
            urgent=case.urgent)


def _holders(node, roles) -> list:
    from linli.org.models import Person

    if node is None:
        return []
    return list(Person.objects.filter(roles__node=node, roles__role__in=roles, is_active=True)
                .distinct().order_by("pk"))


def first_responders(case) -> list[tuple[str, list]]:
    """Who is told of a new request: the micro-grid leader, else the grid worker of that
    grid, else the community's staff, walking up the place tree until someone holds the
    role; and the property staff of the compound besides (they repair). Returns
    (role, people) pairs, each with at least one person."""
    from linli.org.models import NodeKind, Role

    place = case.microgrid or case.compound or case.node
    grid = place.ancestor_of_kind(NodeKind.GRID) if place.kind != NodeKind.GRID else place
    community = (case.compound or case.node).ancestor_of_kind(NodeKind.COMMUNITY) or (
        grid.ancestor_of_kind(NodeKind.COMMUNITY) if grid else None)
    street = community.ancestor_of_kind(NodeKind.STREET) if community else None
    found: list[tuple[str, list]] = []
    for role, node in ((Role.MICROGRID_LEADER, case.microgrid), (Role.GRID_WORKER, grid),
                       (Role.COMMUNITY_STAFF, community), (Role.STREET_STAFF, street)):
        people = _holders(node, [role])
        if people:
            found.append((role, people))
            break
    property_staff = _holders(case.compound, [Role.PROPERTY_STAFF])
    if property_staff:
        found.append((Role.PROPERTY_STAFF, property_staff))
    return found


@in_site_language
def case_received(case) -> None:
    """Tell the first people who can act that a request came in (``first_responders``)."""
    people = [p for _role, group in first_responders(case) for p in group]
    _create(recipients=people, case=case, kind="staff.received",
            title=_("New request %(code)s: %(category)s") % {"code": case.tracking_code, "category": case.category.name},
            body=case.description[:200], url=staff_url(case))
    if case.kind == "help":
        help_offered(case, told=people)


def help_offered(case, *, told=()) -> None:
    """A neighbour asks for help: offer it to the confirmed volunteers of the community
    (the mutual-aid registry), not only to the residents of the building. They read what
    is needed (phone numbers masked) and tell the micro-grid leader, who matches one."""
    from linli.cases.selectors import mask_phones, registry_volunteers

    skip = {p.pk for p in told} | ({case.reporter_id} if case.reporter_id else set())
    volunteers = [p for p in registry_volunteers(case) if p.pk not in skip]
    place = case.compound.name if case.compound_id else case.node.name
    _create(recipients=volunteers, case=case, kind="help.offered",
            title=_("A neighbour in %(place)s needs help: %(category)s") % {"place": place,
                                                                           "category": case.category.name},
            body=_("%(need)s — if you can help, tell your micro-grid leader.")
            % {"need": mask_phones(case.description[:200])}, url="")


def received_fanout(*, batch: int = 50, should_stop=lambda: False) -> int:
    """The worker's part of intake: tell staff of the requests recorded since the last
    round (``Case.staff_told_at`` empty), ``batch`` at a time until none is left, each in
    its own short transaction (in-app rows and their outbox messages), the request's row
    claimed so that two workers never tell twice; a request another worker or a staff
    action holds just now is left (told by that worker, or next round).
    Returns how many requests were told."""
    from django.utils import timezone

    from linli.cases.models import Case

    told = 0
    held: list[int] = []  # held by someone else just now: not asked for again this round
    while not should_stop():
        # Every batch, not only the first: one batch a round (50 every 30 s) fell behind
        # a city's peak intake, and staff heard of requests minutes late.
        pending = list(Case.objects.filter(staff_told_at__isnull=True).exclude(pk__in=held)
                       .order_by("received_at", "pk").values_list("pk", flat=True)[:batch])
        if not pending:
            break
        for pk in pending:
            if should_stop():
                break
            with transaction.atomic():
                qs = Case.objects.filter(pk=pk, staff_told_at__isnull=True).select_related("category")
                if connection.features.has_select_for_update_skip_locked:
                    qs = qs.select_for_update(skip_locked=True, of=("self",))
                case = qs.first()
                if case is None:  # another worker has it (or told it a moment ago)
                    held.append(pk)
                    continue
                case_received(case)
                Case.objects.filter(pk=pk).update(staff_told_at=timezone.now())
                told += 1
    return told


def handlers(case) -> list:
    """Who handles the request now: the named assignee, else the holders of the
    dispatched role at the dispatched place."""
    from linli.org.models import Person, Role, RoleAssignment

    if case.assignee_id:
        return [case.assignee]
    role = {"property": Role.PROPERTY_STAFF, "community": Role.COMMUNITY_STAFF, "party_branch": Role.PARTY_BRANCH,
            "microgrid_leader": Role.MICROGRID_LEADER}.get(case.assignee_kind)
    if role is None or case.assignee_node_id is None:
        return []
    ids = RoleAssignment.objects.filter(node=case.assignee_node, role=role).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


@in_site_language
def reopened(case, by=None, *, unsatisfied: bool = False) -> None:
    """A request reopened (the resident rated it unsatisfied, or staff reopened it): the
    handler and the supervisor (the escalation chain's next level) are told, and the
    resident hears that it is handled again."""
    from linli.cases.services.escalation import _next_level

    _level, supervisors = _next_level(case)
    people = [p for p in [*handlers(case), *supervisors] if p != by]
    if not people:  # nobody handles it and no chain: the first people who can act
        people = [p for _role, group in first_responders(case) for p in group if p != by]
    title = (_("Request %(code)s reopened: the resident is not satisfied") if unsatisfied
             else _("Request %(code)s was reopened")) % {"code": case.tracking_code}
    last = case.events.order_by("-at", "-id").values_list("note", flat=True).first() or ""
    _create(recipients=people, case=case, kind="staff.reopened", title=title, body=last[:200], url=staff_url(case))
    resident(case, "reopened")


@in_site_language
def dispatched(case, by) -> None:
    people = handlers(case)
    _create(recipients=[p for p in people if p != by], case=case, kind="staff.dispatched",
            title=_("Request %(code)s was dispatched to you") % {"code": case.tracking_code},
            body=case.description[:200], url=staff_url(case))


@in_site_language
def escalated(escalation, people) -> None:
    from linli.org.models import Role

    case = escalation.case
    _create(recipients=people, case=case, kind="staff.escalated",
            title=_("Overdue: request %(code)s missed its “%(clock)s” limit")
            % {"code": case.tracking_code, "clock": escalation.deadline.get_clock_display()},
            body=case.description[:200], url=staff_url(case))
    level = str(Role(escalation.role).label)
    from linli.cases.models import Notification

    told_before = Notification.objects.filter(case=case, for_reporter=True, kind="resident.escalated",
                                              body__contains=level).exists()
    if case.is_open and people and not told_before:  # once per level, however many clocks ran out
        resident(case, "escalated", level=level)


@in_site_language
def supervised(case, by) -> None:
    from linli.org.models import Person

    ids = {case.assignee_id} if case.assignee_id else set()
    people = Person.objects.filter(pk__in=[i for i in ids if i])
    _create(recipients=people, case=case, kind="staff.supervised",
            title=_("Supervision 督办 on request %(code)s") % {"code": case.tracking_code},
            body="", url=staff_url(case))
