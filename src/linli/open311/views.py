"""Open311 GeoReport v2 at /open311/v2/ — a thin adapter over the cases
services and selectors (no rule lives here). Spec: http://wiki.open311.org/GeoReport_v2
plus mySociety's servicerequestupdates extension."""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from linli.open311.formats import error, respond

FORMATS = {"xml", "json"}
CHANGESET = "2026-11-22T00:00:00Z"


def _base(request) -> str:
    from linli.org.posters import public_base_url

    return public_base_url(request) + "/open311/v2/"


@require_http_methods(["GET"])
def discovery(request, fmt: str):
    if fmt not in FORMATS:
        return error("json", 404, "format must be xml or json")
    payload = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "Linli 邻里 — contact your community office"),
        "key_service": "api_key per integration: ask the site administrator (linli open311 key create NAME)",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": _base(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", None, payload)
