"""Public ledger pages and downloads. Thin: look up, ask authz, render."""
from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from linli import authz
from linli.ledger import selectors
from linli.ledger.models import Account


def _account(request, code: str) -> Account:
    account = Account.objects.select_related("asset", "node").filter(code=code).first()
    if account is None:
        raise Http404
    authz.require(request.user, "ledger.public.view" if account.is_public else "ledger.account.view", account)
    return account


def _accounting(request) -> bool:
    """Owners read income and spending as positive amounts; ``?view=accounting``
    shows the ledger's debit and credit columns for accountants."""
    return request.GET.get("view") == "accounting"


def public_index(request):
    accounts = selectors.accounts_visible(viewer=request.user).order_by("node__path", "code")
    return render(request, "ledger/index.html", {"accounts": accounts, "accounting": _accounting(request)})


def account_detail(request, code: str):
    account = _account(request, code)
    legs = selectors.account_legs(account, limit=200)
    return render(request, "ledger/account.html", {"account": account, "legs": legs, "accounting": _accounting(request),
                                                   "head": selectors.chain_head(account)})


def verify_help(request):
    """How anyone checks a downloaded ledger (the "how to check" link beside a chain head)."""
    authz.require(request.user, "ledger.public.view")
    return render(request, "ledger/verify.html")


def account_json(request, code: str):
    account = _account(request, code)
    response = JsonResponse(selectors.export_json(account), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="ledger-{account.code.replace(":", "-")}.json"'
    return response


def account_csv(request, code: str):
    account = _account(request, code)
    response = HttpResponse(selectors.export_csv(account), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{account.code.replace(":", "-")}.csv"'
    return response
