"""Project rows are written through linli.projects.services (money moves on the
ledger, history is append-only): the admin shows them for support and audit and
never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.projects import models as m


def _register(model, display, filters, search):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,),
                                    {"list_display": display, "list_filter": filters, "search_fields": search}))


_register(m.Project, ["title", "compound", "kind", "status", "notice_until", "start_date", "end_date"],
          ["status", "kind"], ["title", "compound__name"])
_register(m.Organisation, ["name", "role", "contact_name"], ["role"], ["name"])
_register(m.Contribution, ["project", "source", "amount", "state", "household", "created_at"], ["state", "source"],
          ["project__title", "payer"])
_register(m.Problem, ["project", "case", "kind", "created_at"], ["kind"], ["project__title", "case__tracking_code"])
_register(m.Event, ["project", "kind", "by", "at"], ["kind"], ["project__title"])
