"""Bulk import of role holders (网格员、微网格长、楼栋长 …) from CSV/XLSX through
``linli.tabular``: one row per (person, role, place). Every row is checked first
(person, role, place, the importer's scope and rank); if any row is bad nothing is
written and every bad row is reported in Chinese. ``role_import_check`` is the
preview (reads only); ``role_import`` writes, checking everything again.

A person is found by their mobile number; one who has no account yet gets one
(user name ``m<phone>``, no password: staff set a one-time password later).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.org import services
from linli.org.models import ROLE_SCOPE_KINDS, Node, Person, Role, RoleAssignment
from linli.tabular import Column, ImportRejected, RowError, read_table

COLUMNS = [
    Column("name", ("姓名", "name")),
    Column("phone", ("手机号", "phone")),
    Column("role", ("角色", "role")),
    Column("place", ("地点编码", "place code", "place")),
]
_phone_re = re.compile(r"^1\d{10}$")


def _role_names() -> dict[str, str]:
    """A role as written in a file: its code, its Chinese or its English name."""
    names = {r.value: r.value for r in Role}
    # What offices call them in their own lists (DOMAIN.md §1).
    names.update({"楼栋长": Role.BUILDING_REP, "楼长": Role.BUILDING_REP, "物业": Role.PROPERTY_STAFF,
                  "业委会": Role.OWNERS_COMMITTEE, "专委会": Role.GOVERNANCE_COMMITTEE, "党支部": Role.PARTY_BRANCH,
                  "社区": Role.COMMUNITY_STAFF, "街道": Role.STREET_STAFF, "特聘微网格员": Role.SPECIAL_MICROGRID_MEMBER})
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            names.update({str(r.label).strip().lower(): r.value for r in Role})
    return names


@dataclass
class PlannedGrant:
    row: int
    name: str
    phone: str
    role: str
    role_label: str
    place: Node
    person: Person | None  # None: an account is opened
    held: bool  # the person holds this role there already: nothing to do


def role_import_check(*, node: Node, data: bytes, filename: str, by: Person) -> list[PlannedGrant]:
    """The preview: what the file would grant, or ImportRejected listing every bad row.
    Writes nothing. ``by`` needs ``org.role.assign`` at ``node``."""
    authz.require(by, "org.role.assign", node)
    rows = read_table(data, filename, COLUMNS)
    # PostgreSQL cannot even look up text holding NUL: refused like any other bad cell.
    nul = [RowError(r["_row"], key, _("The cell contains a NUL character."))
           for r in rows for key in ("name", "phone", "role", "place") if "\x00" in r[key]]
    if nul:
        raise ImportRejected(nul)
    names = _role_names()
    places = {n.code: n for n in Node.objects.filter(code__in={r["place"] for r in rows})}
    people = {p.phone: p for p in Person.objects.filter(phone__in={r["phone"] for r in rows}, is_active=True)
              .order_by("-pk")}
    errors: list[RowError] = []
    plan: list[PlannedGrant] = []
    seen: set[tuple[str, str, str]] = set()
    for r in rows:
        n = len(errors)

        def err(column: str, message, row: int = r["_row"]) -> None:
            errors.append(RowError(row, column, message))

        if not r["name"]:
            err("name", _("This field is required."))
        if not _phone_re.match(r["phone"]):
            err("phone", _("Mobile number must be 11 digits starting with 1: %(v)s") % {"v": r["phone"]})
        role = names.get(r["role"].strip().lower())
        if role is None:
            err("role", _("Unknown role: %(v)s") % {"v": r["role"]})
        place = places.get(r["place"])
        if place is None:
            err("place", _("No place has code %(code)s.") % {"code": r["place"]})
        elif not place.path.startswith(node.path):
            err("place", _("%(code)s is not in %(name)s.") % {"code": place.code, "name": node.name})
        elif not authz.can(by, "org.role.assign", place):
            err("place", _("%(code)s is outside your scope.") % {"code": place.code})
        if role is not None and place is not None:
            if place.kind not in ROLE_SCOPE_KINDS[role]:
                err("role", _("This role cannot be held at a %(kind)s.") % {"kind": place.get_kind_display()})
            elif services.role_rank(role) > services.rank_at(by, place):
                err("role", _("You may not give or take a role above your own."))
            if (r["phone"], role, place.code) in seen:
                err("role", _("This row repeats an earlier row of the file."))
            seen.add((r["phone"], role, place.code))
        if len(errors) > n or role is None or place is None:
            continue
        person = people.get(r["phone"])
        held = person is not None and RoleAssignment.objects.filter(person=person, role=role, node=place).exists()
        plan.append(PlannedGrant(row=r["_row"], name=r["name"], phone=r["phone"], role=role,
                                 role_label=str(Role(role).label), place=place, person=person, held=held))
    if errors:
        raise ImportRejected(errors)
    return plan


@dataclass
class RoleImportResult:
    rows: int
    granted: int
    unchanged: int
    people_created: int


@transaction.atomic
def role_import(*, node: Node, data: bytes, filename: str, by: Person) -> RoleImportResult:
    """Grant every role of the file, or nothing (ImportRejected) if any row is bad."""
    plan = role_import_check(node=node, data=data, filename=filename, by=by)
    result = RoleImportResult(rows=len(plan), granted=0, unchanged=0, people_created=0)
    for g in plan:
        if g.held:
            result.unchanged += 1
            continue
        person = g.person or Person.objects.filter(phone=g.phone, is_active=True).order_by("-pk").first()
        if person is None:
            person = services.person_create(username=_free_username(f"m{g.phone}"), real_name=g.name, phone=g.phone,
                                            by=by)
            result.people_created += 1
        services.role_assign(person=person, role=g.role, node=g.place, by=by)  # checks scope and rank again
        result.granted += 1
    return result


def _free_username(base: str) -> str:
    candidate, n = base, 1
    while Person.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
