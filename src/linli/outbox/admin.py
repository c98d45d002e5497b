"""Outgoing messages are written by linli.outbox.services and sent by the worker: the
admin shows them (addresses masked) and can put a failed one back in the queue."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.adminkit import ReadOnlyAdmin
from linli.outbox import services
from linli.outbox.channels import channels, mask_email
from linli.outbox.models import MessageState, OutboxMessage

SECRET_KIND = "account.password_reset"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "channel", "masked_address", "state", "attempts", "created_at", "next_attempt_at",
                    "sent_at", "last_error"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["subject", "dedupe_key"]
    exclude = ["address", "body"]
    readonly_fields = ["masked_address", "shown_body"]
    actions = ["retry"]

    @admin.display(description=_("address"))
    def masked_address(self, obj):
        channel = channels().get(obj.channel)
        return channel.mask(obj.address) if channel else mask_email(obj.address)

    @admin.display(description=_("body"))
    def shown_body(self, obj):
        # A password-reset e-mail carries a working link to set the account's password:
        # whoever may look at outgoing messages must not be able to take the account.
        if obj.kind == SECRET_KIND:
            return _("(not shown: it contains a link to set a new password)")
        return obj.body

    @admin.action(description=_("Try the selected failed messages again"))
    def retry(self, request, queryset):
        for message in queryset.filter(state=MessageState.FAILED):
            services.message_retry(message=message)
