"""Fund and crowdfunding pages: public to everyone; forms only for those authz allows."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli import authz
from linli.disclosure import funds, services
from linli.disclosure.accounting import fund_account_code
from linli.disclosure.models import (
    CrowdfundingCampaign,
    Fund,
    FundKind,
    IncomeSource,
    Party,
    Pledge,
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
        raise InvalidInput("fund.deadline", _("The deadline must lie in the future.")) from exc
    funds.campaign_create(fund=fund, title=request.POST.get("title", ""), target=_yuan_or_error(request.POST.get("target")),
                          deadline=deadline, description=request.POST.get("description", ""), by=request.user)
    messages.success(request, _("CrowdfundingCampaign started."))


def campaign_detail(request, pk: int):
    c = get_object_or_404(CrowdfundingCampaign.objects.select_related("fund__node"), pk=pk)
    authz.require(request.user, "disclosure.fund.view", c.fund.node)
    pledges = list(c.pledges.all())
    _progress(c, pledges)
    return render(request, "disclosure/campaign.html", {
        "c": c, "pledges": pledges, "by_source": {str(IncomeSource(k).label): yuan(v) for k, v in c.by_source.items()},  # type: ignore[attr-defined]
        "may_manage": c.state == "open" and authz.can(request.user, "disclosure.fund.manage", c.fund.node),
        "sources": IncomeSource.choices, "escrow": funds.escrow_account_of(c),
    })


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
    messages.success(request, _("CrowdfundingCampaign closed: %(state)s") % {"state": c.get_state_display()})
