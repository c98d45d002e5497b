"""Requests refused before any view or database sees them.

``RefuseControlCharacters`` sits early in the stack: a path, query parameter or
cookie holding a control character (NUL above all, which PostgreSQL cannot store or
compare) is answered 400 in the caller's format: the JSON error shape under
``/api/``, Open311's error document under ``/open311/``, the error page elsewhere.
No URL converter, form or view has to think about NUL in the URL again.
"""
from __future__ import annotations

import re

from django.http import JsonResponse
from django.utils.translation import gettext as _

# Paths: no control character at all. Query values may carry tab and line breaks (a
# search box pasted from a note); cookies none.
PATH_BAD = re.compile(r"[\x00-\x1f\x7f]")
QUERY_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(request) -> bool:
    if PATH_BAD.search(request.path_info) or PATH_BAD.search(request.path):
        return True
    for key, values in request.GET.lists():
        if QUERY_BAD.search(key) or any(QUERY_BAD.search(v) for v in values):
            return True
    return any(PATH_BAD.search(k) or PATH_BAD.search(v) for k, v in request.COOKIES.items())


def refusal(request, status: int, code: str, message: str):
    """The answer in the format the caller speaks at this address."""
    path = request.path_info
    if path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "details": []}, status=status)
    if path.startswith("/open311/"):
        from linli.open311.formats import error

        return error("xml" if ".xml" in path else "json", status, message)
    from django.shortcuts import render

    from linli.errors import DomainError

    err = DomainError(code, message)
    err.status = status
    return render(request, "web/error.html", {"error": err}, status=status)


def _error_message(status: int) -> tuple[str, str]:
    if status == 404:
        return "not_found", _("Not found.")
    if status == 405:
        return "method_not_allowed", _("This address does not accept this method.")
    return f"http_{status}", _("The request could not be handled.")


class RefuseControlCharacters:
    """Also gives the JSON API and Open311 their own error format for the answers
    Django makes before their views run (no route matched: 404; wrong method: 405)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            # The cookies may be the bad part: answer without reading the session.
            request.COOKIES = {}
            return refusal(request, 400, "bad_characters",
                           _("The address contains characters that are not allowed."))
        response = self.get_response(request)
        if (400 <= response.status_code < 500 and request.path_info.startswith(("/api/", "/open311/"))
                and not _speaks_format(request, response)):
            code, message = _error_message(response.status_code)
            answer = refusal(request, response.status_code, code, message)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response


def _speaks_format(request, response) -> bool:
    if getattr(response, "streaming", False):
        return True
    content_type = response.get("Content-Type", "")
    if request.path_info.startswith("/api/"):
        return content_type.startswith("application/json")
    return content_type.startswith(("application/json", "text/xml")) and bool(response.content)
