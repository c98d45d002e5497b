"""Resident requests in the JSON API (/api/v1/cases, boards, the caller's
notifications, escalations and queue).

Thin: every endpoint parses its input, calls one service or selector of
``linli.cases`` and serialises the result; rules live in the services and in
``linli.authz``. Errors come back as ``{"code", "message", "details"}``:
401 unauthenticated, 403 not allowed, 404 missing or not visible, 409 not
possible in the request's status, 422 bad input (nothing changed).
"""
import base64
import binascii
import datetime as dt
import re
from typing import Annotated

from django.db.models import Q
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Path, Query, Router, Schema, UploadedFile

from linli import authz
from linli.api.main import PUBLIC
from linli.api.types import ERRORS, MAX_ID, ErrorOut, Time
from linli.cases import selectors, services
from linli.cases.actions import ACTIONS, RequestAction
from linli.cases.models import Case, Category
from linli.cases.schemas import (
    BoardOut,
    CampaignIn,
    CampaignOut,
    CaseCreatedOut,
    CaseIn,
    CaseOut,
    CasePageOut,
    ColourName,
    EscalationOut,
    EvaluationOut,
    MarkedOut,
    NotificationOut,
    ParticipantIn,
    PhotoOut,
    PolicyIn,
    PolicyOut,
    ProblemIn,
    QueueItemOut,
    RatingIn,
    StatusName,
    TrackingCode,
    TrackOut,
    UpdatesIn,
    UpdatesOut,
)
from linli.errors import InvalidInput, NotFound
from linli.org import selectors as org_selectors
from linli.org.models import CODE_VALIDATOR_RE, Node

router = Router(tags=["cases"])

_CODE = re.compile(CODE_VALIDATOR_RE)


# ---------------------------------------------------------------------------
# Serialisation (the schemas are in cases/schemas.py)


def _deadlines(case: Case) -> list[dict]:
    return [
        {"clock": d.clock, "started_at": d.started_at, "due_at": d.due_at, "met_at": d.met_at,
         "breached_at": d.breached_at, "cancelled_at": d.cancelled_at}
        for d in case.deadlines.all()
    ]


def _summary(case: Case) -> dict:
    return {
        "id": case.pk, "tracking_code": case.tracking_code, "kind": case.kind, "status": case.status,
        "colour": case.colour, "category": case.category.code, "place": case.node.code,
        "compound": case.compound.code if case.compound else None,
        # Lists never show a full phone number (the detail does, to those allowed, and logs it).
        "description": selectors.mask_phones(case.description),
        "source": case.source, "received_at": case.received_at, "escalation_level": case.escalation_level,
    }


def _detail(request, case: Case) -> dict:
    out = _summary(case)
    contact = selectors.case_contact(viewer=request.user, case=case, channel="api", path=request.path)
    out.update(
        description=contact["description"],
        microgrid=case.microgrid.code if case.microgrid else None, address=case.address, urgent=case.urgent,
        external_id=case.external_id, contact_name=contact["name"], contact_phone=contact["phone"],
        contact_email=contact["email"], assignee_kind=case.assignee_kind,
        assignee_node=case.assignee_node.code if case.assignee_node else None,
        assignee=case.assignee.username if case.assignee else None, plan=case.plan, rating=case.rating,
        merged_into=case.merged_into_id, policy=case.policy.code, deadlines=_deadlines(case),
        events=[
            {"action": e.action, "at": e.at, "actor": e.actor.username if e.actor else None,
             "from_status": e.from_status, "to_status": e.to_status, "note": e.note, "data": e.data}
            for e in case.events.all()
        ],
    )
    return out


def _visible(request, pk: int) -> Case:
    return selectors.case_get(viewer=request.user, pk=pk)


def _fresh(request, case: Case) -> dict:
    """The request after an action, as the caller now sees it (an assignee may lose sight of it)."""
    try:
        return _detail(request, selectors.case_get(viewer=request.user, pk=case.pk))
    except NotFound:
        return _detail(request, Case.objects.select_related(*selectors.CASE_RELATED).get(pk=case.pk))


def _encode_cursor(case: Case) -> str:
    raw = f"{case.received_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> Q:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, pk_text = raw.rsplit("|", 1)
        at, pk = dt.datetime.fromisoformat(at_text), int(pk_text)
        if timezone.is_naive(at) or not 1 <= pk <= MAX_ID or not 1970 <= at.year <= 2200:
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidInput("bad_cursor", _("This page cursor is not valid; start again from the first page.")) from None
    return Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk)


