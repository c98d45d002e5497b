"""Disclosure rows are written through linli.disclosure.services and funds
(money goes through the ledger; published reports are frozen): the admin
shows them for support and audit and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.disclosure.models import (
    Approval,
    Budget,
    CrowdfundingCampaign,
    DisclosureEvent,
    Donation,
    FeeFigures,
    Fund,
    MoneyEntry,
    Objection,
    Pledge,
    Report,
    SpendingRequest,
    Supervisor,
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
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "report__kind"]
    search_fields = ["line", "text", "report__compound__name"]
    date_hierarchy = "created_at"


@admin.register(DisclosureEvent)
class DisclosureEventAdmin(ReadOnlyAdmin):
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
    list_display = ["request", "level", "party", "person", "approve", "at"]
    list_filter = ["level", "party", "approve"]
    search_fields = ["request__payee", "request__fund__name", "person__username", "note"]


@admin.register(CrowdfundingCampaign)
class CrowdfundingCampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "fund", "target", "deadline", "state"]
    list_filter = ["state"]
    search_fields = ["title", "fund__name", "fund__code"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "source", "name", "anonymous", "amount", "state", "created_at"]
    list_filter = ["state", "source", "anonymous"]
    search_fields = ["name", "campaign__title"]


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["fund", "source", "name", "anonymous", "amount", "created_at"]
    list_filter = ["source", "anonymous"]
    search_fields = ["name", "memo", "fund__name"]
    date_hierarchy = "created_at"
