"""Community-fund projects 微治理项目 / e管家.

Community staff open a fund round at a compound or community with an amount
(fen): the amount is posted on the ledger at once, ``dlb:<round>:in`` (income)
→ ``dlb:<round>:fund`` (public, never negative). Residents propose projects
with a budget; staff review eligibility; in the support phase neighbours
support projects (once per person); then projects are chosen:

- ``knapsack``: eligible projects are looked at by support (most first), then
  budget (smallest first), then id; each is chosen if it still fits in what is
  left of the fund. Every project keeps its rank and what was left after it, so
  the page shows what fitted and why the others did not;
- ``approval``: the body approves projects one by one; the chosen total never
  exceeds the amount.

A chosen project gets milestones; marking one done pays its amount fund →
``dlb:<round>:p:<project>`` (public expense). The fund account cannot go
negative and a project is never paid beyond its budget (checked here and by a
database constraint). Lock order: the round, then its projects in id order,
then the ledger accounts (the ledger's own order)."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.deliberation.models import (
    EventKind,
    FundRound,
    Milestone,
    Project,
    ProjectSupport,
    RoundMethod,
    RoundStatus,
)
from linli.deliberation.models import ProjectStatus as PS
from linli.deliberation.services._common import DeliberationRefused, amount_fen, event, require_neighbour, text
from linli.errors import InvalidInput
from linli.ledger import services as ledger
from linli.ledger.models import Account
from linli.org.models import Node, NodeKind, Person

ROUND_PLACES = {NodeKind.COMPOUND, NodeKind.COMMUNITY}
NEXT_PHASE: dict[str, str] = {RoundStatus.PROPOSING: RoundStatus.SUPPORTING, RoundStatus.SELECTED: RoundStatus.CLOSED}


def fund_code(rnd: FundRound) -> str:
    return f"dlb:{rnd.pk}:fund"


def fund_account_of(rnd: FundRound) -> Account | None:
    """Reads only."""
    return Account.objects.filter(code=fund_code(rnd)).first()


def _fund_account(rnd: FundRound) -> Account:
    return ledger.account_open(code=fund_code(rnd), name=f"{rnd.title} · 社区基金", kind="asset", node=rnd.node,
                               asset="CNY", no_negative=True, is_public=True)


def _income_account(rnd: FundRound) -> Account:
    return ledger.account_open(code=f"dlb:{rnd.pk}:in", name=f"{rnd.title} · 资金来源", kind="income", node=rnd.node,
                               asset="CNY", is_public=True)


def _project_account(project: Project) -> Account:
    return ledger.account_open(code=f"dlb:{project.round_id}:p:{project.pk}", name=f"{project.title} · 项目支出",
                               kind="expense", node=project.round.node, asset="CNY", is_public=True)


def _round_locked(rnd: FundRound) -> FundRound:
    return FundRound.objects.select_for_update().select_related("node").get(pk=rnd.pk)


def _phase(rnd: FundRound, *allowed: str) -> None:
    if rnd.status not in allowed:
        raise DeliberationRefused("deliberation.round_phase",
                                  _("Not possible in this phase of the round (“%(status)s”).")
                                  % {"status": rnd.get_status_display()})


@transaction.atomic
def round_open(*, node: Node, title: str, amount: int, method: str, by: Person) -> FundRound:
    authz.require(by, "deliberation.fund.manage", node)
    if node.kind not in ROUND_PLACES:
        raise InvalidInput("deliberation.round_place", _("A fund round belongs to a compound or a community."))
    title = text(title, "deliberation.title", _("A round needs a title of at most 120 characters."), maximum=120)
    amount = amount_fen(amount, "deliberation.amount", _("The fund amount is a positive sum of money."))
    if method not in RoundMethod.values:
        raise InvalidInput("deliberation.method", _("Unknown selection method."))
    exists = DeliberationRefused("deliberation.round_exists",
                                 _("A fund round with this title is already open here; nothing was added."))
    if FundRound.objects.filter(node=node, title=title).exists():
        raise exists
    try:
        with transaction.atomic():
            rnd = FundRound.objects.create(node=node, title=title, amount=amount, method=method)
    except IntegrityError as exc:  # the same form, sent twice at once
        raise exists from exc
    rnd.funding = ledger.ledger_post(legs=[(_income_account(rnd), -amount), (_fund_account(rnd), amount)],
                                     idempotency_key=f"dlb:round:{rnd.pk}:fund", memo=f"{title} 社区基金拨付", by=by)
    rnd.save(update_fields=["funding"])
    event(node, EventKind.ROUND_OPENED, by, round=rnd.pk, amount=amount, method=method)
    return rnd


@transaction.atomic
def round_advance(*, round: FundRound, by: Person) -> FundRound:
    """Proposals → support phase; chosen → closed (when every chosen project is done)."""
    rnd = _round_locked(round)
    authz.require(by, "deliberation.fund.manage", rnd)
    if rnd.status not in NEXT_PHASE:
        raise DeliberationRefused("deliberation.round_phase", _("Choose the projects to end the support phase."))
    if rnd.status == RoundStatus.SELECTED and rnd.projects.filter(status=PS.SELECTED).exists():
        raise DeliberationRefused("deliberation.round_open_projects", _("Some chosen projects are not done yet."))
    before, rnd.status = rnd.status, NEXT_PHASE[rnd.status]
    rnd.save(update_fields=["status"])
    event(rnd.node, EventKind.ROUND_STATUS, by, round=rnd.pk, before=before, after=rnd.status)
    return rnd


@transaction.atomic
def project_propose(*, round: FundRound, title: str, description: str, budget: int, by: Person) -> Project:
    rnd = _round_locked(round)
    require_neighbour(by, "deliberation.project.propose", rnd.node)
    _phase(rnd, RoundStatus.PROPOSING)
    title = text(title, "deliberation.title", _("A project needs a title of at most 120 characters."), maximum=120)
    description = text(description, "deliberation.description",
                       _("Describe the project in at most 5000 characters."), maximum=5000)
    budget = amount_fen(budget, "deliberation.budget", _("The budget is a positive sum of money."))
    if budget > rnd.amount:
        raise InvalidInput("deliberation.budget_over", _("The budget is larger than the whole fund."))
    project = Project.objects.create(round=rnd, title=title, description=description, budget=budget, proposed_by=by,
                                     supporters=1)
    ProjectSupport.objects.create(project=project, person=by)
    event(rnd.node, EventKind.PROJECT_PROPOSED, by, round=rnd.pk, project=project.pk, budget=budget)
    return project


@transaction.atomic
def project_review(*, project: Project, eligible: bool, note: str = "", survey_ref: str = "", by: Person) -> Project:
    """Staff decide eligibility (during proposals or support); a refusal says why. ``survey_ref``
    names a questionnaire (``linli.surveys``) asking residents about the project, if any."""
    rnd = _round_locked(project.round)
    authz.require(by, "deliberation.fund.manage", rnd)
    _phase(rnd, RoundStatus.PROPOSING, RoundStatus.SUPPORTING)
    project = Project.objects.select_for_update().get(pk=project.pk)
    note = text(note, "deliberation.note", _("Say why the project is not eligible (at most 300 characters)."),
                maximum=300, required=not eligible)
    survey_ref = text(survey_ref, "deliberation.survey_ref",
                      _("The questionnaire reference is at most 40 characters."), maximum=40, required=False)
    if project.status not in (PS.PROPOSED, PS.ELIGIBLE, PS.INELIGIBLE):
        raise DeliberationRefused("deliberation.project_state", _("This project has been decided already."))
    before = project.status
    project.status, project.review_note = (PS.ELIGIBLE if eligible else PS.INELIGIBLE), note
    project.survey_ref = survey_ref or project.survey_ref
    project.save(update_fields=["status", "review_note", "survey_ref"])
    event(rnd.node, EventKind.PROJECT_REVIEWED, by, project=project.pk, before=before, after=project.status)
    return project


@transaction.atomic
def project_support(*, project: Project, by: Person) -> Project:
    rnd = _round_locked(project.round)
    require_neighbour(by, "deliberation.project.support", rnd.node)
    _phase(rnd, RoundStatus.SUPPORTING)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != PS.ELIGIBLE:
        raise DeliberationRefused("deliberation.project_not_eligible", _("Only eligible projects can be supported."))
    try:
        with transaction.atomic():
            ProjectSupport.objects.create(project=project, person=by)
    except IntegrityError as exc:
        raise DeliberationRefused("deliberation.already_supported", _("You already support this project.")) from exc
    project.supporters = project.supports.count()
    project.save(update_fields=["supporters"])
    event(rnd.node, EventKind.PROJECT_SUPPORTED, by, project=project.pk, supporters=project.supporters)
    return project


def knapsack(amount: int, candidates: list[tuple[int, int, int]]) -> list[tuple[int, bool, int]]:
    """(id, supporters, budget) → [(id, chosen, left after)] in the order looked at:
    most support first, then smallest budget, then lowest id; each is chosen if it
    still fits. Pure and deterministic."""
    left, out = amount, []
    for pk, _support, budget in sorted(candidates, key=lambda c: (-c[1], c[2], c[0])):
        fits = budget <= left
        if fits:
            left -= budget
        out.append((pk, fits, left))
    return out


@transaction.atomic
def round_select(*, round: FundRound, approved: list[int] | None = None, by: Person) -> FundRound:
    """End the support phase and choose: by support within the fund (knapsack), or the
    projects the body approved (``approved`` ids; their total must fit the fund)."""
    rnd = _round_locked(round)
    authz.require(by, "deliberation.fund.manage", rnd)
    _phase(rnd, RoundStatus.SUPPORTING)
    projects = {p.pk: p for p in rnd.projects.select_for_update().order_by("pk")}
    eligible = [p for p in projects.values() if p.status == PS.ELIGIBLE]
    if not eligible:
        raise DeliberationRefused("deliberation.no_eligible", _("No project is eligible yet."))
    if rnd.method == RoundMethod.KNAPSACK:
        if approved:
            raise InvalidInput("deliberation.approved", _("This round chooses by support: do not name projects."))
        result = knapsack(rnd.amount, [(p.pk, p.supporters, p.budget) for p in eligible])
    else:
        chosen = list(dict.fromkeys(approved or []))
        if not chosen or any(pk not in projects or projects[pk].status != PS.ELIGIBLE for pk in chosen):
            raise InvalidInput("deliberation.approved", _("Approve at least one eligible project of this round."))
        if sum(projects[pk].budget for pk in chosen) > rnd.amount:
            raise InvalidInput("deliberation.over_fund", _("The approved projects cost more than the fund holds."))
        left, result = rnd.amount, []
        for p in sorted(eligible, key=lambda p: (p.pk not in chosen, -p.supporters, p.budget, p.pk)):
            if p.pk in chosen:
                left -= p.budget
            result.append((p.pk, p.pk in chosen, left))
    for rank, (pk, fits, left) in enumerate(result, start=1):
        p = projects[pk]
        p.status, p.rank, p.left_after = (PS.SELECTED if fits else PS.NOT_SELECTED), rank, left
        p.save(update_fields=["status", "rank", "left_after"])
    rnd.status = RoundStatus.SELECTED
    rnd.save(update_fields=["status"])
    chosen_ids = [pk for pk, fits, _left in result if fits]
    event(rnd.node, EventKind.PROJECT_SELECTED, by, round=rnd.pk, method=rnd.method, chosen=chosen_ids,
          total=sum(projects[pk].budget for pk in chosen_ids))
    return rnd


@transaction.atomic
def milestone_add(*, project: Project, title: str, amount: int, due_on: dt.date, by: Person) -> Milestone:
    """A chosen project's milestone and what it pays (0 for none); all milestones stay within the budget."""
    rnd = _round_locked(project.round)
    authz.require(by, "deliberation.fund.manage", rnd)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != PS.SELECTED:
        raise DeliberationRefused("deliberation.project_state", _("Only a chosen project has milestones."))
    title = text(title, "deliberation.title", _("A milestone needs a title of at most 120 characters."), maximum=120)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise InvalidInput("deliberation.amount", _("The payment is a sum of money, 0 or more."))
    if not isinstance(due_on, dt.date) or not 1970 <= due_on.year <= 2200:
        raise InvalidInput("deliberation.due_on", _("Give the milestone's due date."))
    planned = project.milestones.aggregate(s=Sum("amount"))["s"] or 0
    if planned + amount > project.budget:
        raise InvalidInput("deliberation.over_budget", _("The milestones would pay more than the project's budget."))
    m = Milestone.objects.create(project=project, title=title, amount=amount, due_on=due_on)
    event(rnd.node, EventKind.MILESTONE_ADDED, by, project=project.pk, milestone=m.pk, amount=amount)
    return m


