"""Mutual-aid pages (phone-first): the public board and tasks, volunteer
registration, sign-up and withdrawal, QR check-in, the resident's page and till
code, the merchant's till, takings and settlement, the alliance. Thin: each
view asks authz, calls one service and renders."""
from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.mutualaid import selectors
from linli.mutualaid import services as aid
from linli.mutualaid.models import Merchant, SignUp, Slot, Task, Volunteer
from linli.mutualaid.services.transitions import possible
from linli.numbers import ascii_digits, whole_number, yuan_to_fen
from linli.org.models import Node, NodeKind
from linli.org.posters import public_base_url, qr_svg


def _refuse_nul(request) -> None:
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        raise InvalidInput("mutualaid.nul", _("The request contains a NUL character."))


def _action(back):
    """POST-only action: a refusal comes back as a message on the page it was sent
    from; NotAllowed stays a 403."""
    def deco(view):
        @require_POST
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                _refuse_nul(request)
                view(request, *args, **kwargs)
            except NotAllowed:
                raise
            except DomainError as exc:
                messages.error(request, str(exc.message))
            return redirect(back(request, *args, **kwargs))
        return wrapper
    return deco


def parse_yuan(text) -> int:
    """'65' / '65.5' / '¥65.50' / '６５' -> fen."""
    fen = yuan_to_fen(text)
    if fen is None:
        raise InvalidInput("mutualaid.bill", _("Enter the bill in yuan, e.g. 65.00."))
    return fen


def _int(value, default: int = 0) -> int:
    """A whole-number field; anything else is refused with one message (InvalidInput)."""
    text = str(value or "").strip()
    if text.startswith("-") and whole_number(text[1:]) is not None:
        return -int(whole_number(text[1:]) or 0)  # a negative number: the service says what is allowed
    number = whole_number(value, default=default)
    if number is None:
        raise InvalidInput("mutualaid.number", _("Write whole numbers."))
    return number


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


# --- public ------------------------------------------------------------------------------

def board(request):
    authz.require(request.user, "mutualaid.board.view")
    return render(request, "mutualaid/board.html", {
        "board": selectors.board(), "may_manage": authz.can(request.user, "mutualaid.merchant.manage")})


def task_list(request):
    authz.require(request.user, "mutualaid.task.view")
    tasks = list(selectors.open_tasks()[:100])
    return render(request, "mutualaid/tasks.html", {
        "tasks": tasks, "may_post": authz.can(request.user, "mutualaid.task.manage"),
        "may_register": request.user.is_authenticated,
    })


def task_detail(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("node", "community"), pk=pk)
    authz.require(request.user, "mutualaid.task.view", task.node)
    user = request.user
    slots = list(selectors.slots_with_counts(task))
    manage = authz.can(user, "mutualaid.task.manage", task.node)
    may_signup = authz.can(user, "mutualaid.task.signup", task.node)
    mine = {}
    if user.is_authenticated:
        mine = {s.slot_id: s for s in SignUp.objects.filter(slot__task=task, person=user, status__in=[
            "confirmed", "waiting", "completed"])}
    now = timezone.now()
    for s in slots:
        s.mine = mine.get(s.pk)
        s.may_withdraw = s.mine is not None and possible("signup", "withdraw", s.mine.status) and now < s.starts_at
        s.open = task.status == "open" and now <= task.signup_deadline
        if manage:
            s.people = list(s.signups.select_related("person").order_by("created_at", "id"))
            for su in s.people:
                su.may_confirm = su.status == "confirmed" and su.person_id != user.pk and now >= s.starts_at
    return render(request, "mutualaid/task.html", {
        "task": task, "slots": slots, "manage": manage, "may_signup": may_signup, "now": now,
    })


# --- volunteers ----------------------------------------------------------------------------

@login_required
def volunteer_page(request):
    authz.require(request.user, "mutualaid.volunteer.register", request.user)
    communities = aid.home_communities(request.user)
    mine = list(Volunteer.objects.filter(person=request.user).select_related("node"))
    error = None
    if request.method == "POST":
        try:
            _refuse_nul(request)
            community = Node.objects.filter(code=request.POST.get("community", ""), kind=NodeKind.COMMUNITY).first()
            if community is None:
                raise InvalidInput("mutualaid.community", _("Choose your community."))
            aid.volunteer_register(person=request.user, community=community, skills=request.POST.get("skills", ""),
                                   availability=request.POST.get("availability", ""),
                                   phone=request.POST.get("phone", ""), by=request.user)
            messages.success(request, _("Registered. The community will confirm you soon."))
            return redirect("aid_volunteer")
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "mutualaid/volunteer.html", {"communities": communities, "mine": mine, "error": error},
                  status=422 if error else 200)


