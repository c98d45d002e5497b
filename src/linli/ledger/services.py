"""Everything that writes to the ledger.

These are the ledger's engine: they check the books (balance, overdraft,
idempotency) but not who asks — the services that call them (disclosure,
funds, points) authorise the person first. Each call runs in its own database
transaction, locks the accounts it touches in id order and retries on a
deadlock or serialization failure, so callers never see those. Inside an outer
transaction there is nothing to retry: it runs once in a savepoint.
"""
from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterable

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import DomainError, InvalidInput, NotFound
from linli.ledger import chain
from linli.ledger.models import Account, AccountKind, Asset, Leg, PendingState, PendingTransfer, Transaction
from linli.org.models import Node

MAX_ATTEMPTS = 12
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class LedgerConflict(DomainError):
    status = 409


# --- helpers ------------------------------------------------------------------

def _retryable(exc: Exception) -> bool:
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc) or "deadlock" in str(exc).lower()


def _run(fn):
    """Run ``fn`` in a transaction; retry it on deadlock/serialization failure or
    an idempotency-key race (the retry then finds the first result)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return fn()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return fn()
        except (OperationalError, IntegrityError) as exc:
            if attempt == MAX_ATTEMPTS:
                raise
            if isinstance(exc, OperationalError) and not _retryable(exc):
                raise
            if isinstance(exc, IntegrityError) and "idempotency_key" not in str(exc) and not _retryable(exc):
                raise
            time.sleep(random.uniform(0, 0.005 * attempt))
    raise AssertionError("unreachable")


def _request_hash(op: str, legs: list[tuple[int, int]], memo: str, extra: str = "") -> str:
    return hashlib.sha256(chain.canonical({"op": op, "legs": legs, "memo": memo, "extra": extra}).encode()).hexdigest()


def _norm_legs(legs: Iterable) -> list[tuple[int, int]]:
    """[(account or id, amount)] -> sorted [(account_id, amount)], validated in Python first
    so that bad input gets a clear message (the database checks again)."""
    out: dict[int, int] = {}
    try:
        items = list(legs)
    except TypeError as exc:
        raise InvalidInput("ledger.legs", _("A transaction needs at least two legs.")) from exc
    for item in items:
        try:
            account, amount = item
        except (TypeError, ValueError) as exc:
            raise InvalidInput("ledger.legs", _("Each leg is an account and an amount.")) from exc
        account_id = account.pk if isinstance(account, Account) else account
        if not isinstance(account_id, int) or isinstance(account_id, bool):
            raise InvalidInput("ledger.legs", _("Each leg is an account and an amount."))
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise InvalidInput("ledger.amount", _("Amounts are whole numbers of minor units (fen, points)."))
        if amount == 0:
            raise InvalidInput("ledger.amount", _("A leg of zero moves nothing."))
        if account_id in out:
            raise InvalidInput("ledger.legs", _("An account appears twice in one transaction."))
        out[account_id] = amount
    if len(out) < 2:
        raise InvalidInput("ledger.legs", _("A transaction needs at least two legs."))
    return sorted(out.items())


def _lock(account_ids: list[int]) -> dict[int, Account]:
    """Lock the accounts in id order (one order for everyone: no deadlock cycles)."""
    rows = list(Account.objects.select_for_update().filter(id__in=account_ids).order_by("id"))
    found = {a.pk: a for a in rows}
    if len(found) != len(set(account_ids)):
        raise NotFound("ledger.account", _("No such account."))
    return found


def _check_balanced(legs: list[tuple[int, int]], accounts: dict[int, Account]) -> None:
    sums: dict[int, int] = {}
    for account_id, amount in legs:
        asset_id = accounts[account_id].asset_id
        sums[asset_id] = sums.get(asset_id, 0) + amount
    if any(sums.values()):
        raise InvalidInput("ledger.unbalanced", _("The legs do not add up to zero for each asset."))


def _check_overdraft(account: Account, new_available: int) -> None:
    if account.no_negative and new_available < 0:
        raise LedgerConflict(
            "ledger.overdraft",
            _("Not enough in %(account)s: %(available)s available.")
            % {"account": account.name, "available": account.asset.format(account.available)},
        )


def _lock_and_replay(model, key: str, request_hash: str, legs: list[tuple[int, int]]):
    """Lock the accounts of ``legs``, then look for an earlier request under
    ``key``: (locked accounts, the first result or None). Locking first makes a
    replay racing its original wait for it instead of writing twice."""
    return _lock([a for a, _ in legs]), _replay(model, key, request_hash)


def _replay(model, key: str, request_hash: str):
    existing = model.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise LedgerConflict(
            "ledger.key_reused",
            _("This request key was already used for a different request; nothing was changed."),
        )
    return existing


def _db_check_balanced(tx: Transaction) -> None:
    """On SQLite (no deferred constraint triggers) the check runs as SQL over the
    written legs just before the transaction commits. PostgreSQL checks the same
    with a deferred constraint trigger at COMMIT (migration 0002)."""
    if connection.vendor == "postgresql":
        return
    rows = Leg.objects.filter(transaction=tx).values("account__asset_id").annotate(total=Sum("amount"))
    if len(Leg.objects.filter(transaction=tx)) < 2 or any(r["total"] for r in rows):
        raise IntegrityError(f"ledger transaction {tx.pk} is not balanced")


def _write(*, key: str, request_hash: str, legs: list[tuple[int, int]], accounts: dict[int, Account], memo: str,
           by=None, reverses: Transaction | None = None, release: dict[int, int] | None = None,
           value_date=None) -> Transaction:
    """Append a posted transaction to locked accounts: legs, hash chains, cached balances."""
    release = release or {}
    for account_id, amount in legs:
        account = accounts[account_id]
        _check_overdraft(account, account.balance + amount - (account.reserved - release.get(account_id, 0)))
    now = timezone.now()
    tx = Transaction.objects.create(
        idempotency_key=key, request_hash=request_hash, memo=memo, reverses=reverses, posted_at=now, created_by=by,
        value_date=value_date,
    )
    stamp = chain.timestamp(now)
    rows = []
    for account_id, amount in legs:
        account = accounts[account_id]
        account.seq += 1
        account.balance += amount
        account.reserved -= release.get(account_id, 0)
        content = chain.entry_content(account=account.code, seq=account.seq, transaction=str(tx.pk), posted_at=stamp,
                                      amount=amount, balance_after=account.balance, memo=memo)
        digest = chain.entry_hash(account.head_hash, content)
        rows.append(Leg(transaction=tx, account=account, amount=amount, seq=account.seq,
                        balance_after=account.balance, prev_hash=account.head_hash, entry_hash=digest))
        account.head_hash = digest
        account.save(update_fields=["seq", "balance", "reserved", "head_hash"])
    Leg.objects.bulk_create(rows)
    _db_check_balanced(tx)
    return tx


# --- accounts -----------------------------------------------------------------

STANDARD_ASSETS = {"CNY": ("人民币", 2), "PTS": ("信义贝", 0)}


def asset_get(code: str) -> Asset:
    """An asset by code; the two standard ones (CNY, PTS) always exist."""
    if code in STANDARD_ASSETS:
        name, scale = STANDARD_ASSETS[code]
        return Asset.objects.get_or_create(code=code, defaults={"name": name, "scale": scale})[0]
    try:
        return Asset.objects.get(code=code)
    except Asset.DoesNotExist as exc:
        raise NotFound("ledger.asset", _("No such asset.")) from exc


@transaction.atomic
def account_open(*, code: str, name: str, kind: str, node: Node, asset: Asset | str, no_negative: bool = False,
                 is_public: bool = False) -> Account:
    """Open an account, or return the existing one with this code (idempotent)."""
    if isinstance(asset, str):
        asset = asset_get(asset)
    if kind not in AccountKind.values:
        raise InvalidInput("ledger.kind", _("Unknown kind of account."))
    if not (code or "").strip() or not (name or "").strip():
        raise InvalidInput("ledger.account_name", _("An account needs a code and a name."))
    account, _created = Account.objects.get_or_create(
        code=code,
        defaults={"name": name.strip(), "kind": kind, "node": node, "asset": asset, "no_negative": no_negative,
                  "is_public": is_public},
    )
    return account


# --- posting ------------------------------------------------------------------

def ledger_post(*, legs, idempotency_key: str, memo: str = "", by=None, value_date=None) -> Transaction:
    """Post a transaction. The same key with the same content returns the first
    transaction; the same key with other content is refused. ``value_date``:
    the business date the entry is about, when it is not the posting day."""
    key = _key(idempotency_key)
    norm = _norm_legs(legs)
    memo = (memo or "").strip()[:300]
    digest = _request_hash("post", norm, memo, extra=str(value_date) if value_date else "")

    def work():
        accounts, first = _lock_and_replay(Transaction, key, digest, norm)
        if first is not None:
            return first
        _check_balanced(norm, accounts)
        return _write(key=key, request_hash=digest, legs=norm, accounts=accounts, memo=memo, by=by,
                      value_date=value_date)

    return _run(work)


def _key(key) -> str:
    key = (key or "").strip() if isinstance(key, str) else ""
    if not key or len(key) > 200:
        raise InvalidInput("ledger.key", _("Every posting needs a request key of 1 to 200 characters."))
    return key


def ledger_reserve(*, legs, idempotency_key: str, memo: str = "", expires_at=None, by=None) -> PendingTransfer:
    """First phase of a two-phase transfer: check the legs and reserve what the
    paying accounts give, so nobody else can spend it meanwhile."""
    key = _key(idempotency_key)
    norm = _norm_legs(legs)
    memo = (memo or "").strip()[:300]
    digest = _request_hash("reserve", norm, memo, chain.timestamp(expires_at) if expires_at else "")

    def work():
        accounts, first = _lock_and_replay(PendingTransfer, key, digest, norm)
        if first is not None:
            return first
        _check_balanced(norm, accounts)
        for account_id, amount in norm:
            if amount < 0:
                account = accounts[account_id]
                _check_overdraft(account, account.available + amount)
                account.reserved -= amount
                account.save(update_fields=["reserved"])
        return PendingTransfer.objects.create(
            idempotency_key=key, request_hash=digest, memo=memo, legs=[list(x) for x in norm], expires_at=expires_at,
            created_by=by,
        )

    return _run(work)


def _pending_locked(pending: PendingTransfer) -> PendingTransfer:
    return PendingTransfer.objects.select_for_update().get(pk=pending.pk)


def _release(p: PendingTransfer) -> dict[int, int]:
    return {a: -amount for a, amount in p.legs if amount < 0}


def ledger_commit_pending(*, pending: PendingTransfer, by=None) -> Transaction:
    """Second phase: post the reserved transfer. Committing twice returns the
    same transaction; a voided or expired transfer cannot be committed."""

    def work():
        p = _pending_locked(pending)
        if p.state == PendingState.POSTED:
            return p.transaction
        if p.state == PendingState.VOIDED:
            raise LedgerConflict("ledger.pending_voided", _("This transfer was voided; it cannot be posted."))
        if p.expires_at and p.expires_at <= timezone.now():
            raise LedgerConflict("ledger.pending_expired", _("This transfer has expired; it will be voided."))
        legs = [tuple(x) for x in p.legs]
        accounts = _lock([a for a, _ in legs])
        tx = _write(key=f"pending:{p.pk}", request_hash=p.request_hash, legs=legs, accounts=accounts, memo=p.memo,
                    by=by, release=_release(p))
        p.state, p.transaction, p.resolved_at = PendingState.POSTED, tx, timezone.now()
        p.save(update_fields=["state", "transaction", "resolved_at"])
        return tx

    return _run(work)


def ledger_void_pending(*, pending: PendingTransfer, by=None) -> PendingTransfer:
    """Second phase, the other way: release the reservation. Voiding twice is
    harmless; a posted transfer cannot be voided (reverse it instead)."""

    def work():
        p = _pending_locked(pending)
        if p.state == PendingState.VOIDED:
            return p
        if p.state == PendingState.POSTED:
            raise LedgerConflict("ledger.pending_posted", _("This transfer is already posted; reverse it instead."))
        accounts = _lock([a for a, _ in p.legs])
        for account_id, amount in _release(p).items():
            accounts[account_id].reserved -= amount
            accounts[account_id].save(update_fields=["reserved"])
        p.state, p.resolved_at = PendingState.VOIDED, timezone.now()
        p.save(update_fields=["state", "resolved_at"])
        return p

    return _run(work)


def ledger_void_expired(*, now=None) -> int:
    """Void every pending transfer past its expiry (run periodically)."""
    now = now or timezone.now()
    count = 0
    for p in PendingTransfer.objects.filter(state=PendingState.PENDING, expires_at__lte=now):
        ledger_void_pending(pending=p)
        count += 1
    return count


def ledger_reverse(*, transaction: Transaction, idempotency_key: str, memo: str = "", by=None) -> Transaction:
    """Correct a posted transaction by posting its mirror image. A transaction
    is reversed at most once; history is never changed."""
    key = _key(idempotency_key)
    original = transaction
    legs = sorted((leg.account_id, -leg.amount) for leg in original.legs.all())
    memo = (memo or "").strip()[:300] or f"冲正 reversal of {original.pk}"
    digest = _request_hash("reverse", legs, memo, str(original.pk))

    def work():
        accounts, first = _lock_and_replay(Transaction, key, digest, legs)
        if first is not None:
            return first
        if Transaction.objects.filter(reverses=original).exists():
            raise LedgerConflict("ledger.already_reversed", _("This transaction has already been reversed."))
        return _write(key=key, request_hash=digest, legs=legs, accounts=accounts, memo=memo, by=by, reverses=original)

    return _run(work)
