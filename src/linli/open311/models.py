from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.org.models import Node


class Open311Key(models.Model):
    """An ``api_key`` for one integration (a hotline system, a civic app).
    Only its SHA-256 is kept; the key is shown once when created. A key may be
    limited to one jurisdiction (a compound or community and what lies below)."""

    name = models.CharField(_("integration"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    jurisdiction = models.ForeignKey(
        Node, verbose_name=_("jurisdiction"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("Empty: every jurisdiction."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, name: str, jurisdiction: Node | None = None) -> tuple["Open311Key", str]:
        raw = "o311_" + secrets.token_urlsafe(24)
        key = cls.objects.create(name=name, prefix=raw[:10], digest=cls.hash(raw), jurisdiction=jurisdiction)
        return key, raw

    @classmethod
    def authenticate(cls, raw: str | None) -> "Open311Key | None":
        if not raw:
            return None
        return cls.objects.select_related("jurisdiction").filter(digest=cls.hash(raw), revoked_at__isnull=True).first()
