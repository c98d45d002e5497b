"""Reads of the trees and people that depend on who is looking."""
from __future__ import annotations

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


def node_children(*, viewer: Person, node: Node) -> QuerySet[Node]:
    authz.require(viewer, "org.node.view", node)
    qs = node.children.annotate(n_children=Count("children")).order_by("code")
    if node.kind == NodeKind.MICROGRID:
        qs = Node.objects.filter(microgrid=node).annotate(n_children=Count("children")).order_by("code")
    return authz.filter_visible(qs, viewer, "org.node.view")


def node_people(*, viewer: Person, node: Node) -> QuerySet[RoleAssignment]:
    """Roles held at this place (not below it), for staff who may see people."""
    authz.require(viewer, "org.people.view", node)
    return RoleAssignment.objects.filter(node=node).select_related("person").order_by("role", "person__username")


def node_by_code(code: str) -> Node | None:
    return Node.objects.select_related("parent", "microgrid", "property_company").filter(code=code).first()


def home_places(*, viewer: Person) -> dict[str, list[Node]]:
    """Where the viewer's roles point, for the shortcuts on the start page: the
    units they report from (a household's unit), the compounds whose board and
    money they follow, and the communities/streets/districts they look after
    (a grid or micro-grid role counts for its community)."""
    out: dict[str, list[Node]] = {"units": [], "compounds": [], "areas": []}
    if viewer is None or not viewer.is_authenticated:
        return out
    for role in viewer.roles.select_related("node").order_by("role", "node__path"):
        node = role.node
        if node.kind in {NodeKind.HOUSEHOLD, NodeKind.UNIT}:
            out["units"].append(node.ancestor_of_kind(NodeKind.UNIT))
        compound = node.ancestor_of_kind(NodeKind.COMPOUND)
        if compound is not None:
            out["compounds"].append(compound)
        elif node.kind in {NodeKind.GRID, NodeKind.MICROGRID}:
            out["areas"].append(node.ancestor_of_kind(NodeKind.COMMUNITY))
        elif node.kind in {NodeKind.DISTRICT, NodeKind.STREET, NodeKind.COMMUNITY}:
            out["areas"].append(node)
    # each place once, in the order first met
    return {k: list({n.pk: n for n in v if n is not None}.values()) for k, v in out.items()}
