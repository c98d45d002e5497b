"""The one authorisation function.

``can(person, action, obj)`` answers "may this person do this action on this
object" from the person's roles and their scopes: a role held at a node covers
that node and its whole subtree (a household also lies under its micro-grid).
Every view, API endpoint and service asks it; selectors use ``scope_filter``
so that lists show exactly what ``can`` would allow.

Rules are data (``RULES``): an action names the roles that may do it. An action
marked ``self_only`` is allowed on one's own account only; ``public`` to anyone.
Each app declares its actions in ``<app>/permissions.py`` and adds them with
``register`` in its AppConfig.ready(), so the rules of an app sit beside it
while the decision stays in this one function.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.errors import NotAllowed
from linli.org.models import Node, Role

STAFF_ROLES = frozenset(
    {
        Role.BUILDING_REP,
        Role.MICROGRID_LEADER,
        Role.GRID_WORKER,
        Role.PROPERTY_STAFF,
        Role.OWNERS_COMMITTEE,
        Role.GOVERNANCE_COMMITTEE,
        Role.PARTY_BRANCH,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
    }
)


@dataclass(frozen=True)
class Rule:
    roles: frozenset = frozenset()
    # Allowed to anyone, signed in or not (public pages).
    public: bool = False
    # Allowed to any signed-in person on their own account.
    self_only: bool = False
    # Also allowed to the person named in this attribute of the object (e.g. "assignee"),
    # whatever their roles: a volunteer matched to a help request may finish it.
    holder: str = ""
    # Also allowed to whoever holds one of the (role, place) pairs this function
    # names for the object, at that place or above it: the handlers of a request
    # dispatched to "the property company of compound X" are X's property staff.
    # ``can`` only: lists are not filtered by it (scope_filter ignores it).
    holder_roles: Callable[[object], list[tuple[str, Node]]] | None = None
    description: str = ""


RULES: dict[str, Rule] = {
    # Tree and people
    "org.node.view": Rule(roles=STAFF_ROLES | {Role.RESIDENT, Role.OWNER}, description="see a place and what lies below it"),
    "org.node.edit": Rule(roles=frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}), description="create or rename places"),
    "org.tree.import": Rule(
        roles=frozenset({Role.PROPERTY_STAFF, Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
        description="import buildings, units, households and owners into a compound",
    ),
    "org.people.view": Rule(
        roles=frozenset({Role.GRID_WORKER, Role.PROPERTY_STAFF, Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
        description="see people and their roles, phone numbers unmasked",
    ),
    "org.role.assign": Rule(
        roles=frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}), description="give or take a role in scope"
    ),
    "org.poster.print": Rule(
        roles=frozenset({Role.GRID_WORKER, Role.MICROGRID_LEADER, Role.PROPERTY_STAFF, Role.PARTY_BRANCH,
                         Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
        description="print the QR posters of buildings and units",
    ),
    # One's own account
    "account.view": Rule(self_only=True, description="see one's own account"),
    "account.token.manage": Rule(self_only=True, description="create and revoke one's API tokens"),
    # Public
    "public.health": Rule(public=True),
    # Personal data (PIPL-style rights) and passwords
    "account.password.change": Rule(self_only=True, description="change one's own password"),
    "account.data.download": Rule(self_only=True, description="download all personal data held about oneself"),
    "account.erase": Rule(self_only=True, description="have one's personal data erased"),
    "org.person.password.reset": Rule(
        roles=frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
        description="set a one-time password for a person whose every role lies in one's scope",
    ),
}


def register(rules: dict[str, Rule]) -> None:
    """Add an app's actions (called from its AppConfig.ready). An action is
    defined once: registering a name twice is a programming error."""
    for name, rule in rules.items():
        if name in RULES and RULES[name] != rule:
            raise ValueError(f"action {name!r} is already defined")
        RULES[name] = rule


def _is_person(person) -> bool:
    return person is not None and getattr(person, "is_authenticated", False) and person.is_active


def node_of(obj) -> Node | None:
    """The place an object belongs to, for scope checks."""
    if obj is None:
        return None
    if isinstance(obj, Node):
        return obj
    for attr in ("node", "scope_node", "compound", "household", "unit"):
        node = getattr(obj, attr, None)
        if isinstance(node, Node):
            return node
    return None


class _RoleChanges:
    """Counts role assignments saved or deleted in this process, so that the scopes
    remembered on a person object (for the length of one request) are read again
    after a change. Another process's change reaches this one at its next request,
    which loads the person afresh."""

    count = 0

    @classmethod
    def bump(cls, **_kwargs) -> None:
        cls.count += 1


def role_scopes(person, roles) -> list[str]:
    """Paths of the nodes where ``person`` holds one of ``roles``. Remembered on the
    person object: a page that asks several times for the same rule reads once."""
    if not _is_person(person):
        return []
    memo = person.__dict__.setdefault("_role_scopes", {})
    key = frozenset(roles)
    seen = memo.get(key)
    if seen is None or seen[0] != _RoleChanges.count:
        seen = memo[key] = (_RoleChanges.count, list(
            person.roles.filter(role__in=list(roles)).values_list("node__path", flat=True).distinct()
        ))
    return list(seen[1])


def _scope_nodes(obj) -> list[Node]:
    """The places an object lies under: its own node, and a micro-grid it names
    (a household's micro-grid, or the micro-grid recorded on a request)."""
    node = node_of(obj)
    if node is None:
        return []
    nodes = [node]
    if node.microgrid:
        nodes.append(node.microgrid)
    extra = getattr(obj, "microgrid", None) if not isinstance(obj, Node) else None
    if isinstance(extra, Node):
        nodes.append(extra)
    return nodes


def _in_scope(obj, paths: list[str]) -> bool:
    own = node_of(obj)
    if own is not None and any(own.path.startswith(p) for p in paths if p):
        return True  # the place itself is in scope: its micro-grid need not be read
    candidates = [n.path for n in _scope_nodes(obj)]
    return any(c.startswith(p) for p in paths for c in candidates if p)


def can(person, action: str, obj=None) -> bool:
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"unknown action {action!r}")
    if rule.public:
        return True
    if not _is_person(person):
        return False
    if rule.self_only:
        return obj is not None and getattr(obj, "pk", None) == person.pk and obj.__class__ is person.__class__
    if person.is_superuser:
        return True
    if rule.holder and obj is not None and getattr(obj, f"{rule.holder}_id", None) == person.pk:
        return True
    if rule.holder_roles and obj is not None and _holds_any(person, rule.holder_roles(obj)):
        return True
    node = node_of(obj)
    paths = role_scopes(person, rule.roles)
    if not paths:
        return False
    if obj is None:
        # "May this person do this kind of thing anywhere?" (menus, list pages)
        return True
    if node is None:
        return False
    return _in_scope(obj, paths)


