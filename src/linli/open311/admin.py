from django.contrib import admin, messages
from django.utils.translation import gettext as _

from linli.adminkit import LinliModelAdmin
from linli.open311.models import Open311Key


@admin.register(Open311Key)
class Open311KeyAdmin(LinliModelAdmin):
    list_display = ["name", "prefix", "jurisdiction", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    autocomplete_fields = ["jurisdiction"]
    fields = ["name", "jurisdiction", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key, raw = Open311Key.issue(name=obj.name, jurisdiction=obj.jurisdiction)
        obj.pk, obj.prefix, obj.digest = key.pk, key.prefix, key.digest
        obj._state.adding = False
        messages.warning(request, _("New api_key — copy it now, it is shown only once: %(key)s") % {"key": raw})


from linli.open311.models import Open311Submission, ServiceAttribute  # noqa: E402


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(LinliModelAdmin):
    list_display = ["category", "code", "datatype", "required", "order", "description"]
    list_filter = ["datatype", "required", "category"]
    search_fields = ["code", "description"]


@admin.register(Open311Submission)
class Open311SubmissionAdmin(LinliModelAdmin):
    list_display = ["case", "key", "account_id", "created_at"]
    list_filter = ["created_at", "key"]
    search_fields = ["case__tracking_code", "account_id"]
    readonly_fields = ["case", "key", "attributes", "account_id", "device_id", "media_url", "created_at"]

    def has_add_permission(self, request):
        return False
