"""Read-only admin views of the owners' votes: changes go through the services
(pages and API), so that every one is authorised and leaves an event."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.deliberation.votes.models import (
    Ballot,
    Elector,
    OwnerRecord,
    PaperEntry,
    Proxy,
    RegisterEvent,
    Vote,
    VoteEvent,
)


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("title", "compound", "matter", "status", "opens_at", "closes_at")
    list_filter = ("status", "matter")
    search_fields = ("title", "compound__name")


@admin.register(OwnerRecord)
class OwnerRecordAdmin(ReadOnlyAdmin):
    list_display = ("compound", "kind", "name", "person", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "compound__name", "person__username")


@admin.register(RegisterEvent)
class RegisterEventAdmin(ReadOnlyAdmin):
    list_display = ("compound", "household", "before", "after", "by", "at")
    date_hierarchy = "at"
    search_fields = ("compound__name", "household__name", "before", "after")


@admin.register(Elector)
class ElectorAdmin(ReadOnlyAdmin):
    list_display = ("vote", "household", "owner_key", "person")
    list_filter = ("vote__status",)
    search_fields = ("vote__title", "household__name", "owner_key")


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ("vote", "owner_key", "choice", "channel", "cast_at")
    list_filter = ("channel", "choice")
    search_fields = ("vote__title", "owner_key")


@admin.register(PaperEntry)
class PaperEntryAdmin(ReadOnlyAdmin):
    list_display = ("vote", "household", "status", "first_teller", "second_teller", "created_at")
    list_filter = ("status",)
    search_fields = ("vote__title", "household__name", "owner_key")


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = ("vote", "household", "holder", "document", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("vote__title", "household__name", "document")


@admin.register(VoteEvent)
class VoteEventAdmin(ReadOnlyAdmin):
    list_display = ("vote", "kind", "household", "by")
    list_filter = ("kind",)
    search_fields = ("vote__title", "owner_key")
