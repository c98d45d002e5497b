from __future__ import annotations

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from linli import authz


def database_status(alias: str = "default") -> dict:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"status": "error", "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


@never_cache
@require_GET
def healthz(request):
    authz.require(request.user, "public.health")
    db = database_status()
    ok = db["status"] == "ok"
    return JsonResponse({"status": "ok" if ok else "error", "database": db}, status=200 if ok else 503)
