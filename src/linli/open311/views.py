"""Open311 GeoReport v2 at /open311/v2/ — a thin adapter over the cases
services and selectors (no rule lives here). Spec: http://wiki.open311.org/GeoReport_v2
plus mySociety's servicerequestupdates extension.

Every resource answers in ``.xml`` and ``.json`` with the spec's element
names; every error is ``<errors><error><code/><description/></error></errors>``
or ``[{"code", "description"}]`` with status 400, 403 or 404.

What is public: GET answers need no key and carry public fields only (place
no finer than the building, no contact, no description). An integration that
sends its ``api_key`` also gets the descriptions (phone numbers masked) of the
requests inside its jurisdiction.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Literal, overload

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from linli import authz, throttle
from linli.cases import selectors
from linli.cases.models import PUBLIC_NOTE_EVENTS, RESOLVED_STATUSES, Category, Status
from linli.errors import DomainError, NotAllowed, NotFound
from linli.open311 import services
from linli.open311.formats import error, respond
from linli.open311.models import Open311Key, ServiceAttribute
from linli.org import selectors as org_selectors
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind

FORMATS = {"xml", "json"}
CHANGESET = "2026-11-23T00:00:00Z"
WINDOW = dt.timedelta(days=90)
MAX_ROWS = 1000
MAX_DESCRIPTION = 4000
JURISDICTION_KINDS = {NodeKind.COMPOUND, NodeKind.COMMUNITY}
_CODE = re.compile(CODE_VALIDATOR_RE)

# Open311 has two states: closed once the work is done or the request has ended
# (cases.models.RESOLVED_STATUSES), else open. mySociety's extended states for
# servicerequestupdates:
UPDATE_STATES: dict[str, str] = {
    Status.RECEIVED: "OPEN", Status.ACCEPTED: "INVESTIGATING", Status.DISPATCHED: "ACTION_SCHEDULED",
    Status.ON_SITE: "IN_PROGRESS", Status.PLANNED: "ACTION_SCHEDULED", Status.IN_PROGRESS: "IN_PROGRESS",
    Status.DONE: "FIXED", Status.VISITED: "FIXED", Status.CLOSED: "CLOSED", Status.MERGED: "DUPLICATE",
    Status.UNSOLVABLE: "NO_FURTHER_ACTION",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def open311(view):
    """Check the format, refuse NUL characters, and turn every refusal into the spec's error document."""

    @functools.wraps(view)
    def wrapper(request, fmt: str, **kw):
        if fmt not in FORMATS:
            return error("json", 404, "format must be xml or json")
        params = request.POST if request.method == "POST" else request.GET
        if any("\x00" in k or any("\x00" in v for v in params.getlist(k)) for k in params):
            return error(fmt, 400, _("The request contains a NUL character."))
        try:
            # Open311 shows what the public boards show and takes reports like a QR code
            # does; the api_key (checked by each view) only says which integration it is.
            authz.require(request.user, "cases.case.report" if request.method == "POST" else "cases.board.view")
            return view(request, fmt, **kw)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except DomainError as exc:
            status = 403 if isinstance(exc, NotAllowed) else 404 if isinstance(exc, NotFound) else 400
            return error(fmt, status, str(exc.message))

    return wrapper


def _base(request) -> str:
    from linli.org.posters import public_base_url

    return public_base_url(request) + "/open311/v2/"


def _iso(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _param(params, name: str) -> str:
    return (params.get(name) or "").strip()


def _date(params, name: str) -> dt.datetime | None:
    raw = _param(params, name)
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a W3C date and time, e.g. 2026-11-01T00:00:00+08:00.")
                           % {"name": name}) from None
    if timezone.is_naive(value):
        raise Open311Error(400, _("%(name)s must include a time zone (Z or +08:00).") % {"name": name})
    if not 1970 <= value.year <= 2200:
        raise Open311Error(400, _("%(name)s is out of range.") % {"name": name})
    return value


@overload
def _key(params, *, required: Literal[True]) -> Open311Key: ...
@overload
def _key(params, *, required: bool) -> Open311Key | None: ...
def _key(params, *, required: bool) -> Open311Key | None:
    raw = _param(params, "api_key")
    if not raw:
        if required:
            raise Open311Error(403, _("api_key was not provided."))
        return None
    key = Open311Key.authenticate(raw)
    if key is None:
        raise Open311Error(403, _("api_key is not valid."))
    return key


