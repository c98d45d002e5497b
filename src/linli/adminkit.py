"""Shared admin pieces: every admin drops query-string initial values its fields cannot take;
history that is append-only is shown read-only."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

if TYPE_CHECKING:  # the mixin sits before a ModelAdmin in every admin class
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class SafeInitialMixin(_AdminBase):
    """An add page takes initial values from its query string (``?node=3``); a value the
    field cannot take (``?node=abc``, NUL) is dropped instead of failing the page with a
    500 while the form renders."""

    def get_changeform_initial_data(self, request):
        from django.core.exceptions import FieldDoesNotExist, ValidationError

        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.auto_created and not field.concrete:  # a reverse relation: no form field
                continue
            target = field.target_field if field.is_relation else field
            values = value if isinstance(value, list) else [value]
            try:
                for v in values:
                    if "\x00" in str(v):
                        raise ValidationError("NUL")
                    target.to_python(v)
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial


class LinliModelAdmin(SafeInitialMixin, admin.ModelAdmin):
    """The base of every editable admin in Linli."""


class ReadOnlyAdmin(SafeInitialMixin, admin.ModelAdmin):
    """For append-only history (events, ledger rows): look, search, filter; never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def register_read_only(model, display, filters=(), search=(), **options) -> None:
    """Show ``model`` in the admin read-only: its list columns, filters and search fields
    (plus any other ModelAdmin option, e.g. ``date_hierarchy``)."""
    attrs = {"list_display": list(display), "list_filter": list(filters), "search_fields": list(search), **options}
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), attrs))
