"""Disclosure rows are written through linli.disclosure.services and funds
(money goes through the ledger; published reports are frozen): the admin
shows them for support and audit and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.disclosure.models import (
    Approval, Budget, Campaign, Donation, Event, FeeFigures, Fund, MoneyEntry, Objection, Pledge, Report,
    SpendingRequest, Supervisor,
)


@admin.register(MoneyEntry)
class MoneyEntryAdmin(ReadOnlyAdmin):
    list_display = ["compound", "kind", "date", "amount", "memo"]
    list_filter = ["kind"]
    search_fields = ["memo", "compound__name"]
    date_hierarchy = "date"


@admin.register(FeeFigures)
class FeeFiguresAdmin(ReadOnlyAdmin):
    list_display = ["compound", "year", "quarter", "due", "received", "prepaid", "owed"]
    list_filter = ["year", "quarter"]
    search_fields = ["compound__name"]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["compound", "year", "kind", "amount"]
    list_filter = ["year", "kind"]
    search_fields = ["compound__name"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["compound", "kind", "year", "quarter", "version", "state", "published_at"]
    list_filter = ["kind", "state", "year"]
    search_fields = ["compound__name"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["report", "line", "by", "created_at", "due_at", "answered_at"]
    search_fields = ["line", "text"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["compound", "kind", "by", "at"]
    list_filter = ["kind"]
    search_fields = ["compound__name", "kind"]


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "node", "approval_days"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Supervisor)
class SupervisorAdmin(ReadOnlyAdmin):
    list_display = ["fund", "person", "party", "level"]
    list_filter = ["party", "level"]
    search_fields = ["fund__name", "person__username"]


@admin.register(SpendingRequest)
class SpendingRequestAdmin(ReadOnlyAdmin):
    list_display = ["fund", "amount", "payee", "state", "created_at", "expires_at"]
    list_filter = ["state"]
    search_fields = ["payee", "purpose"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["request", "level"]
    search_fields = ["request__payee"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]
