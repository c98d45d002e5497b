"""Staff pages of resident requests: the request with its clocks and history and
the action forms allowed now, the queue of next actions, notifications,
escalations, recording a request, the hotline import and the time-limit policy.

Thin: parse a form, call exactly one service or selector, render. A refused
action (DomainError) is shown on the page with its status and changes nothing.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from linli import authz
from linli.cases import importing, selectors, services, staff_forms, timing
from linli.cases.actions import ACTIONS
from linli.cases.models import (
    AssigneeKind,
    Case,
    CaseKind,
    Clock,
    Colour,
    Escalation,
    EventAction,
    Notification,
    Rating,
    Status,
    TimeLimitPolicy,
    VisitMethod,
)
from linli.errors import DomainError
from linli.org import selectors as org_selectors
from linli.tabular import ImportRejected, read_upload

QUEUE_LIMIT = 100


# ---------------------------------------------------------------------------
# Time left


def span(delta: dt.timedelta) -> str:
    """A short human span: "2天3小时", "45分钟" (English: "2 d 3 h", "45 min")."""
    minutes = max(int(abs(delta.total_seconds()) // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d d") % {"n": days})
    if hours and days < 10:
        parts.append(_("%(n)d h") % {"n": hours})
    if not days and (mins or not hours):
        parts.append(_("%(n)d min") % {"n": mins})
    return " ".join(parts)


def time_left(due: dt.datetime | None, now: dt.datetime) -> dict:
    if due is None:
        return {"text": _("no time limit"), "overdue": False, "soon": False}
    if due <= now:
        return {"text": _("%(span)s overdue") % {"span": span(now - due)}, "overdue": True, "soon": False}
    return {"text": _("%(span)s left") % {"span": span(due - now)}, "overdue": False,
            "soon": due - now <= dt.timedelta(hours=24)}


def deadline_rows(case, now: dt.datetime) -> list[dict]:
    rows = []
    for d in sorted(case.deadlines.all(), key=lambda d: (d.started_at, d.id)):
        label = d.get_clock_display()
        if d.clock == Clock.FINISH and d.colour:  # the colour it was set for, not today's
            label = f"{label} · {case.policy.colour_label(d.colour)}"
        if d.cancelled_at:
            state, tag, text = "cancelled", "grey", _("cancelled")
        elif d.met_at:
            late = d.met_at > d.due_at
            state, tag = ("late", "red") if late else ("met", "green")
            text = _("met late") if late else _("met on time")
        elif d.breached_at or d.due_at <= now:
            state, tag, text = "breached", "red", time_left(d.due_at, now)["text"]
        else:
            left = time_left(d.due_at, now)
            state, tag, text = "open", "yellow" if left["soon"] else "", left["text"]
        rows.append({"deadline": d, "label": label, "state": state, "tag": tag, "text": text,
                     "breached": d.breached_at is not None,
                     "estimated": d.working_time and not timing.calendar_known(timezone.localtime(d.due_at).year)})
    return rows


# ---------------------------------------------------------------------------
# The request and its action forms


def event_row(case, e) -> dict:
    """One line of the history: what happened, by whom, and its details as short texts."""
    data = e.data or {}
    bits = []
    if e.from_status != e.to_status and e.to_status in Status.values:
        bits.append("→ " + str(Status(e.to_status).label))
    if e.action == EventAction.RECLASSIFY:
        bits.append(f"{case.policy.colour_label(data.get('from', '')) if data.get('from') else '—'} → "
                    f"{case.policy.colour_label(data.get('to', ''))}")
    elif data.get("colour") in Colour.values:
        bits.append(case.policy.colour_label(data["colour"]))
    if data.get("to") in AssigneeKind.values:
        bits.append(" · ".join(x for x in (str(AssigneeKind(data["to"]).label), data.get("node", ""),
                                           data.get("person", "")) if x))
    if data.get("method") in VisitMethod.values:
        bits.append(str(VisitMethod(data["method"]).label))
    if data.get("rating") in Rating.values:
        bits.append(str(Rating(data["rating"]).label))
    if data.get("clock") in Clock.values:
        bits.append(str(Clock(data["clock"]).label))
    for key in ("into", "from", "volunteer"):
        if data.get(key) and e.action != EventAction.RECLASSIFY:
            bits.append(str(data[key]))
    if data.get("score") is not None:
        bits.append(str(data["score"]))
    label = EventAction(e.action).label if e.action in EventAction.values else e.action
    return {"e": e, "label": label, "bits": bits}


def _make_form(name: str, case, data=None, files=None):
    return ACTIONS[name].form.for_case(case, data, files)


def allowed_actions(case, user) -> list[str]:
    return [name for name in ACTIONS if services.transition_possible(case, name, user)]


def _detail(request, case, *, failed: str = "", bound=None, error=None, status: int = 200):
    now = timezone.now()
    names = allowed_actions(case, request.user)
    forms = []
    for name in names:
        action = ACTIONS[name]
        form = bound if name == failed and bound is not None else _make_form(name, case)
        label = HELP_LABELS.get(name, action.label) if case.kind == CaseKind.HELP else action.label
        forms.append({"name": name, "action": action, "label": label, "form": form, "open": name == failed,
                      "url": reverse("case_act", args=[case.pk, name]), "multipart": form.is_multipart()})
    finish_limits = {pc.colour for pc in case.policy.clocks.all() if pc.clock == Clock.FINISH}
    context = {
        "case": case,
        "contact": selectors.case_contact(viewer=request.user, case=case, channel="page", path=request.path),
        "now": now,
        "deadlines": deadline_rows(case, now),
        "primary": [f for f in forms if f["action"].primary],
        "secondary": [f for f in forms if not f["action"].primary],
        "failed": failed,
        "error": error,
        "events": [event_row(case, e) for e in case.events.all()],
        "place": case.node.full_name(),
        "escalations": list(case.escalations.all()),
        "supervisions": list(case.supervisions.all()),
        "return_visits": list(case.return_visits.all()),
        "before_photos": [p for p in case.photos.all() if not p.after],
        "after_photos": [p for p in case.photos.all() if p.after],
        "colours_needing_due": [case.policy.colour_label(c) for c in ("green", "yellow", "red")
                                if c not in finish_limits],
        "duplicates": list(case.duplicates.all()),
        "told": selectors.case_told(case),
        "me_too": selectors.supporter_count(case),
    }
    return render(request, "cases/detail.html", context, status=status)


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get(viewer=request.user, pk=pk)
    return _detail(request, case)


@login_required
def case_act(request, pk: int, action: str):
    """One action form: POST → exactly one service. GET goes back to the request."""
    case = selectors.case_get(viewer=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    if request.method != "POST":
        return redirect("case_detail", pk=case.pk)
    form = _make_form(action, case, request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, case, failed=action, bound=form, status=422)
    try:
        ACTIONS[action].from_page(request, case, form.cleaned_data)
    except DomainError as exc:
        # The service rolled back: show the request as it is, with the refusal.
        fresh = selectors.case_get(viewer=request.user, pk=pk)
        return _detail(request, fresh, failed=action, bound=form, error=exc, status=exc.status)
    try:
        selectors.case_get(viewer=request.user, pk=pk)
    except DomainError:  # e.g. a volunteer who sent the request back no longer sees it
        messages.success(request, _("%(action)s: done.") % {"action": ACTIONS[action].label})
        return redirect("queue")
    messages.success(request, _("%(action)s: done.") % {"action": ACTIONS[action].label})
    return redirect("case_detail", pk=case.pk)


@login_required
def case_photo(request, pk: int, photo_pk: int):
    case = selectors.case_get(viewer=request.user, pk=pk)
    photo = next((p for p in case.photos.all() if p.pk == photo_pk), None)
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------
# Queue, escalations, notifications


NEXT_STEP: dict[str, Any] = {
    Status.RECEIVED: gettext_lazy("Accept"),
    Status.ACCEPTED: gettext_lazy("Dispatch"),
    Status.DISPATCHED: gettext_lazy("Go there or give the plan"),
    Status.ON_SITE: gettext_lazy("Give the plan and colour"),
    Status.PLANNED: gettext_lazy("Do the work, report progress"),
    Status.IN_PROGRESS: gettext_lazy("Do the work, report progress"),
    Status.DONE: gettext_lazy("Return visit"),
    Status.VISITED: pgettext_lazy("request action", "Close"),
}


# Mutual help is not a repair job: its steps are named for what neighbours do.
HELP_LABELS: dict[str, Any] = {
    "plan": gettext_lazy("Who can help"),
    "match_helper": gettext_lazy("Who can help"),
}
HELP_NEXT_STEP: dict[str, Any] = {
    **NEXT_STEP,
    Status.ACCEPTED: gettext_lazy("Who can help"),
    Status.DISPATCHED: gettext_lazy("Who can help"),
    Status.ON_SITE: gettext_lazy("Who can help"),
}


def next_step(case) -> Any:
    return (HELP_NEXT_STEP if case.kind == CaseKind.HELP else NEXT_STEP).get(case.status, "")


def _one_row_per_case(deadlines, now) -> list[dict]:
    """Supervision rows: one per request, at its earliest deadline, naming its other clocks."""
    rows: dict[int, dict] = {}
    for d in deadlines:  # ordered by due time
        if d.case_id in rows:
            rows[d.case_id]["clocks"].append(d.get_clock_display())
        else:
            rows[d.case_id] = {"deadline": d, "left": time_left(d.due_at, now), "clocks": [d.get_clock_display()]}
    return list(rows.values())


@login_required
def queue(request):
    authz.require(request.user, "cases.queue.view")
    now = timezone.now()
    cases = list(selectors.queue(viewer=request.user, now=now)[: QUEUE_LIMIT + 1])
    more = len(cases) > QUEUE_LIMIT
    items = [{"case": c, "left": time_left(c.next_due, now), "next": next_step(c)}  # type: ignore[attr-defined]
             for c in cases[:QUEUE_LIMIT]]
    supervision = supervised = None
    if authz.can(request.user, "cases.case.supervise"):
        view = selectors.supervision_view(viewer=request.user, now=now)
        supervision = {key: _one_row_per_case(rows, now) for key, rows in view.items()}
        if not authz.can(request.user, "cases.case.work"):  # the party branch: every request it oversees
            supervised = [{"case": c, "next": c.get_status_display()} for c in selectors.supervised_cases(
                viewer=request.user)]
    # Every row names its place whole ("地铁首座 3栋1单元"), not "1单元" (one query for all).
    rows = [*items, *(supervised or []), *(r for v in (supervision or {}).values() for r in v)]
    cases_shown = [r["case"] if "case" in r else r["deadline"].case for r in rows]
    paths = org_selectors.place_paths([c.node for c in cases_shown])
    for row, case in zip(rows, cases_shown, strict=True):
        row["place"] = paths[case.node_id]
    context = {
        "items": items, "more": more, "now": now,
        "escalations": list(selectors.escalations_for(viewer=request.user)[:50]),
        "supervision": supervision, "supervised": supervised,
        "may_record": authz.can(request.user, "cases.case.record"),
        "may_import": authz.can(request.user, "cases.case.import"),
        "may_policy": authz.can(request.user, "cases.policy.manage"),
        "unread": selectors.notifications_for(viewer=request.user, unread_only=True).count(),
    }
    return render(request, "cases/staff/queue.html", context)


@login_required
@require_POST
def escalation_ack(request, pk: int):
    escalation = Escalation.objects.filter(pk=pk).select_related("node").first()
    if escalation is None:
        raise Http404
    services.escalation_acknowledge(escalation=escalation, by=request.user)
    messages.success(request, _("Escalation acknowledged."))
    target = request.POST.get("next", "")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target else "queue")


@login_required
def notifications(request):
    authz.require(request.user, "cases.notification.view", request.user)
    rows = list(selectors.notifications_for(viewer=request.user).select_related("case")[:100])
    now = timezone.now()
    # Someone without a queue (a volunteer matched to a help request) finds their requests here.
    assigned = [] if authz.can(request.user, "cases.queue.view") else [
        {"case": c, "left": time_left(c.next_due, now), "next": next_step(c)}  # type: ignore[attr-defined]
        for c in selectors.assigned_to(viewer=request.user)[:QUEUE_LIMIT]]
    return render(request, "cases/staff/notifications.html",
                  {"rows": rows, "unread": sum(1 for n in rows if n.read_at is None), "assigned": assigned})


@login_required
@require_POST
def notification_read(request, pk: int):
    authz.require(request.user, "cases.notification.view", request.user)
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None:
        raise Http404
    n = services.notification_mark_read(notification=notification, by=request.user)
    if request.htmx:
        return render(request, "cases/staff/_notification.html", {"n": n})
    if request.POST.get("open") and url_has_allowed_host_and_scheme(n.url, allowed_hosts=None):
        return redirect(n.url)  # opening an unread notification reads it
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(by=request.user)
    messages.success(request, _("%(n)d notification(s) marked as read.") % {"n": count})
    return redirect("notifications")


# ---------------------------------------------------------------------------
# Recording a request, hotline import


@login_required
def case_record(request):
    """A request recorded by staff: 随手拍 snapshot, phone call or door-to-door visit."""
    authz.require(request.user, "cases.case.record")
    places = selectors.record_places(viewer=request.user)
    categories = list(selectors.categories())
    checking = request.method == "GET" and "place" in request.GET  # "see what is reported here" (no JS)
    initial = {k: request.GET.get(k, "") for k in ("place", "category", "description", "source")} if checking else None
    form = staff_forms.RecordForm(request.POST or None, request.FILES or None, places=places, categories=categories,
                                  initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            photos = [p.as_file() for p in d["photos"]]  # cleaned by the form: no EXIF/GPS
            case = services.case_create(
                node=d["place"], category=next(c for c in categories if c.code == d["category"]),
                description=d["description"], source=d["source"], by=request.user, contact_name=d["contact_name"],
                contact_phone=d["contact_phone"], photos=photos, urgent=d["urgent"],
                updates_wanted=d["updates_wanted"], client_token=f"staff-{request.user.pk}-{d['client_token']}" if d["client_token"] else None,
            )
        except DomainError as exc:
            error = exc
        else:
            if not authz.can(request.user, "cases.case.view", case):
                # A special member or building rep records what they see but does not
                # handle it: they follow it like a resident, by its tracking code.
                return redirect(reverse("case_track", args=[case.tracking_code]) + "?sent=1")
            messages.success(request, _("Request %(code)s recorded.") % {"code": case.tracking_code})
            return redirect("case_detail", pk=case.pk)
    status = error.status if error else (422 if request.method == "POST" else 200)
    form.set_labels(selectors.place_labels(places))  # only for a page shown, not for a request recorded
    if not places and request.method == "GET":
        status = 200
    return render(request, "cases/staff/record.html",
                  {"form": form, "error": error, "places": places, **_record_hints(request, form)}, status=status)


def _record_hints(request, form) -> dict:
    """"已有邻居反映" on /cases/new: the open requests of the chosen place's building."""
    key = request.POST.get("place") or request.GET.get("place") or ""
    node = form.places.get(key)
    if node is None:
        return {"hints": []}
    scope = services.client_scope(by=request.user)
    return {"hints": selectors.duplicate_hints(node=node, scope=scope), "support_url": reverse("case_record_support"),
            "support_place": key, "hint_place": node}