@login_required
def volunteer_registry(request, code: str):
    community = get_object_or_404(Node, code=code, kind=NodeKind.COMMUNITY)
    authz.require(request.user, "mutualaid.volunteer.view", community)
    volunteers = list(selectors.volunteers_visible(viewer=request.user, community=community))
    for v in volunteers:
        v.may_confirm = possible("volunteer", "confirm", v.status)
        v.may_refuse = possible("volunteer", "refuse", v.status)
    return render(request, "mutualaid/registry.html", {"community": community, "volunteers": volunteers})


def _registry_url(request, pk, *a, **k):
    return reverse("aid_registry", args=[get_object_or_404(Volunteer.objects.select_related("node"), pk=pk).node.code])


@_action(_registry_url)
def volunteer_decide(request, pk: int):
    volunteer = get_object_or_404(Volunteer, pk=pk)
    aid.volunteer_decide(volunteer=volunteer, confirm=request.POST.get("decision") == "confirm", by=request.user)
    messages.success(request, _("Decision recorded."))


# --- sign-up and check-in ------------------------------------------------------------------

def _task_url(request, pk, *a, **k):
    return reverse("aid_task", args=[get_object_or_404(Slot, pk=pk).task_id])


@_action(_task_url)
def signup(request, pk: int):
    slot = get_object_or_404(Slot, pk=pk)
    su = aid.signup_create(slot=slot, by=request.user)
    if su.status == "waiting":
        messages.success(request, _("The slot is full: you are on the waiting list and move up when a place frees."))
    else:
        messages.success(request, _("Signed up. Scan the QR code on site during the slot to check in."))


def _signup_task_url(request, pk, *a, **k):
    return reverse("aid_task", args=[get_object_or_404(SignUp.objects.select_related("slot"), pk=pk).slot.task_id])


@_action(_signup_task_url)
def withdraw(request, pk: int):
    su = get_object_or_404(SignUp, pk=pk)
    if su.person_id != request.user.pk:
        authz.require(request.user, "mutualaid.task.manage", su.slot.task.node)
    aid.signup_withdraw(signup=su, by=request.user)
    messages.success(request, _("Withdrawn. Your place goes to the first on the waiting list."))


@_action(_signup_task_url)
def confirm_completion(request, pk: int):
    su = get_object_or_404(SignUp.objects.select_related("slot__task__node", "person"), pk=pk)
    authz.require(request.user, "mutualaid.task.manage", su.slot.task.node)
    done = aid.completion_confirm(signup=su, by=request.user)
    messages.success(request, _("Completion confirmed: %(points)s points to %(name)s.")
                     % {"points": done.points, "name": su.person})


def checkin_url(request, slot: Slot) -> str:
    return public_base_url(request) + reverse("aid_checkin", args=[slot.token])


@login_required
def slot_qr(request, pk: int):
    """The organiser's page with the slot's check-in QR code, to show or print on site."""
    slot = get_object_or_404(Slot.objects.select_related("task__node"), pk=pk)
    authz.require(request.user, "mutualaid.task.manage", slot.task.node)
    url = checkin_url(request, slot)
    return render(request, "mutualaid/slot_qr.html", {"slot": slot, "task": slot.task, "qr": qr_svg(url), "url": url})


@login_required
def checkin(request, token: str):
    slot = Slot.objects.select_related("task__node").filter(token=token[:40]).first()
    if slot is None:
        raise Http404
    if not authz.can(request.user, "mutualaid.task.signup", slot.task.node):
        # Someone scanned the code who is not (yet) a volunteer here: say what to do, not just "no".
        return render(request, "mutualaid/checkin.html", {"slot": slot, "task": slot.task, "not_volunteer": True,
                                                          "registered": Volunteer.objects.filter(
                                                              person=request.user).exists()}, status=403)
    done = slot.completions.filter(person=request.user).first()
    error = None
    if request.method == "POST":
        try:
            done = aid.checkin_scan(token=token, by=request.user)
            messages.success(request, _("Checked in: %(points)s points are yours. Thank you!") % {"points": done.points})
            return redirect("aid_checkin", token)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "mutualaid/checkin.html", {"slot": slot, "task": slot.task, "done": done, "error": error},
                  status=409 if error else 200)


