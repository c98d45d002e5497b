"""Ledger endpoints of the JSON API."""
from __future__ import annotations

from django.urls import reverse
from ninja import Router, Schema

from linli import authz
from linli.api.main import PUBLIC
from linli.ledger import selectors

router = Router(tags=["ledger"])


class PublicAccountOut(Schema):
    code: str
    name: str
    kind: str
    asset: str
    owner: str
    owner_name: str
    balance: int
    entries: int
    head: str
    page: str
    json_url: str
    csv_url: str


@router.get("/public", response={200: list[PublicAccountOut]}, auth=PUBLIC)
def public_accounts(request):
    """Every public account with its chain head and download links (no sign-in needed)."""
    authz.require(request.user if request.user.is_authenticated else None, "ledger.public.view")
    out = []
    for a in selectors.public_accounts():
        out.append(PublicAccountOut(
            code=a.code, name=a.name, kind=a.kind, asset=a.asset.code, owner=a.node.code, owner_name=a.node.name,
            balance=a.balance, entries=a.seq, head=a.head_hash,
            page=request.build_absolute_uri(reverse("ledger_account", args=[a.code])),
            json_url=request.build_absolute_uri(reverse("ledger_account_json", args=[a.code])),
            csv_url=request.build_absolute_uri(reverse("ledger_account_csv", args=[a.code])),
        ))
    return out
