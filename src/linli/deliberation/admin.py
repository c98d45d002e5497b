"""Deliberation rows are written through linli.deliberation.services (topics move
through their statuses, money on the ledger, history append-only): the admin
shows them for support and audit and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.deliberation import models as m


def _register(model, display, filters, search, date=None):
    attrs = {"list_display": display, "list_filter": filters, "search_fields": search}
    if date:
        attrs["date_hierarchy"] = date
    admin.site.register(model, type(f"Dlb{model.__name__}Admin", (ReadOnlyAdmin,), attrs))


_register(m.Topic, ["title", "compound", "status", "supporters", "responsible", "review_on"], ["status", "taken_up_by"],
          ["title", "compound__name"], "created_at")
_register(m.Support, ["topic", "person", "at"], ["topic__status"], ["topic__title", "person__username"], "at")
_register(m.Meeting, ["title", "compound", "kind", "starts_at", "status"], ["kind", "status"],
          ["title", "compound__name"], "starts_at")
_register(m.AgendaItem, ["meeting", "topic", "position", "outcome"], ["outcome"], ["meeting__title", "topic__title"])
_register(m.Attendance, ["meeting", "name", "role", "mode"], ["mode"], ["name", "meeting__title"])
_register(m.Review, ["title", "compound", "period", "held_on", "closed"], ["closed"], ["title", "compound__name"],
          "held_on")
_register(m.Report, ["review", "body", "filed_by", "filed_at"], ["body"], ["review__title"], "filed_at")
_register(m.Rating, ["report", "person", "stars", "at"], ["stars"], ["report__review__title", "person__username"], "at")
_register(m.FundRound, ["title", "node", "amount", "method", "status"], ["method", "status"], ["title", "node__name"],
          "created_at")
_register(m.Project, ["title", "round", "budget", "supporters", "status", "rank", "paid", "progress"], ["status"],
          ["title", "round__title"], "created_at")
_register(m.ProjectSupport, ["project", "person", "at"], ["project__status"], ["project__title", "person__username"],
          "at")
_register(m.Milestone, ["project", "title", "amount", "due_on", "done_at"], ["project__status"],
          ["title", "project__title"], "due_on")
_register(m.Event, ["node", "kind", "by", "at"], ["kind"], ["node__name"], "at")
