"""Topics 议题: raised by a neighbour (or turned from a request by staff),
supported once per person, taken up by the compound's body, scheduled in a
meeting, discussed, then decided / put to a vote / referred upward, and done.

Status table (``TRANSITIONS``): the pages offer exactly the arrows the services accept."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases.locks import case_lock
from linli.cases.selectors import mask_phones
from linli.deliberation.models import Body, EventKind, Support, Topic
from linli.deliberation.models import TopicStatus as TS
from linli.deliberation.services._common import (
    DeliberationRefused,
    compound_of,
    event,
    future_date,
    require_neighbour,
    text,
)
from linli.errors import InvalidInput, NotFound
from linli.org.models import Node, Person

# arrow -> (allowed from, to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "schedule": ((TS.RAISED, TS.DISCUSSED), TS.SCHEDULED),
    "discussed": ((TS.RAISED, TS.SCHEDULED), TS.DISCUSSED),
    "decided": ((TS.RAISED, TS.SCHEDULED, TS.DISCUSSED), TS.DECIDED),
    "vote": ((TS.RAISED, TS.SCHEDULED, TS.DISCUSSED), TS.VOTE),
    "referred": ((TS.RAISED, TS.SCHEDULED, TS.DISCUSSED), TS.REFERRED),
    "done": ((TS.DECIDED,), TS.DONE),
}
SUPPORTABLE = (TS.RAISED, TS.SCHEDULED, TS.DISCUSSED)


def possible(arrow: str, status: str) -> bool:
    return status in TRANSITIONS[arrow][0]


def _step(topic: Topic, arrow: str) -> tuple[str, str]:
    allowed, to = TRANSITIONS[arrow]
    if topic.status not in allowed:
        raise DeliberationRefused("deliberation.topic_state",
                                  _("This cannot be done now: the status is “%(status)s”.")
                                  % {"status": topic.get_status_display()},
                                  details=[{"action": arrow, "status": topic.status}])
    before, topic.status = topic.status, to
    topic.updated_at = timezone.now()
    return before, to


def _locked(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().select_related("compound").get(pk=topic.pk)


def _title_body(title, body) -> tuple[str, str]:
    return (text(title, "deliberation.title", _("A topic needs a title of at most 120 characters."), maximum=120),
            text(body, "deliberation.body", _("Describe the topic in at most 2000 characters."), maximum=2000,
                 required=False))


@transaction.atomic
def topic_raise(*, compound: Node, title: str, body: str = "", by: Person) -> Topic:
    """A resident or owner raises a topic about their own compound; they support it at once."""
    compound = compound_of(compound)
    require_neighbour(by, "deliberation.topic.raise", compound)
    title, body = _title_body(title, body)
    topic = Topic.objects.create(compound=compound, title=title, body=body, raised_by=by, supporters=1)
    Support.objects.create(topic=topic, person=by)
    event(compound, EventKind.TOPIC_RAISED, by, topic=topic.pk)
    return topic


@transaction.atomic
def topic_from_case(*, case, title: str = "", by: Person) -> Topic:
    """Staff of the deliberation body turn a request into a topic, keeping the request's id.
    The request must lie in a compound; one topic per request."""
    if case is None:
        raise NotFound("deliberation.case", _("No such request."))
    authz.require(by, "cases.case.view", case)
    # the request row first (linli.cases.locks): two staff turning it at once make one topic
    case = case_lock(case.pk)
    compound = case.compound
    if compound is None:
        raise InvalidInput("deliberation.case_place", _("Only a request about a compound can become its topic."))
    authz.require(by, "deliberation.topic.manage", compound)
    existing = Topic.objects.filter(case_id=case.pk).first()
    if existing is not None:
        raise DeliberationRefused("deliberation.case_taken", _("This request is already a topic."))
    # the topic is public: phone numbers written into the request are masked (as on its tracking page)
    description = mask_phones(case.description)
    title, body = _title_body(title or description[:60], description[:2000])
    topic = Topic.objects.create(compound=compound, title=title, body=body, case_id=case.pk,
                                 raised_by=case.reporter if case.reporter_id else None)
    event(compound, EventKind.TOPIC_RAISED, by, topic=topic.pk, case=case.pk)
    return topic


@transaction.atomic
def topic_support(*, topic: Topic, by: Person) -> Topic:
    """我也关心: one support per person, counted on the topic."""
    topic = _locked(topic)
    require_neighbour(by, "deliberation.topic.support", topic.compound)
    if topic.status not in SUPPORTABLE:
        raise DeliberationRefused("deliberation.topic_closed", _("This topic is no longer open for support."))
    try:
        with transaction.atomic():
            Support.objects.create(topic=topic, person=by)
    except IntegrityError as exc:
        raise DeliberationRefused("deliberation.already_supported", _("You already support this topic.")) from exc
    topic.supporters = topic.supports.count()
    topic.save(update_fields=["supporters"])
    event(topic.compound, EventKind.TOPIC_SUPPORTED, by, topic=topic.pk, supporters=topic.supporters)
    return topic


@transaction.atomic
def topic_take_up(*, topic: Topic, body: str, by: Person) -> Topic:
    """The compound's deliberation body takes the topic up."""
    topic = _locked(topic)
    authz.require(by, "deliberation.topic.manage", topic)
    if body not in Body.values:
        raise InvalidInput("deliberation.body_kind", _("Unknown body."))
    if topic.status not in SUPPORTABLE:
        raise DeliberationRefused("deliberation.topic_closed", _("This topic is no longer open."))
    topic.taken_up_by, topic.updated_at = body, timezone.now()
    topic.save(update_fields=["taken_up_by", "updated_at"])
    event(topic.compound, EventKind.TOPIC_TAKEN_UP, by, topic=topic.pk, body=body)
    return topic


