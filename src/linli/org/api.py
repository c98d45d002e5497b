"""Read-only org tree for API clients, filtered by the caller's scope."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Router, Schema, UploadedFile

from linli import authz
from linli.api.types import ERRORS, ErrorOut, Text40, Text100
from linli.errors import InvalidInput, NotFound
from linli.org import role_import, selectors, services
from linli.org.models import Node, Person, RoleAssignment
from linli.tabular import read_upload

router = Router(tags=["org"])


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
    authz.require(user, "account.view", user)
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


# --- roles: give, withdraw, history, import (community and street staff, in scope) --------

class RoleHolderOut(Schema):
    id: int
    person: str
    name: str
    role: str
    place: str
    since: dt.datetime


class RoleEventOut(Schema):
    action: str
    person: str
    role: str
    place: str
    by: str | None
    at: dt.datetime


class RoleGrantIn(Schema):
    person: Text100 = Field(..., description="user name or mobile number")
    role: Text40
    place: Text40


class RoleImportRowOut(Schema):
    row: int
    name: str
    phone: str
    role: str
    place: str
    new_person: bool
    held: bool


class RoleImportOut(Schema):
    rows: list[RoleImportRowOut]
    granted: int
    unchanged: int
    people_created: int


def _place(code: str) -> Node:
    node = selectors.node_by_code(code)
    if node is None:
        raise NotFound("not_found", _("Not found."))
    return node


def _holder(a) -> dict:
    return {"id": a.pk, "person": a.person.username, "name": str(a.person), "role": a.role, "place": a.node.code,
            "since": a.created_at}


@router.get("/places/{code}/roles", response={200: list[RoleHolderOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def role_holders(request, code: str):
    """Who holds which role at this place and below (community and street staff in scope)."""
    node = _place(code)
    authz.require(request.user, "org.role.assign", node)
    return [_holder(a) for a in selectors.role_holders(viewer=request.user, node=node)[:2000]]


@router.get("/places/{code}/role-events", response={200: list[RoleEventOut], 401: ErrorOut, 403: ErrorOut,
                                                      404: ErrorOut})
def role_events(request, code: str):
    """Who gave or took which role here and below, newest first (the last 100)."""
    node = _place(code)
    authz.require(request.user, "org.role.assign", node)
    return [{"action": e.action, "person": e.person.username, "role": e.role, "place": e.node.code,
             "by": e.by.username if e.by else None, "at": e.at}
            for e in selectors.role_history(viewer=request.user, node=node)]


@router.post("/roles", response={201: RoleHolderOut, **ERRORS})
def role_grant(request, payload: RoleGrantIn):
    """Give a role at a place in one's scope; 403 outside it or for a role above one's own."""
    node = _place(payload.place)
    handle = payload.person.strip()
    person = (Person.objects.filter(username=handle, is_active=True).first()
              or Person.objects.filter(phone=handle, is_active=True).order_by("-pk").first()) if handle else None
    authz.require(request.user, "org.role.assign", node)
    if person is None:
        raise InvalidInput("role.person", _("No person has this user name or mobile number."))
    a = services.role_assign(person=person, role=payload.role, node=node, by=request.user)
    return 201, _holder(a)


@router.post("/roles/{id}/withdraw", response={200: RoleHolderOut, **ERRORS})
def role_withdraw(request, id: int):  # noqa: A002
    """Take a role away (recorded in the history)."""
    a = RoleAssignment.objects.select_related("person", "node").filter(pk=id).first()
    if a is None:
        raise NotFound("not_found", _("Not found."))
    out = _holder(a)
    services.role_revoke(assignment=a, by=request.user)
    return out


@router.post("/places/{code}/roles/import", response={200: RoleImportOut, 201: RoleImportOut, **ERRORS})
def role_import_api(request, code: str, file: UploadedFile = File(...), dry_run: bool = False):
    """Import role holders from CSV/XLSX (姓名, 手机号, 角色, 地点编码). ``dry_run``: the preview,
    nothing written. Any bad row: 422 ``import.rejected`` with every row's error, nothing written."""
    node = _place(code)
    data = read_upload(file)
    plan = role_import.role_import_check(node=node, data=data, filename=file.name or "", by=request.user)
    rows = [{"row": g.row, "name": g.name, "phone": g.phone, "role": g.role, "place": g.place.code,
             "new_person": g.person is None, "held": g.held} for g in plan]
    if dry_run:
        return 200, {"rows": rows, "granted": 0, "unchanged": 0, "people_created": 0}
    result = role_import.role_import(node=node, data=data, filename=file.name or "", by=request.user)
    return 201, {"rows": rows, "granted": result.granted, "unchanged": result.unchanged,
                 "people_created": result.people_created}