@transaction.atomic
def milestone_done(*, milestone: Milestone, by: Person, now: dt.datetime | None = None) -> Milestone:
    """Mark a milestone done and pay its amount from the fund (once)."""
    project = milestone.project
    rnd = _round_locked(project.round)
    authz.require(by, "deliberation.fund.manage", rnd)
    project = Project.objects.select_for_update().select_related("round__node").get(pk=project.pk)
    m = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if m.done_at is not None:
        raise DeliberationRefused("deliberation.milestone_done", _("This milestone is already done."))
    if project.status != PS.SELECTED:
        raise DeliberationRefused("deliberation.project_state", _("Only a chosen project has milestones."))
    if project.paid + m.amount > project.budget:
        raise DeliberationRefused("deliberation.over_budget", _("The milestones would pay more than the project's budget."))
    m.done_at = now or timezone.now()
    if m.amount:
        m.payment = ledger.ledger_post(legs=[(_fund_account(rnd), -m.amount), (_project_account(project), m.amount)],
                                       idempotency_key=f"dlb:milestone:{m.pk}", memo=f"{project.title}：{m.title}",
                                       by=by)
        project.paid += m.amount
        project.save(update_fields=["paid"])
    m.save(update_fields=["done_at", "payment"])
    event(rnd.node, EventKind.MILESTONE_DONE, by, project=project.pk, milestone=m.pk, amount=m.amount,
          transaction=str(m.payment_id or ""))
    return m


@transaction.atomic
def project_progress(*, project: Project, percent: int, note: str, by: Person) -> Project:
    """Report progress publicly; 100 % with every milestone done marks the project done."""
    rnd = _round_locked(project.round)
    authz.require(by, "deliberation.fund.manage", rnd)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != PS.SELECTED:
        raise DeliberationRefused("deliberation.project_state", _("Only a chosen project reports progress."))
    if not isinstance(percent, int) or isinstance(percent, bool) or not project.progress <= percent <= 100:
        raise InvalidInput("deliberation.percent", _("Progress is a percentage, not below the last report."))
    note = text(note, "deliberation.note", _("Say what was done (at most 500 characters)."), maximum=500)
    if percent == 100 and project.milestones.filter(done_at__isnull=True).exists():
        raise DeliberationRefused("deliberation.milestones_open", _("Mark every milestone done first."))
    before = project.status
    project.progress = percent
    if percent == 100:
        project.status = PS.DONE
    project.save(update_fields=["progress", "status"])
    event(rnd.node, EventKind.PROJECT_PROGRESS, by, project=project.pk, percent=percent, note=note,
          before=before, after=project.status)
    return project
