"""The status tables of volunteers, tasks and sign-ups: which arrow may be taken
from which status. Services enforce them; pages ask ``possible`` to offer
exactly the buttons the services would accept."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.mutualaid.models import SignUpStatus as SS
from linli.mutualaid.models import TaskStatus as TS
from linli.mutualaid.models import VolunteerStatus as VS
from linli.mutualaid.services._common import AidRefused

# kind -> arrow -> (allowed from, to)
TRANSITIONS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "volunteer": {
        "confirm": ((VS.APPLIED, VS.REFUSED), VS.CONFIRMED),
        "refuse": ((VS.APPLIED,), VS.REFUSED),
        "leave": ((VS.APPLIED, VS.CONFIRMED), VS.LEFT),
        "reapply": ((VS.LEFT, VS.REFUSED), VS.APPLIED),
    },
    "task": {
        "close": ((TS.OPEN,), TS.CLOSED),
        "cancel": ((TS.OPEN,), TS.CANCELLED),
        "reopen": ((TS.CLOSED,), TS.OPEN),
    },
    "signup": {
        "withdraw": ((SS.CONFIRMED, SS.WAITING), SS.WITHDRAWN),
        "promote": ((SS.WAITING,), SS.CONFIRMED),
        "complete": ((SS.CONFIRMED,), SS.COMPLETED),
    },
}


def possible(kind: str, arrow: str, status: str) -> bool:
    return status in TRANSITIONS[kind][arrow][0]


def step(kind: str, arrow: str, obj) -> tuple[str, str]:
    """Check the arrow from ``obj.status``, set the new status (not saved): (before, after)."""
    allowed, to = TRANSITIONS[kind][arrow]
    if obj.status not in allowed:
        raise AidRefused(
            f"mutualaid.{kind}_state",
            _("This cannot be done now: the status is “%(status)s”.") % {"status": obj.get_status_display()},
            details=[{"action": arrow, "status": obj.status}],
        )
    before, obj.status = obj.status, to
    return before, to
