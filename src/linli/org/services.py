"""Everything that writes to the trees, people and roles."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import InvalidInput, NotAllowed
from linli.org.models import (
    ALLOWED_PARENTS,
    CODE_VALIDATOR_RE,
    ROLE_SCOPE_KINDS,
    AccountEvent,
    ApiToken,
    Node,
    NodeKind,
    Person,
    PropertyCompany,
    RoleAssignment,
    RoleEvent,
)

_code_re = re.compile(CODE_VALIDATOR_RE)


def check_node(*, kind: str, code: str, name: str, parent: Node | None, area_m2=None, microgrid: Node | None = None,
               property_mode: str = "", property_company: PropertyCompany | None = None) -> None:
    """Validate a place before it is written; raises InvalidInput with a Chinese message."""
    if kind not in NodeKind.values:
        raise InvalidInput("node.kind", _("Unknown kind of place: %(kind)s") % {"kind": kind})
    if not _code_re.match(code or ""):
        raise InvalidInput(
            "node.code", _("Code %(code)s is invalid: use letters, digits and '-', at most 40.") % {"code": code}
        )
    if not (name or "").strip():
        raise InvalidInput("node.name", _("A place needs a name."))
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        raise InvalidInput(
            "node.parent",
            _("A %(kind)s cannot stand under %(parent)s.")
            % {"kind": NodeKind(kind).label, "parent": NodeKind(parent_kind).label if parent_kind else _("nothing")},
        )
    if kind == NodeKind.HOUSEHOLD:
        if area_m2 is None or Decimal(area_m2) <= 0:
            raise InvalidInput("node.area", _("A household's exclusive floor area must be greater than 0 m²."))
        if microgrid is None or microgrid.kind != NodeKind.MICROGRID:
            raise InvalidInput("node.microgrid", _("A household must belong to exactly one micro-grid."))
        community = parent.ancestor_of_kind(NodeKind.COMMUNITY)  # type: ignore[union-attr]  # a household has a parent (ALLOWED_PARENTS)
        if community is None or not microgrid.path.startswith(community.path):
            raise InvalidInput(
                "node.microgrid", _("Micro-grid %(code)s is not in this compound's community.") % {"code": microgrid.code}
            )
    elif area_m2 is not None or microgrid is not None:
        raise InvalidInput("node.household_fields", _("Only a household has a floor area and a micro-grid."))
    if kind != NodeKind.COMPOUND and (property_mode or property_company):
        raise InvalidInput("node.property", _("Only a compound has a property service mode."))


def _require_tree_edit(by: Person | None, node: Node | None) -> None:
    """``by`` may create or change places here (``org.node.edit``, or ``org.tree.import``
    for a compound's buildings and households); ``None`` is the system."""
    from linli import authz

    if by is not None and not authz.can(by, "org.tree.import", node):
        authz.require(by, "org.node.edit", node)


@transaction.atomic
def node_create(*, kind: str, code: str, name: str, parent: Node | None = None, area_m2=None,
                microgrid: Node | None = None, property_mode: str = "",
                property_company: PropertyCompany | None = None, by: Person | None) -> Node:
    """Create a place under ``parent``. ``by`` needs ``org.node.edit`` or ``org.tree.import``
    at ``parent``; ``None`` only for the system (demo data, the command line)."""
    _require_tree_edit(by, parent)
    check_node(kind=kind, code=code, name=name, parent=parent, area_m2=area_m2, microgrid=microgrid,
               property_mode=property_mode, property_company=property_company)
    if Node.objects.filter(code=code).exists():
        raise InvalidInput("node.code_taken", _("Code %(code)s is already used by another place.") % {"code": code})
    node = Node.objects.create(
        kind=kind, code=code, name=name.strip(), parent=parent, area_m2=area_m2, microgrid=microgrid,
        property_mode=property_mode, property_company=property_company,
    )
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.compound_id = node.pk if kind == NodeKind.COMPOUND else (parent.compound_id if parent else None)
    request_microgrid: dict[str, int | None] = {NodeKind.HOUSEHOLD: getattr(microgrid, "pk", None),
                                                NodeKind.MICROGRID: node.pk}
    node.request_microgrid_id = request_microgrid.get(kind)
    node.save(update_fields=["path", "compound", "request_microgrid"])
    if kind == NodeKind.HOUSEHOLD:
        request_microgrids_refresh(node=node)
    return node


def request_microgrids_refresh(*, node: Node) -> None:
    """After a household came or changed its micro-grid: the micro-grid a request about
    its unit, building or group goes to is the one most households below belong to
    (the lowest id on a tie). One query for the households, one update per place that changed."""
    above = list(Node.objects.filter(pk__in=node.ancestor_ids(include_self=False),
                                     kind__in=[NodeKind.UNIT, NodeKind.BUILDING, NodeKind.GROUP]))
    if not above:
        return
    counts: dict[int, dict[int, int]] = {p.pk: {} for p in above}
    households = Node.objects.filter(path__startswith=min(p.path for p in above), kind=NodeKind.HOUSEHOLD)
    for path, microgrid in households.values_list("path", "microgrid"):
        for place in above:
            if path.startswith(place.path):
                # A household always has a micro-grid (check_node).
                counts[place.pk][microgrid] = counts[place.pk].get(microgrid, 0) + 1  # type: ignore[index, arg-type]
    for place in above:
        per = counts[place.pk]
        best = min(per, key=lambda mg: (-per[mg], mg)) if per else None
        if best != place.request_microgrid_id:
            Node.objects.filter(pk=place.pk).update(request_microgrid=best)


@transaction.atomic
def node_update(*, node: Node, name: str | None = None, area_m2=None, microgrid: Node | None = None,
                property_mode: str | None = None, property_company: PropertyCompany | None = None,
                by: Person | None) -> bool:
    """Change what may change of a place (never its code, kind or parent). Returns whether anything changed.
    ``by`` as for ``node_create``, at the place itself."""
    _require_tree_edit(by, node)
    new: dict[str, Any] = {
        "name": node.name if name is None else name.strip(),
        "area_m2": node.area_m2 if area_m2 is None else Decimal(area_m2),
        "microgrid": node.microgrid if microgrid is None else microgrid,
        "property_mode": node.property_mode if property_mode is None else property_mode,
        "property_company": node.property_company if property_company is None else property_company,
    }
    check_node(kind=node.kind, code=node.code, name=new["name"], parent=node.parent, area_m2=new["area_m2"],
               microgrid=new["microgrid"], property_mode=new["property_mode"],
               property_company=new["property_company"])
    changed = [k for k, v in new.items() if getattr(node, k) != v]
    for k in changed:
        setattr(node, k, new[k])
    if changed:
        if "microgrid" in changed:
            node.request_microgrid = node.microgrid
            changed.append("request_microgrid")
        node.save(update_fields=changed)
        if "microgrid" in changed:
            request_microgrids_refresh(node=node)
    return bool(changed)


@transaction.atomic
def role_assign(*, person: Person, role: str, node: Node, by: Person | None,
                action: str = "org.role.assign") -> RoleAssignment:
    """Give ``person`` a role at ``node`` (idempotent) and record it (``RoleEvent``).
    ``by`` must be allowed ``action`` there (``org.tree.import`` when an import
    names a household's owners and residents); ``None`` only for the system
    (demo data, the command line)."""
    from linli import authz
    from linli.org.models import Role

    if role not in Role.values:
        raise InvalidInput("role.unknown", _("Unknown role."))
    if action != "org.role.assign" and role not in (Role.OWNER, Role.RESIDENT):
        raise NotAllowed("forbidden", _("You may not do this here."))
    if by is not None:
        authz.require(by, action, node)
        _require_rank(by, role, node)
    if node.kind not in ROLE_SCOPE_KINDS[role]:
        raise InvalidInput("role.scope", _("This role cannot be held at a %(kind)s.") % {"kind": node.get_kind_display()})
    assignment, created = RoleAssignment.objects.get_or_create(person=person, role=role, node=node)
    if created:
        RoleEvent.objects.create(action=RoleEvent.Action.GRANT, person=person, role=role, node=node, by=by)
    return assignment


# Who may give whom: street staff any role of their street, community staff any role of
# their community but street staff, the rest no role (they hold no ``org.role.assign``).
ROLE_RANK = {"street_staff": 3, "community_staff": 2}


def role_rank(role: str) -> int:
    return ROLE_RANK.get(role, 1)


def rank_at(person: Person, node: Node) -> int:
    """The highest rank among the roles ``person`` holds at ``node`` or above it."""
    if person.is_superuser:
        return max(ROLE_RANK.values())
    held = person.roles.filter(node_id__in=node.ancestor_ids()).values_list("role", flat=True)
    return max((role_rank(r) for r in held), default=0)


def _require_rank(by: Person, role: str, node: Node) -> None:
    if role_rank(role) > rank_at(by, node):
        raise NotAllowed("role.above_own", _("You may not give or take a role above your own."))


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: Person | None) -> None:
    """Take a role away and record it. ``by`` as for ``role_assign``."""
    from linli import authz

    if by is not None:
        authz.require(by, "org.role.assign", assignment.node)
        _require_rank(by, assignment.role, assignment.node)
    RoleEvent.objects.create(action=RoleEvent.Action.WITHDRAW, person=assignment.person, role=assignment.role,
                             node=assignment.node, by=by)
    assignment.delete()


