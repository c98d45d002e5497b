"""DomainError -> an HTTP answer, in one place for every page."""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from linli.errors import DomainError


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
