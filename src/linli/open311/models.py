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
    def issue(cls, *, name: str, jurisdiction: Node | None = None) -> tuple[Open311Key, str]:
        raw = "o311_" + secrets.token_urlsafe(24)
        key = cls.objects.create(name=name, prefix=raw[:10], digest=cls.hash(raw), jurisdiction=jurisdiction)
        return key, raw

    @classmethod
    def authenticate(cls, raw: str | None) -> Open311Key | None:
        if not raw:
            return None
        return cls.objects.select_related("jurisdiction").filter(digest=cls.hash(raw), revoked_at__isnull=True).first()


class ServiceAttribute(models.Model):
    """An extra question of a service (a category) in its Open311 service
    definition: ``attribute[code]=value`` when a request is posted."""

    class Datatype(models.TextChoices):
        STRING = "string", _("short text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("long text")
        SINGLE = "singlevaluelist", _("one of a list")
        MULTI = "multivaluelist", _("several of a list")

    category = models.ForeignKey("cases.Category", on_delete=models.CASCADE, related_name="open311_attributes",
                                 verbose_name=_("category"))
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=200)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # For the list types: [{"key": "1", "name": "一楼"}, …]
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code_unique")]

    def __str__(self) -> str:
        return f"{self.category.code}:{self.code}"

    def keys(self) -> set[str]:
        return {str(v.get("key")) for v in self.values or [] if isinstance(v, dict)}


class Open311Submission(models.Model):
    """Which integration posted a request, with what it sent beyond the request itself."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311",
                                verbose_name=_("request"))
    key = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="submissions",
                            verbose_name=_("integration"))
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")