@transaction.atomic
def person_create(*, username: str, real_name: str = "", phone: str = "", password: str | None = None,
                  is_superuser: bool = False, by: Person | None) -> Person:
    """Open an account. ``by`` may give roles or import households somewhere
    (a superuser account only by a superuser); ``None`` only for the system."""
    from linli import authz

    if by is not None and not (authz.can(by, "org.role.assign") or authz.can(by, "org.tree.import")):
        authz.require(by, "org.role.assign")
    if by is not None and is_superuser and not by.is_superuser:
        raise NotAllowed("forbidden", _("You may not do this here."))
    if Person.objects.filter(username=username).exists():
        raise InvalidInput("person.username_taken", _("Username %(u)s is taken.") % {"u": username})
    if is_superuser:
        return Person.objects.create_superuser(username=username, password=password, real_name=real_name, phone=phone)
    person = Person(username=username, real_name=real_name, phone=phone)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    return person


@transaction.atomic
def api_token_create(*, person: Person, name: str = "", by: Person | None) -> tuple[ApiToken, str]:
    """Create a bearer token for ``person``; returns the row and the raw token, shown once.
    ``by`` is the person themselves; ``None`` for the command line."""
    from linli import authz

    if by is not None:
        authz.require(by, "account.token.manage", person)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(person=person, name=name[:100], prefix=raw[:10], digest=ApiToken.hash(raw))
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Person | None) -> None:
    """``by`` is the token's person (``account.token.manage``); ``None`` for the command line."""
    from linli import authz

    if by is not None:
        authz.require(by, "account.token.manage", token.person)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# How exact "last used" is: a token calling many times a minute (an integration posting
