"""Double-entry ledger for money (CNY, in fen) and trust points (信义贝).

Sign convention: a leg's ``amount`` is what flows *into* its account (negative
= out of it). Every transaction's legs sum to zero per asset, so the sum of all
balances of an asset is always zero; source accounts (income, equity) therefore
run negative, which is why "may not go negative" is a per-account flag.

Posted transactions and their legs are append-only (database triggers refuse
UPDATE and DELETE, see migrations/0002). An account's cached ``balance`` and
``head_hash`` are updated by the posting service under a row lock, and
``linli ledger verify`` recomputes both from the legs.
"""
from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.org.models import Node, Person

GENESIS = "0" * 64


class Asset(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=60)
    # Decimal places of one unit: CNY 2 (amounts in fen), points 0.
    scale = models.PositiveSmallIntegerField(_("scale"))

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self) -> str:
        return self.name

    def format(self, minor: int) -> str:
        if self.scale == 0:
            return f"{minor:,}"
        sign = "-" if minor < 0 else ""
        q, r = divmod(abs(minor), 10**self.scale)
        return f"{sign}{q:,}.{r:0{self.scale}d}"


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")
    EQUITY = "equity", _("Equity")


OWNER_READING: dict[str, Any] = {
    AccountKind.ASSET: _("Balance"),
    AccountKind.INCOME: _("Received in total"),
    AccountKind.EXPENSE: _("Spent in total"),
    AccountKind.LIABILITY: _("Held for others"),
    AccountKind.EQUITY: _("Contributed in total"),
}


class Account(models.Model):
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    node = models.ForeignKey(Node, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="ledger_accounts")
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="accounts")
    no_negative = models.BooleanField(_("may not go negative"), default=False)
    is_public = models.BooleanField(pgettext_lazy("account", "public"), default=False)
    # Cached, kept by the posting service under a row lock.
    balance = models.BigIntegerField(_("balance"), default=0)
    reserved = models.BigIntegerField(_("reserved by pending transfers"), default=0)
    seq = models.PositiveIntegerField(_("chain length"), default=0)
    head_hash = models.CharField(_("chain head"), max_length=64, default=GENESIS)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="ledger_account_reserved_nonneg", condition=Q(reserved__gte=0)),
            models.CheckConstraint(
                name="ledger_account_no_negative",
                condition=Q(no_negative=False) | Q(balance__gte=models.F("reserved")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def balance_display(self) -> str:
        return self.asset.format(self.balance)

    # How an owner reads a balance (item 12 of issue 12): income "received",
    # expenses "spent", both positive; the ledger's own sign (an amount flows
    # *into* the account) is the accountants' debit/credit view.
    @property
    def owner_sign(self) -> int:
        return -1 if self.kind in {AccountKind.INCOME, AccountKind.LIABILITY, AccountKind.EQUITY} else 1

    @property
    def owner_balance_display(self) -> str:
        return self.asset.format(self.owner_sign * self.balance)

    @property
    def owner_reading(self) -> str:
        return str(OWNER_READING.get(self.kind, _("Balance")))

    @property
    def debit_display(self) -> str:
        return self.asset.format(self.balance) if self.balance > 0 else ""

    @property
    def credit_display(self) -> str:
        return self.asset.format(-self.balance) if self.balance < 0 else ""

    @property
    def reserved_display(self) -> str:
        return self.asset.format(self.reserved)

    @property
    def available(self) -> int:
        return self.balance - self.reserved


class Transaction(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # sha256 of the canonical request, to tell a replay from a different request under the same key.
    request_hash = models.CharField(_("request hash"), max_length=64)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)
    # The business date the entry is about (a bill paid on 7 July, recorded in
    # August); null where it is the posting day. Shown first on the account page.
    value_date = models.DateField(_("business date"), null=True, blank=True)
    created_by = models.ForeignKey(Person, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["posted_at"]

    def __str__(self) -> str:
        return self.memo or str(self.pk)


class Leg(models.Model):
    transaction = models.ForeignKey(Transaction, verbose_name=_("transaction"), on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="legs")
    amount = models.BigIntegerField(_("amount (minor units)"))
    # Position in the account's hash chain, balance after this leg, sha256(prev + canonical entry).
    seq = models.PositiveIntegerField(_("position in chain"))
    balance_after = models.BigIntegerField(_("balance after"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64)

    class Meta:
        verbose_name = _("leg")
        verbose_name_plural = _("legs")
        ordering = ["account_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="ledger_leg_account_seq"),
            models.CheckConstraint(name="ledger_leg_nonzero", condition=~Q(amount=0)),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount_display}"

    @property
    def amount_display(self) -> str:
        return self.account.asset.format(self.amount)

    @property
    def balance_after_display(self) -> str:
        return self.account.asset.format(self.balance_after)

    @property
    def owner_amount_display(self) -> str:
        """The amount as the owner reads it: money received into an income account is positive."""
        return self.account.asset.format(self.account.owner_sign * self.amount)

    @property
    def owner_balance_after_display(self) -> str:
        return self.account.asset.format(self.account.owner_sign * self.balance_after)

    @property
    def debit_display(self) -> str:
        return self.account.asset.format(self.amount) if self.amount > 0 else ""

    @property
    def credit_display(self) -> str:
        return self.account.asset.format(-self.amount) if self.amount < 0 else ""


class PendingState(models.TextChoices):
    PENDING = "pending", _("Pending")
    POSTED = "posted", _("Posted")
    VOIDED = "voided", _("Voided")


class PendingTransfer(models.Model):
    """A two-phase transfer: funds reserved now, then posted or voided exactly once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    request_hash = models.CharField(_("request hash"), max_length=64)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    # [[account_id, amount], ...] sorted by account id.
    legs = models.JSONField(_("legs"))
    state = models.CharField(_("state"), max_length=8, choices=PendingState.choices, default=PendingState.PENDING)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    transaction = models.OneToOneField(
        Transaction, verbose_name=_("transaction"), null=True, blank=True, on_delete=models.PROTECT, related_name="pending"
    )
    created_by = models.ForeignKey(Person, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pending transfer")
        verbose_name_plural = _("pending transfers")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="ledger_pending_posted_has_tx",
                condition=Q(state="posted", transaction__isnull=False) | (~Q(state="posted") & Q(transaction__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.memo or str(self.pk)
