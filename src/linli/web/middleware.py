"""DomainError -> an HTTP answer, and a database error -> the 503 page, in one place for every page."""
from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
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
        response: HttpResponse = JsonResponse({"code": "database.unavailable", "message": str(message), "details": []}, status=503)
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


def _inline_style_hashes() -> list[str]:
    """The hash of the one inline <style> the policy allows: the server error page,
    which must stand alone (no static file, no template context) when all else fails."""
    import base64
    import hashlib
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parent / "templates" / "500.html").read_text(encoding="utf-8")
    return [f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
            for css in re.findall(r"<style>(.*?)</style>", page, re.S)]


def content_security_policy() -> str:
    """Everything from this site only: no inline script, no inline style (but the
    error page's), no eval, no framing, forms post here only. The API docs use
    data: images; the report form shrinks photos on the phone through blob: images."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", *_inline_style_hashes()],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy header on every response (pages, API, errors),
    unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PasswordChangeRequiredMiddleware:
    """After staff set a one-time password, every page leads to the password
    change until the person has chosen their own (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.shortcuts import redirect
        from django.urls import reverse

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            open_paths = {reverse("password_change"), reverse("logout")}
            if request.path not in open_paths and not request.path.startswith((settings.STATIC_URL, "/i18n/")):
                return redirect("password_change")
        return self.get_response(request)
