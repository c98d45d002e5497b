"""Ledger rows are written only by linli.ledger.services (double entry, hash
chains, DB-enforced balance): the admin shows them and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.ledger.models import Account, Asset, Leg, PendingTransfer, Transaction


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "scale"]
    list_filter = ["scale"]
    search_fields = ["code", "name"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "node", "asset", "balance", "reserved", "is_public", "no_negative"]
    list_filter = ["kind", "asset", "is_public", "no_negative"]
    search_fields = ["code", "name", "node__name", "node__code"]


class LegInline(admin.TabularInline):
    model = Leg
    extra = 0
    can_delete = False
    fields = readonly_fields = ("account", "amount", "seq", "balance_after", "entry_hash")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "memo", "posted_at", "created_by", "reverses"]
    list_filter = [("reverses", admin.EmptyFieldListFilter)]
    search_fields = ["memo", "idempotency_key"]
    date_hierarchy = "posted_at"
    inlines = [LegInline]


@admin.register(Leg)
class LegAdmin(ReadOnlyAdmin):
    list_display = ["transaction", "account", "amount", "seq", "balance_after"]
    list_filter = ["account__asset"]
    search_fields = ["account__code", "transaction__memo"]


@admin.register(PendingTransfer)
class PendingTransferAdmin(ReadOnlyAdmin):
    list_display = ["id", "memo", "state", "expires_at", "created_at"]
    list_filter = ["state"]
    search_fields = ["memo", "idempotency_key"]
