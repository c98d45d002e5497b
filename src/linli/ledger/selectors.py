"""Reads of the ledger that depend on the viewer, exports, and verification."""
from __future__ import annotations

from django.db.models import Q, Sum

from linli import authz
from linli.ledger import chain
from linli.ledger.models import Account, Leg, Transaction
from linli.tabular import csv_text


def accounts_visible(*, viewer, node=None):
    """Public accounts for everyone, plus the accounts staff may see in their scope."""
    qs = Account.objects.select_related("asset", "node")
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    q = authz.scope_filter(viewer, "ledger.account.view", node_field="node")
    return qs if q is None else qs.filter(Q(is_public=True) | q)


def public_accounts():
    return Account.objects.filter(is_public=True).select_related("asset", "node").order_by("code")


def account_legs(account: Account, *, limit: int | None = None):
    qs = Leg.objects.filter(account=account).select_related("transaction", "account__asset").order_by("-seq")
    return qs[:limit] if limit else qs


def chain_head(account: Account, *, at=None) -> dict:
    """The chain head of an account as it stood at ``at`` (now if None)."""
    qs = Leg.objects.filter(account=account)
    if at is not None:
        qs = qs.filter(transaction__posted_at__lte=at)
    last = qs.order_by("-seq").first()
    return {
        "account": account.code,
        "seq": last.seq if last else 0,
        "hash": last.entry_hash if last else chain.GENESIS,
        "balance": last.balance_after if last else 0,
    }


def export_entries(account: Account) -> list[dict]:
    out = []
    for leg in Leg.objects.filter(account=account).select_related("transaction").order_by("seq"):
        out.append({
            "seq": leg.seq,
            "transaction": str(leg.transaction_id),
            "posted_at": chain.timestamp(leg.transaction.posted_at),
            "amount": leg.amount,
            "balance_after": leg.balance_after,
            "memo": leg.transaction.memo,
            "prev_hash": leg.prev_hash,
            "hash": leg.entry_hash,
        })
    return out


def export_json(account: Account) -> dict:
    entries = export_entries(account)
    return {
        "format": chain.EXPORT_FORMAT,
        "account": {"code": account.code, "name": account.name, "kind": account.kind, "asset": account.asset.code,
                    "scale": account.asset.scale, "owner": account.node.code},
        "genesis": chain.GENESIS,
        "entries": entries,
        "head": entries[-1]["hash"] if entries else chain.GENESIS,
        "balance": entries[-1]["balance_after"] if entries else 0,
    }


CSV_HEADER = ["seq", "transaction", "posted_at", "amount", "amount_yuan", "balance_after", "memo", "prev_hash", "hash"]


def export_csv(account: Account) -> str:
    rows = [CSV_HEADER]
    for e in export_entries(account):
        rows.append([e["seq"], e["transaction"], e["posted_at"], e["amount"], account.asset.format(e["amount"]),
                     e["balance_after"], e["memo"], e["prev_hash"], e["hash"]])
    return csv_text(rows)


def verify_all() -> list[str]:
    """Recompute every balance, reservation-free invariant and hash chain.
    Returns a list of problems, each naming its account (empty = all good)."""
    problems: list[str] = []
    for account in Account.objects.select_related("asset").order_by("id"):
        legs = list(Leg.objects.filter(account=account).select_related("transaction").order_by("seq"))
        total = sum(leg.amount for leg in legs)
        if total != account.balance:
            problems.append(f"{account.code}: cached balance {account.balance} != sum of legs {total}")
        if account.no_negative and account.balance < account.reserved:
            problems.append(f"{account.code}: below zero although it may not go negative")
        prev, running = chain.GENESIS, 0
        for i, leg in enumerate(legs, start=1):
            running += leg.amount
            content = chain.entry_content(
                account=account.code, seq=leg.seq, transaction=str(leg.transaction_id),
                posted_at=chain.timestamp(leg.transaction.posted_at), amount=leg.amount,
                balance_after=leg.balance_after, memo=leg.transaction.memo,
            )
            if leg.seq != i or leg.prev_hash != prev or leg.balance_after != running \
                    or chain.entry_hash(prev, content) != leg.entry_hash:
                problems.append(f"{account.code}: chain broken at entry {leg.seq} (transaction {leg.transaction_id})")
                break
            prev = leg.entry_hash
        else:
            if legs and prev != account.head_hash or not legs and account.head_hash != chain.GENESIS:
                problems.append(f"{account.code}: chain head does not match the last entry")
            if account.seq != len(legs):
                problems.append(f"{account.code}: entry count {account.seq} != {len(legs)} legs")
    unbalanced = (
        Leg.objects.values("transaction_id", "account__asset_id").annotate(total=Sum("amount")).exclude(total=0)
    )
    for row in unbalanced[:20]:
        tx = Transaction.objects.get(pk=row["transaction_id"])
        codes = ", ".join(leg.account.code for leg in tx.legs.select_related("account"))
        problems.append(f"{codes}: transaction {tx.pk} does not sum to zero")
    return problems