# --- the resident --------------------------------------------------------------------------

@login_required
def me(request):
    authz.require(request.user, "mutualaid.points.view_own", request.user)
    return render(request, "mutualaid/me.html", {
        "summary": selectors.person_summary(request.user), "history": selectors.person_history(request.user),
        "upcoming": list(selectors.upcoming_signups(request.user)),
        "shops": selectors.merchants_of(request.user),
        "volunteering": list(Volunteer.objects.filter(person=request.user).select_related("node")),
    })


@login_required
def till_code(request):
    """The code to show at the till: a fresh one on every visit (POST), valid two minutes."""
    authz.require(request.user, "mutualaid.points.view_own", request.user)
    if request.method != "POST":
        return render(request, "mutualaid/code.html", {"code": None,
                                                       "summary": selectors.person_summary(request.user)})
    code = aid.tillcode_issue(person=request.user, by=request.user)
    renewals = request.POST.get("renewals", "0")
    return render(request, "mutualaid/code.html", {
        "code": code, "qr": qr_svg(code.token), "seconds": int((code.expires_at - timezone.now()).total_seconds()),
        # How many times the page renewed the code by itself (till-code.js stops after five).
        "renewals": min(int(renewals), 5) if ascii_digits(renewals) == renewals and len(renewals) < 3 else 0,
        "summary": selectors.person_summary(request.user),
    })


# --- the merchant --------------------------------------------------------------------------

def _merchant(code: str) -> Merchant:
    return get_object_or_404(Merchant.objects.select_related("node"), code=code)


@login_required
def till(request, code: str):
    merchant = _merchant(code)
    aid.require_till(request.user, merchant)
    ctx: dict[str, Any] = {"merchant": merchant, "quote": None, "done": None, "error": None,
           "rule": aid.rule_for(merchant.node), "step_yuan": f"{aid.rule_for(merchant.node).step_fen / 100:g}"}
    if request.method == "POST":
        ctx["code_value"], ctx["bill_value"] = request.POST.get("code", "").strip(), request.POST.get("bill", "").strip()
        try:
            _refuse_nul(request)
            bill = parse_yuan(ctx["bill_value"])
            if request.POST.get("step") == "confirm":
                done = aid.redemption_confirm(merchant=merchant, code=ctx["code_value"], bill_fen=bill, by=request.user)
                ctx["done"] = {"points": done.points, "bill": yuan(done.bill_fen),
                               "to_pay": yuan(done.bill_fen - done.points * aid.rule_for(merchant.node).fen_per_point)}
                ctx["code_value"] = ctx["bill_value"] = ""
            else:
                q = aid.redemption_quote(merchant=merchant, code=ctx["code_value"], bill_fen=bill, by=request.user)
                ctx["quote"] = {"points": q.points, "discount": yuan(q.discount_fen), "to_pay": yuan(q.to_pay_fen),
                                "bill": yuan(q.bill_fen), "balance": q.balance}
        except NotAllowed:
            raise
        except DomainError as exc:
            ctx["error"] = str(exc.message)
    return render(request, "mutualaid/till.html", ctx, status=409 if ctx["error"] else 200)


@login_required
def takings(request, code: str):
    merchant = _merchant(code)
    is_staff = aid.may_till(request.user, merchant)
    manage = authz.can(request.user, "mutualaid.merchant.manage", merchant)
    if not (is_staff or manage):
        raise NotAllowed("forbidden", _("You may not do this here."))
    t = selectors.merchant_takings(merchant)
    for r in t["redemptions"]:
        r.bill = yuan(r.bill_fen)
    return render(request, "mutualaid/takings.html", {"merchant": merchant, "t": t, "manage": manage,
                                                      "bills": yuan(t["bills_fen"]), "money": yuan(t["money_fen"])})


@_action(lambda request, code: reverse("aid_takings", args=[code]))
def settle(request, code: str):
    merchant = _merchant(code)
    money = parse_yuan(request.POST["money"]) if request.POST.get("money", "").strip() else 0
    s = aid.merchant_settle(merchant=merchant, money_fen=money, by=request.user)
    messages.success(request, _("Settled: %(points)s points back to the community pool.") % {"points": s.points})


# --- the alliance --------------------------------------------------------------------------

