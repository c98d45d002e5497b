"""Read-only admin views of the owners' votes: changes go through the services
(pages and API), so that every one is authorised and leaves an event."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.deliberation.votes.models import Ballot, OwnerRecord, PaperEntry, Proxy, RegisterEvent, Vote, VoteEvent


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("title", "compound", "matter", "status", "opens_at", "closes_at")
    list_filter = ("status", "matter")


for model in (Ballot, OwnerRecord, PaperEntry, Proxy, RegisterEvent, VoteEvent):
    admin.site.register(model, ReadOnlyAdmin)
