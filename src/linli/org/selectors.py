"""Reads of the trees and people that depend on who is looking."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from linli import authz
from linli.org.models import Node, NodeKind, Person, RoleAssignment


def node_list(*, viewer: Person, kind: str | None = None, action: str = "org.node.view") -> QuerySet[Node]:
    qs = Node.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return authz.filter_visible(qs, viewer, action)


def node_roots(*, viewer: Person) -> list[Node]:
    """The highest places the viewer may see: where their browsing starts."""
    if viewer.is_superuser:
        return list(Node.objects.filter(parent__isnull=True))
    paths = sorted(set(authz.role_scopes(viewer, authz.RULES["org.node.view"].roles)))
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Node.objects.filter(path__in=tops).order_by("path"))


def natural_key(name: str) -> tuple:
    """Sort key that reads the numbers in a name as numbers: 2栋 before 13栋,
    1单元 before 10单元, 101室 before 1001室. THE one natural sort of the project."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", name or "") if part)


def natural_sorted(nodes, *, label=lambda n: n.name) -> list:
    return sorted(nodes, key=lambda n: natural_key(label(n)))


def node_children(*, viewer: Person, node: Node) -> list[Node]:
    """The places directly below ``node`` (for a micro-grid: its households), in
    natural order of their names; each household carries ``place_label`` (its
    building, unit and room) since "101室" alone says nothing in a micro-grid."""
    authz.require(viewer, "org.node.view", node)
    qs = node.children.annotate(n_children=Count("children")).order_by("code")
    if node.kind == NodeKind.MICROGRID:
        qs = Node.objects.filter(microgrid=node).annotate(n_children=Count("children")).order_by("code")
    children = list(authz.filter_visible(qs, viewer, "org.node.view"))
    labels = place_paths(children, within=node.compound if node.kind != NodeKind.MICROGRID else None)
    for child in children:
        child.place_label = labels[child.pk]  # read by the template
    return natural_sorted(children, label=lambda n: n.place_label)


def node_people(*, viewer: Person, node: Node) -> QuerySet[RoleAssignment]:
    """Roles held at this place (not below it), for staff who may see people."""
    authz.require(viewer, "org.people.view", node)
    return RoleAssignment.objects.filter(node=node).select_related("person").order_by("role", "person__username")


def node_by_code(code: str) -> Node | None:
    return Node.objects.select_related("parent", "microgrid", "property_company").filter(code=code).first()


@dataclass(frozen=True)
class PublicPlace:
    """How a place is shown to the public: no finer than its building."""

    name: str  # "丽晶公馆 1栋": the compound's and the building's names
    code: str  # the code of that building, else of the compound, else the place's own


def public_places(nodes, *, within: Node | None = None) -> dict[int, PublicPlace]:
    """The public name and code of each place (boards, tracking pages, Open311,
    disclosure), in one query: a unit or household is named by its compound and
    building, a compound by itself; a place above compounds by its own name. With
    ``within`` (a compound's own report), the names start below it: "1栋"."""
    nodes = list(nodes)
    ids = {i for n in nodes for i in n.ancestor_ids()}
    coarse = {n.pk: n for n in Node.objects.filter(id__in=ids, kind__in=(NodeKind.COMPOUND, NodeKind.BUILDING))
              .only("id", "name", "code", "kind")}
    out = {}
    for n in nodes:
        chain = [coarse[i] for i in n.ancestor_ids() if i in coarse]
        named = [c for c in chain if within is None or c.pk != within.pk] or chain
        out[n.pk] = PublicPlace(name=" ".join(c.name for c in named) if named else n.name,
                                code=chain[-1].code if chain else n.code)
    return out


def place_paths(nodes, *, within: Node | None = None, finest: str | None = None) -> dict[int, str]:
    """The full place path of each place where there is room (queues, place
    lists, a resident's own request), in one query: the compound, then the
    building, unit and room run together, "地铁首座 3栋1单元101室". Places above
    compounds are named by themselves. ``within`` drops the compound's name
    (inside the compound's own pages: "3栋1单元101室"); ``finest`` stops at a
    kind (``NodeKind.UNIT`` on pages a resident's link opens: never the room).
    Shown to the public, a place is named by ``public_places`` instead."""
    nodes = list(nodes)
    below = (NodeKind.BUILDING, NodeKind.UNIT, NodeKind.HOUSEHOLD)
    stop = below[: below.index(finest) + 1] if finest in below else below
    ids = {i for n in nodes for i in n.ancestor_ids()}
    by_id = Node.objects.in_bulk(ids) if ids else {}
    out = {}
    for n in nodes:
        chain = [by_id.get(i, n) for i in n.ancestor_ids()]
        compound = next((c for c in chain if c.kind == NodeKind.COMPOUND), None)
        if compound is None:
            out[n.pk] = n.name
            continue
        rest = "".join(c.name for c in chain if c.kind in stop)
        head = "" if within is not None and within.pk == compound.pk else compound.name
        out[n.pk] = " ".join(x for x in (head, rest) if x) or compound.name
    return out


