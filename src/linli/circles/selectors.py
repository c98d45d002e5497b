"""Reads of the service circles: the search (text, circle, category, open now,
sorted by distance from a compound), an entry, the compounds a viewer lives in,
an entry's history (staff in scope)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from linli import authz
from linli.circles.hours import distance_label, distance_m, is_open, today_ranges
from linli.circles.models import Circle, CompoundLocation, Entry, Event
from linli.org.models import Node, NodeKind, Role, mask_phone


@dataclass
class Hit:
    entry: Entry
    open_now: bool
    distance: int | None  # metres from the compound, None when either position is unknown
    today: list[str] = field(default_factory=list)
    phone_shown: str = ""
    distance_text: str = ""


def communities() -> list[Node]:
    """Communities with at least one visible entry, by name."""
    return list(Node.objects.filter(kind=NodeKind.COMMUNITY, circle_entries__hidden=False)
                .annotate(n=Count("circle_entries")).order_by("name"))


def home_compounds(person) -> list[Node]:
    """The compounds where the person lives or owns a home."""
    paths = authz.role_scopes(person, (Role.RESIDENT, Role.OWNER))
    if not paths:
        return []
    ids = {int(x) for p in paths for x in p.strip("/").split("/") if x}
    return list(Node.objects.filter(id__in=ids, kind=NodeKind.COMPOUND).order_by("name"))


def compounds_of(community: Node) -> list[Node]:
    return list(Node.objects.filter(kind=NodeKind.COMPOUND, parent=community).select_related("circle_location")
                .order_by("name"))


def location_of(compound: Node | None) -> CompoundLocation | None:
    if compound is None:
        return None
    return CompoundLocation.objects.filter(compound=compound).first()


def shown_phone(entry: Entry, viewer) -> str:
    """An organisation's public number whole; any other masked, except to staff in scope."""
    if not entry.phone:
        return ""
    if entry.phone_public or authz.can(viewer, "circles.entry.manage", entry):
        return entry.phone
    return mask_phone(entry.phone)


def search(community: Node, viewer, *, q: str = "", circle: str = "", category: str = "", open_now: bool = False,
           origin: Node | None = None, now: dt.datetime | None = None, include_hidden: bool = False) -> list[Hit]:
    """Visible entries of a community matching every word of ``q`` (in the name, category, services or
    description), nearest first from ``origin`` (a compound with a position), then by name."""
    now = now or timezone.now()
    qs = authz.filter_visible(Entry.objects.filter(node=community), viewer, "circles.entry.view")
    if not include_hidden:
        qs = qs.filter(hidden=False)
    for word in (q or "").split()[:8]:
        qs = qs.filter(Q(name__icontains=word) | Q(category__icontains=word) | Q(services__icontains=word)
                       | Q(description__icontains=word) | Q(address__icontains=word))
    if circle in Circle.values:
        qs = qs.filter(circle=circle)
    if category:
        qs = qs.filter(category=category)
    loc = location_of(origin)
    hits = []
    for e in qs.select_related("merchant"):
        open_flag = is_open(e.hours, now, e.closed_dates)
        if open_now and not open_flag:
            continue
        d = distance_m(loc.lat, loc.lng, e.lat, e.lng) if loc is not None and e.lat is not None else None
        hits.append(Hit(entry=e, open_now=open_flag, distance=d, today=today_ranges(e.hours, now),
                        phone_shown=shown_phone(e, viewer), distance_text=distance_label(d)))
    hits.sort(key=lambda h: (h.distance is None, h.distance or 0, h.entry.name, h.entry.pk))
    return hits


def categories(community: Node, circle: str = "") -> list[str]:
    qs = Entry.objects.filter(node=community, hidden=False)
    if circle in Circle.values:
        qs = qs.filter(circle=circle)
    return sorted(set(qs.values_list("category", flat=True)))


def history(entry: Entry, viewer) -> list[Event]:
    """The entry's change events, as far as the viewer is staff in scope."""
    qs = authz.filter_visible(Event.objects.filter(entry=entry), viewer, "circles.entry.manage", node_field="node")
    return list(qs.select_related("by").order_by("-at", "-id"))
