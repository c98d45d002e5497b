"""Every write of the service circles: add, change, hide or show an entry, set a
compound's map position. Keyword-only, atomic, ``by`` required, asked of
``linli.authz``; bad input raises InvalidInput before anything is written; every
change writes an append-only ``Event`` (fields before and after).

Who edits: community and street staff of the entry's community
(``circles.entry.manage``); the staff of a merchant linked to the entry
(``circles.entry.maintain_own``, asked about their MerchantStaff row) may change
only ``MERCHANT_FIELDS`` of that one entry.
"""
from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.circles.hours import FULL_WIDTH, validate_dates, validate_hours
from linli.circles.models import Circle, CompoundLocation, Entry, Event, EventKind
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.mutualaid.models import Merchant, MerchantStaff
from linli.numbers import ascii_digits
from linli.org.models import Node, NodeKind, Person

EDITABLE = ("circle", "category", "name", "description", "address", "lat", "lng", "phone", "phone_public", "hours",
            "closed_dates", "documents", "link", "services", "service_point", "merchant")
MERCHANT_FIELDS = frozenset({"description", "phone", "phone_public", "hours", "closed_dates", "services", "link"})
LIMITS = {"category": 30, "name": 120, "description": 2000, "address": 200, "documents": 1000, "services": 300,
          "link": 200}


_DEGREES = re.compile(r"^[+-]?[0-9]{1,3}(\.[0-9]{1,12})?$", re.ASCII)


class CircleRefused(DomainError):
    status = 409


def _text(field: str, value, *, required: bool = False) -> str:
    value = "" if value is None else str(value)
    if "\x00" in value:
        raise InvalidInput("circles.nul", _("The text contains a NUL character."))
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"circles.{field}", format_lazy(_("Fill in “{field}”."), field=Entry.label(field)))
    if len(value) > LIMITS.get(field, 200):
        raise InvalidInput(f"circles.{field}", format_lazy(_("“{field}” is too long (at most {n} characters)."),
                                                           field=Entry.label(field),
                                                           n=LIMITS.get(field, 200)))
    return value


def coordinate(value, *, kind: str) -> Decimal | None:
    """A latitude (−90…90) or longitude (−180…180) in decimal degrees, six places."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    limit = 90 if kind == "lat" else 180
    label = _("Latitude") if kind == "lat" else _("Longitude")
    number: Decimal | None = None
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    elif isinstance(value, str) and _DEGREES.match(value.translate(FULL_WIDTH).strip()):
        # Digits, one point, a sign: not "1_000", "1e2", "²" or "NaN", which Decimal() would take.
        number = Decimal(value.translate(FULL_WIDTH).strip())
    if number is None or not number.is_finite() or not -limit <= number <= limit:
        raise InvalidInput(f"circles.{kind}", format_lazy(
            _("{label} “{value}” is not possible: use decimal degrees from -{limit} to {limit}, e.g. 30.6799."),
            label=label, value=str(value)[:20], limit=limit))
    return number.quantize(Decimal("0.000001"))


def _phone(value) -> str:
    value = _text("phone", value)
    value = value.translate(FULL_WIDTH)
    digits = ascii_digits(value.replace("-", ""))
    if value and (len(value) > 20 or digits is None or len(digits) < 5):
        raise InvalidInput("circles.phone", _("Write the phone number in digits, e.g. 028-82712345."))
    return value


def _link(value) -> str:
    value = _text("link", value)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise InvalidInput("circles.link", _("The link must be a web address starting with https://.")) from None
    return value


def _circle(value) -> str:
    if value not in Circle.values:
        raise InvalidInput("circles.circle", _("Choose one of the three circles: government services, volunteer "
                                                "circle, life circle."))
    return value


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes")


def clean(fields: dict, community: Node) -> dict:
    """Check and normalise the given fields (only those present); raises InvalidInput."""
    out: dict = {}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise InvalidInput("circles.field", format_lazy(_("Unknown field “{field}”."), field=str(key)[:30]))
        if key == "circle":
            out[key] = _circle(value)
        elif key in ("category", "name", "address"):
            out[key] = _text(key, value, required=True)
        elif key in ("description", "documents", "services"):
            out[key] = _text(key, value)
        elif key in ("lat", "lng"):
            out[key] = coordinate(value, kind=key)
        elif key == "phone":
            out[key] = _phone(value)
        elif key == "link":
            out[key] = _link(value)
        elif key in ("phone_public", "service_point"):
            out[key] = _bool(value)
        elif key == "hours":
            out[key] = validate_hours(value)
        elif key == "closed_dates":
            out[key] = validate_dates(value)
        elif key == "merchant":
            if value in (None, ""):
                out[key] = None
            else:
                merchant = value if isinstance(value, Merchant) else Merchant.objects.filter(code=str(value)).first()
                if merchant is None or merchant.node_id != community.pk:
                    raise InvalidInput("circles.merchant", _("No merchant with this code in this community."))
                out[key] = merchant
    return out


def _check_whole(entry: Entry) -> None:
    if (entry.lat is None) != (entry.lng is None):
        raise InvalidInput("circles.position", _("Give both latitude and longitude, or neither."))
    if entry.service_point and not entry.services.strip():
        raise InvalidInput("circles.services", _("A service point lists the services it offers."))


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Merchant):
        return value.code
    return value


def _event(node: Node, kind: str, by, entry: Entry | None = None, **data) -> Event:
    return Event.objects.create(node=node, entry=entry, kind=kind, by=by if getattr(by, "pk", None) else None,
                                data=data)


def _community(node: Node | None) -> Node:
    if node is None or node.kind != NodeKind.COMMUNITY:
        raise InvalidInput("circles.community", _("Service circles are kept per community: choose a community."))
    return node


def merchant_staff_row(person, entry: Entry) -> MerchantStaff | None:
    if entry.merchant_id is None or not getattr(person, "is_authenticated", False):
        return None
    return MerchantStaff.objects.filter(merchant_id=entry.merchant_id, person=person).first()


def may_edit(person, entry: Entry) -> bool:
    """As staff of the entry's community, or as staff of its merchant."""
    return authz.can(person, "circles.entry.manage", entry) or authz.can(
        person, "circles.entry.maintain_own", merchant_staff_row(person, entry))


