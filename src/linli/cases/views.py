"""Pages of resident requests. Thin: parse, call one service or selector, render.

The resident side needs no account and no JavaScript: the QR code opens
``/q/<code>`` (a unit or building), a plain form POST creates the request
(Post/Redirect/Get), and ``/t/<tracking code>`` follows it and rates the result.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from linli import authz, throttle
from linli.cases import selectors, services
from linli.cases.forms import FindForm, HelpForm, IntakeForm, PhotoSizeCap, RatingForm
from linli.cases.models import Case, CaseKind, Source, Status, VisitMethod
from linli.cases.photos import MAX_BYTES, MAX_PHOTOS
from linli.errors import DomainError, InvalidInput, NotFound
from linli.org import selectors as org_selectors
from linli.org.models import Node, NodeKind
from linli.web.middleware import DATABASE_ERRORS, database_unavailable_message

# QR posters hang in stairwells: one per building and one per unit.
INTAKE_KINDS = {NodeKind.UNIT, NodeKind.BUILDING}
# (submissions, seconds) per client; override with the setting LINLI_INTAKE_THROTTLE.
INTAKE_THROTTLE = (10, 600)
KEPT_ON_THROTTLE = ("category", "description", "contact_name", "contact_phone", "updates_wanted", "client_token")
# The largest body a valid report can have: MAX_PHOTOS photos of MAX_BYTES and the words.
MAX_INTAKE_BODY = MAX_PHOTOS * MAX_BYTES + 1024 * 1024


def _intake_node(code: str, *, lean: bool = False):
    """The place of a QR code. ``lean``: the place alone, for a report that, once recorded,
    only redirects (the page needs its parent and micro-grid, read when it is drawn)."""
    node = Node.objects.filter(code=code).first() if lean else org_selectors.node_by_code(code)
    if node is None or node.kind not in INTAKE_KINDS:
        raise Http404
    return node


def _track_url(case, **flags) -> str:
    url = reverse("case_track", args=[case.tracking_code])
    return url + ("?" + "&".join(f"{k}=1" for k in flags) if flags else "")


def _browser(request) -> str:
    """Who an anonymous resident is, for their one-time keys: a digest of this browser's
    CSRF cookie (the form page sets it and the POST must carry it), else of the address."""
    secret = request.META.get("CSRF_COOKIE") or ""
    if not secret:
        return throttle.client_key(request, "cases.browser").split(":", 1)[1]
    return hashlib.sha256(f"{settings.SECRET_KEY}:browser:{secret}".encode()).hexdigest()[:32]


def _throttle(request) -> None:
    hits, window = throttle.rate("LINLI_INTAKE_THROTTLE", INTAKE_THROTTLE)
    throttle.check_and_count(throttle.client_key(request, "cases.intake"), limit=hits, window=window)


def _body_too_large(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_INTAKE_BODY
    except ValueError:
        return False


def _guarded_intake(request, code: str, kind: str):
    """Before anything reads the body: a body larger than any valid report is refused
    unread, and otherwise photos are capped while they stream in (PhotoSizeCap), so
    the words typed come back with the message. CSRF is checked after that (Django
    asks upload handlers to be set before CsrfViewMiddleware would read the form)."""
    if request.method == "POST":
        if _body_too_large(request):
            return _intake(request, code, kind, refused=True)
        request.upload_handlers.insert(0, PhotoSizeCap(request))
    return csrf_protect(_intake)(request, code, kind)


def _intake(request, code: str, kind: str, refused: bool = False):
    node = _intake_node(code, lean=request.method == "POST" and not refused)
    authz.require(request.user, "cases.case.report", node)
    categories = list(selectors.categories(kind))
    form_class = HelpForm if kind == CaseKind.HELP else IntakeForm
    initial = {"category": categories[0].code} if len(categories) == 1 else {}
    error, status = None, 200
    if refused:
        # Nothing of the body was read: the words cannot be kept, and the message says so.
        form = form_class(categories=categories, initial=initial)
        error, status = _("Too much to send at once: at most %(n)d photos of 12 MB each. Choose fewer or smaller "
                          "photos and write your words again.") % {"n": MAX_PHOTOS}, 413
    elif request.method == "POST":
        # A double tap (or a resend after a slow answer) carries the same one-time key:
        # case_create returns the first request for it. Past the limit, it is looked up
        # here, so that a double tap still lands on its request. Only this caller's own
        # key counts: another's key is just a new key.
        try:
            _throttle(request)
        except throttle.Throttled as exc:
            scope = services.client_scope(by=request.user, browser=_browser(request))
            existing = selectors.case_by_client_token(token=request.POST.get("client_token", ""), scope=scope)
            if existing is not None:
                return redirect(_track_url(existing, sent=True))
            # Nothing is stored, photos included; the words typed are kept.
            kept = {k: request.POST.get(k, "") for k in KEPT_ON_THROTTLE}
            form = form_class(categories=categories, initial={**initial, **kept})
            error, status = exc.message, exc.status
        else:
            form = form_class(request.POST, request.FILES, categories=categories)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    case = services.case_create(
                        node=node, category=data["category"], description=data["description"], source=Source.QR,
                        by=request.user, contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                        photos=[p.as_file() for p in data["photos"]], client_token=data["client_token"],
                        client_browser=_browser(request), updates_wanted=data["updates_wanted"],
                    )
                except InvalidInput as exc:
                    form.add_error(None, str(exc.message))
                except DATABASE_ERRORS:
                    # The database timed out: nothing was saved. Show the form again with what
                    # the resident typed (photos must be chosen again) rather than an error page.
                    form.add_error(None, str(database_unavailable_message()))
                    status = 503
                else:
                    return redirect(_track_url(case, sent=True))
            status = 503 if status == 503 else 422
    else:
        form = form_class(categories=categories, initial=initial)
    context = {
        "node": node, "compound": node.ancestor_of_kind(NodeKind.COMPOUND),
        "building": node.ancestor_of_kind(NodeKind.BUILDING), "form": form, "kind": kind, "error": error,
        "find_form": FindForm(), "photos_sent": not refused and bool(request.FILES),
        "has_help": kind != CaseKind.HELP and selectors.categories(CaseKind.HELP).exists(),
        **_hint_context(request, node, kind),
    }
    return render(request, "cases/intake.html", context, status=status)


def _hint_context(request, node, kind: str, *, error=None, joined: bool | None = None) -> dict:
    """"已有邻居反映": the open requests of the same building, before the form (problems only)."""
    if kind == CaseKind.HELP:
        return {"hints": []}
    scope = services.client_scope(by=request.user, browser=_browser(request))
    return {"hints": selectors.duplicate_hints(node=node, scope=scope),
            "support_url": reverse("qr_support", args=[node.code]),
            "support_error": error, "support_joined": request.GET.get("joined") == "1" if joined is None else joined}


@require_POST
def qr_support(request, code: str):
    """"我也遇到了": the resident adds themself to an open request of their building
    instead of reporting it again (a plain form POST; counted once per browser)."""
    node = _intake_node(code)
    authz.require(request.user, "cases.case.support", node)
    try:
        # Counted once per browser; a new browser per press is slowed down per address.
        hits, window = throttle.rate("LINLI_INTAKE_THROTTLE", INTAKE_THROTTLE)
        throttle.check_and_count(throttle.client_key(request, "cases.support"), limit=hits, window=window)
    except throttle.Throttled as exc:
        return _support_page(request, node, error=exc.message, status=exc.status)
    try:
        case = selectors.supportable_cases(node=node).get(pk=int(request.POST.get("case") or 0))
    except (ValueError, Case.DoesNotExist):
        error = _("This request is no longer open here; report your problem as a new request.")
        return _support_page(request, node, error=error, status=409)
    try:
        services.case_support(case=case, by=request.user, client_browser=_browser(request), node=node)
    except DomainError as exc:
        return _support_page(request, node, error=exc.message, status=exc.status)
    return redirect(reverse("qr_entry", args=[node.code]) + "?joined=1")


def _support_page(request, node, *, error, status: int):
    categories = list(selectors.categories(CaseKind.PROBLEM))
    initial = {"category": categories[0].code} if len(categories) == 1 else {}
    context = {
        "node": node, "compound": node.ancestor_of_kind(NodeKind.COMPOUND),
        "building": node.ancestor_of_kind(NodeKind.BUILDING), "form": IntakeForm(categories=categories, initial=initial),
        "kind": CaseKind.PROBLEM, "error": None, "find_form": FindForm(), "photos_sent": False,
        "has_help": selectors.categories(CaseKind.HELP).exists(),
        **_hint_context(request, node, CaseKind.PROBLEM, error=error, joined=False),
    }
    return render(request, "cases/intake.html", context, status=status)


@csrf_exempt  # checked in _guarded_intake, once the upload handlers are in place
def qr_entry(request, code: str):
    """The page a resident's phone opens from the QR code in the stairwell: report a problem."""
    return _guarded_intake(request, code, CaseKind.PROBLEM)


