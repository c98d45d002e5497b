"""Service-circle pages (phone-first): the communities, the search of one
community's circles, an entry, and the staff's and merchant's forms. Thin: each
view asks authz, calls one service or selector and renders."""
from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.circles import selectors
from linli.circles import services as circles
from linli.circles.hours import hours_text, is_open, parse_hours_text, today_ranges
from linli.circles.models import CATEGORIES, Circle, Entry
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.org.models import Node, NodeKind


def _refuse_nul(request) -> None:
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        raise InvalidInput("circles.nul", _("The request contains a NUL character."))


def _community(code: str) -> Node:
    return get_object_or_404(Node, code=code, kind=NodeKind.COMMUNITY)


def index(request):
    authz.require(request.user, "circles.entry.view")
    homes = selectors.home_compounds(request.user)
    mine = {c.parent_id for c in homes}
    rows = selectors.communities()
    # Staff also see the communities they may fill, entries or not.
    managed = authz.filter_visible(Node.objects.filter(kind=NodeKind.COMMUNITY), request.user, "circles.entry.manage")
    if authz.can(request.user, "circles.entry.manage"):
        rows += [c for c in managed.exclude(pk__in=[r.pk for r in rows])[:50]]
    rows.sort(key=lambda c: (c.pk not in mine, c.name))
    return render(request, "circles/index.html", {"communities": rows, "mine": mine})


def search(request, code: str):
    community = _community(code)
    authz.require(request.user, "circles.entry.view", community)
    compounds = selectors.compounds_of(community)
    homes = selectors.home_compounds(request.user)
    origin_code = request.GET.get("from", "")
    origin = None
    if origin_code:
        origin = Node.objects.filter(code=origin_code, kind=NodeKind.COMPOUND).first()
    elif homes:
        origin = homes[0]
    if origin is not None and origin not in compounds:
        compounds = [origin, *compounds]
    q = request.GET.get("q", "").strip()[:100]
    circle = request.GET.get("circle", "")
    category = request.GET.get("category", "")[:30]
    open_now = request.GET.get("open") == "1"
    hits = selectors.search(community, request.user, q=q, circle=circle, category=category, open_now=open_now,
                            origin=origin)
    has_any = bool(selectors.categories(community))
    return render(request, "circles/search.html", {
        "community": community, "hits": hits, "q": q, "circle": circle, "category": category, "open_now": open_now,
        "origin": origin, "has_origin_position": selectors.location_of(origin) is not None, "compounds": compounds,
        "circles": Circle.choices, "categories": selectors.categories(community, circle), "has_any": has_any,
        "may_manage": authz.can(request.user, "circles.entry.manage", community),
        "now": timezone.localtime(),
    })


def entry_detail(request, pk: int):
    entry = get_object_or_404(Entry.objects.select_related("node", "merchant"), pk=pk)
    authz.require(request.user, "circles.entry.view", entry)
    manage = authz.can(request.user, "circles.entry.manage", entry)
    if entry.hidden and not manage:
        raise Http404
    now = timezone.now()
    return render(request, "circles/entry.html", {
        "entry": entry, "open_now": is_open(entry.hours, now, entry.closed_dates),
        "today": today_ranges(entry.hours, now), "hours_text": hours_text(entry.hours),
        "phone": selectors.shown_phone(entry, request.user), "manage": manage,
        "may_edit": circles.may_edit(request.user, entry),
        "history": [(ev, [Entry.label(k) for k in ev.data.get("after", {})
                          if k in circles.EDITABLE]) for ev in selectors.history(entry, request.user)] if manage else [],
    })


# --- forms -----------------------------------------------------------------------------------

def _form_values(post, fields) -> dict:
    """The submitted form as service fields (only ``fields``). Hours come as text."""
    out: dict = {}
    for key in fields:
        if key in ("phone_public", "service_point"):
            out[key] = post.get(key) == "1"
        elif key == "hours":
            out[key] = parse_hours_text(post.get("hours", ""))
        elif key == "closed_dates":
            out[key] = [d for d in re.split(r"[\s,，、;；]+", post.get("closed_dates", "")) if d]
        else:
            out[key] = post.get(key, "")
    return out


