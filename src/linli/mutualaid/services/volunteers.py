"""Volunteers: a resident registers with their community; the community confirms."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import InvalidInput
from linli.mutualaid.models import EventKind, Volunteer
from linli.mutualaid.services._common import community_of, event
from linli.mutualaid.services.transitions import step
from linli.numbers import ascii_digits
from linli.org import services as org
from linli.org.models import Node, Person, Role, RoleAssignment

RESIDENT_ROLES = (Role.RESIDENT, Role.OWNER)


def home_communities(person: Person) -> list[Node]:
    """The communities where the person lives or owns a home."""
    paths = authz.role_scopes(person, RESIDENT_ROLES)
    ids = {int(x) for p in paths for x in p.strip("/").split("/")[:3] if x}
    return list(Node.objects.filter(id__in=ids, kind="community").order_by("name"))


@transaction.atomic
def volunteer_register(*, person: Person, community: Node, skills: str = "", availability: str = "", phone: str = "",
                       by: Person) -> Volunteer:
    """A resident registers with a community they live in; waits for confirmation."""
    authz.require(by, "mutualaid.volunteer.register", person)
    community = community_of(community)
    if community not in home_communities(person):
        raise InvalidInput("mutualaid.not_resident", _("You can volunteer in the community where you live."))
    phone = (phone or person.phone or "").strip()
    phone = ascii_digits(phone) or phone  # full-width digits from a Chinese keyboard are digits
    if phone and (ascii_digits(phone) is None or not 5 <= len(phone) <= 20):
        raise InvalidInput("mutualaid.phone", _("Write the phone number in digits."))
    fields = {"skills": (skills or "").strip()[:200], "availability": (availability or "").strip()[:200], "phone": phone}
    volunteer = Volunteer.objects.select_for_update().filter(person=person, node=community).first()
    if volunteer is None:
        volunteer = Volunteer.objects.create(person=person, node=community, **fields)
        before = ""
    else:
        before, _after = step("volunteer", "reapply", volunteer)
        for k, v in fields.items():
            setattr(volunteer, k, v)
        volunteer.save()
    event(community, EventKind.VOLUNTEER_REGISTERED, by, volunteer=volunteer.pk, before=before, after=volunteer.status)
    return volunteer


@transaction.atomic
def volunteer_decide(*, volunteer: Volunteer, confirm: bool, by: Person) -> Volunteer:
    """Community staff confirm (the person gets the volunteer role in the community) or refuse."""
    authz.require(by, "mutualaid.volunteer.confirm", volunteer)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    before, after = step("volunteer", "confirm" if confirm else "refuse", volunteer)
    volunteer.save(update_fields=["status"])
    if confirm:
        # Those who confirm volunteers (community and street staff) may give roles there: recorded as theirs.
        org.role_assign(person=volunteer.person, role=Role.VOLUNTEER, node=volunteer.node, by=by)
    event(volunteer.node, EventKind.VOLUNTEER_DECIDED, by, volunteer=volunteer.pk, before=before, after=after)
    return volunteer


@transaction.atomic
def volunteer_leave(*, volunteer: Volunteer, by: Person) -> Volunteer:
    authz.require(by, "mutualaid.volunteer.register", volunteer.person)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    before, after = step("volunteer", "leave", volunteer)
    volunteer.save(update_fields=["status"])
    for assignment in RoleAssignment.objects.filter(person=volunteer.person, role=Role.VOLUNTEER, node=volunteer.node):
        org.role_revoke(assignment=assignment, by=None)  # the volunteer's own choice, authorised above
    event(volunteer.node, EventKind.VOLUNTEER_DECIDED, by, volunteer=volunteer.pk, before=before, after=after)
    return volunteer