# requests) writes the time once a minute, not on every call (a write per call was an
# extra statement, and on SQLite a write lock, in every API request).
TOKEN_LAST_USED_PRECISION = dt.timedelta(minutes=1)


def api_token_authenticate(raw: str) -> Person | None:
    """The active person behind a bearer token, or None (unknown, revoked, inactive).
    Its ``last_used_at`` is kept to the minute (``TOKEN_LAST_USED_PRECISION``)."""
    if not raw:
        return None
    token = ApiToken.objects.select_related("person").filter(digest=ApiToken.hash(raw), revoked_at__isnull=True).first()
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person



# ---------------------------------------------------------------------------
# Passwords and personal data

ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read out over the phone


def person_password_reset(*, person: Person, by: Person | None) -> str:
    """Give ``person`` a one-time password (returned, shown once) that must be
    changed at the next sign-in. ``by`` needs ``org.person.password.reset`` at
    every place where ``person`` holds a role (``selectors.person_password_resettable``)."""
    import secrets

    from linli.org.selectors import person_password_resettable

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if by is not None and not person_password_resettable(viewer=by, person=person):
            raise NotAllowed("forbidden", _("You may not do this here."))
        if person.erased_at is not None or not person.is_active:
            raise InvalidInput("person.inactive", _("This account is closed."))
        raw = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(10))
        person.set_password(raw)
        person.must_change_password = True
        person.save(update_fields=["password", "must_change_password"])
        AccountEvent.objects.create(action=AccountEvent.Action.PASSWORD_RESET, person=person, by=by)
    return raw


@transaction.atomic
def person_password_changed(*, person: Person, by: Person | None) -> None:
    """Record a password change (Django's forms set the password) and lift the
    one-time password's hold. ``by`` is the person, or None for a reset by e-mail link."""
    Person.objects.filter(pk=person.pk).update(must_change_password=False)
    person.must_change_password = False
    AccountEvent.objects.create(action=AccountEvent.Action.PASSWORD_CHANGED, person=person, by=by)


@transaction.atomic
def person_anonymise(*, person: Person, by: Person | None) -> None:
    """The account part of an erasure (``linli.privacy.person_erase`` does the
    rest): name, phone, e-mail and username go, the password becomes unusable,
    tokens are revoked, roles are taken away (each recorded), the account is
    closed. The row stays so that history keeps pointing at "someone"."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    for assignment in person.roles.select_related("node"):
        role_revoke(assignment=assignment, by=None if by is None or by.pk == person.pk else by)
    ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    person.username = f"erased-{person.pk}"
    person.real_name = person.first_name = person.last_name = person.email = person.phone = ""
    person.set_unusable_password()
    person.is_active = False
    person.must_change_password = False
    person.erased_at = timezone.now()
    person.save()
    AccountEvent.objects.create(action=AccountEvent.Action.ERASED, person=person, by=by)
