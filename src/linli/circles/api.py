"""Service circles in the JSON API (/api/v1/circles/...): the search and an entry
(public), and a twin of every page action calling the same service: add, change,
hide/show an entry, set a compound's position. Times and coordinates are checked
by the service, so a bad value (25:00, latitude 200) comes back as 422 with a
message that names it; nothing is written. Errors: ``{"code", "message",
"details"}``; 401 unauthenticated, 403 not allowed, 404 missing, 409 duplicate."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import ERRORS, MAX_ID, ErrorOut, Text, Text20, Text100, Text120, Text200, Text300, Text2000
from linli.circles import selectors
from linli.circles import services as circles
from linli.circles.hours import hours_text, is_open
from linli.circles.models import Entry
from linli.errors import NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind

router = Router(tags=["circles"])

Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Code = Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]
Text30 = Annotated[Text, Field(max_length=30)]


def _viewer(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _node(code: str, kind: str) -> Node:
    node = Node.objects.filter(code=code, kind=kind).first()
    if node is None:
        raise NotFound("circles.place", _("No place with this code."))
    return node


def _entry(pk: int) -> Entry:
    entry = Entry.objects.filter(pk=pk).select_related("node", "merchant").first()
    if entry is None:
        raise NotFound("not_found", _("Not found."))
    return entry


class CircleHoursRange(Schema):
    day: int = Field(..., description="ISO weekday: 1 = Monday … 7 = Sunday")
    open: Text20 = Field(..., description="HH:MM, included")
    close: Text20 = Field(..., description="HH:MM, excluded; earlier than open = overnight; 24:00 = midnight")


class CircleEntryOut(Schema):
    id: int
    community: str
    circle: str
    category: str
    name: str
    description: str
    address: str
    lat: Decimal | None
    lng: Decimal | None
    phone: str = Field(..., description="masked unless an organisation's public number or the caller is staff")
    phone_public: bool
    hours: list[CircleHoursRange]
    hours_text: str
    closed_dates: list[str]
    documents: str
    link: str
    services: list[str]
    service_point: bool
    merchant: str | None
    hidden: bool
    open_now: bool
    distance_m: int | None = Field(None, description="metres from the compound given as `origin`")


def _out(entry: Entry, viewer, *, open_now: bool | None = None, distance: int | None = None) -> dict:
    return {"id": entry.pk, "community": entry.node.code, "circle": entry.circle, "category": entry.category,
            "name": entry.name, "description": entry.description, "address": entry.address, "lat": entry.lat,
            "lng": entry.lng, "phone": selectors.shown_phone(entry, viewer), "phone_public": entry.phone_public,
            "hours": entry.hours, "hours_text": hours_text(entry.hours), "closed_dates": entry.closed_dates,
            "documents": entry.documents, "link": entry.link, "services": entry.service_list,
            "service_point": entry.service_point, "merchant": entry.merchant.code if entry.merchant else None,
            "hidden": entry.hidden,
            "open_now": is_open(entry.hours, timezone.now(), entry.closed_dates) if open_now is None
            else open_now,
            "distance_m": distance}


class CircleSearchIn(Schema):
    q: Text100 = ""
    circle: Annotated[str, Field(pattern=r"^(|government|volunteer|life)$")] = ""
    category: Text30 = ""
    open_now: bool = False
    origin: Annotated[str, Field(max_length=40, pattern=f"^(|{CODE_VALIDATOR_RE.strip('^$')})$")] = Field(
        "", description="code of the compound to measure distances from")


@router.get("/{code}/entries", response={200: list[CircleEntryOut], 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def search(request, code: Code, filters: Query[CircleSearchIn]):
    """Search a community's service circles: every word of `q` in the name, category, services, description
    or address; filter by circle, category, open now (Asia/Shanghai time); nearest first from `origin`."""
    viewer = _viewer(request)
    community = _node(code, NodeKind.COMMUNITY)
    authz.require(viewer, "circles.entry.view", community)
    origin = _node(filters.origin, NodeKind.COMPOUND) if filters.origin else None
    hits = selectors.search(community, viewer, q=filters.q, circle=filters.circle, category=filters.category,
                            open_now=filters.open_now, origin=origin)
    return [_out(h.entry, viewer, open_now=h.open_now, distance=h.distance) for h in hits[:300]]


@router.get("/entries/{id}", response={200: CircleEntryOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def entry(request, id: Id):  # noqa: A002
    viewer = _viewer(request)
    e = _entry(id)
    authz.require(viewer, "circles.entry.view", e)
    if e.hidden and not authz.can(viewer, "circles.entry.manage", e):
        raise NotFound("not_found", _("Not found."))
    return _out(e, viewer)


class CircleEntryFields(Schema):
    description: Text2000 | None = None
    address: Text200 | None = None
    lat: Decimal | None = Field(None, description="decimal degrees, -90 … 90")
    lng: Decimal | None = Field(None, description="decimal degrees, -180 … 180")
    phone: Text20 | None = None
    phone_public: bool | None = None
    hours: list[CircleHoursRange] | None = None
    closed_dates: list[Text20] | None = Field(None, max_length=60)
    documents: Text2000 | None = None
    link: Text200 | None = None
    services: Text300 | None = None
    service_point: bool | None = None
    merchant: Annotated[str, Field(max_length=30)] | None = Field(None, description="code of a mutual-aid merchant")


class CircleEntryIn(CircleEntryFields):
    circle: Text20
    category: Text30
    name: Text120
    address: Text200


class CircleEntryPatch(CircleEntryFields):
    circle: Text20 | None = None
    category: Text30 | None = None
    name: Text120 | None = None


def _fields(payload: Schema) -> dict:
    data = payload.dict(exclude_unset=True)
    if "hours" in data and data["hours"] is not None:
        data["hours"] = [dict(r) for r in data["hours"]]
    return data


@router.post("/{code}/entries", response={201: CircleEntryOut, **ERRORS})
def entry_create(request, code: Code, payload: CircleEntryIn):
    """Add an entry to a community's circles (`circles.entry.manage`: community or street staff in scope)."""
    data = _fields(payload)
    e = circles.entry_create(community=_node(code, NodeKind.COMMUNITY), by=request.user, **data)
    return 201, _out(e, request.user)