def check_outcome(outcome: str, *, decision: str, responsible: str, review_on, vote_ref: str, referred_to: str,
                  today: dt.date) -> dict:
    """The fields an outcome needs: a decision names who answers for it and when it is
    looked at again; a vote may name the vote; a referral names where it went."""
    if outcome not in ("discussed", "decided", "vote", "referred"):
        raise InvalidInput("deliberation.outcome", _("Unknown outcome."))
    decision = text(decision, "deliberation.decision", _("Write what was decided or said (at most 2000 characters)."),
                    maximum=2000)
    fields: dict = {"outcome": decision}
    if outcome == "decided":
        fields["responsible"] = text(responsible, "deliberation.responsible",
                                     _("A decision names the person responsible."), maximum=60)
        fields["review_on"] = future_date(review_on, "deliberation.review_on",
                                          _("A decision needs a review date, today or later."), today=today)
    elif outcome == "vote":
        fields["vote_ref"] = text(vote_ref, "deliberation.vote_ref", _("The vote reference is at most 40 characters."),
                                  maximum=40, required=False)
    elif outcome == "referred":
        fields["referred_to"] = text(referred_to, "deliberation.referred_to",
                                     _("Say where the topic was referred to."), maximum=120)
    return fields


def apply_outcome(topic: Topic, outcome: str, fields: dict, by, **why) -> None:
    """Move a locked topic to its outcome and log it (used by the minutes and by ``topic_decide``)."""
    before, after = _step(topic, outcome)
    for k, v in fields.items():
        setattr(topic, k, v)
    topic.save()
    event(topic.compound, EventKind.TOPIC_STATUS, by, topic=topic.pk, before=before, after=after, **why)


@transaction.atomic
def topic_decide(*, topic: Topic, outcome: str, decision: str, responsible: str = "", review_on=None,
                 vote_ref: str = "", referred_to: str = "", by: Person, today: dt.date | None = None) -> Topic:
    """Record an outcome outside a meeting (e.g. a daily opinion collection answered on the spot)."""
    topic = _locked(topic)
    authz.require(by, "deliberation.topic.manage", topic)
    fields = check_outcome(outcome, decision=decision, responsible=responsible, review_on=review_on,
                           vote_ref=vote_ref, referred_to=referred_to, today=today or timezone.localdate())
    apply_outcome(topic, outcome, fields, by)
    return topic


@transaction.atomic
def topic_done(*, topic: Topic, note: str = "", by: Person) -> Topic:
    """The decision has been carried out: the public list shows it done."""
    topic = _locked(topic)
    authz.require(by, "deliberation.topic.manage", topic)
    note = text(note, "deliberation.note", _("The note is at most 500 characters."), maximum=500, required=False)
    before, after = _step(topic, "done")
    topic.save()
    event(topic.compound, EventKind.TOPIC_STATUS, by, topic=topic.pk, before=before, after=after, note=note)
    return topic
