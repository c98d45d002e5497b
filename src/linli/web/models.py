from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ThrottleHit(models.Model):
    """One counted request of a client for a purpose (abuse limits that hold
    across processes: counted in the database, not in memory)."""

    key = models.CharField(_("key"), max_length=120)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("throttle hit")
        verbose_name_plural = _("throttle hits")
        indexes = [models.Index(fields=["key", "at"])]
