"""City hotline 12345 tickets imported from a CSV or XLSX export, with the
time each ticket was originally received.

All or nothing: every row is checked first and every bad row reported with its
number and a reason; if any row is bad nothing is imported. Idempotent by the
ticket number (``external_id``): importing the same file again creates nothing.
Each ticket becomes a request through ``services.case_create`` (source
``hotline``), so its clocks count from the original received time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import services
from linli.cases.models import Case, Category, Source
from linli.errors import InvalidInput
from linli.org.models import Node, NodeKind, Person
from linli.tabular import Column, ImportRejected, RowError, read_table

COLUMNS = [
    Column("external_id", ("工单号", "external id", "ticket")),
    Column("received_at", ("受理时间", "received at", "received_at")),
    Column("place_code", ("地点编码", "unit code", "place code", "place_code"), required=False),
    Column("address", ("地址", "address"), required=False),
    Column("category", ("类别", "category")),
    Column("description", ("内容", "description")),
    Column("contact_name", ("联系人", "contact name", "contact_name"), required=False),
    Column("contact_phone", ("电话", "phone", "contact_phone"), required=False),
]

# What each column holds, for the import page in the reader's language (the
# English text names the English headers the import also accepts).
COLUMN_MEANINGS = {
    "external_id": _("The hotline ticket number (English header: “external id” or “ticket”)"),
    "received_at": _("When the hotline received it, e.g. 2026-11-02 09:30 (English header: “received at”)"),
    "place_code": _("Code of the unit, building, household or compound (English header: “place code”)"),
    "address": _("Address naming the compound (English header: “address”)"),
    "category": _("Category code or name (English header: “category”)"),
    "description": _("What the resident reported (English header: “description”)"),
    "contact_name": _("The resident's name (English header: “contact name”)"),
    "contact_phone": _("The resident's phone number (English header: “phone”)"),
}

PLACE_KINDS = (NodeKind.COMPOUND, NodeKind.BUILDING, NodeKind.UNIT, NodeKind.HOUSEHOLD)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M")


@dataclass
class ImportResult:
    rows: int = 0
    created: list[Case] = field(default_factory=list)
    already: int = 0


def parse_time(text: str) -> dt.datetime | None:
    """A local (Asia/Shanghai) time as the hotline exports it; None if unreadable."""
    text = (text or "").strip()
    for fmt in TIME_FORMATS:
        try:
            naive = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive, timezone.get_default_timezone())
    return None


def _category_index() -> dict[str, Category]:
    index: dict[str, Category] = {}
    for c in Category.objects.filter(active=True):
        for key in (c.code, c.name, c.name_en):
            if key:
                index[key.strip().lower()] = c
    return index


def _find_compound_by_address(address: str, compounds: list[Node]) -> Node | None:
    """The compound whose name appears in the address (the longest name wins)."""
    hits = [c for c in compounds if c.name and c.name in address]
    return max(hits, key=lambda c: len(c.name)) if hits else None


def _check_rows(rows: list[dict], by: Person) -> tuple[list[dict], list[RowError]]:
    errors: list[RowError] = []
    plans: list[dict] = []
    categories = _category_index()
    codes = {r["place_code"] for r in rows if r["place_code"]}
    nodes = {n.code: n for n in Node.objects.filter(code__in=codes)}
    compounds = list(authz.filter_visible(Node.objects.filter(kind=NodeKind.COMPOUND), by, "cases.case.import"))
    seen: dict[str, int] = {}
    now = timezone.now()

    for row in rows:
        n_before = len(errors)

        def err(column, message, row=row):
            errors.append(RowError(row["_row"], column, message))

        ext = row["external_id"]
        if not ext:
            err("工单号", _("The ticket number is missing."))
        elif len(ext) > 60:
            err("工单号", _("The ticket number is longer than 60 characters."))
        elif ext in seen:
            err("工单号", _("Ticket %(id)s appears twice in this file (also row %(row)d).") % {"id": ext, "row": seen[ext]})
        else:
            seen[ext] = row["_row"]
        received = parse_time(row["received_at"])
        if not row["received_at"]:
            err("受理时间", _("The received time is missing."))
        elif received is None:
            err("受理时间", _("Unreadable time “%(v)s”: write it like 2026-11-02 09:30.") % {"v": row["received_at"]})
        elif received > now:
            err("受理时间", _("The received time %(v)s lies in the future.") % {"v": row["received_at"]})
        elif received < services.EARLIEST_RECEIVED:
            err("受理时间", _("The received time %(v)s lies before the year 2000.") % {"v": row["received_at"]})
        node = None
        if row["place_code"]:
            node = nodes.get(row["place_code"])
            if node is None or node.kind not in PLACE_KINDS:
                err("地点编码", _("No unit, building, household or compound has code %(code)s.")
                    % {"code": row["place_code"]})
                node = None
        elif row["address"]:
            node = _find_compound_by_address(row["address"], compounds)
            if node is None:
                err("地址", _("No compound you look after is named in the address “%(v)s”; add the place code.")
                    % {"v": row["address"]})
        else:
            err("地点编码", _("Give the place code or an address with the compound's name."))
        category = categories.get(row["category"].strip().lower()) if row["category"] else None
        if not row["category"]:
            err("类别", _("The category is missing."))
        elif category is None:
            err("类别", _("Unknown category “%(v)s”.") % {"v": row["category"]})
        if len(row["description"].strip()) < 2:
            err("内容", _("Describe the problem in a few words."))
        try:
            phone = services.normalise_phone(row["contact_phone"])
        except InvalidInput:
            phone = ""
            err("电话", _("Unreadable phone number “%(v)s”.") % {"v": row["contact_phone"]})
        if len(row["contact_name"]) > 60:
            err("联系人", _("The contact name is longer than 60 characters."))
        if node is not None:
            place = services.place_of(node)
            probe = Case(node=node, compound_id=place["compound_id"], microgrid_id=place["microgrid_id"])
            if place["compound_id"] is None:
                err("地点编码", _("A request must be about a compound or a place in one."))
            elif not authz.can(by, "cases.case.import", probe):
                err("地点编码", _("%(place)s is outside the places you may import for.") % {"place": node.code})
        if len(errors) == n_before:
            plans.append({"row": row, "external_id": ext, "received_at": received, "node": node,
                          "category": category, "phone": phone})
    return plans, errors


def hotline_import(*, data: bytes, filename: str, by: Person) -> ImportResult:
    """Import hotline tickets. Raises ImportRejected (nothing imported) if any row is bad."""
    authz.require(by, "cases.case.import")
    rows = read_table(data, filename, COLUMNS)
    with transaction.atomic():
        plans, errors = _check_rows(rows, by)
        if errors:
            raise ImportRejected(errors)
        result = ImportResult(rows=len(rows))
        ids = [p["external_id"] for p in plans]
        existing = set(Case.objects.filter(source=Source.HOTLINE, external_id__in=ids)
                       .values_list("external_id", flat=True))
        for p in plans:
            if p["external_id"] in existing:
                result.already += 1
                continue
            row = p["row"]
            result.created.append(services.case_create(
                node=p["node"], category=p["category"], description=row["description"].strip(),
                source=Source.HOTLINE, by=by, contact_name=row["contact_name"], contact_phone=p["phone"],
                address=row["address"][:200], received_at=p["received_at"], external_id=p["external_id"],
            ))
    return result


def template_rows(compound: Node | None) -> tuple[list[str], list[str]]:
    """Header and one example row for a downloadable template."""
    example = {
        "external_id": "12345-20261102-0001", "received_at": "2026-11-02 09:30",
        "place_code": f"{compound.code}" if compound else "", "address": compound.name if compound else "",
        "category": "repair", "description": "楼道灯不亮", "contact_name": "张先生", "contact_phone": "13800000000",
    }
    return [c.headers[0] for c in COLUMNS], [example[c.key] for c in COLUMNS]

