"""Abuse limits per client, counted in the database so that every web process
sees the same counts."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import DomainError

# Every this many hits, the hits older than a day are deleted.
PRUNE_EVERY = 100


class Throttled(DomainError):
    status = 429


def client_key(request, purpose: str) -> str:
    """A key for this client and purpose; the address is hashed, not stored."""
    ip = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        ip = forwarded.split(",")[0].strip()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    return f"{purpose}:{digest}"


def check_and_count(key: str, *, limit: int, window: timedelta) -> None:
    """Count one hit for ``key``; raise Throttled (writing nothing) if the
    client already made ``limit`` hits within ``window``."""
    from linli.web.models import ThrottleHit

    now = timezone.now()
    with transaction.atomic():
        recent = ThrottleHit.objects.filter(key=key, at__gte=now - window).count()
        if recent >= limit:
            minutes = max(1, int(window.total_seconds() // 60))
            raise Throttled(
                "throttled",
                _("Too many submissions from this device. Please try again in %(m)d minutes.") % {"m": minutes},
            )
        hit = ThrottleHit.objects.create(key=key, at=now)
        if hit.pk % PRUNE_EVERY == 0:  # old hits are cleared now and then, not on every request
            ThrottleHit.objects.filter(at__lt=now - timedelta(days=1)).delete()
