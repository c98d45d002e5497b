"""Places and time-limit policies: which compound, micro-grid and policy a request falls under."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases.models import (
    PolicyAssignment,
    TimeLimitPolicy,
)
from linli.errors import DomainError
from linli.org.models import Node, NodeKind, Person


def place_of(node: Node) -> dict:
    """The compound and micro-grid of a place a request is about."""
    compound = node if node.kind == NodeKind.COMPOUND else node.ancestor_of_kind(NodeKind.COMPOUND)
    microgrid = None
    if node.kind == NodeKind.HOUSEHOLD:
        microgrid = node.microgrid
    elif node.kind in (NodeKind.UNIT, NodeKind.BUILDING, NodeKind.GROUP):
        # The micro-grid most households below this place belong to.
        from django.db.models import Count

        row = (
            Node.objects.filter(path__startswith=node.path, kind=NodeKind.HOUSEHOLD, microgrid__isnull=False)
            .values("microgrid").annotate(n=Count("id")).order_by("-n", "microgrid").first()
        )
        microgrid = Node.objects.get(pk=row["microgrid"]) if row else None
    elif node.kind == NodeKind.MICROGRID:
        microgrid = node
    return {"compound": compound, "microgrid": microgrid}


def policy_for(node: Node) -> TimeLimitPolicy:
    """The policy assigned to the nearest place above ``node`` (itself included), else the default."""
    ids = [int(x) for x in node.path.strip("/").split("/") if x]
    assigned = {a.node_id: a.policy for a in PolicyAssignment.objects.filter(node_id__in=ids).select_related("policy")}
    for node_id in reversed(ids):
        if node_id in assigned:
            return assigned[node_id]
    policy = TimeLimitPolicy.objects.filter(is_default=True).first()
    if policy is None:
        raise DomainError("no_policy", _("No time-limit policy is set up."))
    return policy


@transaction.atomic
def policy_assign(*, node: Node, policy: TimeLimitPolicy, by: Person) -> PolicyAssignment:
    """Choose the policy of a compound. Open requests keep their deadlines."""
    authz.require(by, "cases.policy.manage", node)
    assignment, _created = PolicyAssignment.objects.update_or_create(node=node, defaults={"policy": policy})
    return assignment