def _jurisdiction(params, key: Open311Key | None) -> Node | None:
    """The jurisdiction asked for (a compound or community code), inside the key's own."""
    code = _param(params, "jurisdiction_id")
    node = None
    if code:
        node = org_selectors.node_by_code(code) if _CODE.match(code) else None
        if node is None or node.kind not in JURISDICTION_KINDS:
            raise Open311Error(404, _("jurisdiction_id was not found: give a compound or community code."))
    if key is not None and key.jurisdiction is not None:
        if node is None:
            return key.jurisdiction
        if not node.path.startswith(key.jurisdiction.path):
            raise Open311Error(403, _("This api_key may not act in that jurisdiction."))
    return node


def _category(code: str) -> Category:
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = selectors.categories().filter(code=code[:40]).first()
    if category is None:
        raise Open311Error(404, _("service_code was not found."))
    return category


# ---------------------------------------------------------------------------
# Discovery and services


@require_http_methods(["GET"])
@open311
def discovery(request, fmt: str):
    payload = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "Linli 邻里 — contact your community office"),
        "key_service": "api_key per integration: ask the site administrator (linli open311 key create NAME)",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": _base(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", None, payload)


@require_http_methods(["GET"])
@open311
def service_list(request, fmt: str):
    _jurisdiction(request.GET, None)
    with_attributes = set(ServiceAttribute.objects.values_list("category_id", flat=True))
    rows = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.description,
            "metadata": c.pk in with_attributes,
            "type": "realtime",
            "keywords": c.keywords,
            "group": str(c.get_kind_display()),
        }
        for c in selectors.categories()
    ]
    return respond(fmt, "services", "service", rows)


@require_http_methods(["GET"])
@open311
def service_definition(request, fmt: str, code: str):
    _jurisdiction(request.GET, None)
    category = _category(code)
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description,
            "order": a.order,
            "description": a.description,
            "values": [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in a.values or []],
        }
        for a in category.open311_attributes.all()
    ]
    return respond(fmt, "service_definition", None, {"service_code": category.code, "attributes": attributes})


# ---------------------------------------------------------------------------
# Posting a request


def _attributes(post, category: Category) -> dict:
    out = {}
    for a in category.open311_attributes.all():
        values = [v.strip() for v in post.getlist(f"attribute[{a.code}]") + post.getlist(f"attribute[{a.code}][]")
                  if v.strip()]
        if not values:
            if a.required:
                raise Open311Error(400, _("Required attribute %(code)s was not provided.") % {"code": a.code})
            continue
        if a.datatype == ServiceAttribute.Datatype.MULTI:
            if not set(values) <= a.keys():
                raise Open311Error(400, _("Attribute %(code)s has a value not in its list.") % {"code": a.code})
            out[a.code] = values
            continue
        value = values[0]
        if a.datatype == ServiceAttribute.Datatype.SINGLE and value not in a.keys():
            raise Open311Error(400, _("Attribute %(code)s has a value not in its list.") % {"code": a.code})
        if a.datatype == ServiceAttribute.Datatype.NUMBER:
            try:
                float(value)
            except ValueError:
                raise Open311Error(400, _("Attribute %(code)s must be a number.") % {"code": a.code}) from None
        if a.datatype == ServiceAttribute.Datatype.DATETIME:
            _date({a.code: value}, a.code)
        out[a.code] = value[:1000]
    return out


def _location(post, jurisdiction: Node | None) -> Node:
    """address_id (our place codes: a QR-coded unit needs no coordinates), else
    address_string naming the compound, else lat/long inside a compound jurisdiction."""
    address_id, address = _param(post, "address_id"), _param(post, "address_string")
    lat, long = _param(post, "lat"), _param(post, "long")
    if address_id:
        # The place alone: nothing of its parent, micro-grid or company is needed to record.
        node = Node.objects.filter(code=address_id).first() if _CODE.match(address_id) else None
        if node is None:
            raise Open311Error(400, _("address_id is not a known place code."))
    elif address:
        node = selectors.place_from_address(address[:200], within=jurisdiction)
        if node is None:
            raise Open311Error(400, _("address_string must name the compound; or send address_id (the code under "
                                      "the QR code)."))
    elif lat or long:
        try:
            ok = -90 <= float(lat) <= 90 and -180 <= float(long) <= 180
        except ValueError:
            ok = False
        if not ok:
            raise Open311Error(400, _("lat and long must be WGS84 degrees."))
        if jurisdiction is None or jurisdiction.kind != NodeKind.COMPOUND:
            raise Open311Error(400, _("Coordinates alone cannot be placed: send address_id, or jurisdiction_id "
                                      "of the compound."))
        node = jurisdiction
    else:
        raise Open311Error(400, _("A location is required: address_id, address_string, or lat and long."))
    return node


