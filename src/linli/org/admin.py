from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from linli.adminkit import LinliModelAdmin, ReadOnlyAdmin, SafeInitialMixin
from linli.org.models import AccountEvent, ApiToken, Node, Person, PropertyCompany, RoleAssignment, RoleEvent


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(LinliModelAdmin):
    list_display = ["name", "credit_code", "phone"]
    list_filter = ["node__property_mode"]
    search_fields = ["name", "credit_code"]


class RoleInline(admin.TabularInline):
    """Shown only: roles are given and taken under "Roles", where each change is recorded."""

    model = RoleAssignment
    extra = 0
    fields = readonly_fields = ("role", "node", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Node)
class NodeAdmin(LinliModelAdmin):
    list_display = ["name", "code", "kind", "parent", "property_mode", "area_m2", "microgrid"]
    list_filter = ["kind", "property_mode"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "created_at"]
    autocomplete_fields = ["parent", "microgrid", "property_company"]
    list_select_related = ["parent", "microgrid"]

    def get_readonly_fields(self, request, obj=None):
        # A code is printed on QR posters: once issued it never changes.
        if obj is not None:
            return [*self.readonly_fields, "code", "kind", "parent"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        from linli.org import services

        if change:
            super().save_model(request, obj, form, change)
            return
        node = services.node_create(
            kind=obj.kind, code=obj.code, name=obj.name, parent=obj.parent, area_m2=obj.area_m2,
            microgrid=obj.microgrid, property_mode=obj.property_mode, property_company=obj.property_company,
            by=request.user,
        )
        obj.pk, obj.path = node.pk, node.path


@admin.register(Person)
class PersonAdmin(SafeInitialMixin, UserAdmin):
    list_display = ["username", "real_name", "phone", "is_staff", "is_active"]
    search_fields = ["username", "real_name", "phone"]
    fieldsets = (*(UserAdmin.fieldsets or ()),
                 (_("Linli"), {"fields": ("real_name", "phone", "must_change_password", "erased_at")}))
    readonly_fields = ["erased_at"]
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(LinliModelAdmin):
    """Giving and taking roles go through the services, so that each writes a RoleEvent."""

    list_display = ["person", "role", "node", "created_at"]
    list_filter = ["role", "node__kind"]
    search_fields = ["person__username", "person__real_name", "node__name", "node__code"]
    autocomplete_fields = ["person", "node"]

    def has_change_permission(self, request, obj=None):
        # A role is who, what and where: to change one, take it away and give another.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from linli.org import services

        obj.pk = services.role_assign(person=obj.person, role=obj.role, node=obj.node, by=request.user).pk

    def delete_model(self, request, obj):
        from linli.org import services

        services.role_revoke(assignment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("person", "node"):
            self.delete_model(request, obj)


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "person", "by"]
    list_filter = ["action"]
    search_fields = ["person__username", "by__username"]
    date_hierarchy = "at"
    list_select_related = ["person", "by"]


@admin.register(RoleEvent)
class RoleEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "person", "role", "node", "by"]
    list_filter = ["action", "role"]
    search_fields = ["person__username", "person__real_name", "node__code", "by__username"]
    date_hierarchy = "at"
    list_select_related = ["person", "node", "by"]


@admin.register(ApiToken)
class ApiTokenAdmin(LinliModelAdmin):
    list_display = ["prefix", "person", "name", "created_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["person__username", "name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        # Tokens are created where the raw value can be shown once: the account page or the CLI.
        return False


# Django's permission groups (for admin-only staff; Linli's own rights come from scoped roles).
admin.site.unregister(Group)


@admin.register(Group)
class LinliGroupAdmin(SafeInitialMixin, GroupAdmin):
    list_filter = ["permissions__content_type__app_label"]
