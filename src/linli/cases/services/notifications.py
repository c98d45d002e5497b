"""In-app notifications: marking them read."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import NotFound
from linli.org.models import Person


@transaction.atomic
def notifications_mark_all_read(*, by: Person) -> int:
    from linli.cases.models import Notification

    authz.require(by, "cases.notification.view", by)
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_mark_read(*, notification, by: Person):
    """Mark one of one's own in-app notifications read (idempotent)."""
    if notification.recipient_id is None or notification.recipient_id != getattr(by, "pk", None):
        raise NotFound("not_found", _("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