@login_required
@require_POST
def case_record_support(request):
    """"我也遇到了" from /cases/new: the signed-in person joins an open request instead of recording it again."""
    authz.require(request.user, "cases.case.record")
    place = request.POST.get("place", "")
    try:
        case = Case.objects.get(pk=int(request.POST.get("case") or 0))
        services.case_support(case=case, by=request.user)  # checks the request is open and recent
    except (ValueError, Case.DoesNotExist):
        messages.error(request, _("This request is no longer open here; report your problem as a new request."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: your neighbours' request now counts you too. You need not report it "
                                    "again."))
    return redirect(reverse("case_record") + (f"?place={place}" if place.isdigit() else ""))


@login_required
def hotline_import(request):
    authz.require(request.user, "cases.case.import")
    form = staff_forms.HotlineImportForm(request.POST or None, request.FILES or None)
    result = rejected = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.hotline_import(data=read_upload(upload), filename=upload.name, by=request.user)
        except ImportRejected as exc:
            rejected = exc
        except DomainError as exc:
            form.add_error("file", str(exc.message))
    status = 422 if (rejected or (request.method == "POST" and form.errors)) else 200
    columns = [{"header": c.headers[0], "meaning": importing.COLUMN_MEANINGS[c.key], "required": c.required}
               for c in importing.COLUMNS]
    return render(request, "cases/staff/import.html",
                  {"form": form, "result": result, "rejected": rejected, "columns": columns}, status=status)


