"""Inspection campaigns 问题大家找·整改我来办 (seed 000): everyone finds problems,
each becomes a request with a responsible party, a measure and a deadline; the
public page shows found / fixed / rectification rate. Thin: services and
selectors decide, these pages parse and render."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.cases import photos as photo_cleaning
from linli.cases import selectors, services, stats
from linli.cases.models import Campaign, Status
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.org.models import Node, NodeKind

PLACE_KINDS = (NodeKind.COMPOUND, NodeKind.GROUP, NodeKind.BUILDING)
MAX_PLACES = 400


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("bad_date", _("Enter the %(what)s as a date (YYYY-MM-DD).") % {"what": what}) from None


def _board_node(code: str) -> Node:
    node = Node.objects.filter(code=code, kind__in=stats.BOARD_KINDS).first()
    if node is None:
        raise Http404
    return node


def inspection_list(request, code: str):
    """The campaigns of a place (public); managers start a new one here."""
    node = _board_node(code)
    authz.require(request.user, "cases.campaign.view", node)
    may_manage = authz.can(request.user, "cases.campaign.manage", node)
    error = None
    if request.method == "POST":
        authz.require(request.user, "cases.campaign.manage", node)
        try:
            campaign = services.campaign_create(
                node=node, title=request.POST.get("title", ""), description=request.POST.get("description", "").strip(),
                starts_on=_date(request.POST.get("starts_on"), _("start date")),
                ends_on=_date(request.POST.get("ends_on"), _("end date")), by=request.user,
            )
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The campaign is open. Add its participants, then register the problems found."))
            return redirect("inspection", campaign.pk)
    campaigns = list(Campaign.objects.filter(node__path__startswith=node.path).select_related("node"))
    figures = {}
    for c in campaigns:
        figures[c.pk] = c.figures = selectors.campaign_figures(c)  # type: ignore[attr-defined]  # for the template
        c.percent = None if figures[c.pk]["rate"] is None else round(100 * figures[c.pk]["rate"])  # type: ignore[attr-defined]
    found, fixed = sum(f["found"] for f in figures.values()), sum(f["fixed"] for f in figures.values())
    totals = {"rounds": len(campaigns), "found": found, "fixed": fixed,
              "percent": round(100 * fixed / found) if found else None}
    today = timezone.localdate()
    return render(request, "cases/campaign/list.html", {
        "totals": totals,
        "node": node, "ancestors": node.ancestors(), "campaigns": campaigns, "may_manage": may_manage,
        "error": error, "form": request.POST if error else {},
        "today": today.isoformat(), "in_a_month": (today + dt.timedelta(days=30)).isoformat(),
    }, status=422 if error else 200)


def _places(campaign: Campaign) -> list[Node]:
    return list(Node.objects.filter(path__startswith=campaign.node.path, kind__in=PLACE_KINDS)
                .order_by("path")[:MAX_PLACES])


def _detail(request, campaign: Campaign, *, error=None, form=None, status=200):
    user = request.user
    may_manage = authz.can(user, "cases.campaign.manage", campaign.node)
    participant = user.is_authenticated and campaign.participants.filter(pk=user.pk).exists()
    figures = selectors.campaign_figures(campaign)
    problems = stats.campaign_problems(campaign)
    for p in problems:
        p["status_label"] = Status(p["status"]).label
    may_add = may_manage or participant
    return render(request, "cases/campaign/detail.html", {
        "campaign": campaign, "node": campaign.node, "ancestors": campaign.node.ancestors(),
        "figures": figures, "percent": None if figures["rate"] is None else round(100 * figures["rate"]),
        "problems": problems, "may_manage": may_manage, "may_add": may_add,
        "participants": list(campaign.participants.order_by("real_name", "username")) if may_manage else None,
        "participant_count": campaign.participants.count(),
        "places": _places(campaign) if may_add else [], "categories": selectors.categories(kind="problem") if may_add else [],
        "error": error, "form": form or {},
        "in_a_week": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }, status=status)


def inspection_detail(request, pk: int):
    """The public page of a campaign: found, fixed, rectification rate, and every problem."""
    campaign = get_object_or_404(Campaign.objects.select_related("node"), pk=pk)
    authz.require(request.user, "cases.campaign.view", campaign.node)
    return _detail(request, campaign)


@login_required
@require_POST
def participant_add(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("node"), pk=pk)
    authz.require(request.user, "cases.campaign.manage", campaign.node)
    person = selectors.campaign_person(viewer=request.user, campaign=campaign, text=request.POST.get("person", ""))
    try:
        if person is None:
            raise InvalidInput("person_not_found", _("No account with this username or mobile number."))
        services.campaign_participant_add(campaign=campaign, person=person, by=request.user)
    except NotAllowed:
        raise
    except DomainError as exc:
        return _detail(request, campaign, error=exc.message, form=request.POST, status=422)
    messages.success(request, _("%(name)s takes part in the campaign.") % {"name": person})
    return redirect("inspection", campaign.pk)


@login_required
@require_POST
def problem_add(request, pk: int):
    """Register a problem found: place, category, description, responsible party, measure, deadline, photos."""
    campaign = get_object_or_404(Campaign.objects.select_related("node"), pk=pk)
    post = request.POST
    try:
        node = Node.objects.filter(code=post.get("place", ""), path__startswith=campaign.node.path).first()
        if node is None:
            raise InvalidInput("place_required", _("Choose the place where the problem was found."))
        category = selectors.categories().filter(code=post.get("category", "")).first()
        if category is None:
            raise InvalidInput("category_required", _("Choose a category."))
        due_on = _date(post.get("due_on"), _("deadline"))
        due_at = timezone.make_aware(dt.datetime.combine(due_on, dt.time(23, 59)), timezone.get_current_timezone())
        cleaned = photo_cleaning.clean_photos((f.read(), f.name) for f in request.FILES.getlist("photos"))
        services.campaign_add_problem(
            campaign=campaign, node=node, category=category, description=post.get("description", ""), by=request.user,
            responsible=post.get("responsible", ""), measure=post.get("measure", ""), due_at=due_at,
            photos=[p.as_file() for p in cleaned],
        )
    except NotAllowed:
        raise
    except DomainError as exc:
        return _detail(request, campaign, error=exc.message, form=post, status=422)
    messages.success(request, _("The problem is registered and on its way to the responsible party."))
    return redirect("inspection", campaign.pk)