def _holds_any(person, pairs) -> bool:
    """Whether ``person`` holds one of these roles at its place or above it."""
    pairs = [(role, node) for role, node in pairs if role and node is not None]
    if not pairs:
        return False
    held = person.roles.filter(role__in={role for role, _node in pairs}).values_list("role", "node__path")
    return any(role == r and node.path.startswith(p) for r, p in held for role, node in pairs if p)


def require(person, action: str, obj=None) -> None:
    """Raise NotAllowed unless ``can``."""
    if not can(person, action, obj):
        raise NotAllowed("forbidden", _("You may not do this here."))


def scope_filter(person, action: str, node_field: str = "", also: tuple[str, ...] = (), model=None) -> Q | None:
    """A Q restricting a queryset to the objects whose place ``can`` allows.

    ``node_field`` is the lookup path from the model to its Node ("" when the
    model is Node). Returns None when everything is allowed; ``Q(pk__in=[])``
    when nothing is. ``also`` names further Node lookups that place the object
    (e.g. ``("microgrid",)`` for a request's micro-grid). ``model``, when it
    has the rule's ``holder`` field, adds the objects naming the person there
    (as ``can`` does).
    """
    rule = RULES[action]
    if rule.public or (_is_person(person) and person.is_superuser):
        return None
    nothing = Q(pk__in=[])
    if not _is_person(person) or rule.self_only:
        return nothing
    prefix = f"{node_field}__" if node_field else ""
    q = nothing
    for path in role_scopes(person, rule.roles):
        q |= Q(**{f"{prefix}path__startswith": path}) | Q(**{f"{prefix}microgrid__path__startswith": path})
        for other in also:
            q |= Q(**{f"{other}__path__startswith": path})
    if rule.holder and model is not None and _has_field(model, rule.holder):
        q |= Q(**{f"{rule.holder}": person})
    return q


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def filter_visible(queryset, person, action: str, node_field: str = "", also: tuple[str, ...] = ()):
    q = scope_filter(person, action, node_field, also, model=queryset.model)
    return queryset if q is None else queryset.filter(q)
