"""Questionnaire rows are written through linli.surveys.services (answers
are checked, one per household or person, events append-only): the admin shows
them for support and audit and never edits them."""
from django.contrib import admin

from linli.adminkit import ReadOnlyAdmin
from linli.surveys import models as m


def _register(model, display, filters, search, date=None):
    attrs = {"list_display": display, "list_filter": filters, "search_fields": search}
    if date:
        attrs["date_hierarchy"] = date
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), attrs))


_register(m.Survey, ["title", "node", "purpose", "anonymous", "per", "opens_at", "closes_at", "results_public"],
          ["purpose", "anonymous", "per", "results_public"], ["title", "node__name"], "opens_at")
_register(m.Question, ["survey", "position", "kind", "text", "required"], ["kind", "required"], ["text", "survey__title"])
_register(m.Option, ["question", "position", "text"], ["question__kind"], ["text", "question__text"])
_register(m.Response, ["survey", "submitted_at"], ["survey__anonymous"], ["survey__title"], "submitted_at")
_register(m.Answer, ["response", "question"], ["question__kind"], ["question__text"])
_register(m.Event, ["survey", "kind", "by", "at"], ["kind"], ["survey__title"], "at")
