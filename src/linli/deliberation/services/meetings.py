"""Meetings: convened with a cadence kind and the bodies taking part, an agenda
of the compound's open topics (putting a topic on the agenda schedules it), a
notice to the participants (in-app and through the outbox, as for requests),
then the minutes with the attendance and one outcome per agenda topic, which
moves each topic (deciding it in the minutes decides the topic).

Lock order: the meeting row, then its topics in id order."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.deliberation.models import (
    AgendaItem,
    Attendance,
    AttendanceMode,
    Body,
    EventKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Support,
    Topic,
)
from linli.deliberation.permissions import BODY_ROLE
from linli.deliberation.services._common import DeliberationRefused, compound_of, event, text
from linli.deliberation.services.topics import _step, apply_outcome, check_outcome, possible
from linli.errors import InvalidInput
from linli.org.models import Node, Person

MAX_AGENDA = 30


def _meeting_locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("compound").get(pk=meeting.pk)


@transaction.atomic
def meeting_convene(*, compound: Node, kind: str, title: str, starts_at: dt.datetime, place: str,
                    bodies: list[str], by: Person, now: dt.datetime | None = None) -> Meeting:
    compound = compound_of(compound)
    authz.require(by, "deliberation.meeting.manage", compound)
    if kind not in MeetingKind.values:
        raise InvalidInput("deliberation.kind", _("Unknown kind of meeting."))
    title = text(title, "deliberation.title", _("A meeting needs a title of at most 120 characters."), maximum=120)
    place = text(place, "deliberation.place", _("Say where the meeting takes place."), maximum=200)
    bodies = list(dict.fromkeys(bodies or []))
    if not bodies or any(b not in Body.values for b in bodies):
        raise InvalidInput("deliberation.bodies", _("Choose the bodies taking part."))
    if kind == MeetingKind.JOINT and len(bodies) < 2:
        raise InvalidInput("deliberation.joint", _("A joint meeting brings together at least two bodies."))
    if not isinstance(starts_at, dt.datetime) or starts_at < (now or timezone.now()) - dt.timedelta(days=366):
        raise InvalidInput("deliberation.starts_at", _("Give the meeting's date and time."))
    meeting = Meeting.objects.create(compound=compound, kind=kind, title=title, starts_at=starts_at, place=place,
                                     bodies=",".join(bodies), created_by=by)
    event(compound, EventKind.MEETING_CONVENED, by, meeting=meeting.pk, cadence=kind)
    return meeting


@transaction.atomic
def agenda_add(*, meeting: Meeting, topic: Topic, by: Person) -> AgendaItem:
    """Put an open topic of the compound on the agenda; the topic is scheduled."""
    meeting = _meeting_locked(meeting)
    authz.require(by, "deliberation.meeting.manage", meeting)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED):
        raise DeliberationRefused("deliberation.meeting_held", _("The minutes are published: the agenda is closed."))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.compound_id != meeting.compound_id:
        raise InvalidInput("deliberation.topic_place", _("The topic belongs to another compound."))
    if meeting.items.filter(topic=topic).exists():
        raise DeliberationRefused("deliberation.on_agenda", _("This topic is already on the agenda."))
    if meeting.items.count() >= MAX_AGENDA:
        raise DeliberationRefused("deliberation.agenda_full", _("The agenda is full."))
    if topic.status != "scheduled":
        before, after = _step(topic, "schedule")
        topic.save()
        event(meeting.compound, EventKind.TOPIC_STATUS, by, topic=topic.pk, before=before, after=after,
              meeting=meeting.pk)
    item = AgendaItem.objects.create(meeting=meeting, topic=topic, position=meeting.items.count() + 1)
    event(meeting.compound, EventKind.MEETING_AGENDA, by, meeting=meeting.pk, topic=topic.pk)
    return item


def participants(meeting: Meeting) -> list[Person]:
    """Who is told: the members of the bodies taking part (their role at the compound or
    above it), and the people who raised or support a topic on the agenda."""
    roles = [BODY_ROLE[b] for b in meeting.bodies.split(",") if b in BODY_ROLE]
    above = meeting.compound.ancestor_ids()
    q = Q(roles__role__in=roles, roles__node_id__in=above)
    topics = list(meeting.items.values_list("topic_id", flat=True))
    q |= Q(pk__in=Topic.objects.filter(pk__in=topics, raised_by__isnull=False).values("raised_by"))
    q |= Q(pk__in=Support.objects.filter(topic_id__in=topics).values("person"))
    return list(Person.objects.filter(q, is_active=True).distinct().order_by("pk"))


@transaction.atomic
def meeting_notify(*, meeting: Meeting, by: Person) -> int:
    """Send the notice: an in-app message to every participant and an outbox message on
    each configured channel that reaches them (sent by the worker, never here). Once."""
    from linli.cases.notify import _create as notify_people  # the one way in-app messages reach people

    meeting = _meeting_locked(meeting)
    authz.require(by, "deliberation.meeting.manage", meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise DeliberationRefused("deliberation.notified", _("The notice has already been sent."))
    if not meeting.items.exists():
        raise DeliberationRefused("deliberation.no_agenda", _("Put at least one topic on the agenda first."))
    people = participants(meeting)
    with translation.override("zh-hans"):
        title = str(_("Meeting notice: %(title)s")) % {"title": meeting.title}
        body = str(_("%(when)s at %(place)s. Agenda: %(agenda)s")) % {
            "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"), "place": meeting.place,
            "agenda": "；".join(i.topic.title for i in meeting.items.select_related("topic"))}
    notify_people(recipients=people, kind="deliberation.notice", title=title[:200], body=body,
                  url=reverse("dlb_meeting", args=[meeting.pk]))
    meeting.status, meeting.notified_at = MeetingStatus.NOTIFIED, timezone.now()
    meeting.save(update_fields=["status", "notified_at"])
    event(meeting.compound, EventKind.MEETING_NOTIFIED, by, meeting=meeting.pk, people=len(people))
    return len(people)


@transaction.atomic
def meeting_minutes(*, meeting: Meeting, minutes: str, attendance: Sequence[tuple[str, str, str]],
                    outcomes: dict[int, dict], by: Person, today: dt.date | None = None) -> Meeting:
    """Publish the minutes: the text, who attended (name, as, in person/online) and for
    each agenda topic its outcome (``{"outcome", "decision", "responsible", "review_on",
    "vote_ref", "referred_to"}``). Every agenda topic gets an outcome; deciding it here
    decides the topic. All or nothing."""
    today = today or timezone.localdate()
    meeting = _meeting_locked(meeting)
    authz.require(by, "deliberation.meeting.manage", meeting)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED):
        raise DeliberationRefused("deliberation.meeting_held", _("The minutes are already published."))
    minutes = text(minutes, "deliberation.minutes", _("Write the minutes (at most 20000 characters)."),
                   maximum=20000)
    rows = []
    for entry in attendance or []:
        name, role, mode = (list(entry) + ["", "", ""])[:3]
        name = text(name, "deliberation.attendee", _("Each attendee needs a name (at most 60 characters)."),
                    maximum=60)
        role = text(role, "deliberation.attendee", _("Each attendee needs a name (at most 60 characters)."),
                    maximum=60, required=False)
        if mode not in AttendanceMode.values:
            raise InvalidInput("deliberation.mode", _("Attendance is in person or online."))
        rows.append(Attendance(meeting=meeting, name=name, role=role, mode=mode))
    if not rows:
        raise InvalidInput("deliberation.attendance", _("Record who attended."))
    items = list(meeting.items.select_related("topic").order_by("topic_id"))
    if set(outcomes or {}) != {i.topic_id for i in items}:
        raise InvalidInput("deliberation.outcomes", _("Give an outcome for every topic on the agenda, and only for them."))
    checked: dict[int, tuple[str, dict]] = {}
    for item in items:
        o = outcomes[item.topic_id]
        outcome = str(o.get("outcome") or "")
        checked[item.topic_id] = (outcome, check_outcome(
            outcome, decision=o.get("decision", ""), responsible=o.get("responsible", ""),
            review_on=o.get("review_on"), vote_ref=o.get("vote_ref", ""), referred_to=o.get("referred_to", ""),
            today=today))
    topics = {t.pk: t for t in Topic.objects.select_for_update().filter(pk__in=checked).order_by("pk")}
    for item in items:
        outcome, fields = checked[item.topic_id]
        topic = topics[item.topic_id]
        if not possible(outcome, topic.status):
            raise DeliberationRefused("deliberation.topic_state",
                                      _("A topic on the agenda has moved on: %(title)s") % {"title": topic.title})
        apply_outcome(topic, outcome, fields, by, meeting=meeting.pk)
        item.outcome, item.decision = outcome, fields["outcome"]
        item.save(update_fields=["outcome", "decision"])
    Attendance.objects.bulk_create(rows)
    meeting.minutes, meeting.minutes_at, meeting.status = minutes, timezone.now(), MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "minutes_at", "status"])
    event(meeting.compound, EventKind.MEETING_MINUTES, by, meeting=meeting.pk, attended=len(rows),
          outcomes={str(k): v[0] for k, v in checked.items()})
    return meeting