def _initial(entry: Entry | None) -> dict:
    if entry is None:
        return {"circle": "life", "phone_public": True}
    return {k: getattr(entry, k) for k in circles.EDITABLE if k not in ("hours", "closed_dates", "merchant")} | {
        "hours": hours_text(entry.hours), "closed_dates": "、".join(entry.closed_dates),
        "merchant": entry.merchant.code if entry.merchant else ""}


def _form(request, *, community: Node, entry: Entry | None, fields, error=None, values=None):
    return render(request, "circles/form.html", {
        "community": community, "entry": entry, "fields": set(fields), "error": error,
        "v": values if values is not None else _initial(entry), "circles": Circle.choices,
        "suggested": sorted({c for cats in CATEGORIES.values() for c in cats}),
    }, status=422 if error else 200)


@login_required
def entry_new(request, code: str):
    community = _community(code)
    authz.require(request.user, "circles.entry.manage", community)
    if request.method == "POST":
        try:
            _refuse_nul(request)
            values = _form_values(request.POST, circles.EDITABLE)
            entry = circles.entry_create(community=community, by=request.user, **values)
        except NotAllowed:
            raise
        except DomainError as exc:
            return _form(request, community=community, entry=None, fields=circles.EDITABLE, error=exc.message,
                         values=request.POST.dict())
        messages.success(request, _("Entry added."))
        return redirect("circles_entry", pk=entry.pk)
    return _form(request, community=community, entry=None, fields=circles.EDITABLE)


@login_required
def entry_edit(request, pk: int):
    entry = get_object_or_404(Entry.objects.select_related("node", "merchant"), pk=pk)
    staff = authz.can(request.user, "circles.entry.manage", entry)
    if not staff:
        # A merchant's staff edit their own shop's entry (authz asked about their staff row).
        authz.require(request.user, "circles.entry.maintain_own", circles.merchant_staff_row(request.user, entry))
    fields = circles.EDITABLE if staff else tuple(f for f in circles.EDITABLE if f in circles.MERCHANT_FIELDS)
    if request.method == "POST":
        try:
            _refuse_nul(request)
            circles.entry_update(entry=entry, changes=_form_values(request.POST, fields), by=request.user)
        except NotAllowed:
            raise
        except DomainError as exc:
            return _form(request, community=entry.node, entry=entry, fields=fields, error=exc.message,
                         values=request.POST.dict())
        messages.success(request, _("Changes saved."))
        return redirect("circles_entry", pk=entry.pk)
    return _form(request, community=entry.node, entry=entry, fields=fields)


@require_POST
@login_required
def entry_hidden(request, pk: int):
    entry = get_object_or_404(Entry, pk=pk)
    try:
        _refuse_nul(request)
        circles.entry_set_hidden(entry=entry, hidden=request.POST.get("hidden") == "1", by=request.user)
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("circles_entry", pk=entry.pk)


@login_required
def locations(request, code: str):
    """Staff set where each compound of the community lies (for distances)."""
    community = _community(code)
    authz.require(request.user, "circles.location.set", community)
    error = None
    if request.method == "POST":
        compound = Node.objects.filter(code=request.POST.get("compound", ""), kind=NodeKind.COMPOUND,
                                       parent=community).first()
        try:
            _refuse_nul(request)
            if compound is None:
                raise InvalidInput("circles.compound", _("Choose a compound."))
            circles.location_set(compound=compound, lat=request.POST.get("lat", ""), lng=request.POST.get("lng", ""),
                                 by=request.user)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Position saved."))
            return redirect("circles_locations", code=community.code)
    return render(request, "circles/locations.html", {
        "community": community, "compounds": selectors.compounds_of(community), "error": error,
    }, status=422 if error else 200)
