"""Service-circle rows are written through linli.circles.services (each change is an
event): the admin shows them for support and audit and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.circles import models as m

admin.site.register(m.Entry, type("EntryAdmin", (ReadOnlyAdmin,), {
    "list_display": ["name", "node", "circle", "category", "service_point", "hidden"],
    "list_filter": ["circle", "service_point", "hidden"], "search_fields": ["name", "category", "services"]}))
admin.site.register(m.CompoundLocation, type("CompoundLocationAdmin", (ReadOnlyAdmin,), {
    "list_display": ["compound", "lat", "lng", "updated_at"], "search_fields": ["compound__name"],
    "date_hierarchy": "updated_at"}))
admin.site.register(m.Event, type("EventAdmin", (ReadOnlyAdmin,), {
    "list_display": ["node", "entry", "kind", "by", "at"], "list_filter": ["kind"], "date_hierarchy": "at",
    "search_fields": ["entry__name", "node__name"]}))
