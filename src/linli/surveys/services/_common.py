"""What the questionnaire services share: the errors and the event row."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.errors import DomainError, InvalidInput
from linli.surveys.models import Event, Survey


class SurveyRefused(DomainError):
    """Not possible now (not open yet, closed, already answered); nothing was written."""

    status = 409


def event(survey: Survey, kind: str, by=None, at=None, **data) -> Event:
    extra = {"at": at} if at is not None else {}
    return Event.objects.create(survey=survey, kind=kind, by=by if getattr(by, "pk", None) else None, data=data,
                                **extra)


def refuse_nul(*texts: str) -> None:
    if any("\x00" in (t or "") for t in texts):
        raise InvalidInput("surveys.nul", _("The request contains a NUL character."))