# ---------------------------------------------------------------------------
# Requests


@router.post("/cases", response={201: CaseCreatedOut, **ERRORS, 429: ErrorOut})
def case_create(request, payload: CaseIn):
    """Report a request about a place (its code) or an address naming the compound.
    Snapshots, phone calls and visits need `cases.case.record`; a past `received_at`
    needs `cases.case.import` (hotline import). At most `LINLI_API_INTAKE_THROTTLE`
    calls per account (429 beyond)."""
    from linli import throttle

    hits, window = throttle.rate("LINLI_API_INTAKE_THROTTLE", (60, 600))
    throttle.check_and_count(throttle.caller_key("cases.api_intake", f"person:{request.user.pk}"),
                             limit=hits, window=window)
    if payload.unit:
        node = selectors.place_by_code(payload.unit)
    elif payload.address and payload.address.strip():
        found = selectors.place_from_address(payload.address)
        if found is None:
            raise InvalidInput("unknown_address", _("Name the compound in the address, or give the unit code."),
                               details=[{"field": "address"}])
        node = found
    else:
        raise InvalidInput("place_required", _("Give the unit code or the address."), details=[{"field": "unit"}])
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise InvalidInput("unknown_category", _("No such category."), details=[{"field": "category"}])
    case = services.case_create(
        node=node, category=category, description=payload.description, source=payload.source, by=request.user,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        contact_email=payload.contact_email, address=payload.address or "", urgent=payload.urgent,
        external_id=payload.external_id, client_token=payload.client_token, received_at=payload.received_at,
        updates_wanted=payload.updates_wanted,
    )
    from linli.cases.notify import tracking_url

    return 201, {
        "id": case.pk, "tracking_code": case.tracking_code, "status": case.status, "colour": case.colour,
        "tracking_url": request.build_absolute_uri(tracking_url(case)), "deadlines": _deadlines(case),
    }


