from django.contrib import admin

from linli.adminkit import LinliModelAdmin, ReadOnlyAdmin, register_read_only
from linli.cases.models import (
    BoardMonth,
    BoardResponse,
    BoardTotal,
    Campaign,
    Case,
    CaseEvent,
    CaseSupporter,
    CaseTally,
    Category,
    ContactReveal,
    Deadline,
    Escalation,
    Holiday,
    Notification,
    Photo,
    PolicyAssignment,
    PolicyClock,
    ReturnVisit,
    Supervision,
    TimeLimitPolicy,
)


@admin.register(Category)
class CategoryAdmin(LinliModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "position", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "name_en", "keywords"]


class PolicyClockInline(admin.TabularInline):
    model = PolicyClock
    extra = 0


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(LinliModelAdmin):
    list_display = ["code", "name", "service_start", "service_end", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["code", "name"]
    inlines = [PolicyClockInline]


@admin.register(PolicyAssignment)
class PolicyAssignmentAdmin(LinliModelAdmin):
    list_display = ["node", "policy"]
    list_filter = ["policy"]
    search_fields = ["node__name", "node__code"]
    autocomplete_fields = ["node"]


@admin.register(Holiday)
class HolidayAdmin(LinliModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0


@admin.register(Case)
class CaseAdmin(LinliModelAdmin):
    """Requests change only through the workflow (the staff pages); the admin shows them."""

    list_display = ["tracking_code", "category", "node", "status", "colour", "source", "received_at"]
    list_filter = ["status", "colour", "source", "kind", "category"]
    search_fields = ["tracking_code", "description", "node__name", "node__code", "contact_name"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [PhotoInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "action", "actor", "at", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["case__tracking_code", "note"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["case", "clock", "due_at", "met_at", "breached_at", "cancelled_at"]
    list_filter = ["clock", ("breached_at", admin.EmptyFieldListFilter)]
    search_fields = ["case__tracking_code"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["case", "level", "role", "node", "created_at", "acknowledged_at"]
    list_filter = ["level", "role"]
    search_fields = ["case__tracking_code", "node__name"]


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnlyAdmin):
    list_display = ["case", "method", "rating", "at"]
    list_filter = ["method", "rating"]
    search_fields = ["case__tracking_code", "comment"]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "score", "by", "at"]
    list_filter = ["kind"]
    search_fields = ["case__tracking_code", "note"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "for_reporter", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "for_reporter"]
    search_fields = ["title", "case__tracking_code"]


@admin.register(Campaign)
class CampaignAdmin(LinliModelAdmin):
    list_display = ["title", "node", "starts_on", "ends_on"]
    list_filter = ["starts_on"]
    search_fields = ["title", "node__name"]
    autocomplete_fields = ["node", "participants"]


@admin.register(PolicyClock)
class PolicyClockAdmin(LinliModelAdmin):
    list_display = ["policy", "clock", "colour", "minutes", "working_time", "service_hours"]
    list_filter = ["policy", "clock", "working_time"]
    search_fields = ["policy__name", "policy__code"]


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ["case", "after", "uploaded_at"]
    list_filter = ["after"]
    search_fields = ["case__tracking_code"]


@admin.register(ContactReveal)
class ContactRevealAdmin(ReadOnlyAdmin):
    list_display = ["at", "viewer", "case", "channel", "path"]
    list_filter = ["channel"]
    search_fields = ["viewer__username", "viewer__real_name", "case__tracking_code"]
    date_hierarchy = "at"
    list_select_related = ["viewer", "case", "case__category"]


@admin.register(CaseSupporter)
class CaseSupporterAdmin(ReadOnlyAdmin):
    list_display = ["case", "person", "at"]
    list_filter = [("person", admin.EmptyFieldListFilter)]
    search_fields = ["case__tracking_code"]


# The board roll-ups: derived counts, kept by linli.cases.rollups (never edited; a wrong
# row is mended by `linli rollups --rebuild`).
register_read_only(BoardTotal, ["place_id", "path", "st_received", "st_closed", "me_too"], ["col_green"], ["path"])
register_read_only(BoardMonth, ["place_id", "path", "month", "reported", "finished"], ["month"], ["path"])
register_read_only(BoardResponse, ["node_id", "minute", "n"], ["minute"], ["=node_id"])
register_read_only(CaseTally, ["case_id", "place_id", "status", "colour", "rating", "received_month"],
                   ["status", "colour", "counted"], ["path"])
