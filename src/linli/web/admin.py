from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.web.models import ThrottleHit


@admin.register(ThrottleHit)
class ThrottleHitAdmin(ReadOnlyAdmin):
    list_display = ["key", "at"]
    search_fields = ["key"]
    date_hierarchy = "at"
