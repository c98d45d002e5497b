"""Reads of projects. Money received and spent is read from the ledger (the
project's accounts), never summed from the project's own rows, so the pages and
the final accounts show what the ledger holds."""
from __future__ import annotations

from django.db.models import Avg, Count, Q

from linli import authz
from linli.cases.models import FIXED_STATUSES, UNFIXED_STATUSES
from linli.ledger.models import Account
from linli.org.models import Node, mask_phone
from linli.projects.models import (
    Contribution,
    ContributionState,
    Problem,
    ProblemKind,
    Project,
    ProjectStatus,
    Source,
    yuan,
)


def projects_visible(*, viewer, compound: Node | None = None):
    qs = authz.filter_visible(Project.objects.select_related("compound"), viewer, "projects.project.view",
                              node_field="compound")
    return qs.filter(compound=compound) if compound is not None else qs


def project_get(pk: int) -> Project | None:
    return (Project.objects.select_related("compound", "contractor", "supervisor", "manager", "policy")
            .filter(pk=pk).first())


def running_project(node: Node | None) -> Project | None:
    """The project under construction in the compound of this place (the stairwell QR page's
    "施工监督" button), or None."""
    compound_id = getattr(node, "compound_id", None) if node is not None else None
    if compound_id is None:
        return None
    return Project.objects.filter(compound_id=compound_id, status=ProjectStatus.RUNNING).order_by("-id").first()


def _balances(project: Project) -> dict[str, int]:
    prefix = f"project:{project.pk}"
    return dict(Account.objects.filter(Q(code=prefix) | Q(code__startswith=prefix + ":"))
                .values_list("code", "balance"))


def money(project: Project) -> dict:
    """Received per source (income accounts, sign turned), spent per item (expense accounts),
    the project's balance, and the budget beside them; totals in fen."""
    balances = _balances(project)
    planned = {b.source: b.planned for b in project.budget.all()}
    sources: list[dict] = []
    for value, label in Source.choices:
        value = str(value)
        got = -balances.get(f"project:{project.pk}:in:{value}", 0)
        if value in planned or got:
            sources.append({"source": value, "label": label, "planned": planned.get(value, 0), "received": got,
                            "planned_yuan": yuan(planned.get(value, 0)), "received_yuan": yuan(got)})
    items: list[dict] = []
    for item in project.items.all():
        paid = balances.get(f"project:{project.pk}:item:{item.pk}", 0)
        items.append({"item": item.pk, "title": item.title, "quantity": item.quantity, "unit": item.unit,
                      "budget": item.budget, "spent": paid, "budget_yuan": yuan(item.budget),
                      "spent_yuan": yuan(paid)})
    received: int = sum(s["received"] for s in sources)
    planned_total = sum(planned.values())
    spent: int = sum(i["spent"] for i in items)
    return {"sources": sources, "items": items, "planned": planned_total, "received": received, "spent": spent,
            "balance": balances.get(f"project:{project.pk}", 0),
            "items_budget": sum(i["budget"] for i in items),
            "pct": min(100, received * 100 // planned_total) if planned_total else 0,
            "planned_yuan": yuan(planned_total), "received_yuan": yuan(received), "spent_yuan": yuan(spent),
            "balance_yuan": yuan(balances.get(f"project:{project.pk}", 0))}


def final_accounts(project: Project) -> dict:
    """What the acceptance publishes: budget against actual per source and per item (plain data)."""
    m = money(project)
    return {"sources": [{k: s[k] for k in ("source", "planned", "received")} for s in m["sources"]],
            "items": [{k: i[k] for k in ("item", "title", "budget", "spent")} for i in m["items"]],
            "planned": m["planned"], "received": m["received"], "spent": m["spent"], "balance": m["balance"]}


def paid_list(project: Project) -> list[dict]:
    """The public list of who has paid (confirmed money only), names as the committee chose."""
    rows = (project.contributions.filter(state=ContributionState.CONFIRMED)
            .select_related("household", "person").order_by("confirmed_at", "id"))
    return [{"name": c.public_name(project.name_display), "source": c.get_source_display(), "amount": c.amount,
             "amount_yuan": yuan(c.amount), "at": c.confirmed_at} for c in rows]


def household_pledges(project: Project) -> dict[str, int]:
    """How many households pledged, paid, of how many in the compound."""
    from linli.org.models import NodeKind

    households = Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=project.compound.path).count()
    agg = project.contributions.filter(household__isnull=False).aggregate(
        pledged=Count("id", filter=Q(state=ContributionState.PLEDGED)),
        paid=Count("id", filter=Q(state=ContributionState.CONFIRMED)))
    return {"households": households, "pledged": agg["pledged"], "paid": agg["paid"]}


def own_contribution(project: Project, viewer) -> Contribution | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return (project.contributions.filter(person=viewer, state__in=[ContributionState.PLEDGED,
                                                                    ContributionState.CONFIRMED]).first())


def pending_contributions(project: Project, viewer):
    if not authz.can(viewer, "projects.project.manage", project.compound):
        return Contribution.objects.none()
    return project.contributions.filter(state=ContributionState.PLEDGED).select_related("household", "person")


def confirmed_contributions(project: Project, viewer):
    if not authz.can(viewer, "projects.project.manage", project.compound):
        return Contribution.objects.none()
    return project.contributions.filter(state=ContributionState.CONFIRMED).select_related("household", "person")


def problems(project: Project) -> dict:
    """The construction problems: found, fixed and open, and the latest ones (public: no contacts)."""
    rows = list(Problem.objects.filter(project=project).select_related("case", "case__category")[:50])
    agg = Problem.objects.filter(project=project).aggregate(
        n_found=Count("id"), n_fixed=Count("id", filter=Q(case__status__in=FIXED_STATUSES)),
        n_open=Count("id", filter=Q(case__status__in=UNFIXED_STATUSES)))
    return {"found": agg["n_found"], "fixed": agg["n_fixed"], "open": agg["n_open"], "rows": [{"kind": ProblemKind(p.kind).label, "code": p.case.tracking_code,
                             "status": p.case.get_status_display(), "fixed": p.case.status in FIXED_STATUSES,
                             "at": p.created_at, "description": p.case.description[:120]} for p in rows]}


def comments(project: Project) -> dict:
    agg = project.comments.aggregate(n_for=Count("id", filter=Q(support=True)),
                                     n_against=Count("id", filter=Q(support=False)))
    agg = {"support": agg["n_for"], "against": agg["n_against"]}
    rows = [{"support": c.support, "text": c.text, "at": c.created_at}
            for c in project.comments.exclude(text="").order_by("-created_at")[:30]]
    return {**agg, "rows": rows}


def satisfaction(project: Project) -> dict:
    agg = project.ratings.aggregate(avg=Avg("score"), n=Count("id"))
    return {"avg": round(agg["avg"], 1) if agg["avg"] is not None else None, "n": agg["n"]}


def organisation_public(org) -> dict:
    return {"name": org.name, "contact_name": org.contact_name, "phone": mask_phone(org.phone) if org.phone else ""}
