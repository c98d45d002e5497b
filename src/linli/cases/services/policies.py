"""Places and time-limit policies: which compound, micro-grid and policy a request falls under."""
from __future__ import annotations

import functools

from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases.models import (
    PolicyAssignment,
    PolicyClock,
    TimeLimitPolicy,
)
from linli.errors import DomainError
from linli.org.models import Node, Person


def place_of(node: Node) -> dict:
    """The ids of the compound and micro-grid of a place a request is about, as stored
    on the place (``Node.compound``, ``Node.request_microgrid``): no query."""
    return {"compound_id": node.compound_id, "microgrid_id": node.request_microgrid_id}


@functools.cache
def _layout(vendor: str, model, alias: str) -> tuple[list, str, list]:
    """A model's concrete fields, their columns as ``alias."col"`` for a hand-written SELECT,
    and per field the converters the ORM applies to a raw value on this database (SQLite
    gives a time as text and a boolean as 0/1). Depends on the code only, never on rows."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
    converters = []
    for field in fields:
        col = field.get_col(model._meta.db_table)
        converters.append([(c, col) for c in connection.ops.get_db_converters(col) + field.get_db_converters(connection)])
    return fields, columns, converters


def _from_db(model, converters: list, values) -> models.Model:
    """An instance from raw column values, converted as the ORM converts them."""
    converted = []
    for convert_all, value in zip(converters, values, strict=True):
        for convert, col in convert_all:
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, None, converted)


def policy_for(node: Node) -> TimeLimitPolicy:
    """The policy assigned to the nearest place above ``node`` (itself included), else the
    default; its clocks come with it (``policy.clocks.all()`` reads nothing more).

    One query: the candidate policies (assigned on the path, or the default) joined to
    their clocks, one row per clock. Written by hand because every intake asks it and
    building the same query through the ORM cost a quarter of an Open311 POST's CPU
    (bench/intake.py --profile); policy rows can change at any time, so nothing is kept."""
    ids = node.ancestor_ids()
    policy_fields, policy_cols, policy_conv = _layout(connection.vendor, TimeLimitPolicy, "p")
    clock_fields, clock_cols, clock_conv = _layout(connection.vendor, PolicyClock, "c")
    q = connection.ops.quote_name
    sql = (
        f"SELECT {policy_cols}, a.{q('node_id')}, {clock_cols}"
        f" FROM {q(TimeLimitPolicy._meta.db_table)} p"
        f" LEFT JOIN {q(PolicyAssignment._meta.db_table)} a ON a.{q('policy_id')} = p.{q('id')}"
        f" AND a.{q('node_id')} IN ({', '.join(['%s'] * len(ids))})"
        f" LEFT JOIN {q(PolicyClock._meta.db_table)} c ON c.{q('policy_id')} = p.{q('id')}"
        f" WHERE a.{q('id')} IS NOT NULL OR p.{q('is_default')} = %s"
        f" ORDER BY p.{q('id')}, c.{q('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, True])
        rows = cursor.fetchall()
    n = len(policy_fields)
    policy_pk, clock_pk = policy_fields.index(TimeLimitPolicy._meta.pk), n + 1 + clock_fields.index(PolicyClock._meta.pk)
    policies: dict[int, TimeLimitPolicy] = {}
    clocks: dict[int, list[PolicyClock]] = {}
    assigned_to: dict[int, int] = {}
    for row in rows:
        pk = row[policy_pk]
        if pk not in policies:
            policies[pk] = _from_db(TimeLimitPolicy, policy_conv, row[:n])  # type: ignore[assignment]
            clocks[pk] = []
        if row[n] is not None:
            assigned_to[row[n]] = pk
        clock_id = row[clock_pk]
        if clock_id is not None and all(c.pk != clock_id for c in clocks[pk]):
            clocks[pk].append(_from_db(PolicyClock, clock_conv, row[n + 1:]))  # type: ignore[arg-type]
    for pk, policy in policies.items():
        cached = policy.clocks.all()
        # Filled as prefetch_related("clocks") would (Django's private caches).
        cached._result_cache, cached._prefetch_done = clocks[pk], True  # type: ignore[attr-defined]
        policy._prefetched_objects_cache = {"clocks": cached}  # type: ignore[attr-defined]
    for node_id in reversed(ids):
        if node_id in assigned_to:
            return policies[assigned_to[node_id]]
    default = next((p for p in policies.values() if p.is_default), None)
    if default is None:
        raise DomainError("no_policy", _("No time-limit policy is set up."))
    return default


@transaction.atomic
def policy_assign(*, node: Node, policy: TimeLimitPolicy, by: Person) -> PolicyAssignment:
    """Choose the policy of a compound. Open requests keep their deadlines."""
    authz.require(by, "cases.policy.manage", node)
    assignment, _created = PolicyAssignment.objects.update_or_create(node=node, defaults={"policy": policy})
    return assignment
