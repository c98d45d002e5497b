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


@transaction.atomic
def case_updates_set(*, token: str, wanted: bool, by=None):
    """The resident's opt-out link ``/u/<token>/`` (in every SMS): stop, or start again,
    the SMS updates of one request. The token is the proof; no login. Recorded as a
    (non-public) event of the request."""
    from linli.cases.locks import case_lock
    from linli.cases.models import Case, EventAction
    from linli.cases.services.transitions import _event

    found = Case.objects.filter(updates_token=token).values_list("pk", flat=True).first() if token else None
    if found is None:
        raise NotFound("updates.not_found", _("This link is not valid (any more)."))
    case = case_lock(found)
    authz.require(by, "cases.case.updates", case)
    if case.updates_wanted != wanted:
        case.updates_wanted = wanted
        case.save(update_fields=["updates_wanted", "updated_at"])
        _event(case, EventAction.UPDATES, by, timezone.now(), case.status, case.status, data={"wanted": wanted},
               public=False)
    return case
