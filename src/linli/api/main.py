"""The JSON API at /api/v1/ (django-ninja). Each app contributes a router in
``<app>/api.py``; endpoints call the same services and selectors as the pages.
DomainError is mapped to an HTTP answer here, once."""
from __future__ import annotations

import copy

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from linli.errors import DomainError
from linli.org.services import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``: the token's person, with exactly their roles."""

    def authenticate(self, request: HttpRequest, token: str):
        person = api_token_authenticate(token)
        if person is not None:
            request.user = person
        return person


class SessionCookie(APIKeyCookie):
    """The browser session, CSRF-checked for unsafe methods. Only a signed-in session is
    checked: an anonymous or token call uses no session, so there is nothing a forged
    cross-site request could borrow (anonymous writes answer 401, the public rating works)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def optional_auth(request: HttpRequest):
    """For public endpoints that say more to a signed-in caller: never refuses."""
    return getattr(request, "user", None) or True


# Public reads that say more to a signed-in caller (drafts to staff in scope): a valid bearer
# token or session is used, otherwise the caller reads as anonymous. Use ``auth=PUBLIC``.
PUBLIC = [BearerToken(), SessionCookie(), optional_auth]


class LinliAPI(NinjaAPI):
    """The API whose OpenAPI document also lists the 400 every operation may answer
    before it runs: a control character (NUL …) in the path or query is refused by
    ``linli.middleware.RefuseControlCharacters`` with code ``bad_characters``."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, built once per process for each prefix, set of path parameters
        and language (building it takes ~0.5 s of CPU: uncached, every request for
        ``/api/v1/openapi.json`` cost that much); each caller gets its own copy."""
        key = (path_prefix, repr(sorted((path_params or {}).items())), get_language())
        cache = self.__dict__.setdefault("_openapi_documents", {})
        if key not in cache:
            cache[key] = self._build_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return copy.deepcopy(cache[key])

    def _build_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        refused = {"description": "Bad Request (e.g. `bad_characters`: a control character in the path or query)",
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for item in schema["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    operation["responses"].setdefault(400, refused)
        return schema


api = LinliAPI(
    title="Linli API",
    version="1",
    description="邻里 Linli JSON API. Authenticate with the browser session or `Authorization: Bearer <token>`.",
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionCookie()],
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    from django.utils.translation import gettext as _

    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Sign in or send a valid API token.")}, status=401
    )


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    from django.utils.translation import gettext as _

    return api.create_response(
        request,
        {"code": "invalid", "message": _("The request is not valid."), "details": exc.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # e.g. a body that is not JSON: the same {"code", "message"} shape as every other error.
    if exc.status_code == 403 and "CSRF" in str(exc):
        from django.utils.translation import gettext as _

        return api.create_response(request, {"code": "csrf_failed", "message": _(
            "A write with the browser session needs the CSRF token (header X-CSRFToken); "
            "integrations send an API token instead.")}, status=403)
    return api.create_response(request, {"code": "bad_request" if exc.status_code == 400 else f"http_{exc.status_code}",
                                         "message": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    from django.utils.translation import gettext as _

    return api.create_response(request, {"code": "not_found", "message": _("Not found.")}, status=404)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_much(request, exc):
    # Django's upload limits (DATA_UPLOAD_MAX_*): the same JSON error shape, nothing read or stored.
    from django.utils.translation import gettext as _

    return api.create_response(
        request, {"code": "too_much_data", "message": _("The request carries too many files or too much data.")},
        status=400)


# Routers of the apps. Add one line per app that has an api.py.
api.add_router("/org", "linli.org.api.router")
api.add_router("/ledger", "linli.ledger.api.router")
api.add_router("/disclosure", "linli.disclosure.api.router")
api.add_router("/mutualaid", "linli.mutualaid.api.router")
api.add_router("", "linli.cases.api.router")
api.add_router("/surveys", "linli.surveys.api.router")
api.add_router("/votes", "linli.deliberation.votes.api.router")
api.add_router("/deliberation", "linli.deliberation.api.router")
api.add_router("/projects", "linli.projects.api.router")
api.add_router("/circles", "linli.circles.api.router")