@open311
def _post_request(request, fmt: str):
    post = request.POST
    key = _key(post, required=True)
    hits, window = throttle.rate("LINLI_OPEN311_INTAKE_THROTTLE", (120, 600))
    try:
        throttle.check_and_count(throttle.caller_key("open311.intake", f"open311:{key.pk}"), limit=hits,
                                 window=window)
    except throttle.Throttled as exc:
        raise Open311Error(429, str(exc.message)) from None
    jurisdiction = _jurisdiction(post, key)
    category = _category(_param(post, "service_code"))
    node = _location(post, jurisdiction)
    if key.jurisdiction is not None and not node.path.startswith(key.jurisdiction.path):
        raise Open311Error(403, _("This api_key may not act in that jurisdiction."))
    if jurisdiction is not None and not node.path.startswith(jurisdiction.path):
        raise Open311Error(400, _("The location lies outside jurisdiction_id."))
    attributes = _attributes(post, category)
    description = _param(post, "description")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description is limited to 4000 characters."))
    name = " ".join(x for x in (_param(post, "last_name"), _param(post, "first_name")) if x)
    phone, email, media_url = _param(post, "phone"), _param(post, "email"), _param(post, "media_url")
    if len(name) > 60 or len(phone.replace(" ", "")) > 20 or len(email) > 254:
        raise Open311Error(400, _("A contact field is too long."))
    if media_url and (len(media_url) > 500 or not re.match(r"^https?://\S+$", media_url)):
        raise Open311Error(400, _("media_url must be an http(s) URL."))
    case = services.open311_request_create(
        key=key, node=node, category=category, description=description,
        address=_param(post, "address_string")[:200], contact_name=name, contact_phone=phone, contact_email=email,
        attributes=attributes, account_id=_param(post, "account_id")[:100], device_id=_param(post, "device_id")[:100],
        media_url=media_url,
    )
    row = {"service_request_id": case.pk, "token": case.tracking_code, "service_notice": "",
           "account_id": _param(post, "account_id")[:100]}
    return respond(fmt, "service_requests", "request", [row], status=201)


# ---------------------------------------------------------------------------
# Reading requests


def _coarse_places(cases) -> dict[int, tuple[str, str]]:
    """Per place: (public address no finer than the building, code of that building or compound)."""
    return {pk: (p.name, p.code) for pk, p in org_selectors.public_places([c.node for c in cases]).items()}


def _visible_detail(key: Open311Key | None, case) -> bool:
    if key is None:
        return False
    return key.jurisdiction is None or case.node.path.startswith(key.jurisdiction.path)


def _request_rows(cases, key: Open311Key | None) -> list[dict]:
    cases = list(cases)
    places = _coarse_places(cases)
    expected = selectors.expected_finish(c.pk for c in cases)
    rows = []
    for c in cases:
        address, address_id = places[c.node_id]
        notes = str(c.get_status_display())
        if c.status == Status.MERGED and c.merged_into_id:
            notes = _("Merged into request %(id)s") % {"id": c.merged_into_id}
        agency = ""
        if c.assignee_kind:
            agency = str(c.get_assignee_kind_display())
            if c.assignee_node_id:
                agency = f"{agency} {c.assignee_node.name}"
        rows.append({
            "service_request_id": c.pk,
            "status": "closed" if c.status in RESOLVED_STATUSES else "open",
            "status_notes": notes,
            "service_name": c.category.name,
            "service_code": c.category.code,
            "description": selectors.mask_phones(c.description) if _visible_detail(key, c) else "",
            "agency_responsible": agency,
            "service_notice": selectors.mask_phones(c.plan) if c.plan else "",
            "requested_datetime": _iso(c.received_at),
            "updated_datetime": _iso(c.updated_at),
            "expected_datetime": _iso(expected.get(c.pk)),
            "address": address,
            "address_id": address_id,
            "zipcode": "",
            "lat": "",
            "long": "",
            "media_url": "",
        })
    return rows


def _window(params) -> tuple[dt.datetime, dt.datetime]:
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if end is None:
        end = timezone.now() if start is None or start <= timezone.now() else start + WINDOW
    if start is None:
        start = end - WINDOW
    if end < start:
        raise Open311Error(400, _("end_date lies before start_date."))
    return start, end


