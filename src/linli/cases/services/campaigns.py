"""Inspection campaigns 问题大家找·整改我来办."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases.models import (
    Campaign,
    Case,
    Category,
    Source,
)
from linli.cases.services.intake import case_create
from linli.errors import InvalidInput, NotAllowed
from linli.org.models import Node, Person


@transaction.atomic
def campaign_create(*, node: Node, title: str, starts_on: dt.date, ends_on: dt.date, by: Person,
                    description: str = "", participants=()) -> Campaign:
    authz.require(by, "cases.campaign.manage", node)
    if not title.strip():
        raise InvalidInput("title_required", _("Give the campaign a title."))
    if ends_on < starts_on:
        raise InvalidInput("bad_dates", _("The campaign cannot end before it starts."))
    campaign = Campaign.objects.create(node=node, title=title.strip(), description=description,
                                       starts_on=starts_on, ends_on=ends_on, created_by=by)
    campaign.participants.set(list(participants) + [by])
    return campaign


@transaction.atomic
def campaign_add_problem(*, campaign: Campaign, node: Node, category: Category, description: str, by: Person,
                         responsible: str, measure: str, due_at: dt.datetime, photos=()) -> Case:
    """A problem found in the campaign becomes a request (source = campaign) with
    a responsible party, a measure and a deadline."""
    if not campaign.participants.filter(pk=by.pk).exists() and not authz.can(by, "cases.campaign.manage", campaign.node):
        raise NotAllowed("not_participant", _("Only the campaign's participants can add problems."))
    if not node.path.startswith(campaign.node.path):
        raise InvalidInput("outside_campaign", _("This place lies outside the campaign."))
    if not responsible.strip() or not measure.strip():
        raise InvalidInput("measure_required", _("Name the responsible party and the measure."))
    if due_at <= timezone.now():
        raise InvalidInput("due_in_past", _("The deadline must lie in the future."))
    return case_create(node=node, category=category, description=description, source=Source.CAMPAIGN, by=by,
                       campaign=campaign, responsible=responsible.strip(), plan=measure.strip(), due_at=due_at,
                       photos=photos)

@transaction.atomic
def campaign_participant_add(*, campaign: Campaign, person: Person, by: Person) -> Campaign:
    """Add a participant (party member, volunteer, building representative …) to an
    inspection campaign; participants may register the problems they find."""
    authz.require(by, "cases.campaign.manage", campaign.node)
    if not person.is_active:
        raise InvalidInput("person_inactive", _("This account is disabled."))
    campaign.participants.add(person)
    return campaign