def place_path(node: Node, **kw) -> str:
    """The full place path of one place; see ``place_paths``."""
    return place_paths([node], **kw)[node.pk]


def public_place_name(node: Node) -> str:
    """The public name of one place ("丽晶公馆 1栋"); see ``public_places``."""
    return public_places([node])[node.pk].name


def home_places(*, viewer: Person) -> dict[str, list]:
    """Where the viewer's roles point, for the shortcuts on the start page: the
    units they report from (a household's unit), the compounds whose board and
    money they follow, and the communities/streets/districts they look after
    (a grid or micro-grid role counts for its community); under "roles", the
    roles themselves. Each role's place and each unit carries ``home_label``
    (``Node.full_name``: the name with its community and compound).

    Two queries however many roles the viewer holds (the roles, then every
    place on their paths)."""
    out: dict[str, list] = {"units": [], "compounds": [], "areas": []}
    if viewer is None or not viewer.is_authenticated:
        return {**out, "roles": []}
    roles = list(viewer.roles.select_related("node").order_by("role", "node__path"))
    by_id = Node.objects.in_bulk({i for r in roles for i in r.node.ancestor_ids()})

    def chain(node: Node) -> list[Node]:  # from the root down to the node itself
        return [by_id[i] for i in node.ancestor_ids() if i in by_id]

    def of_kind(node: Node, kind: str) -> Node | None:
        return next((n for n in chain(node) if n.kind == kind), None)

    def label(node: Node) -> Node:
        node.home_label = " ".join(  # type: ignore[attr-defined]  # read by the template
            n.name for n in chain(node) if n.kind not in {NodeKind.DISTRICT, NodeKind.STREET})
        return node

    for role in roles:
        node = label(role.node)
        if node.kind in {NodeKind.HOUSEHOLD, NodeKind.UNIT}:
            unit = of_kind(node, NodeKind.UNIT)
            out["units"].append(unit and label(unit))
        compound = of_kind(node, NodeKind.COMPOUND)
        if compound is not None:
            out["compounds"].append(compound)
        elif node.kind in {NodeKind.GRID, NodeKind.MICROGRID}:
            out["areas"].append(of_kind(node, NodeKind.COMMUNITY))
        elif node.kind in {NodeKind.DISTRICT, NodeKind.STREET, NodeKind.COMMUNITY}:
            out["areas"].append(by_id.get(node.pk, node))
    # each place once, in the order first met
    return {**{k: list({n.pk: n for n in v if n is not None}.values()) for k, v in out.items()}, "roles": roles}


def person_password_resettable(*, viewer: Person, person: Person) -> bool:
    """Whether ``viewer`` may give ``person`` a one-time password: community or
    street staff whose scope covers every place where ``person`` holds a role,
    for residents and the like only (not another staff member of any rank, who
    could then be signed in as by a colleague; not an admin user, not a
    superuser, not oneself); a superuser may for anyone else."""
    if not authz.can(viewer, "org.person.password.reset") or viewer.pk == person.pk:
        return False
    if viewer.is_superuser:
        return True
    if person.is_superuser or person.is_staff:
        return False
    roles = list(person.roles.select_related("node"))
    return bool(roles) and not any(r.role in authz.STAFF_ROLES for r in roles) and all(
        authz.can(viewer, "org.person.password.reset", r.node) for r in roles)


# --- role pages ---------------------------------------------------------------------------

def role_places(*, viewer: Person) -> list[Node]:
    """The places whose roles ``viewer`` manages (where they hold a role that may
    give roles: community or street staff), outermost first."""
    from linli import authz

    if not getattr(viewer, "is_authenticated", False):
        return []
    if viewer.is_superuser:
        return list(Node.objects.filter(parent__isnull=True).order_by("path"))
    rule = authz.RULES["org.role.assign"]
    paths = authz.role_scopes(viewer, rule.roles)
    return list(Node.objects.filter(path__in=paths).order_by("path"))


def role_holders(*, viewer: Person, node: Node) -> QuerySet[RoleAssignment]:
    """The roles held at ``node`` and below, as far as ``viewer`` may give and take them."""
    qs = RoleAssignment.objects.filter(node__path__startswith=node.path).select_related("person", "node")
    return authz.filter_visible(qs, viewer, "org.role.assign", node_field="node").order_by("node__path", "role", "id")


def role_history(*, viewer: Person, node: Node, limit: int = 100) -> list:
    """Who gave or took which role at ``node`` and below, newest first."""
    from linli.org.models import RoleEvent

    qs = RoleEvent.objects.filter(node__path__startswith=node.path).select_related("person", "node", "by")
    return list(authz.filter_visible(qs, viewer, "org.role.assign", node_field="node")[:limit])
