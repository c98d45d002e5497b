"""DomainError -> an HTTP answer, and a database error -> the 503 page, in one place for every page."""
from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from linli.errors import DomainError

log = logging.getLogger(__name__)


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse(exception.as_dict(), status=exception.status)
        return render(request, "web/error.html", {"error": exception}, status=exception.status)


# --- the database did not answer -------------------------------------------------------------

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_message():
    return _("The database did not answer in time. Nothing was saved; please try again in a moment.")


def database_unavailable(request):
    """HTTP 503 "nothing was saved, please try again": the page for a database that timed out
    or went away. It touches no table (no user, no menu), so it renders while the database is down.
    A service's transaction rolled back, so nothing was saved."""
    message = database_unavailable_message()
    if request.path.startswith(("/api/", "/open311/")) or request.headers.get("accept", "").startswith(
            "application/json"):
        response = JsonResponse({"code": "database.unavailable", "message": str(message), "details": []}, status=503)
    else:
        response = render(request, "web/unavailable.html", {"message": message}, status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """A database error during a request (a statement timeout, a lost connection) becomes
    the 503 page instead of Django's or gunicorn's English error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        log.warning("database error during %s %s: %s", request.method, request.path, exception)
        return database_unavailable(request)


def server_error(request, *args, **kwargs):
    """handler500: a database error raised outside a view (in a middleware) also gets the 503 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request, *args, **kwargs)
