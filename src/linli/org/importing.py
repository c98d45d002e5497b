"""Getting a compound onto the platform: buildings, units, households and
(optionally) owners and residents from a CSV or XLSX file.

All or nothing: every row is checked first and every bad row reported with its
number and reason; if any row is bad nothing is written. Idempotent by codes:
importing the same file again changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.org import services
from linli.org.models import CODE_VALIDATOR_RE, Node, NodeKind, Person, Role, RoleAssignment
from linli.tabular import Column, ImportRejected, RowError, read_table

COLUMNS = [
    Column("group_code", ("组团编码", "group code"), required=False),
    Column("group_name", ("组团名称", "group name"), required=False),
    Column("building_code", ("楼栋编码", "building code")),
    Column("building_name", ("楼栋名称", "building name")),
    Column("unit_code", ("单元编码", "unit code")),
    Column("unit_name", ("单元名称", "unit name")),
    Column("household_code", ("户编码", "household code")),
    Column("household_name", ("房号", "household name")),
    Column("area_m2", ("专有面积", "专有部分面积", "area m2")),
    Column("microgrid_code", ("微网格编码", "micro-grid code")),
    Column("owner_name", ("业主姓名", "owner name"), required=False),
    Column("owner_phone", ("业主手机", "owner phone"), required=False),
    Column("resident_name", ("居民姓名", "resident name"), required=False),
    Column("resident_phone", ("居民手机", "resident phone"), required=False),
]

_code_re = re.compile(CODE_VALIDATOR_RE)
_phone_re = re.compile(r"^1\d{10}$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    roles_created: int = 0
    rows: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.people_created or self.roles_created)


@dataclass
class _Plan:
    # code -> (kind, name, parent_code, extra)
    nodes: dict[str, dict] = field(default_factory=dict)
    people: list[dict] = field(default_factory=list)


def _check_rows(rows: list[dict], compound: Node) -> tuple[_Plan, list[RowError]]:
    errors: list[RowError] = []
    plan = _Plan()
    existing = {n.code: n for n in Node.objects.filter(code__in=_all_codes(rows)).select_related("parent")}
    microgrids = {
        n.code: n
        for n in Node.objects.filter(code__in={r["microgrid_code"] for r in rows}, kind=NodeKind.MICROGRID)
    }
    community = compound.parent

    def err(row, column, message):
        errors.append(RowError(row["_row"], column, message))

    def want(row, code, kind, name, parent_code, column, **extra):
        """Record that node ``code`` must exist as described; report conflicts."""
        if not _code_re.match(code):
            err(row, column, _("Code %(code)s is invalid: use letters, digits and '-', at most 40.") % {"code": code})
            return
        spec = {"kind": kind, "name": name, "parent": parent_code, **extra}
        seen = plan.nodes.get(code)
        if seen is not None and (seen["kind"], seen["parent"]) != (kind, parent_code):
            err(row, column, _("Code %(code)s is used for two different places in this file.") % {"code": code})
            return
        if seen is not None and kind == NodeKind.HOUSEHOLD:
            err(row, column, _("Household %(code)s appears twice in this file.") % {"code": code})
            return
        if seen is not None and seen["name"] != name:
            err(row, column, _("%(code)s has two different names in this file.") % {"code": code})
            return
        node = existing.get(code)
        if node is not None:
            parent_ok = (node.parent.code if node.parent else None) == parent_code
            if node.kind != kind or not parent_ok:
                err(row, column, _("Code %(code)s already belongs to another place (%(name)s).")
                    % {"code": code, "name": node.name})
                return
        plan.nodes[code] = spec

    for row in rows:
        for key in ("building_code", "building_name", "unit_code", "unit_name", "household_code",
                    "household_name", "area_m2", "microgrid_code"):
            if not row[key]:
                err(row, key, _("This field is required."))
        if row["group_code"] and not row["group_name"]:
            err(row, "group_name", _("A group code needs a group name."))
        area = None
        if row["area_m2"]:
            try:
                area = Decimal(row["area_m2"])
                if not area.is_finite() or area <= 0:
                    raise InvalidOperation
                if area != area.quantize(Decimal("0.01")):
                    err(row, "area_m2", _("Area has more than 2 decimal places: %(v)s") % {"v": row["area_m2"]})
                    area = None
                elif area >= Decimal("10000000"):
                    err(row, "area_m2", _("Area is too large: %(v)s") % {"v": row["area_m2"]})
                    area = None
            except InvalidOperation:
                err(row, "area_m2", _("Area must be a number greater than 0 (m²): %(v)s") % {"v": row["area_m2"]})
                area = None
        mg = microgrids.get(row["microgrid_code"])
        if row["microgrid_code"] and mg is None:
            err(row, "microgrid_code", _("No micro-grid has code %(code)s.") % {"code": row["microgrid_code"]})
        elif mg is not None and community is not None and not mg.path.startswith(community.path):
            err(row, "microgrid_code", _("Micro-grid %(code)s is not in this compound's community.")
                % {"code": row["microgrid_code"]})
        for who in ("owner", "resident"):
            phone = row[f"{who}_phone"]
            if phone and not _phone_re.match(phone):
                err(row, f"{who}_phone", _("Mobile number must be 11 digits starting with 1: %(v)s") % {"v": phone})
            if phone and not row[f"{who}_name"]:
                err(row, f"{who}_name", _("A phone number needs a name."))
        if any(e.row == row["_row"] for e in errors):
            continue
        building_parent = compound.code
        if row["group_code"]:
            want(row, row["group_code"], NodeKind.GROUP, row["group_name"], compound.code, "group_code")
            building_parent = row["group_code"]
        want(row, row["building_code"], NodeKind.BUILDING, row["building_name"], building_parent, "building_code")
        want(row, row["unit_code"], NodeKind.UNIT, row["unit_name"], row["building_code"], "unit_code")
        want(row, row["household_code"], NodeKind.HOUSEHOLD, row["household_name"], row["unit_code"],
             "household_code", area_m2=area, microgrid=mg)
        for who, role in (("owner", Role.OWNER), ("resident", Role.RESIDENT)):
            if row[f"{who}_name"]:
                plan.people.append({"name": row[f"{who}_name"], "phone": row[f"{who}_phone"], "role": role,
                                    "household": row["household_code"]})
    return plan, errors


def _all_codes(rows):
    return {r[k] for r in rows for k in ("group_code", "building_code", "unit_code", "household_code") if r[k]}


def tree_import(*, compound: Node, data: bytes, filename: str, by: Person) -> ImportResult:
    """Import places (and owners/residents) into ``compound``. ``by`` needs
    ``org.tree.import`` on the compound. Raises ImportRejected, writing nothing,
    if any row is bad."""
    authz.require(by, "org.tree.import", compound)
    if compound.kind != NodeKind.COMPOUND:
        raise ImportRejected([RowError(0, "", _("Places can only be imported into a compound."))])
    rows = read_table(data, filename, COLUMNS)
    with transaction.atomic():
        plan, errors = _check_rows(rows, compound)
        if errors:
            raise ImportRejected(errors)
        result = ImportResult(rows=len(rows))
        by_code: dict[str, Node] = {compound.code: compound}
        by_code.update({n.code: n for n in Node.objects.filter(code__in=plan.nodes.keys())})
        order = [NodeKind.GROUP, NodeKind.BUILDING, NodeKind.UNIT, NodeKind.HOUSEHOLD]
        for kind in order:
            for code, spec in plan.nodes.items():
                if spec["kind"] != kind:
                    continue
                extra = {k: spec[k] for k in ("area_m2", "microgrid") if k in spec}
                node = by_code.get(code)
                if node is None:
                    by_code[code] = services.node_create(
                        kind=kind, code=code, name=spec["name"], parent=by_code[spec["parent"]], by=by, **extra
                    )
                    result.created += 1
                elif services.node_update(node=node, name=spec["name"], by=by, **extra):
                    result.updated += 1
                else:
                    result.unchanged += 1
        for p in plan.people:
            household = by_code[p["household"]]
            person = _find_person(p["name"], p["phone"], household)
            if person is None:
                person = services.person_create(
                    username=_username_for(p["phone"], household), real_name=p["name"], phone=p["phone"], by=by
                )
                result.people_created += 1
            created = not RoleAssignment.objects.filter(person=person, role=p["role"], node=household).exists()
            services.role_assign(person=person, role=p["role"], node=household, by=by, action="org.tree.import")
            result.roles_created += int(created)
    return result


def _find_person(name: str, phone: str, household: Node) -> Person | None:
    if phone:
        return Person.objects.filter(phone=phone).order_by("pk").first()
    return (
        Person.objects.filter(real_name=name, roles__node=household, phone="").order_by("pk").distinct().first()
    )


def _username_for(phone: str, household: Node) -> str:
    base = f"m{phone}" if phone else f"h-{household.code}"
    candidate, n = base, 1
    while Person.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
