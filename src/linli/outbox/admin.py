"""Outgoing messages are written by linli.outbox.services and sent by the worker: the
admin shows them (addresses masked) and can put a failed one back in the queue."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.adminkit import ReadOnlyAdmin
from linli.outbox import services
from linli.outbox.channels import channels, mask_email
from linli.outbox.models import MessageState, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "channel", "masked_address", "state", "attempts", "created_at", "next_attempt_at",
                    "sent_at", "last_error"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["subject", "dedupe_key"]
    exclude = ["address"]
    readonly_fields = ["masked_address"]
    actions = ["retry"]

    @admin.display(description=_("address"))
    def masked_address(self, obj):
        channel = channels().get(obj.channel)
        return channel.mask(obj.address) if channel else mask_email(obj.address)

    @admin.action(description=_("Try the selected failed messages again"))
    def retry(self, request, queryset):
        for message in queryset.filter(state=MessageState.FAILED):
            services.message_retry(message=message)
