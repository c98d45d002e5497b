"""The points accounts of a community on the ledger (asset PTS, integers).

``pts:<C>:issued`` (equity, runs negative) → ``pts:<C>:pool`` (the pool, public,
never negative) → ``pts:<C>:p:<person>`` (a resident) → ``pts:<C>:m:<merchant>``
(a merchant) → back to the pool when the merchant settles. Pool + residents +
merchants therefore stay equal to what was issued. An optional money
settlement moves yuan ``cny:<C>:aid`` → ``cny:<C>:m:<merchant>``.
"""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.ledger import services as ledger
from linli.ledger.models import Account
from linli.mutualaid.models import Event, EventKind, Merchant
from linli.mutualaid.services._common import community_of, event, positive_int
from linli.org.models import Node, Person


def issued_account(community: Node) -> Account:
    return ledger.account_open(code=f"pts:{community.code}:issued", name=f"{community.name} · 信义贝发行",
                               kind="equity", node=community, asset="PTS", is_public=True)


def pool_account(community: Node) -> Account:
    return ledger.account_open(code=f"pts:{community.code}:pool", name=f"{community.name} · 信义贝池",
                               kind="asset", node=community, asset="PTS", no_negative=True, is_public=True)


def person_account(community: Node, person: Person) -> Account:
    return ledger.account_open(code=f"pts:{community.code}:p:{person.pk}", name=f"{community.name} · 居民信义贝 {person.pk}",
                               kind="liability", node=community, asset="PTS", no_negative=True)


def merchant_account(merchant: Merchant) -> Account:
    return ledger.account_open(code=f"pts:{merchant.node.code}:m:{merchant.code}", name=f"{merchant.name} · 信义贝",
                               kind="liability", node=merchant.node, asset="PTS", no_negative=True, is_public=True)


def money_source_account(community: Node) -> Account:
    return ledger.account_open(code=f"cny:{community.code}:aid", name=f"{community.name} · 互助社商家结算",
                               kind="expense", node=community, asset="CNY", is_public=True)


def merchant_money_account(merchant: Merchant) -> Account:
    return ledger.account_open(code=f"cny:{merchant.node.code}:m:{merchant.code}", name=f"{merchant.name} · 结算款",
                               kind="liability", node=merchant.node, asset="CNY", is_public=True)


def person_account_if_any(community: Node, person: Person) -> Account | None:
    """Reads never open accounts."""
    return Account.objects.filter(code=f"pts:{community.code}:p:{person.pk}").first()


@transaction.atomic
def pool_fund(*, community: Node, points: int, key: str, by) -> Account:
    """Issue points into a community's pool (equity → pool), once per ``key``."""
    authz.require(by, "mutualaid.merchant.manage", community)
    community = community_of(community)
    positive_int(points, "mutualaid.points", _("Points are a whole number greater than zero."), maximum=10**8)
    pool = pool_account(community)
    tx = ledger.ledger_post(legs=[(issued_account(community), -points), (pool, points)],
                            idempotency_key=f"ma:fund:{community.code}:{key}", memo=f"{community.name} 发行信义贝", by=by)
    if not Event.objects.filter(kind=EventKind.POOL_FUNDED, data__transaction=str(tx.pk)).exists():  # not a replay
        event(community, EventKind.POOL_FUNDED, by, points=points, transaction=str(tx.pk))
    pool.refresh_from_db()
    return pool