def require_edit(person, entry: Entry, fields) -> None:
    if authz.can(person, "circles.entry.manage", entry):
        return
    staff = merchant_staff_row(person, entry)
    if staff is not None and authz.can(person, "circles.entry.maintain_own", staff):
        extra = set(fields) - MERCHANT_FIELDS
        if extra:
            raise NotAllowed("circles.merchant_fields", _(
                "A merchant changes the description, phone, hours, closed dates, services and link of their own "
                "entry; ask the community for anything else."))
        return
    authz.require(person, "circles.entry.manage", entry)


@transaction.atomic
def entry_create(*, community: Node, circle: str, category: str, name: str, address: str, by: Person,
                 **fields) -> Entry:
    community = _community(community)
    authz.require(by, "circles.entry.manage", community)
    values = clean({"circle": circle, "category": category, "name": name, "address": address, **fields}, community)
    entry = Entry(node=community, **values)
    _check_whole(entry)
    if Entry.objects.filter(node=community, name=entry.name, address=entry.address).exists():
        raise CircleRefused("circles.duplicate", _("This community already has an entry with this name and address."))
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise CircleRefused("circles.duplicate",
                            _("This community already has an entry with this name and address.")) from None
    _event(community, EventKind.CREATED, by, entry, after={k: _json(v) for k, v in values.items()})
    return entry


@transaction.atomic
def entry_update(*, entry: Entry, changes: dict, by: Person) -> Entry:
    """Change some fields. Staff of the community change any; a merchant only MERCHANT_FIELDS of their entry."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require_edit(by, entry, changes.keys())  # on the locked row: its merchant link as it is now
    values = clean(changes, entry.node)
    before, after = {}, {}
    for key, value in values.items():
        old = getattr(entry, key)
        if old != value:
            before[key], after[key] = _json(old), _json(value)
            setattr(entry, key, value)
    if not after:
        return entry
    _check_whole(entry)
    if ({"name", "address"} & after.keys()) and Entry.objects.filter(
            node=entry.node_id, name=entry.name, address=entry.address).exclude(pk=entry.pk).exists():
        raise CircleRefused("circles.duplicate", _("This community already has an entry with this name and address."))
    entry.updated_at = timezone.now()
    entry.save()
    _event(entry.node, EventKind.UPDATED, by, entry, before=before, after=after)
    return entry


@transaction.atomic
def entry_set_hidden(*, entry: Entry, hidden: bool, by: Person) -> Entry:
    """Hide an entry from the public directory (closed, moved away) or show it again."""
    authz.require(by, "circles.entry.manage", entry)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.hidden == bool(hidden):
        return entry
    entry.hidden = bool(hidden)
    entry.updated_at = timezone.now()
    entry.save(update_fields=["hidden", "updated_at"])
    _event(entry.node, EventKind.HIDDEN if hidden else EventKind.SHOWN, by, entry)
    return entry


@transaction.atomic
def location_set(*, compound: Node, lat, lng, by: Person) -> CompoundLocation:
    """Set where a compound lies (its main gate), from which distances are measured."""
    if compound is None or compound.kind != NodeKind.COMPOUND:
        raise InvalidInput("circles.compound", _("Choose a compound."))
    authz.require(by, "circles.location.set", compound)
    la, ln = coordinate(lat, kind="lat"), coordinate(lng, kind="lng")
    if la is None or ln is None:
        raise InvalidInput("circles.position", _("Give both latitude and longitude, or neither."))
    loc = CompoundLocation.objects.select_for_update().filter(compound=compound).first()
    before: dict = {}
    if loc is None:
        try:  # the first position; another request may be creating it at the same moment
            with transaction.atomic():
                loc = CompoundLocation.objects.create(compound=compound, lat=la, lng=ln)
            created = True
        except IntegrityError:
            loc, created = CompoundLocation.objects.select_for_update().get(compound=compound), False
    else:
        created = False
    if not created:
        before = {"lat": str(loc.lat), "lng": str(loc.lng)}
        loc.lat, loc.lng, loc.updated_at = la, ln, timezone.now()
        loc.save()
    community = compound.ancestor_of_kind(NodeKind.COMMUNITY) or compound
    _event(community, EventKind.LOCATION, by, compound=compound.code, before=before,
           after={"lat": str(la), "lng": str(ln)})
    return loc