@router.get("/cases", response={200: CasePageOut, 401: ErrorOut, 422: ErrorOut})
def case_list(
    request,
    node: Annotated[str | None, Query(max_length=40, description="only requests at or below this place")] = None,
    status: StatusName | None = None,
    colour: ColourName | None = None,
    category: Annotated[str | None, Query(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")] = None,
    since: Time | None = Query(None, description="received at or after"),
    until: Time | None = Query(None, description="received before"),
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    """The requests the caller may see, newest first, one page at a time
    (follow `next_cursor`)."""
    scope = selectors.place_by_code(node, field="node") if node else None
    qs = selectors.case_list(viewer=request.user, node=scope, status=status, colour=colour, category=category,
                             since=since, until=until).order_by("-received_at", "-pk")
    if cursor:
        qs = qs.filter(_decode_cursor(cursor))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_summary(c) for c in rows], "next_cursor": _encode_cursor(rows[-1]) if more else None}


@router.get("/cases/{id}", response={200: CaseOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def case_detail(request, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002 - the resource id
    """One request with its history (`events`) and clocks (`deadlines`)."""
    return _detail(request, _visible(request, id))


def _action_endpoint(action: RequestAction):
    """POST /cases/{id}/actions/<name>: load the visible request, call the action's service."""

    # The payload schema is the action's own (a value, not a static type).
    def endpoint(request, payload: action.schema, id: int = Path(..., ge=1, le=MAX_ID)):  # type: ignore[name-defined]  # noqa: A002
        case = _visible(request, id)
        action.from_api(request, case, payload)
        return _fresh(request, case)

    endpoint.__name__ = f"case_{action.name}"
    endpoint.__doc__ = f"Action `{action.name}` on a request. 409 when the request's status does not allow it now."
    router.post(f"/cases/{{id}}/actions/{action.name}", response={200: CaseOut, **ERRORS},
                operation_id=f"case_action_{action.name}")(endpoint)


for _row in ACTIONS.values():
    _action_endpoint(_row)


@router.post("/cases/{id}/actions/{action}", response={400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def case_unknown_action(request, action: Annotated[str, Path(max_length=40)], id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """Any other action name: 404."""
    raise NotFound("unknown_action", _("No such action."), details=[{"actions": list(ACTIONS)}])


# ---------------------------------------------------------------------------
# Photos


def _photo(request, case: Case, photo) -> dict:
    url = reverse("api-v1:case_photo_file", kwargs={"id": case.pk, "photo_id": photo.pk})
    return {"id": photo.pk, "after": photo.after, "uploaded_at": photo.uploaded_at,
            "url": request.build_absolute_uri(url)}


@router.post("/cases/{id}/photos", response={201: list[PhotoOut], **ERRORS})
def case_photos_add(request, file: File[list[UploadedFile]], after: Form[bool] = False,
                    id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """Add photos (multipart, field `file`, one or several) to a request, cleaned like the
    pages' (a real image, resized, no EXIF/GPS). Before-photos (`after=false`) need
    `cases.case.record` while the request is open; after-photos (`after=true`) need
    `cases.case.work` and a request that can be finished (`planned`, `in_progress`) or is
    `done` (409 otherwise). At most 6 of each kind per request; all the files of one call
    are stored or none (422 `photo.*`)."""
    case = _visible(request, id)
    stored = services.case_add_photos(case=case, by=request.user, files=file, after=after)
    return 201, [_photo(request, case, p) for p in stored]


@router.get("/cases/{id}/photos", response={200: list[PhotoOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def case_photos(request, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """The photos of a request: before-photos (`after=false`) and after-photos, oldest first."""
    case = _visible(request, id)
    return [_photo(request, case, p) for p in case.photos.all()]


@router.get("/cases/{id}/photos/{photo_id}", url_name="case_photo_file",
            response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            openapi_extra={"responses": {200: {"description": "The photo (JPEG, without EXIF)", "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}}})
def case_photo_file(request, id: int = Path(..., ge=1, le=MAX_ID),  # noqa: A002
                    photo_id: int = Path(..., ge=1, le=MAX_ID)):
    """The JPEG of one photo of a request the caller may see."""
    case = _visible(request, id)
    photo = next((p for p in case.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise NotFound("not_found", _("This photo does not exist."))
    try:
        handle = photo.image.open("rb")
    except OSError:
        raise NotFound("photo.missing", _("This photo does not exist.")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------
# Public boards


@router.get("/boards/{node_code}", response={200: BoardOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def board(request, node_code: Annotated[str, Path(max_length=40)]):
    """The public board figures of a place (no sign-in)."""
    from linli.cases import stats

    # Only districts, streets, communities and compounds have boards (as on the page).
    node = (Node.objects.filter(code=node_code, kind__in=stats.BOARD_KINDS).first()
            if _CODE.match(node_code) else None)
    if node is None:
        raise NotFound("not_found", _("No place has this code."))
    authz.require(request.user, "cases.board.view", node)
    return {"node": node.code, "figures": stats.board_figures(node=node)}


# ---------------------------------------------------------------------------
# Evaluation of grids and micro-grid leaders (supervisors)


@router.get("/evaluation/{code}", response={200: EvaluationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                            422: ErrorOut})
def evaluation(request, code: Annotated[str, Path(max_length=40)],
               period: Annotated[str, Query(pattern=r"^(|month|quarter|year)$")] = ""):
    """The evaluation page's figures for a street or community (`cases.evaluation.view`):
    per grid and micro-grid, requests received and handled, on-time and satisfaction
    rates, score and rank; the demonstration grid 示范网格 and the excellent micro-grid
    leader 优秀微网格长 (null when nobody has handled enough requests). `period`
    (`month`, `quarter`, `year`; empty for all time) counts only the requests received
    since the start of the current one, like the page's period links; `since` says when
    that was."""
    from linli import authz
    from linli.cases import stats

    node = Node.objects.filter(code=code, kind__in=stats.EVALUATION_KINDS).first() if _CODE.match(code) else None
    if node is None:
        raise NotFound("not_found", _("No street or community has this code."))
    authz.require(request.user, "cases.evaluation.view", node)
    return stats.evaluation(street=node, period=period or None)


# ---------------------------------------------------------------------------
# The caller's own work


@router.get("/my/notifications", response={200: list[NotificationOut], 401: ErrorOut, 422: ErrorOut})
def my_notifications(request, unread: bool = False):
    """The caller's in-app notifications, newest first (at most 200)."""
    authz.require(request.user, "cases.notification.view", request.user)
    qs = selectors.notifications_for(viewer=request.user, unread_only=unread)
    return [
        {"id": n.pk, "kind": n.kind, "title": n.title, "body": n.body, "url": n.url, "case_id": n.case_id,
         "created_at": n.created_at, "read_at": n.read_at}
        for n in qs[:200]
    ]


@router.post("/my/notifications/{id}/read", response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def my_notification_read(request, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """Mark one notification read."""
    notification = selectors.notifications_for(viewer=request.user).filter(pk=id).first()
    if notification is None:
        raise NotFound("not_found", _("No such notification."))
    services.notification_mark_read(notification=notification, by=request.user)
    return 204, None


@router.post("/my/notifications/read_all", response={200: MarkedOut, 401: ErrorOut, 403: ErrorOut})
def my_notifications_read_all(request):
    """Mark all of the caller's notifications read."""
    return {"marked": services.notifications_mark_all_read(by=request.user)}


def _escalation(e) -> dict:
    return {
        "id": e.pk, "case_id": e.case_id, "tracking_code": e.case.tracking_code, "level": e.level, "role": e.role,
        "node": e.node.code, "clock": e.deadline.clock, "due_at": e.deadline.due_at, "created_at": e.created_at,
        "acknowledged_at": e.acknowledged_at,
    }


@router.get("/my/escalations", response={200: list[EscalationOut], 401: ErrorOut, 422: ErrorOut})
def my_escalations(request, open: bool = True):  # noqa: A002
    """Escalations addressed to a role the caller holds (open ones by default; at most 200)."""
    if not authz.can(request.user, "cases.escalation.view"):
        return []  # not staff: nobody escalates to them
    return [_escalation(e) for e in selectors.escalations_for(viewer=request.user, open_only=open)[:200]]


@router.post("/my/escalations/{id}/acknowledge",
             response={200: EscalationOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def my_escalation_acknowledge(request, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """Acknowledge an escalation (idempotent)."""
    escalation = selectors.escalations_for(viewer=request.user, open_only=False).filter(pk=id).first()
    if escalation is None:
        raise NotFound("not_found", _("No such escalation."))
    services.escalation_acknowledge(escalation=escalation, by=request.user)
    return _escalation(selectors.escalations_for(viewer=request.user, open_only=False).get(pk=id))


@router.get("/my/queue", response={200: list[QueueItemOut], 401: ErrorOut})
def my_queue(request):
    """Open requests the caller may work on, nearest deadline first (at most 200)."""
    # ``next_due`` is annotated by queue().
    return [
        dict(_summary(c), next_due=c.next_due)  # type: ignore[attr-defined]
        for c in selectors.queue(viewer=request.user)[:200]
    ]


# ---------------------------------------------------------------------------
# The resident's tracking link (public: the tracking code is the proof)


def _track(case: Case) -> dict:
    return {
        "tracking_code": case.tracking_code, "status": case.status, "status_label": str(case.get_status_display()),
        "category": case.category.name, "place": org_selectors.public_place_name(case.node), "received_at": case.received_at,
        "timeline": [{**row, "text": str(row["text"]), "colour": row.get("colour") or None,
                      "colour_label": str(row.get("colour_label") or "")} for row in selectors.public_timeline(case)],
        "deadlines": [{**row, "label": str(row["label"])} for row in selectors.resident_deadlines(case)],
        "told": [{"role": str(t["role"]), "name": t["name"]} for t in selectors.case_told(case)],
    }


@router.get("/track/{code}", response={200: TrackOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def track(request, code: TrackingCode):
    """What the resident sees on the tracking page (no contact, no staff names)."""
    case = selectors.case_by_tracking_code(code)
    authz.require(request.user, "cases.case.track", case)
    return _track(case)


@router.post("/track/{code}/rating", response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                              422: ErrorOut}, auth=PUBLIC)
def track_rate(request, code: TrackingCode, payload: RatingIn):
    """The resident rates a finished request online (unsatisfied reopens it)."""
    case = selectors.case_by_tracking_code(code)
    services.case_visit(case=case, by=None, method="online", rating=payload.rating, comment=payload.comment,
                        tracking_code=case.tracking_code)
    return _track(selectors.case_by_tracking_code(code))


@router.post("/updates/{token}", response={200: UpdatesOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def updates_set(request, token: Annotated[str, Path(max_length=24)], payload: UpdatesIn):
    """The SMS opt-out link's twin (`cases.case.updates`): stop or restart the SMS updates of one request."""
    case = services.case_updates_set(token=token, wanted=payload.wanted, by=request.user)
    return {"tracking_code": case.tracking_code, "updates_wanted": case.updates_wanted}


# ---------------------------------------------------------------------------
# Inspection campaigns and policies


def _campaign(campaign) -> dict:
    figures = selectors.campaign_figures(campaign)
    return {"id": campaign.pk, "node": campaign.node.code, "title": campaign.title, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, **figures}


def _campaign_get(pk: int):
    from linli.cases.models import Campaign

    campaign = Campaign.objects.select_related("node").filter(pk=pk).first()
    if campaign is None:
        raise NotFound("not_found", _("No such campaign."))
    return campaign


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def campaign_create(request, payload: CampaignIn):
    """Start an inspection campaign 问题大家找 in a place (`cases.campaign.manage`)."""
    campaign = services.campaign_create(node=selectors.place_by_code(payload.node, field="node"), title=payload.title,
                                        starts_on=payload.starts_on, ends_on=payload.ends_on, by=request.user,
                                        description=payload.description)
    return 201, _campaign(campaign)


@router.get("/campaigns/{id}", response={200: CampaignOut, 404: ErrorOut, 422: ErrorOut}, auth=PUBLIC)
def campaign_detail(request, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """A campaign's figures: problems found, fixed, rectification rate (public)."""
    campaign = _campaign_get(id)
    authz.require(request.user, "cases.campaign.view", campaign.node)
    return _campaign(campaign)


@router.post("/campaigns/{id}/participants", response={200: CampaignOut, **ERRORS})
def campaign_participant_add(request, payload: ParticipantIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """Add a participant who may then register problems."""
    campaign = _campaign_get(id)
    person = selectors.active_person(payload.person)
    if person is None:
        raise InvalidInput("unknown_person", _("No active person has this username."), details=[{"field": "person"}])
    services.campaign_participant_add(campaign=campaign, person=person, by=request.user)
    return _campaign(campaign)


@router.post("/campaigns/{id}/problems", response={201: CaseCreatedOut, **ERRORS})
def campaign_problem_add(request, payload: ProblemIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002
    """Register a problem found in the campaign: it becomes a request with a responsible party, a measure and a deadline."""
    campaign = _campaign_get(id)
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise InvalidInput("unknown_category", _("No such category."), details=[{"field": "category"}])
    case = services.campaign_add_problem(
        campaign=campaign, node=selectors.place_by_code(payload.node, field="node"), category=category,
        description=payload.description, by=request.user, responsible=payload.responsible, measure=payload.measure,
        due_at=payload.due_at)
    from linli.cases.notify import tracking_url

    return 201, {"id": case.pk, "tracking_code": case.tracking_code, "status": case.status, "colour": case.colour,
                 "tracking_url": request.build_absolute_uri(tracking_url(case)), "deadlines": _deadlines(case)}


@router.post("/policies/assign", response={200: PolicyOut, **ERRORS})
def policy_assign(request, payload: PolicyIn):
    """Choose the time-limit policy of a compound or community (`cases.policy.manage`). Open requests keep their deadlines."""
    from linli.cases.models import TimeLimitPolicy

    policy = TimeLimitPolicy.objects.filter(code=payload.policy).first()
    if policy is None:
        raise InvalidInput("unknown_policy", _("No such time-limit policy."), details=[{"field": "policy"}])
    node = selectors.place_by_code(payload.node, field="node")
    services.policy_assign(node=node, policy=policy, by=request.user)
    return {"node": node.code, "policy": policy.code, "name": policy.name}


# --- "我也遇到了": open requests of a building, and joining one ---------------------------

class DuplicateHintOut(Schema):
    id: int
    category: str
    place: str
    received_on: dt.date
    status: str
    supporters: int
    joined: bool
    own: bool


class SupportOut(Schema):
    case: int
    supporters: int


@router.get("/places/{code}/open-requests", response={200: list[DuplicateHintOut], 404: ErrorOut, 422: ErrorOut},
            auth=PUBLIC)
def duplicate_hints(request, code: Annotated[str, Path(..., max_length=40, pattern=CODE_VALIDATOR_RE)]):
    """The open requests of the same building reported in the last 30 days (what the QR page shows
    before its form, "已有邻居反映"): public wording only, no description, name or phone."""
    node = org_selectors.node_by_code(code)
    if node is None:
        raise NotFound("not_found", _("Not found."))
    authz.require(request.user, "cases.case.support", node)
    scope = services.client_scope(by=request.user)
    return selectors.duplicate_hints(node=node, scope=scope)


@router.post("/cases/{id}/me-too", response={201: SupportOut, **ERRORS})
def case_me_too(request, id: Annotated[int, Path(..., ge=1, le=MAX_ID)]):  # noqa: A002
    """"我也遇到了": the signed-in caller joins an open request (counted once per person; 409 the
    second time or on one's own request, or when the request is no longer open)."""
    case = Case.objects.filter(pk=id).first()
    if case is None:
        raise NotFound("not_found", _("Not found."))
    services.case_support(case=case, by=request.user)
    return 201, {"case": case.pk, "supporters": selectors.supporter_count(case)}
