"""Read-only org tree for API clients, filtered by the caller's scope."""
from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema

from linli import authz
from linli.errors import NotFound
from linli.org import selectors
from linli.org.models import Node

router = Router(tags=["org"])


class ErrorOut(Schema):
    code: str
    message: str


class NodeOut(Schema):
    code: str
    kind: str
    name: str
    parent: str | None
    area_m2: Decimal | None = None
    microgrid: str | None = None

    @staticmethod
    def resolve_parent(obj: Node):
        return obj.parent.code if obj.parent else None

    @staticmethod
    def resolve_microgrid(obj: Node):
        return obj.microgrid.code if obj.microgrid else None


class MeOut(Schema):
    username: str
    real_name: str
    roles: list[dict]


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request):
    """The calling person and their roles."""
    user = request.user
    roles = [{"role": r.role, "node": r.node.code} for r in user.roles.select_related("node")]
    return {"username": user.username, "real_name": user.real_name, "roles": roles}


@router.get("/nodes", response={200: list[NodeOut], 401: ErrorOut})
def node_list(request, kind: str | None = None, parent: str | None = None):
    """Places the caller may see, optionally of one kind or under one parent."""
    qs = selectors.node_list(viewer=request.user, kind=kind).select_related("parent", "microgrid")
    if parent:
        qs = qs.filter(parent__code=parent)
    return list(qs.order_by("path")[:1000])


@router.get("/nodes/{code}", response={200: NodeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def node_detail(request, code: str):
    node = selectors.node_by_code(code)
    if node is None:
        raise NotFound("not_found", "no such place")
    authz.require(request.user, "org.node.view", node)
    return node