def _get_requests(request, fmt: str):
    params = request.GET
    key = _key(params, required=False)
    jurisdiction = _jurisdiction(params, key)
    ids_param = _param(params, "service_request_id")
    if ids_param:
        try:
            ids = [int(x) for x in ids_param.split(",") if x.strip()]
        except ValueError:
            raise Open311Error(400, _("service_request_id must be a comma-separated list of numbers.")) from None
        if not ids or len(ids) > MAX_ROWS or not all(1 <= i <= 2**31 - 1 for i in ids):
            raise Open311Error(400, _("service_request_id must be a comma-separated list of numbers."))
        cases = selectors.public_case_list(ids=ids)
        if jurisdiction is not None:
            cases = cases.filter(node__path__startswith=jurisdiction.path)
        return respond(fmt, "service_requests", "request", _request_rows(cases[:MAX_ROWS], key))
    statuses = None
    status_param = _param(params, "status")
    if status_param:
        wanted = {s.strip().lower() for s in status_param.split(",") if s.strip()}
        if not wanted or not wanted <= {"open", "closed"}:
            raise Open311Error(400, _("status must be open, closed or both (comma-separated)."))
        statuses = [s for s in Status.values if ("closed" if s in RESOLVED_STATUSES else "open") in wanted]
    codes = [c.strip() for c in _param(params, "service_code").split(",") if c.strip()] or None
    start, end = _window(params)
    cases = selectors.public_case_list(within=jurisdiction, categories=codes, statuses=statuses, since=start,
                                       until=end)
    return respond(fmt, "service_requests", "request", _request_rows(cases[:MAX_ROWS], key))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt: str):
    if request.method == "POST":
        return _post_request(request, fmt)
    return open311(_get_requests)(request, fmt)


@require_http_methods(["GET"])
@open311
def request_detail(request, fmt: str, rid: str):
    key = _key(request.GET, required=False)
    jurisdiction = _jurisdiction(request.GET, key)
    if not (rid.isascii() and rid.isdigit()) or not 1 <= int(rid) <= 2**31 - 1:
        raise Open311Error(404, _("No request has this service_request_id."))
    cases = selectors.public_case_list(ids=[int(rid)])
    if jurisdiction is not None:
        cases = cases.filter(node__path__startswith=jurisdiction.path)
    rows = _request_rows(cases, key)
    if not rows:
        raise Open311Error(404, _("No request has this service_request_id."))
    return respond(fmt, "service_requests", "request", rows)


@require_http_methods(["GET"])
@open311
def token(request, fmt: str, token: str):
    case = selectors.case_by_tracking_code(token[:20])
    return respond(fmt, "service_requests", "request", [{"service_request_id": case.pk, "token": case.tracking_code}])


@require_http_methods(["GET"])
@open311
def updates(request, fmt: str):
    """mySociety's servicerequestupdates: status changes between start_date and end_date (default: 90 days)."""
    params = request.GET
    key = _key(params, required=False)
    jurisdiction = _jurisdiction(params, key)
    start, end = _window(params)
    events = list(selectors.public_status_changes(within=jurisdiction, since=start, until=end)[:MAX_ROWS])
    rows = []
    for e in events:
        text = str(Status(e.to_status).label) if e.to_status in Status.values else ""
        if e.action in PUBLIC_NOTE_EVENTS and e.note and _visible_detail(key, e.case):
            text = f"{text}：{selectors.mask_phones(e.note)}"
        rows.append({
            "update_id": e.pk,
            "service_request_id": e.case_id,
            "status": UPDATE_STATES.get(e.to_status, "OPEN"),
            "external_status_code": e.to_status,
            "updated_datetime": _iso(e.at),
            "description": text,
            "media_url": "",
        })
    return respond(fmt, "service_request_updates", "request_update", rows)


def unknown(request, rest: str):
    """Any other path under /open311/v2/: the spec's 404 document (XML when asked for)."""
    return error("xml" if rest.endswith(".xml") else "json", 404, _("No such Open311 resource."))


# ---------------------------------------------------------------------------
# The connection guide (docs/api.md, with this site's URLs)


@require_http_methods(["GET"])
def developers(request):
    from django.shortcuts import render
    from django.urls import reverse

    base = _base(request).removesuffix("/open311/v2/")
    return render(request, "open311/developers.html", {"base": base, "account_url": reverse("account")})
