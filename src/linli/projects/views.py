"""Project pages (phone-first): a compound's projects, the public project page
(notice, committee, contractor, scope, money from the ledger, who has paid,
milestones, construction problems, final accounts), the supervision report
(施工监督), and the managers' page. Thin: each view asks authz, calls one
service and renders."""
from __future__ import annotations

import datetime as dt
import secrets
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli import authz
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.numbers import whole_number
from linli.org import selectors as org_selectors
from linli.org.models import Node, NodeKind, Person
from linli.projects import selectors
from linli.projects import services as svc
from linli.projects.models import (
    Contribution,
    ContributionState,
    ItemPhoto,
    Milestone,
    NameDisplay,
    ProblemKind,
    Project,
    ProjectKind,
    ProjectStatus,
    ScopeItem,
    ShareRule,
    Source,
    yuan,
)


def _refuse_nul(request) -> None:
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        raise InvalidInput("projects.nul", _("The request contains a NUL character."))


def _project_url(pk: int, anchor: str = "") -> str:
    return reverse("project_detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _action(back, done=""):
    """POST-only action: a refusal comes back as a message on the page it came from;
    NotAllowed stays a 403."""
    def deco(view):
        @require_POST
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                _refuse_nul(request)
                view(request, *args, **kwargs)
                if done:
                    messages.success(request, str(done))
            except NotAllowed:
                raise
            except DomainError as exc:
                messages.error(request, str(exc.message))
            return redirect(back(*args, **kwargs))
        return wrapper
    return deco


def _project(pk: int) -> Project:
    p = selectors.project_get(pk)
    if p is None:
        raise Http404
    return p


def _date(text) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError as exc:
        raise InvalidInput("projects.date", _("Give the dates as YYYY-MM-DD.")) from exc


def _yuan_or_zero(text) -> int:
    return svc.parse_yuan(text) if str(text or "").strip() else 0


# --- public ----------------------------------------------------------------------------------

def compound_projects(request, code: str):
    compound = Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()
    if compound is None:
        raise Http404
    authz.require(request.user, "projects.project.view", compound)
    return render(request, "projects/list.html", {
        "compound": compound, "place": org_selectors.public_place_name(compound),
        "projects": list(selectors.projects_visible(viewer=request.user, compound=compound)),
        "may_manage": authz.can(request.user, "projects.project.manage", compound)})


def project_detail(request, pk: int):
    p = _project(pk)
    authz.require(request.user, "projects.project.view", p)
    user = request.user
    household = None
    if getattr(user, "is_authenticated", False):
        try:
            household = svc.household_of(user, p.compound)
        except NotAllowed:
            household = None
    may_household = {action: household is not None and authz.can(user, f"projects.{action}.add", household)
                     for action in ("comment", "pledge", "rating")}
    share = svc.household_share(p, household) if household is not None else None
    photos: dict[int, dict[str, list]] = {}
    for ph in ItemPhoto.objects.filter(item__project=p):
        photos.setdefault(ph.item_id, {"before": [], "after": []})["after" if ph.after else "before"].append(ph)
    money = selectors.money(p)
    for row in money["items"]:
        row["photos"] = photos.get(row["item"], {"before": [], "after": []})
    milestones = list(p.milestones.all())
    signer = svc.signer_role(user, p) if p.status == ProjectStatus.RUNNING else ""
    return render(request, "projects/detail.html", {
        "p": p, "place": org_selectors.public_place_name(p.compound), "money": money,
        "committee": list(p.committee.select_related("person")),
        "contractor": selectors.organisation_public(p.contractor),
        "supervisor": selectors.organisation_public(p.supervisor),
        "comments": selectors.comments(p), "paid": selectors.paid_list(p), "households": selectors.household_pledges(p),
        "problems": selectors.problems(p), "satisfaction": selectors.satisfaction(p),
        "milestones": milestones, "signer": signer,
        "may_manage": authz.can(user, "projects.project.manage", p.compound),
        "may": may_household, "household": household, "share": share, "share_yuan": yuan(share) if share else "",
        "own": selectors.own_contribution(p, user),
        "notice_open": p.status == ProjectStatus.NOTICE and timezone.localdate() <= p.notice_until,
        "collecting": p.status in (ProjectStatus.APPROVED, ProjectStatus.RUNNING),
        "running": p.status == ProjectStatus.RUNNING,
        "accepted": p.status == ProjectStatus.ACCEPTED,
    })


def item_photo(request, pk: int):
    photo = ItemPhoto.objects.select_related("item__project__compound").filter(pk=pk).first()
    if photo is None:
        raise Http404
    authz.require(request.user, "projects.project.view", photo.item.project)
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


def supervise(request, pk: int):
    """The supervision report (施工监督): from the project page or a stairwell QR page, no login."""
    p = _project(pk)
    authz.require(request.user, "projects.problem.report", p)
    place = Node.objects.filter(code=request.GET.get("place") or request.POST.get("place") or "").first()
    if place is not None and not place.path.startswith(p.compound.path):
        place = None
    error, values = None, {}
    if request.method == "POST":
        values = request.POST
        try:
            _refuse_nul(request)
            problem = svc.problem_report(
                project=p, kind=request.POST.get("kind", ""), description=request.POST.get("description", ""),
                node=place, files=request.FILES.getlist("photos"), contact_name=request.POST.get("contact_name", ""),
                contact_phone=request.POST.get("contact_phone", ""), by=request.user,
                client_token=request.POST.get("client_token") or None)
            return redirect(reverse("case_track", args=[problem.case.tracking_code]) + "?sent=1")
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    return render(request, "projects/supervise.html", {
        "p": p, "place": org_selectors.public_place_name(place or p.compound), "place_code": place.code if place else "",
        "kinds": ProblemKind.choices, "running": p.status == ProjectStatus.RUNNING, "error": error, "values": values,
        "client_token": secrets.token_hex(16)}, status=422 if error else 200)


# --- residents' actions -------------------------------------------------------------------------

@_action(lambda pk: _project_url(pk, "opinion"), gettext_lazy("Thank you: your opinion is recorded."))
def comment(request, pk: int):
    svc.comment_add(project=_project(pk), support=request.POST.get("support") == "yes",
                    text=request.POST.get("text", ""), by=request.user)


@_action(lambda pk: _project_url(pk, "money"), gettext_lazy("Your pledge is recorded. Pay as the committee says; it shows as paid once confirmed."))
def pledge(request, pk: int):
    p = _project(pk)
    amount = svc.parse_yuan(request.POST.get("amount")) if p.share_rule == ShareRule.VOLUNTARY else None
    svc.pledge_add(project=p, amount=amount, by=request.user)


@_action(lambda pk: _project_url(pk, "acceptance"), gettext_lazy("Thank you for your rating."))
def rate(request, pk: int):
    svc.rating_add(project=_project(pk), score=whole_number(request.POST.get("score"), default=0) or 0,
                   by=request.user)


def _milestone_project(pk: int) -> str:
    m = Milestone.objects.filter(pk=pk).first()
    return _project_url(m.project_id, "timeline") if m else reverse("home")


@_action(_milestone_project, gettext_lazy("Milestone signed off."))
def milestone_sign(request, pk: int):
    m = Milestone.objects.filter(pk=pk).select_related("project").first()
    if m is None:
        raise Http404
    svc.milestone_sign(milestone=m, by=request.user)


# --- managers ------------------------------------------------------------------------------------

def _manage_url(pk: int) -> str:
    return reverse("project_manage", args=[pk])


@login_required
def manage(request, pk: int):
    p = _project(pk)
    authz.require(request.user, "projects.project.manage", p.compound)
    return render(request, "projects/manage.html", {
        "p": p, "money": selectors.money(p), "sources": Source.choices,
        "pending": list(selectors.pending_contributions(p, request.user)),
        "confirmed": list(selectors.confirmed_contributions(p, request.user)),
        "items": list(p.items.all()), "milestones": list(p.milestones.all()),
        "comments": selectors.comments(p), "today": timezone.localdate(),
        "states": ContributionState, "client_token": secrets.token_hex(16)})


@login_required
def project_new(request, code: str):
    compound = Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()
    if compound is None:
        raise Http404
    authz.require(request.user, "projects.project.manage", compound)
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            _refuse_nul(request)
            p = svc.project_create(
                compound=compound, kind=post.get("kind", ""), title=post.get("title", ""),
                description=post.get("description", ""),
                contractor={"name": post.get("contractor", ""), "contact_name": post.get("contractor_contact", ""),
                            "phone": post.get("contractor_phone", ""),
                            "person": _person(post.get("contractor_username", ""))},
                supervisor={"name": post.get("supervisor", ""), "contact_name": post.get("supervisor_contact", ""),
                            "phone": post.get("supervisor_phone", ""),
                            "person": _person(post.get("supervisor_username", ""))},
                notice_until=_date(post.get("notice_until")), start_date=_date(post.get("start_date")),
                end_date=_date(post.get("end_date")), share_rule=post.get("share_rule", ""),
                share_amount=_yuan_or_zero(post.get("share_amount")), name_display=post.get("name_display", ""),
                opinion_ref=post.get("opinion_ref", ""), by=request.user)
            messages.success(request, _("The notice is published."))
            return redirect(_manage_url(p.pk))
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    return render(request, "projects/new.html", {
        "compound": compound, "place": org_selectors.public_place_name(compound), "kinds": ProjectKind.choices,
        "rules": ShareRule.choices, "displays": NameDisplay.choices, "error": error, "values": request.POST},
        status=422 if error else 200)


def _person(username: str) -> Person | None:
    username = (username or "").strip()
    if not username:
        return None
    person = Person.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise InvalidInput("projects.person", _("No person with this user name."))
    return person


@_action(_manage_url, gettext_lazy("Saved."))
def committee_add(request, pk: int):
    authz.require(request.user, "projects.project.manage", _project(pk).compound)  # before reading the form
    person = _person(request.POST.get("username", ""))
    if person is None:
        raise InvalidInput("projects.person", _("No person with this user name."))
    svc.committee_add(project=_project(pk), person=person, title=request.POST.get("title", ""), by=request.user)


@_action(_manage_url, gettext_lazy("Saved."))
def item_add(request, pk: int):
    authz.require(request.user, "projects.project.manage", _project(pk).compound)  # before reading the form
    qty = whole_number(request.POST.get("quantity"), default=0) or 0
    svc.item_add(project=_project(pk), title=request.POST.get("title", ""), quantity=qty,
                 unit=request.POST.get("unit", ""), budget=_yuan_or_zero(request.POST.get("budget")), by=request.user)


@_action(_manage_url, gettext_lazy("Saved."))
def budget_set(request, pk: int):
    authz.require(request.user, "projects.project.manage", _project(pk).compound)  # before reading the form
    svc.budget_set(project=_project(pk), source=request.POST.get("source", ""),
                   planned=svc.parse_yuan(request.POST.get("planned")), by=request.user)


@_action(_manage_url, gettext_lazy("Saved."))
def milestone_add(request, pk: int):
    authz.require(request.user, "projects.project.manage", _project(pk).compound)  # before reading the form
    svc.milestone_add(project=_project(pk), title=request.POST.get("title", ""), due=_date(request.POST.get("due")),
                      by=request.user)


@_action(_manage_url, gettext_lazy("The decision is recorded."))
def decide(request, pk: int):
    svc.project_decide(project=_project(pk), approve=request.POST.get("approve") == "yes",
                       note=request.POST.get("note", ""), by=request.user)


@_action(_manage_url, gettext_lazy("Construction has started."))
def start(request, pk: int):
    svc.project_start(project=_project(pk), by=request.user)


@_action(_manage_url, gettext_lazy("The money is recorded on the ledger."))
def record(request, pk: int):
    authz.require(request.user, "projects.project.manage", _project(pk).compound)  # before reading the form
    svc.contribution_record(project=_project(pk), source=request.POST.get("source", ""),
                            amount=svc.parse_yuan(request.POST.get("amount")), payer=request.POST.get("payer", ""),
                            by=request.user, client_token=request.POST.get("client_token") or None)


@_action(_manage_url, gettext_lazy("The project is accepted and its final accounts are published."))
def accept(request, pk: int):
    svc.project_accept(project=_project(pk), by=request.user)


def _contribution_manage(pk: int) -> str:
    c = Contribution.objects.filter(pk=pk).first()
    return _manage_url(c.project_id) if c else reverse("home")


def _contribution(pk: int) -> Contribution:
    c = Contribution.objects.filter(pk=pk).select_related("project__compound").first()
    if c is None:
        raise Http404
    return c


@_action(_contribution_manage, gettext_lazy("Payment confirmed."))
def contribution_confirm(request, pk: int):
    svc.contribution_confirm(contribution=_contribution(pk), by=request.user)


@_action(_contribution_manage, gettext_lazy("Refunded."))
def contribution_refund(request, pk: int):
    svc.contribution_refund(contribution=_contribution(pk), by=request.user)


@_action(_contribution_manage, gettext_lazy("Pledge cancelled."))
def contribution_cancel(request, pk: int):
    svc.contribution_cancel(contribution=_contribution(pk), by=request.user)


def _item_manage(pk: int) -> str:
    item = ScopeItem.objects.filter(pk=pk).first()
    return _manage_url(item.project_id) if item else reverse("home")


def _item(pk: int) -> ScopeItem:
    item = ScopeItem.objects.filter(pk=pk).select_related("project__compound").first()
    if item is None:
        raise Http404
    return item


@_action(_item_manage, gettext_lazy("Paid."))
def item_pay(request, pk: int):
    authz.require(request.user, "projects.project.manage", _item(pk).project.compound)  # before reading the form
    svc.item_pay(item=_item(pk), amount=svc.parse_yuan(request.POST.get("amount")),
                 payee=request.POST.get("payee", ""), by=request.user,
                 client_token=request.POST.get("client_token") or None)


@_action(_item_manage, gettext_lazy("Photo added."))
def item_photo_add(request, pk: int):
    authz.require(request.user, "projects.project.manage", _item(pk).project.compound)  # before reading the form
    upload = request.FILES.get("photo")
    if upload is None:
        raise InvalidInput("projects.photo", _("Choose a photo."))
    svc.item_photo_add(item=_item(pk), upload=upload, after=request.POST.get("after") == "1", by=request.user)
