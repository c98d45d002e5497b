"""Fund and crowdfunding pages: public to everyone; forms only for those authz allows."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from linli import authz, throttle
from linli.disclosure import funds, services
from linli.disclosure.accounting import fund_account_code
from linli.disclosure.models import (
    CrowdfundingCampaign,
    Fund,
    FundKind,
    IncomeSource,
    NameShown,
    Party,
    Pledge,
    PledgeState,
    SpendingRequest,
    yuan,
)
from linli.disclosure.views import _action, _form_key, new_form_key, refuse_nul
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger.models import Account


def _yuan_or_error(text) -> int:
    return services.parse_amount(text)


def fund_index(request):
    authz.require(request.user, "disclosure.fund.view")
    all_funds = list(Fund.objects.select_related("node"))
    accounts = {a.code: a for a in Account.objects.select_related("asset").filter(
        code__in=[fund_account_code(f) for f in all_funds])}
    for f in all_funds:
        f.account = accounts.get(fund_account_code(f))  # type: ignore[attr-defined]  # reads only: a page never opens an account
    error = None
    may_create = authz.can(request.user, "disclosure.fund.manage")
    if request.method == "POST" and may_create:
        try:
            refuse_nul(request)
            node = funds.place_by_code(request.POST.get("place", ""))
            fund = funds.fund_create(node=node, code=request.POST.get("code", ""), name=request.POST.get("name", ""),
                                     kind=request.POST.get("kind", ""), purpose=request.POST.get("purpose", ""),
                                     approval_days=int(request.POST.get("approval_days") or 14), by=request.user)
            return redirect("fund_detail", fund.code)
        except NotAllowed:
            raise
        except (DomainError, ValueError) as exc:
            error = str(getattr(exc, "message", exc))
    return render(request, "disclosure/funds.html", {"funds": all_funds, "may_create": may_create, "error": error,
                                                     "kinds": FundKind.choices}, status=422 if error else 200)


def _progress(c: CrowdfundingCampaign, pledges=None) -> CrowdfundingCampaign:
    progress = funds.campaign_progress(c, pledges)
    c.received, c.pct, c.by_source = progress["received"], progress["pct"], progress["by_source"]  # type: ignore[attr-defined]
    c.received_yuan, c.target_yuan = yuan(c.received), yuan(c.target)  # type: ignore[attr-defined]
    return c


def fund_detail(request, code: str):
    fund = get_object_or_404(Fund.objects.select_related("node"), code=code)
    authz.require(request.user, "disclosure.fund.view", fund.node)
    user = request.user
    reqs = list(fund.requests.prefetch_related("approvals__person").select_related("requested_by"))
    for r in reqs:
        r.may_decide = funds.decider(user, r) is not None  # type: ignore[attr-defined]
        r.amount_yuan = yuan(r.amount)  # type: ignore[attr-defined]
    manage = authz.can(user, "disclosure.fund.manage", fund.node)
    return render(request, "disclosure/fund.html", {
        "fund": fund, "account": funds.fund_account_of(fund), "requests": reqs,
        "supervisors": fund.supervisors.select_related("person").order_by("level", "party"),
        "donations": fund.donations.all()[:100], "campaigns": [_progress(c) for c in fund.campaigns.all()],
        "may_manage": manage, "may_spend": authz.can(user, "disclosure.fund.spend", fund.node),
        "parties": Party.choices, "sources": IncomeSource.choices, "form_key": new_form_key(),
        "in_a_month": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    })


def _fund_url(code, *a, **k):
    return reverse("fund_detail", args=[code])


@_action(_fund_url)
def fund_donate(request, code: str):
    fund = get_object_or_404(Fund.objects.select_related("node"), code=code)
    authz.require(request.user, "disclosure.fund.manage", fund.node)
    funds.fund_donate(fund=fund, amount=_yuan_or_error(request.POST.get("amount")), name=request.POST.get("name", ""),
                      anonymous=bool(request.POST.get("anonymous")), source=request.POST.get("source", "donation"),
                      memo=request.POST.get("memo", ""), key=_form_key(request, f"fund:{fund.code}"), by=request.user)
    messages.success(request, _("Recorded in the fund's public ledger."))


@_action(_fund_url)
def fund_supervisor(request, code: str):
    fund = get_object_or_404(Fund, code=code)
    authz.require(request.user, "disclosure.fund.manage", fund.node)
    person = funds.person_by_username(request.POST.get("username", ""))
    try:
        level = int(request.POST.get("level", ""))
    except ValueError:
        level = 0
    funds.supervisor_add(fund=fund, person=person, party=request.POST.get("party", ""), level=level, by=request.user)
    messages.success(request, _("Supervisor added."))


@_action(_fund_url)
def fund_spend(request, code: str):
    fund = get_object_or_404(Fund, code=code)
    authz.require(request.user, "disclosure.fund.spend", fund.node)
    funds.spend_request(fund=fund, amount=_yuan_or_error(request.POST.get("amount")), payee=request.POST.get("payee", ""),
                        purpose=request.POST.get("purpose", ""), key=_form_key(request, f"spend:{fund.code}"),
                        by=request.user)
    messages.success(request, _("Request recorded; the money is reserved until the supervisors decide."))


def _request_fund_url(pk, *a, **k):
    return _fund_url(get_object_or_404(SpendingRequest.objects.select_related("fund"), pk=pk).fund.code)


@_action(_request_fund_url)
def spend_decide(request, pk: int):
    req = get_object_or_404(SpendingRequest, pk=pk)
    req = funds.spend_decide(request=req, approve=request.POST.get("decision") == "approve",
                             note=request.POST.get("note", ""), by=request.user)
    messages.success(request, _("Decision recorded: %(state)s") % {"state": req.get_state_display()})


@_action(_fund_url)
def campaign_new(request, code: str):
    fund = get_object_or_404(Fund, code=code)
    authz.require(request.user, "disclosure.fund.manage", fund.node)
    try:
        deadline = dt.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError as exc:
        raise InvalidInput("fund.deadline", pgettext("crowdfunding", "The deadline must lie in the future.")) from exc
    funds.campaign_create(fund=fund, title=request.POST.get("title", ""), target=_yuan_or_error(request.POST.get("target")),
                          deadline=deadline, description=request.POST.get("description", ""), by=request.user)
    messages.success(request, _("Campaign started."))


def campaign_detail(request, pk: int, *, offer=None, error=None, status: int = 200):
    c = get_object_or_404(CrowdfundingCampaign.objects.select_related("fund__node"), pk=pk)
    authz.require(request.user, "disclosure.fund.view", c.fund.node)
    pledges = list(c.pledges.all())
    _progress(c, pledges)
    mine = None
    ref = request.GET.get("pledged", "")
    if ref.isdigit():  # the thank-you after a pledge: only to the browser that sent it
        mine = next((p for p in pledges if p.pk == int(ref) and p.client_key
                     and p.client_key.startswith(_pledge_scope(request, c) + ":")), None)
    return render(request, "disclosure/campaign.html", {
        "c": c, "pledges": [p for p in pledges if p.state != PledgeState.REJECTED],
        "pending": sum(p.amount for p in pledges if p.state == PledgeState.PLEDGED),
        "by_source": {str(IncomeSource(k).label): yuan(v) for k, v in c.by_source.items()},  # type: ignore[attr-defined]
        "may_manage": c.state == "open" and authz.can(request.user, "disclosure.fund.manage", c.fund.node),
        "may_pledge": c.state == "open" and c.deadline >= timezone.localdate()
        and authz.can(request.user, "disclosure.pledge.offer", c.fund.node),
        "sources": IncomeSource.choices, "escrow": funds.escrow_account_of(c), "shown_choices": NameShown.choices,
        "offer": offer or {"shown": NameShown.FULL}, "offer_error": error, "form_key": new_form_key(), "mine": mine,
    }, status=status)


# --- residents' own pledges ------------------------------------------------------------

PLEDGE_THROTTLE = (10, 600)


def _pledge_scope(request, c: CrowdfundingCampaign) -> str:
    """Whose one-time keys these are: the signed-in person, or this browser (a digest of
    its CSRF cookie, which the campaign page sets and every POST carries)."""
    import hashlib

    from django.conf import settings

    if request.user.is_authenticated:
        who = f"person:{request.user.pk}"
    else:
        secret = request.META.get("CSRF_COOKIE") or ""
        who = "browser:" + hashlib.sha256(f"{settings.SECRET_KEY}:browser:{secret}".encode()).hexdigest()[:32]
    return f"pledge:{c.pk}:{who}"


@require_POST
def pledge_offer(request, pk: int):
    """A resident pledges on the public campaign page (no login needed): recorded as
    pending until a manager confirms that the money arrived."""
    c = get_object_or_404(CrowdfundingCampaign.objects.select_related("fund__node"), pk=pk)
    authz.require(request.user, "disclosure.pledge.offer", c.fund.node)
    offer = {k: request.POST.get(k, "")[:100] for k in ("name", "amount", "shown")}
    try:
        refuse_nul(request)
        hits, window = throttle.rate("LINLI_PLEDGE_THROTTLE", PLEDGE_THROTTLE)
        throttle.check_and_count(throttle.client_key(request, "disclosure.pledge"), limit=hits, window=window)
        token = (request.POST.get("key") or "").strip()[:64]
        p = funds.pledge_offer(campaign=c, amount=_yuan_or_error(offer["amount"]), name=offer["name"],
                               shown=offer["shown"], key=f"{_pledge_scope(request, c)}:{token}" if token else None,
                               by=request.user)
    except NotAllowed:
        raise
    except DomainError as exc:
        return campaign_detail(request, pk, offer=offer, error=exc.message, status=exc.status)
    return redirect(reverse("campaign_detail", args=[c.pk]) + f"?pledged={p.pk}#mine")


def campaign_pledges(request, pk: int):
    """The managers' page of a campaign's pledges: confirm that the money arrived, or reject."""
    c = get_object_or_404(CrowdfundingCampaign.objects.select_related("fund__node"), pk=pk)
    authz.require(request.user, "disclosure.fund.manage", c.fund.node)
    pledges = list(c.pledges.select_related("decided_by", "pledged_by"))
    _progress(c, pledges)
    return render(request, "disclosure/campaign_pledges.html", {
        "c": c, "waiting": [p for p in pledges if p.state == PledgeState.PLEDGED],
        "decided": [p for p in pledges if p.state != PledgeState.PLEDGED], "open": c.state == "open",
    })


def _pledge_list_url(pk, *a, **k):
    return reverse("campaign_pledges", args=[get_object_or_404(Pledge, pk=pk).campaign_id])


@_action(_pledge_list_url)
def pledge_reject(request, pk: int):
    funds.pledge_reject(pledge=get_object_or_404(Pledge.objects.select_related("campaign__fund__node"), pk=pk),
                        reason=request.POST.get("reason", ""), by=request.user)
    messages.success(request, _("Pledge marked as not received."))


@_action(_pledge_list_url)
def pledge_confirm(request, pk: int):
    funds.pledge_receive(pledge=get_object_or_404(Pledge.objects.select_related("campaign__fund__node"), pk=pk),
                         by=request.user)
    messages.success(request, _("Receipt recorded in the public ledger."))


def _campaign_url(pk, *a, **k):
    return reverse("campaign_detail", args=[pk])


@_action(_campaign_url)
def pledge_new(request, pk: int):
    c = get_object_or_404(CrowdfundingCampaign.objects.select_related("fund__node"), pk=pk)
    authz.require(request.user, "disclosure.fund.manage", c.fund.node)
    funds.pledge_add(campaign=c, source=request.POST.get("source", ""), amount=_yuan_or_error(request.POST.get("amount")),
                     name=request.POST.get("name", ""), anonymous=bool(request.POST.get("anonymous")), by=request.user)
    messages.success(request, _("Pledge recorded."))


def _pledge_campaign_url(pk, *a, **k):
    return _campaign_url(get_object_or_404(Pledge, pk=pk).campaign_id)


@_action(_pledge_campaign_url)
def pledge_receive(request, pk: int):
    funds.pledge_receive(pledge=get_object_or_404(Pledge, pk=pk), by=request.user)
    messages.success(request, _("Receipt recorded in the public ledger."))


@_action(_campaign_url)
def campaign_close(request, pk: int):
    c = funds.campaign_close(campaign=get_object_or_404(CrowdfundingCampaign, pk=pk), by=request.user)
    messages.success(request, _("Campaign closed: %(state)s") % {"state": c.get_state_display()})
