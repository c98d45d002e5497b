"""Reads of resident requests that depend on who is looking.

Scope is checked here once: ``case_list`` shows exactly the requests
``authz.can(viewer, "cases.case.view", case)`` allows.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from linli import authz
from linli.cases.models import (
    OPEN_STATUSES, Campaign, Case, CaseEvent, Category, Deadline, Escalation, Notification, Status,
)
from linli.errors import NotFound
from linli.org.models import Node, RoleAssignment

CASE_RELATED = ("node", "compound", "microgrid", "category", "policy", "assignee", "assignee_node")


def categories(kind: str | None = None) -> QuerySet[Category]:
    qs = Category.objects.filter(active=True)
    return qs.filter(kind=kind) if kind else qs


def case_list(*, viewer, action: str = "cases.case.view", node: Node | None = None, status=None, colour=None,
              category=None, since: dt.datetime | None = None, until: dt.datetime | None = None) -> QuerySet[Case]:
    qs = authz.filter_visible(Case.objects.all(), viewer, action, "node", also=("microgrid",))
    if node is not None:
        qs = qs.filter(Q(node__path__startswith=node.path) | Q(microgrid=node))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    if colour:
        qs = qs.filter(colour__in=[colour] if isinstance(colour, str) else colour)
    if category:
        qs = qs.filter(category__code=category)
    if since:
        qs = qs.filter(received_at__gte=since)
    if until:
        qs = qs.filter(received_at__lt=until)
    return qs.select_related(*CASE_RELATED)


def case_get(*, viewer, pk: int) -> Case:
    """One request with its history, if the viewer may see it (else NotFound: no existence leak)."""
    case = (
        Case.objects.select_related(*CASE_RELATED, "merged_into")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
                          "deadlines", "photos", "return_visits", "supervisions__by")
        .filter(pk=pk).first()
    )
    if case is None or not authz.can(viewer, "cases.case.view", case):
        raise NotFound("not_found", "未找到这条诉求。")
    return case


def case_by_tracking_code(code: str) -> Case:
    """For the resident's tracking page (the code is the proof; no login)."""
    case = (
        Case.objects.select_related("node", "compound", "category", "policy", "merged_into")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.filter(public=True)), "photos")
        .filter(tracking_code=(code or "").strip().upper()).first()
    )
    if case is None:
        raise NotFound("not_found", "未找到这条诉求，请检查查询码。")
    return case


def open_deadlines(case: Case) -> list[Deadline]:
    return [d for d in case.deadlines.all() if d.met_at is None and d.cancelled_at is None]


def queue(*, viewer, now: dt.datetime | None = None) -> QuerySet[Case]:
    """The viewer's next actions: open requests they may work on, nearest deadline first.
    Annotated with ``next_due`` (the earliest open deadline)."""
    now = now or timezone.now()
    open_deadline = Q(deadlines__met_at__isnull=True, deadlines__cancelled_at__isnull=True)
    qs = case_list(viewer=viewer, action="cases.case.work", status=OPEN_STATUSES)
    return qs.annotate(next_due=Min("deadlines__due_at", filter=open_deadline)).order_by(
        "next_due", "received_at")


def supervision_view(*, viewer, now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(hours=24)):
    """Community staff's daily check (seed 000): breached and nearly breached requests in scope."""
    now = now or timezone.now()
    visible = case_list(viewer=viewer, action="cases.case.supervise").values("pk")
    deadlines = Deadline.objects.filter(case__in=visible, cancelled_at__isnull=True).select_related(
        "case", "case__category", "case__node", "case__compound")
    breached = deadlines.filter(breached_at__isnull=False, met_at__isnull=True,
                                case__status__in=OPEN_STATUSES).order_by("due_at")
    near = deadlines.filter(met_at__isnull=True, breached_at__isnull=True, due_at__lte=now + within).order_by("due_at")
    return {"breached": list(breached), "near": list(near)}


def escalations_for(*, viewer, open_only: bool = True) -> QuerySet[Escalation]:
    """Escalations addressed to a role the viewer holds at exactly that place."""
    if viewer is None or not viewer.is_authenticated:
        return Escalation.objects.none()
    qs = Escalation.objects.select_related("case", "case__category", "case__node", "deadline", "node")
    if not viewer.is_superuser:
        held = RoleAssignment.objects.filter(person=viewer).values_list("role", "node_id")
        q = Q(pk__in=[])
        for role, node_id in held:
            q |= Q(role=role, node_id=node_id)
        qs = qs.filter(q)
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs


def notifications_for(*, viewer, unread_only: bool = False) -> QuerySet[Notification]:
    if viewer is None or not viewer.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=viewer)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notifications_for_tracking(case: Case) -> QuerySet[Notification]:
    return Notification.objects.filter(case=case, for_reporter=True)


def campaign_figures(campaign: Campaign) -> dict:
    """Found / fixed / rectification rate of an inspection campaign."""
    cases = Case.objects.filter(campaign=campaign).exclude(status=Status.MERGED)
    found = cases.count()
    fixed = cases.filter(status__in=(Status.DONE, Status.VISITED, Status.CLOSED)).count()
    return {"found": found, "fixed": fixed, "rate": (fixed / found) if found else None}


def finished_between(*, compound: Node, start: dt.date, end: dt.date) -> QuerySet[Case]:
    """Requests of a compound finished in [start, end) (local dates), for the
    property service report: public facts only (category, place, dates, plan)."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(dt.datetime.combine(start, dt.time(0)), tz)
    until = timezone.make_aware(dt.datetime.combine(end, dt.time(0)), tz)
    return (
        Case.objects.filter(compound=compound, done_at__gte=since, done_at__lt=until,
                            status__in=(Status.DONE, Status.VISITED, Status.CLOSED))
        .select_related("category", "node").order_by("done_at", "id")
    )


def public_place(node: Node) -> str:
    """A place named no finer than its building (no unit or household on public pages)."""
    from linli.org.models import NodeKind

    building = node if node.kind == NodeKind.BUILDING else node.ancestor_of_kind(NodeKind.BUILDING)
    return (building or node).name
