"""What every deliberation service shares: the errors, the event row, the
resident's home in a compound and the checks of text and dates."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.deliberation.models import Event
from linli.deliberation.permissions import NEIGHBOURS
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.org.models import Node, NodeKind, Person


class DeliberationRefused(DomainError):
    """Not possible now (status, phase, already done); nothing was written."""

    status = 409


def event(node: Node, kind: str, by=None, **data) -> Event:
    return Event.objects.create(node=node, kind=kind, by=by if getattr(by, "pk", None) else None, data=data)


def home_in(person: Person | None, place: Node) -> Node:
    """The household (in ``place``) where the person lives or owns a home; a person
    without one may not act as a neighbour there (NotAllowed, as authz would)."""
    if person is not None and getattr(person, "is_authenticated", False):
        for path in authz.role_scopes(person, NEIGHBOURS):
            if path.startswith(place.path):
                home = Node.objects.filter(path=path).first()
                if home is not None:
                    return home
    raise NotAllowed("forbidden", _("Only residents and owners of this place can do this."))


def require_neighbour(person, action: str, place: Node) -> Node:
    """Ask authz about the person's home in ``place``; without a home there, about the place
    itself (which a resident's or owner's role does not cover: refused)."""
    try:
        home = home_in(person, place)
    except NotAllowed:
        authz.require(person, action, place)
        raise
    authz.require(person, action, home)
    return home


def compound_of(node: Node | None) -> Node:
    if node is None or node.kind != NodeKind.COMPOUND:
        raise InvalidInput("deliberation.compound", _("Choose a compound."))
    return node


def text(value, code: str, message, *, maximum: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if "\x00" in value or len(value) > maximum or (required and not value):
        raise InvalidInput(code, message)
    return value


def amount_fen(value, code: str, message, *, maximum: int = 10**11) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > maximum:
        raise InvalidInput(code, message)
    return value


def future_date(value, code: str, message, *, today: dt.date) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or value < today or value.year > 2200:
        raise InvalidInput(code, message)
    return value
