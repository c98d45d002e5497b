"""Mutual-aid rows are written through linli.mutualaid.services (points move
on the ledger, history is append-only): the admin shows them for support and
audit and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.mutualaid import models as m


def _register(model, display, filters, search, date=None):
    attrs = {"list_display": display, "list_filter": filters, "search_fields": search}
    if date:
        attrs["date_hierarchy"] = date
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), attrs))


_register(m.PointsRule, ["node", "step_fen", "points_per_step", "fen_per_point", "expiry_days", "suspend_below"],
          ["expiry_days"], ["node__name"])
_register(m.Volunteer, ["person", "node", "status", "skills", "created_at"], ["status"],
          ["person__username", "person__real_name", "node__name"], "created_at")
_register(m.Task, ["title", "node", "points", "places", "signup_deadline", "status"], ["status"],
          ["title", "place", "node__name"], "signup_deadline")
_register(m.Slot, ["task", "starts_at", "ends_at"], ["task__status"], ["task__title"], "starts_at")
_register(m.SignUp, ["slot", "person", "status", "created_at"], ["status"], ["person__username", "slot__task__title"])
_register(m.Completion, ["slot", "person", "method", "confirmed_by", "minutes", "points", "at"], ["method"],
          ["person__username", "slot__task__title"], "at")
_register(m.Merchant, ["name", "code", "node", "status"], ["status"], ["name", "code"])
_register(m.MerchantStaff, ["merchant", "person"], ["merchant__status"], ["merchant__name", "person__username"])
_register(m.TillCode, ["person", "digits", "state", "created_at", "expires_at"], ["state"], ["person__username", "digits"],
          "created_at")
_register(m.Redemption, ["merchant", "person", "bill_fen", "points", "by", "at"], ["merchant__status"],
          ["merchant__name", "person__username"], "at")
_register(m.Settlement, ["merchant", "points", "money_fen", "by", "at"], ["merchant__status"], ["merchant__name"], "at")
_register(m.Covenant, ["node", "version", "by", "at"], ["node__kind"], ["text"], "at")
_register(m.Criterion, ["node", "name", "weight", "active"], ["active"], ["name"])
_register(m.Scoring, ["merchant", "period", "total", "by", "at"], ["period"], ["merchant__name"], "at")
_register(m.Score, ["scoring", "criterion", "value"], ["scoring__merchant__status"], ["scoring__merchant__name"])
_register(m.Event, ["node", "kind", "by", "at"], ["kind"], ["node__name"], "at")