@login_required
def hotline_import_template(request):
    from linli.tabular import csv_text

    authz.require(request.user, "cases.case.import")
    header, example = importing.template_rows(None)
    response = HttpResponse(csv_text([header, example]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="linli-hotline-template.csv"'
    return response


# ---------------------------------------------------------------------------
# Time-limit policy of a compound


@login_required
def policies(request):
    authz.require(request.user, "cases.policy.manage")
    all_policies = list(TimeLimitPolicy.objects.prefetch_related("clocks").order_by("-is_default", "name"))
    compounds = list(selectors.policy_places(viewer=request.user))
    error = None
    if request.method == "POST":
        compound = next((c for c in compounds if c.code == request.POST.get("compound")), None)
        form = staff_forms.PolicyForm(request.POST, policies=all_policies)
        if compound is None:
            raise Http404
        if form.is_valid():
            try:
                services.policy_assign(node=compound, policy=form.cleaned_data["policy"], by=request.user)
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("%(place)s now uses “%(policy)s”. Open requests keep their deadlines.")
                                 % {"place": compound.name, "policy": form.cleaned_data["policy"].name})
                return redirect("policies")
    labels = selectors.place_labels(compounds)
    rows = []
    for c in compounds:
        current = services.policy_for(c)
        rows.append({"compound": c, "label": labels.get(c.pk, c.name), "policy": current,
                     "open": selectors.open_counts_by_policy(compound=c)})
    year = timezone.localdate().year
    unknown_years = [y for y in (year, year + 1) if not timing.calendar_known(y)]
    return render(request, "cases/staff/policies.html",
                  {"rows": rows, "policies": all_policies, "error": error, "unknown_years": unknown_years},
                  status=error.status if error else 200)