@csrf_exempt  # checked in _guarded_intake, once the upload handlers are in place
def qr_help(request, code: str):
    """Ask a neighbour for help (互助) from the same QR code."""
    return _guarded_intake(request, code, CaseKind.HELP)


def _tracked(code: str):
    return selectors.case_by_tracking_code(code)


def _missing(request, code: str = "", status: int = 404):
    form = FindForm(initial={"code": code})
    return render(request, "cases/track_find.html", {"find_form": form, "code": code, "missing": bool(code)},
                  status=status)


def _render_track(request, case, *, rating_form=None, error=None, status=200):
    from linli.org.posters import public_base_url

    photos = list(case.photos.all())
    context = {
        "case": case,
        # The reporter's own request: its building and unit ("1栋1单元"), never the room.
        "place": org_selectors.place_path(case.node, within=case.compound, finest=NodeKind.UNIT),
        "compound": case.compound,
        "timeline": selectors.public_timeline(case),
        "deadlines": selectors.resident_deadlines(case) if case.is_open else [],
        "before_photos": [p for p in photos if not p.after],
        "after_photos": [p for p in photos if p.after],
        "said": selectors.mask_phones(case.description),
        "notifications": [
            {"title": n.title, "body": selectors.mask_phones(n.body), "created_at": n.created_at}
            for n in selectors.notifications_for_tracking(case)[:20]
        ],
        "report_again": case.node.kind in INTAKE_KINDS,
        "told": selectors.case_told(case),
        "me_too": selectors.supporter_count(case),
        "volunteer": selectors.volunteer_name(case.helper) if case.kind == CaseKind.HELP else "",
        "can_rate": case.status == Status.DONE,
        # A duplicate's reporter learns how the other request stands, never its code: the
        # code would open that page, its photos and its rating form to them.
        "merged_status": case.merged_into.get_status_display() if case.merged_into_id else "",
        "rating_form": rating_form or RatingForm(),
        "last_visit": case.return_visits.order_by("-at", "-id").first(),
        "sent": request.GET.get("sent") == "1",
        "rated": request.GET.get("rated") == "1",
        "error": error,
        "track_link": public_base_url(request) + reverse("case_track", args=[case.tracking_code]),
    }
    return render(request, "cases/track.html", context, status=status)