@router.patch("/entries/{id}", response={200: CircleEntryOut, **ERRORS})
def entry_update(request, id: Id, payload: CircleEntryPatch):  # noqa: A002
    """Change fields of an entry: staff in scope any; a merchant's staff the description, phone, hours, closed
    dates, services and link of their own shop's entry."""
    e = circles.entry_update(entry=_entry(id), changes=_fields(payload), by=request.user)
    return _out(e, request.user)


class CircleHiddenIn(Schema):
    hidden: bool


@router.post("/entries/{id}/hidden", response={200: CircleEntryOut, **ERRORS})
def entry_hidden(request, id: Id, payload: CircleHiddenIn):  # noqa: A002
    """Hide an entry from the public directory, or show it again (`circles.entry.manage`)."""
    e = circles.entry_set_hidden(entry=_entry(id), hidden=payload.hidden, by=request.user)
    return _out(e, request.user)


class CircleEventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    by: str
    data: dict


@router.get("/entries/{id}/history", response={200: list[CircleEventOut], **ERRORS})
def entry_history(request, id: Id):  # noqa: A002
    """The entry's append-only change events (`circles.entry.manage`)."""
    e = _entry(id)
    authz.require(request.user, "circles.entry.manage", e)
    return [{"id": ev.pk, "kind": ev.kind, "at": ev.at, "by": str(ev.by or ""), "data": ev.data}
            for ev in selectors.history(e, request.user)]


class CircleLocationIn(Schema):
    lat: Decimal | Text
    lng: Decimal | Text


class CircleLocationOut(Schema):
    compound: str
    lat: Decimal
    lng: Decimal


@router.put("/compounds/{code}/location", response={200: CircleLocationOut, **ERRORS})
def location_set(request, code: Code, payload: CircleLocationIn):
    """Set where a compound lies (its main gate): distances are measured from here (`circles.location.set`)."""
    loc = circles.location_set(compound=_node(code, NodeKind.COMPOUND), lat=payload.lat, lng=payload.lng,
                               by=request.user)
    return {"compound": code, "lat": loc.lat, "lng": loc.lng}
