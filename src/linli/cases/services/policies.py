"""Places and time-limit policies: which compound, micro-grid and policy a request falls under."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F, FilteredRelation, Q
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


def policy_for(node: Node) -> TimeLimitPolicy:
    """The policy assigned to the nearest place above ``node`` (itself included), else the
    default; its clocks come with it (``policy.clocks.all()`` reads nothing more).

    One query: the candidate policies (assigned on the path, or the default) joined to
    their clocks, one row per clock."""
    ids = node.ancestor_ids()
    policy_fields = [f.attname for f in TimeLimitPolicy._meta.concrete_fields]
    clock_fields = [f.attname for f in PolicyClock._meta.concrete_fields]
    rows = (
        TimeLimitPolicy.objects
        .annotate(here=FilteredRelation("assignments", condition=Q(assignments__node_id__in=ids)))
        .filter(Q(here__isnull=False) | Q(is_default=True))
        .values(*policy_fields, assigned_to=F("here__node_id"),
                **{f"clock_{a}": F(f"clocks__{a}") for a in clock_fields})
        .order_by("pk", "clocks__pk")
    )
    policies: dict[int, TimeLimitPolicy] = {}
    clocks: dict[int, list[PolicyClock]] = {}
    assigned_to: dict[int, int] = {}
    for row in rows:
        pk = row["id"]
        if pk not in policies:
            policies[pk] = TimeLimitPolicy(**{a: row[a] for a in policy_fields})
            clocks[pk] = []
        if row["assigned_to"] is not None:
            assigned_to[row["assigned_to"]] = pk
        if row["clock_id"] is not None and all(c.pk != row["clock_id"] for c in clocks[pk]):
            clocks[pk].append(PolicyClock(**{a: row[f"clock_{a}"] for a in clock_fields}))
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