def case_track(request, code: str):
    """The resident's tracking page: the code is the proof, no login."""
    try:
        case = _tracked(code)
    except NotFound:
        return _missing(request, code)
    authz.require(request.user, "cases.case.track", case)
    return _render_track(request, case)


@require_POST
def case_rate(request, code: str):
    """The resident rates a finished request; unsatisfied reopens it."""
    try:
        case = _tracked(code)
    except NotFound:
        return _missing(request, code)
    authz.require(request.user, "cases.case.track", case)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_track(request, case, rating_form=form, status=422)
    try:
        services.case_visit(case=case, by=None, method=VisitMethod.ONLINE, rating=form.cleaned_data["rating"],
                            comment=form.cleaned_data["comment"], tracking_code=case.tracking_code)
    except DomainError as exc:
        case = _tracked(code)
        return _render_track(request, case, rating_form=form, error=exc.message, status=exc.status)
    return redirect(_track_url(case, rated=True))


def case_find(request):
    """"Follow my request": a tracking code typed in → its tracking page."""
    authz.require(request.user, "cases.case.track")
    form = FindForm(request.GET or None)
    if form.is_valid():
        code = "".join(form.cleaned_data["code"].split()).upper()
        return redirect("case_track", code=code)
    return render(request, "cases/track_find.html", {"find_form": form, "missing": False},
                  status=422 if form.is_bound else 200)


def case_track_photo(request, code: str, pk: int):
    """A photo of the request, for whoever holds the tracking code (uploads are not public files)."""
    try:
        case = _tracked(code)
    except NotFound:
        raise Http404 from None
    authz.require(request.user, "cases.case.track", case)
    try:
        photo = selectors.tracking_photo(case, pk)
    except NotFound:
        raise Http404 from None
    import mimetypes

    content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    response = FileResponse(photo.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response


def updates_stop(request, token: str):
    """The opt-out link in every SMS (``/u/<token>/``): no login, the key is the proof.
    The page says what the link does; its button stops (or restarts) the SMS updates."""
    authz.require(request.user, "cases.case.updates")  # public: the key is the proof
    case = selectors.case_by_updates_token(token)
    if case is None:
        return render(request, "cases/updates.html", {"missing": True}, status=404)
    authz.require(request.user, "cases.case.updates", case)
    changed = False
    if request.method == "POST":
        case = services.case_updates_set(token=token, wanted=request.POST.get("wanted") == "1", by=request.user)
        changed = True
    return render(request, "cases/updates.html", {"case": case, "changed": changed, "missing": False})