def alliance(request, code: str):
    community = get_object_or_404(Node, code=code, kind=NodeKind.COMMUNITY)
    authz.require(request.user, "mutualaid.alliance.view", community)
    data = selectors.alliance(community)
    return render(request, "mutualaid/alliance.html", {
        "community": community, **data, "rule": aid.rule_for(community),
        "may_score": authz.can(request.user, "mutualaid.alliance.score", community),
        "period": f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}",
    })


@_action(lambda request, code: reverse("aid_alliance", args=[code]))
def alliance_score(request, code: str):
    merchant = _merchant(request.POST.get("merchant", ""))
    scores = {}
    for key, value in request.POST.items():
        if key.startswith("c"):
            criterion, score = whole_number(key[1:]), whole_number(value)
            if criterion is None or score is None:
                raise InvalidInput("mutualaid.score", _("A score is a whole number from 0 to 100."))
            scores[criterion] = score
    s = aid.merchant_score(merchant=merchant, period=request.POST.get("period", ""), scores=scores,
                           note=request.POST.get("note", ""), by=request.user)
    messages.success(request, _("Scored %(total)s.") % {"total": s.total})


# --- organisers -----------------------------------------------------------------------------

@login_required
def task_new(request):
    authz.require(request.user, "mutualaid.task.manage")
    error = None
    if request.method == "POST":
        try:
            _refuse_nul(request)
            node = Node.objects.filter(code=request.POST.get("place_code", "").strip()).first()
            if node is None:
                raise InvalidInput("mutualaid.node", _("No place with this code."))
            day = dt.date.fromisoformat(request.POST.get("day", ""))
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(request.POST.get("start", ""))))
            end = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(request.POST.get("end", ""))))
            task = aid.task_post(node=node, title=request.POST.get("title", ""), place=request.POST.get("place", ""),
                                 places=_int(request.POST.get("places")), points=_int(request.POST.get("points")),
                                 signup_deadline=start - dt.timedelta(hours=1), slots=[(start, end)],
                                 description=request.POST.get("description", ""), by=request.user)
            return redirect("aid_task", task.pk)
        except NotAllowed:
            raise
        except ValueError:
            error = _("Write the day as 2026-06-01 and times as 09:00.")
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "mutualaid/task_new.html", {"error": error}, status=422 if error else 200)


# --- community staff -----------------------------------------------------------------------------

@login_required
def manage(request, code: str):
    """Community staff: the points pool, the rule, merchants and staff, the covenant and standard."""
    community = get_object_or_404(Node, code=code, kind=NodeKind.COMMUNITY)
    authz.require(request.user, "mutualaid.merchant.manage", community)
    if request.method == "POST":
        op, p, by = request.POST.get("op"), request.POST, request.user
        try:
            _refuse_nul(request)
            if op == "fund":
                aid.pool_fund(community=community, points=_int(p.get("points")), key=p.get("key", ""), by=by)
            elif op == "rule":
                aid.rule_set(community=community, step_fen=parse_yuan(p.get("step")),
                             points_per_step=_int(p.get("points_per_step")),
                             expiry_days=_int(p["expiry_days"]) if p.get("expiry_days") else None,
                             suspend_below=_int(p.get("suspend_below")), by=by)
            elif op == "merchant":
                aid.merchant_create(community=community, code=p.get("code", ""), name=p.get("name", ""),
                                    address=p.get("address", ""), by=by)
            elif op == "staff":
                from linli.org.models import Person

                person = Person.objects.filter(username=p.get("username", "").strip()).first()
                if person is None:
                    raise InvalidInput("mutualaid.person", _("No person with this user name."))
                aid.merchant_staff_add(merchant=_merchant(p.get("merchant", "")), person=person, by=by)
            elif op == "covenant":
                aid.covenant_publish(community=community, text=p.get("text", ""), by=by)
            elif op == "criterion":
                aid.criterion_add(community=community, name=p.get("name", ""), weight=_int(p.get("weight")),
                                  evidence=p.get("evidence", ""), by=by)
            messages.success(request, _("Saved."))
        except NotAllowed:
            raise
        except ValueError:
            messages.error(request, _("Write whole numbers."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("aid_manage", community.code)
    rule = aid.rule_for(community)
    return render(request, "mutualaid/manage.html", {
        "community": community, "rule": rule, "step_yuan": f"{rule.step_fen / 100:g}",
        "pool": aid.pool_account(community), "merchants": Merchant.objects.filter(node=community).order_by("name"),
        "key": timezone.now().strftime("%Y%m%d%H%M%S"),
    })
