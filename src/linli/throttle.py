"""Abuse limits per client, counted in the database so that every web process
sees the same counts.

Limits are ``(hits, seconds)`` pairs read from settings (``LINLI_*_THROTTLE``); a
caller is its account or API key where there is one, else its address. Behind
``LINLI_PROXY_COUNT`` proxies the address is the one the outermost declared proxy
saw: the ``X-Forwarded-For`` entry that many places from the right. Entries further
left were written by the client and prove nothing.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import DomainError

# Every this many hits, the hits older than a day are deleted.
PRUNE_EVERY = 100


class Throttled(DomainError):
    status = 429


def client_address(request) -> str:
    """The client's address as the declared proxies saw it (also django-axes' address)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "LINLI_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < proxies:
        return remote  # not through the declared proxies: the connection's own address
    return entries[-proxies][:64]


def _digest(text: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()[:32]


def client_key(request, purpose: str) -> str:
    """A key for this client's address and purpose; the address is hashed, not stored."""
    return f"{purpose}:{_digest(client_address(request))}"


def caller_key(purpose: str, caller: str) -> str:
    """A key for a known caller (``person:12``, ``open311:3``) and purpose."""
    return f"{purpose}:{_digest(caller)}"


def rate(name: str, default: tuple[int, int]) -> tuple[int, timedelta]:
    """A ``(hits, seconds)`` setting as ``(hits, window)``."""
    hits, seconds = getattr(settings, name, default)
    return int(hits), timedelta(seconds=int(seconds))


def _refusal(window: timedelta) -> Throttled:
    minutes = max(1, int(window.total_seconds() // 60))
    return Throttled(
        "throttled",
        _("Too many submissions from this device. Please try again in %(m)d minutes.") % {"m": minutes},
    )


def is_exceeded(key: str, *, limit: int, window: timedelta) -> bool:
    """Whether ``key`` already made ``limit`` hits within ``window`` (counts nothing)."""
    from linli.web.models import ThrottleHit

    return ThrottleHit.objects.filter(key=key, at__gte=timezone.now() - window).count() >= limit


def count_hit(key: str) -> None:
    from linli.web.models import ThrottleHit

    ThrottleHit.objects.create(key=key, at=timezone.now())


def check_and_count(key: str, *, limit: int, window: timedelta) -> None:
    """Count one hit for ``key``; raise Throttled (writing nothing) if the
    client already made ``limit`` hits within ``window``."""
    from linli.web.models import ThrottleHit

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two processes counting the same key wait for each other, so a burst from
            # many workers cannot slip past the limit (SQLite's BEGIN IMMEDIATE already
            # serialises writers). Released at the end of the transaction.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        now = timezone.now()
        recent = ThrottleHit.objects.filter(key=key, at__gte=now - window).count()
        if recent >= limit:
            raise _refusal(window)
        hit = ThrottleHit.objects.create(key=key, at=now)
        if hit.pk % PRUNE_EVERY == 0:  # old hits are cleared now and then, not on every request
            ThrottleHit.objects.filter(at__lt=now - timedelta(days=1)).delete()
