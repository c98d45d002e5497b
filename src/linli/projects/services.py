"""Writes of renovation projects. Each service is keyword-only, atomic, asks the
authorisation function and writes one append-only ``Event``.

Money goes through the ledger only (``linli.ledger.services``): a receipt moves
money from the source's income account ``project:<id>:in:<source>`` into the
project's public account ``project:<id>`` (which may not go negative); a refund
reverses that receipt; a payment moves money from the project's account to the
scope item's expense account ``project:<id>:item:<item id>``.

Lock order: the project row, then the contribution row, then the ledger
accounts (in id order, inside ``ledger.services``).

Why not disclosure's crowdfunding: its pledges are entered by fund managers,
its refunds happen only when a whole campaign fails, it knows four sources (no
community fund) and needs a co-managed fund; a project needs pledges by the
households themselves, single refunds and five sources, so it keeps its own
small table and posts on the same ledger.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import services as cases
from linli.cases.models import UNFIXED_STATUSES, AssigneeKind, Case, Category, PolicyClock, TimeLimitPolicy
from linli.cases.models import Source as CaseSource
from linli.cases.photos import clean_photo, clean_photos, read_upload
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger import services as ledger
from linli.ledger.models import Account
from linli.numbers import yuan_to_fen
from linli.org.models import Node, NodeKind, Person, Role
from linli.outbox import services as outbox
from linli.outbox.channels import Contact, channels
from linli.projects.models import (
    MAX_AMOUNT,
    BudgetLine,
    Comment,
    CommitteeMember,
    Contribution,
    ContributionState,
    Event,
    ItemPhoto,
    Milestone,
    NameDisplay,
    Organisation,
    Payment,
    Problem,
    ProblemKind,
    Project,
    ProjectKind,
    ProjectStatus,
    Rating,
    ScopeItem,
    ShareRule,
    Source,
)

MAX_ITEMS = 50


class ProjectRefused(DomainError):
    """Not possible in the project's present state; nothing was written."""

    status = 409


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def _event(project: Project, kind: str, by=None, **data) -> Event:
    return Event.objects.create(project=project, kind=kind, by=by if getattr(by, "pk", None) else None, data=data)


def _locked(project: Project, *states: str) -> Project:
    p = Project.objects.select_for_update().select_related("compound", "contractor", "supervisor", "manager",
                                                          "policy").get(pk=project.pk)
    if states and p.status not in states:
        raise ProjectRefused("projects.state", _("This is not possible while the project is “%(status)s”.")
                             % {"status": p.get_status_display()})
    return p


def _amount(value, code: str = "projects.amount", *, zero_ok: bool = False) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < (0 if zero_ok else 1) or value > MAX_AMOUNT:
        raise InvalidInput(code, _("Enter an amount in yuan, more than 0 and at most one billion."))
    return value


def _text(value, code: str, message, *, required: bool = True, limit: int = 200) -> str:
    text = cases.clean_text(value)
    if (required and not text) or len(text) > limit:
        raise InvalidInput(code, message)
    return text


def parse_yuan(text) -> int:
    """'650' / '650.5' / '¥650.50' / '６５０元' -> fen (linli.numbers: "²" is no digit)."""
    fen = yuan_to_fen(text, max_digits=9)
    if fen is None:
        raise InvalidInput("projects.amount", _("Enter an amount in yuan, e.g. 650.00."))
    return fen


# --- accounts -----------------------------------------------------------------------

def account_code(project: Project) -> str:
    return f"project:{project.pk}"


def source_account_code(project: Project, source: str) -> str:
    return f"project:{project.pk}:in:{source}"


def item_account_code(item: ScopeItem) -> str:
    return f"project:{item.project_id}:item:{item.pk}"


def _project_account(project: Project) -> Account:
    return ledger.account_open(code=account_code(project), name=f"{project.title} · 项目资金", kind="asset",
                               node=project.compound, asset="CNY", no_negative=True, is_public=True)


def _source_account(project: Project, source: str) -> Account:
    return ledger.account_open(code=source_account_code(project, source),
                               name=f"{project.title} · {zh(Source(source).label)}", kind="income",
                               node=project.compound, asset="CNY", is_public=True)


def _item_account(item: ScopeItem) -> Account:
    return ledger.account_open(code=item_account_code(item), name=f"{item.project.title} · {item.title}",
                               kind="expense", node=item.project.compound, asset="CNY", is_public=True)


# --- the construction categories and time limits ---------------------------------------

CATEGORY_CODES = {kind: f"construction-{kind}" for kind in ProblemKind.values}
CATEGORY_NAMES = {
    "design": ("施工监督·设计问题", "Construction: design"),
    "quality": ("施工监督·质量问题", "Construction: quality"),
    "noise": ("施工监督·噪音扰民", "Construction: noise"),
    "safety": ("施工监督·安全隐患", "Construction: safety"),
}
POLICY_CODE = "construction"
# Construction problems: answered within 2 hours, someone on site within 4, a plan the same
# day; simple fixes within 2 days, others within 2 weeks; a return visit within 3 days.
POLICY_CLOCKS = [("respond", "", 120), ("on_site", "", 240), ("plan", "", 8 * 60), ("finish", "green", 2 * 24 * 60),
                 ("finish", "yellow", 14 * 24 * 60), ("finish", "red", 60 * 24 * 60),
                 ("return_visit", "", 3 * 24 * 60), ("progress", "red", 7 * 24 * 60)]


def construction_setup() -> TimeLimitPolicy:
    """The categories and the time-limit policy of construction problems (idempotent;
    never changes what exists, so staff may edit the policy's clocks in the admin)."""
    for position, (kind, code) in enumerate(CATEGORY_CODES.items()):
        name, name_en = CATEGORY_NAMES[kind]
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "position": 90 + position,
                                                            "keywords": "施工 改造"})
    policy, created = TimeLimitPolicy.objects.get_or_create(
        code=POLICY_CODE, defaults={"name": "施工监督时限",
                                    "description": "2小时响应、4小时到场、当天拿出方案；简单问题2天、一般问题2周内整改；"
                                                   "整改后3天内回访。"})
    if created:
        PolicyClock.objects.bulk_create([PolicyClock(policy=policy, clock=c, colour=col, minutes=m)
                                         for c, col, m in POLICY_CLOCKS])
    return policy


# --- notify -----------------------------------------------------------------------------

def _tell(people, *, subject: str, body: str, key: str, node: Node) -> None:
    """Queue one message per configured channel that reaches each person (outbox, in this transaction)."""
    for person in people:
        if person is None:
            continue
        for kind, channel in channels().items():
            address = channel.address_for(Contact(email=person.email or "", phone=person.phone or ""))
            if address:
                outbox.message_enqueue(channel=kind, address=address, subject=subject, body=body, kind="project",
                                       node=node, dedupe_key=f"{key}:{person.pk}:{kind}")


# --- creating a project ------------------------------------------------------------------

def _organisation(role: str, data: dict) -> Organisation:
    data = data or {}
    name = _text(data.get("name"), f"projects.{role}", _("Name the construction company and the supervisor."))
    phone = cases.normalise_phone(data.get("phone") or "")
    person = data.get("person")
    if person is not None and not isinstance(person, Person):
        raise InvalidInput(f"projects.{role}", _("No person with this user name."))
    return Organisation.objects.create(role=role, name=name, phone=phone, person=person,
                                       contact_name=_text(data.get("contact_name"), f"projects.{role}",
                                                          _("The contact's name has at most 60 characters."),
                                                          required=False, limit=60))


@transaction.atomic
def project_create(*, compound: Node, kind: str, title: str, contractor: dict, supervisor: dict,
                   notice_until: dt.date, start_date: dt.date, end_date: dt.date, share_rule: str,
                   share_amount: int = 0, name_display: str = NameDisplay.MASKED, description: str = "",
                   opinion_ref: str = "", by, today: dt.date | None = None) -> Project:
    """Publish a project's notice: it is open for comments until ``notice_until``."""
    authz.require(by, "projects.project.manage", compound)
    today = today or timezone.localdate()
    if compound.kind != NodeKind.COMPOUND:
        raise InvalidInput("projects.compound", _("A project belongs to a compound."))
    if kind not in ProjectKind.values:
        raise InvalidInput("projects.kind", _("Unknown kind of project."))
    title = _text(title, "projects.title", _("Give the project a title of 1 to 200 characters."))
    for value in (notice_until, start_date, end_date):
        if not isinstance(value, dt.date):
            raise InvalidInput("projects.date", _("Give the dates as YYYY-MM-DD."))
    if not today < notice_until <= today + dt.timedelta(days=90):
        raise InvalidInput("projects.notice", _("The comment period ends after today and within 90 days."))
    if not notice_until < start_date <= end_date or end_date > today + dt.timedelta(days=3 * 365):
        raise InvalidInput("projects.dates", _("Work starts after the comment period and ends after it starts, "
                                               "within three years."))
    if share_rule not in ShareRule.values:
        raise InvalidInput("projects.share_rule", _("Unknown rule for the residents' share."))
    share_amount = _amount(share_amount, "projects.share", zero_ok=share_rule == ShareRule.VOLUNTARY)
    if name_display not in NameDisplay.values:
        raise InvalidInput("projects.names", _("Unknown way of showing names."))
    project = Project.objects.create(
        compound=compound, kind=kind, title=title, manager=by, policy=construction_setup(),
        description=_text(description, "projects.description", _("The description has at most 5,000 characters."),
                          required=False, limit=5000),
        contractor=_organisation(Organisation.Role.CONTRACTOR, contractor),
        supervisor=_organisation(Organisation.Role.SUPERVISOR, supervisor),
        notice_until=notice_until, start_date=start_date, end_date=end_date, share_rule=share_rule,
        share_amount=share_amount, name_display=name_display,
        opinion_ref=_text(opinion_ref, "projects.opinion_ref", _("The reference has at most 100 characters."),
                          required=False, limit=100))
    _project_account(project)
    _event(project, "notice.published", by, notice_until=notice_until.isoformat())
    return project


def household_of(person, compound: Node) -> Node:
    """The person's household in this compound (a resident's or owner's role there)."""
    node = None
    if getattr(person, "is_authenticated", False):
        node = (Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=compound.path,
                                    role_assignments__person=person,
                                    role_assignments__role__in=[Role.RESIDENT, Role.OWNER])
                .order_by("path").first())
    if node is None:
        raise NotAllowed("projects.household", _("Only residents of this compound can do this."))
    return node


def _editable(project: Project, by) -> Project:
    authz.require(by, "projects.project.manage", project.compound)
    return _locked(project, ProjectStatus.NOTICE, ProjectStatus.APPROVED, ProjectStatus.RUNNING)


@transaction.atomic
def committee_add(*, project: Project, person: Person, title: str = "", by) -> CommitteeMember:
    p = _editable(project, by)
    try:
        household = household_of(person, p.compound)
    except NotAllowed as exc:
        raise InvalidInput("projects.committee_resident",
                           _("A committee member must be a resident or owner in this compound.")) from exc
    if CommitteeMember.objects.filter(project=p, person=person).exists():
        raise InvalidInput("projects.committee", _("This person is already on the committee."))
    m = CommitteeMember.objects.create(project=p, person=person, household=household,
                                       title=_text(title, "projects.committee_title",
                                                   _("The title has at most 30 characters."), required=False, limit=30))
    _event(p, "committee.added", by, member=m.pk)
    return m


@transaction.atomic
def item_add(*, project: Project, title: str, quantity: int, unit: str, budget: int = 0, by) -> ScopeItem:
    p = _editable(project, by)
    if p.items.count() >= MAX_ITEMS:
        raise InvalidInput("projects.items", _("A project has at most 50 scope items."))
    title = _text(title, "projects.item", _("Say what is done, in 1 to 120 characters."), limit=120)
    unit = _text(unit, "projects.unit", _("Give the unit, e.g. 个 or 处."), limit=10)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 10**6:
        raise InvalidInput("projects.quantity", _("The quantity is a whole number from 1 to 1,000,000."))
    item = ScopeItem.objects.create(project=p, title=title, quantity=quantity, unit=unit,
                                    budget=_amount(budget, zero_ok=True), position=p.items.count())
    _event(p, "item.added", by, item=item.pk, budget=item.budget)
    return item


@transaction.atomic
def item_photo_add(*, item: ScopeItem, upload, after: bool, by) -> ItemPhoto:
    """A before or after photo of a scope item, stored without EXIF/GPS."""
    p = _editable(item.project, by)
    if item.photos.filter(after=after).count() >= 6:
        raise InvalidInput("photo.too_many", _("At most %(n)d photos.") % {"n": 6})
    data, name = read_upload(upload)
    clean = clean_photo(data, name)
    photo = ItemPhoto.objects.create(item=item, image=clean.as_file(), after=bool(after))
    _event(p, "item.photo", by, item=item.pk, after=bool(after))
    return photo


@transaction.atomic
def budget_set(*, project: Project, source: str, planned: int, by) -> BudgetLine:
    p = _editable(project, by)
    if source not in Source.values:
        raise InvalidInput("projects.source", _("Unknown source of money."))
    line, _created = BudgetLine.objects.update_or_create(project=p, source=source,
                                                         defaults={"planned": _amount(planned, zero_ok=True)})
    _event(p, "budget.set", by, source=source, planned=line.planned)
    return line


@transaction.atomic
def milestone_add(*, project: Project, title: str, due: dt.date, by) -> Milestone:
    p = _editable(project, by)
    if not isinstance(due, dt.date):
        raise InvalidInput("projects.date", _("Give the dates as YYYY-MM-DD."))
    m = Milestone.objects.create(project=p, due=due,
                                 title=_text(title, "projects.milestone", _("Name the milestone in 1 to 120 characters."),
                                             limit=120))
    _event(p, "milestone.added", by, milestone=m.pk)
    return m


# --- before work: comments and the decision ------------------------------------------------

@transaction.atomic
def comment_add(*, project: Project, support: bool, text: str = "", by, today: dt.date | None = None) -> Comment:
    """A household's opinion on the notice: support or not. One per household; it may be changed
    while the comment period runs."""
    household = household_of(by, project.compound)
    authz.require(by, "projects.comment.add", household)
    p = _locked(project, ProjectStatus.NOTICE)
    if (today or timezone.localdate()) > p.notice_until:
        raise ProjectRefused("projects.notice_over", _("The comment period is over."))
    if not isinstance(support, bool):
        raise InvalidInput("projects.support", _("Say whether you support the project."))
    text = _text(text, "projects.comment", _("A comment has at most 500 characters."), required=False, limit=500)
    comment, created = Comment.objects.update_or_create(project=p, household=household,
                                                        defaults={"person": by, "support": support, "text": text})
    _event(p, "comment.added" if created else "comment.changed", by, comment=comment.pk, support=support)
    return comment


@transaction.atomic
def project_decide(*, project: Project, approve: bool, note: str, by, today: dt.date | None = None) -> Project:
    """Record the decision once the comment period is over (with the counts of support)."""
    authz.require(by, "projects.project.manage", project.compound)
    p = _locked(project, ProjectStatus.NOTICE)
    if (today or timezone.localdate()) <= p.notice_until:
        raise ProjectRefused("projects.notice_open", _("The comment period is still open."))
    note = _text(note, "projects.decision", _("Write the decision and its reasons (at most 2,000 characters)."),
                 limit=2000)
    support = p.comments.filter(support=True).count()
    against = p.comments.filter(support=False).count()
    p.status = ProjectStatus.APPROVED if approve else ProjectStatus.REJECTED
    p.decision_note, p.decided_at = note, timezone.now()
    p.save(update_fields=["status", "decision_note", "decided_at"])
    _event(p, "decided", by, approve=bool(approve), support=support, against=against)
    body = f"{p.compound.name}「{p.title}」：{zh(p.get_status_display())}。{note}"
    _tell([m.person for m in p.committee.select_related("person")] + [p.contractor.person],
          subject=f"项目决定：{p.title}", body=body, key=f"project:{p.pk}:decided", node=p.compound)
    return p


@transaction.atomic
def project_start(*, project: Project, by) -> Project:
    authz.require(by, "projects.project.manage", project.compound)
    p = _locked(project, ProjectStatus.APPROVED)
    p.status, p.started_at = ProjectStatus.RUNNING, timezone.now()
    p.save(update_fields=["status", "started_at"])
    _event(p, "started", by)
    return p


# --- money ----------------------------------------------------------------------------------

def household_share(project: Project, household: Node) -> int | None:
    """The household's share by the committee's rule (fen), None when voluntary."""
    if project.share_rule == ShareRule.PER_HOUSEHOLD:
        return project.share_amount
    if project.share_rule == ShareRule.PER_M2:
        area = household.area_m2 or Decimal("0")
        return int((Decimal(project.share_amount) * area).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return None


@transaction.atomic
def pledge_add(*, project: Project, amount: int | None = None, by) -> Contribution:
    """A household pledges its share from the phone; it waits until a manager confirms the money."""
    household = household_of(by, project.compound)
    authz.require(by, "projects.pledge.add", household)
    p = _locked(project, ProjectStatus.APPROVED, ProjectStatus.RUNNING)
    share = household_share(p, household)
    if share is None:
        amount = _amount(amount)
    elif amount is not None and amount != share:
        raise InvalidInput("projects.share", _("Your household's share is fixed by the committee's rule."))
    else:
        amount = _amount(share)
    if Contribution.objects.filter(project=p, household=household,
                                   state__in=[ContributionState.PLEDGED, ContributionState.CONFIRMED]).exists():
        raise ProjectRefused("projects.pledged", _("Your household has already pledged to this project."))
    c = Contribution.objects.create(project=p, source=Source.RESIDENTS, amount=amount, household=household, person=by)
    _event(p, "pledge.added", by, contribution=c.pk, amount=amount)
    return c


def _client_key(scope: str, by, token: str | None) -> str | None:
    """The ledger key of a client's one-time token (a form's hidden ``client_token`` or the
    API's): the same token sent twice moves the money once. None without a token."""
    token = (token or "").strip()[:64] if isinstance(token, str) else ""
    return f"{scope}:{getattr(by, 'pk', None)}:{token}" if token else None


def _receive(p: Project, c: Contribution, by, key: str | None = None) -> None:
    c.receipt = ledger.ledger_post(
        legs=[(_source_account(p, c.source), -c.amount), (_project_account(p), c.amount)],
        idempotency_key=key or f"project-contribution:{c.pk}:receipt",
        memo=f"{p.title} · {zh(Source(c.source).label)} 到账", by=by)
    c.state, c.confirmed_at = ContributionState.CONFIRMED, timezone.now()
    c.save(update_fields=["receipt", "state", "confirmed_at"])


def _contribution_locked(contribution: Contribution, by, *states) -> tuple[Project, Contribution]:
    authz.require(by, "projects.project.manage", contribution.project.compound)
    p = _locked(contribution.project, ProjectStatus.APPROVED, ProjectStatus.RUNNING)
    c = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if c.state not in states:
        raise ProjectRefused("projects.contribution_state", _("This payment is “%(state)s”: not possible now.")
                             % {"state": c.get_state_display()})
    return p, c


@transaction.atomic
def contribution_confirm(*, contribution: Contribution, by) -> Contribution:
    """The pledged money has arrived: the ledger posts it."""
    p, c = _contribution_locked(contribution, by, ContributionState.PLEDGED)
    _receive(p, c, by)
    _event(p, "contribution.confirmed", by, contribution=c.pk, amount=c.amount, source=c.source)
    return c


@transaction.atomic
def contribution_record(*, project: Project, source: str, amount: int, payer: str = "", by,
                        client_token: str | None = None) -> Contribution:
    """Money from a source other than a household's pledge (subsidy, work units, donations,
    community fund) has arrived: recorded and posted at once. The same ``client_token``
    sent twice (a double-submitted form) records once."""
    authz.require(by, "projects.project.manage", project.compound)
    p = _locked(project, ProjectStatus.APPROVED, ProjectStatus.RUNNING)
    if source not in Source.values:
        raise InvalidInput("projects.source", _("Unknown source of money."))
    payer = _text(payer, "projects.payer", _("Name the payer in at most 100 characters."), required=False, limit=100)
    amount = _amount(amount)
    key = _client_key(f"project-record:{p.pk}", by, client_token)
    if key is not None:
        first = Contribution.objects.filter(receipt__idempotency_key=key).first()
        if first is not None and (first.source, first.amount, first.payer) == (source, amount, payer):
            return first  # the same form sent again: recorded once
    c = Contribution.objects.create(project=p, source=source, amount=amount, payer=payer)
    _receive(p, c, by, key)
    _event(p, "contribution.recorded", by, contribution=c.pk, amount=c.amount, source=source)
    return c


@transaction.atomic
def contribution_refund(*, contribution: Contribution, by) -> Contribution:
    """Give received money back: the receipt is reversed on the ledger."""
    p, c = _contribution_locked(contribution, by, ContributionState.CONFIRMED)
    if _project_account(p).available < c.amount:
        raise ProjectRefused("projects.refund_balance", _("The project's account does not hold enough to refund this."))
    c.refund = ledger.ledger_reverse(transaction=c.receipt, idempotency_key=f"project-contribution:{c.pk}:refund",  # type: ignore[arg-type]
                                     memo=f"{p.title} · 退款", by=by)
    c.state = ContributionState.REFUNDED
    c.save(update_fields=["refund", "state"])
    _event(p, "contribution.refunded", by, contribution=c.pk, amount=c.amount, source=c.source)
    return c


@transaction.atomic
def contribution_cancel(*, contribution: Contribution, by) -> Contribution:
    """A pledge not paid is withdrawn (by a manager)."""
    p, c = _contribution_locked(contribution, by, ContributionState.PLEDGED)
    c.state = ContributionState.CANCELLED
    c.save(update_fields=["state"])
    _event(p, "contribution.cancelled", by, contribution=c.pk)
    return c


@transaction.atomic
def item_pay(*, item: ScopeItem, amount: int, payee: str, by, client_token: str | None = None) -> Payment:
    """Pay for a scope item from the project's account. The same ``client_token`` sent
    twice (a double-submitted form, a retried API call) pays once."""
    authz.require(by, "projects.project.manage", item.project.compound)
    p = _locked(item.project, ProjectStatus.RUNNING)
    amount = _amount(amount)
    payee = _text(payee, "projects.payee", _("Name the payee in 1 to 200 characters."))
    key = _client_key(f"project-payment:{item.pk}", by, client_token)
    if key is not None:
        first = Payment.objects.filter(transaction__idempotency_key=key).first()
        if first is not None and (first.item_id, first.amount, first.payee) == (item.pk, amount, payee):
            return first  # the same form sent again: paid once
    if _project_account(p).available < amount:
        raise ProjectRefused("projects.balance", _("The project's account does not hold enough for this payment."))
    tx = ledger.ledger_post(legs=[(_project_account(p), -amount), (_item_account(item), amount)],
                            idempotency_key=key or f"project-payment:{p.pk}:{uuid.uuid4()}",
                            memo=f"{p.title} · {item.title} · 付 {payee}", by=by)
    pay = Payment.objects.create(project=p, item=item, amount=amount, payee=payee, transaction=tx)
    _event(p, "item.paid", by, item=item.pk, amount=amount)
    return pay


# --- construction supervision ----------------------------------------------------------------

@transaction.atomic
def problem_report(*, project: Project, kind: str, description: str, node: Node | None = None, files=(),
                   contact_name: str = "", contact_phone: str = "", by=None, client_token: str | None = None,
                   client_browser: str = "") -> Problem:
    """A resident reports a design, quality, noise or safety problem of the works (施工监督).
    It becomes a request of its own category under the project's time limits, routed at once
    (in the project manager's name, by the project's rule) to the construction company's
    contact, and the community hears of it through the request's escalation chain."""
    authz.require(by, "projects.problem.report", project)
    p = _locked(project, ProjectStatus.RUNNING)
    if kind not in ProblemKind.values:
        raise InvalidInput("projects.problem_kind", _("Choose what kind of problem it is."))
    node = node or p.compound
    if not node.path.startswith(p.compound.path):
        raise InvalidInput("projects.place", _("The place lies outside the project's compound."))
    photos = [c.as_file() for c in clean_photos(read_upload(f) for f in files)]
    construction_setup()
    category = Category.objects.get(code=CATEGORY_CODES[kind])
    case = cases.case_create(node=node, category=category, description=description, source=CaseSource.QR,
                             by=by if getattr(by, "is_authenticated", False) else None, contact_name=contact_name,
                             contact_phone=contact_phone, photos=photos, policy=p.policy,
                             responsible=p.contractor.name, client_token=client_token, client_browser=client_browser)
    existing = Problem.objects.filter(case=case).first()
    if existing is not None:  # the same form sent twice
        return existing
    problem = Problem.objects.create(project=p, case=case, kind=kind)
    note = f"施工监督：按项目「{p.title}」的规则派给施工单位 {p.contractor.name}"
    try:
        with transaction.atomic():
            case = cases.case_accept(case=case, by=p.manager, note=note)
            if p.contractor.person is not None:
                case = cases.case_dispatch(case=case, by=p.manager, to=AssigneeKind.PERSON,
                                           person=p.contractor.person, note=note)
            else:
                case = cases.case_dispatch(case=case, by=p.manager, to=AssigneeKind.COMMUNITY, note=note)
    except NotAllowed:
        # The project's manager may no longer accept requests here (their staff role ended):
        # the report is kept as a new request, which the first responders told at intake and
        # the escalation chain take up, instead of being refused to the resident.
        case = Case.objects.get(pk=case.pk)
    problem.case = case
    _tell([p.contractor.person, p.manager], subject=f"施工监督：{p.title}",
          body=f"{zh(ProblemKind(kind).label)}问题（{case.tracking_code}）：{case.description[:200]}",
          key=f"project-problem:{problem.pk}", node=p.compound)
    _event(p, "problem.reported", by, problem=problem.pk, case=case.tracking_code, problem_kind=kind)
    return problem


# --- acceptance ------------------------------------------------------------------------------

def signer_role(person, project: Project) -> str:
    """'committee' or 'supervisor' when this person may sign the project's milestones, else ''."""
    pk = getattr(person, "pk", None)
    member = project.committee.filter(person_id=pk).first() if pk is not None else None
    if member is not None and authz.can(person, "projects.milestone.sign", member):
        return "committee"
    if authz.can(person, "projects.milestone.sign", project.supervisor):
        return "supervisor"
    return ""


@transaction.atomic
def milestone_sign(*, milestone: Milestone, by) -> Milestone:
    """Sign a milestone off: as a committee member or as the supervisor's contact."""
    p = _locked(milestone.project, ProjectStatus.RUNNING)
    role = signer_role(by, p)
    if not role:
        authz.require(by, "projects.milestone.sign", p.supervisor)  # raises NotAllowed
    m = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if getattr(m, f"{role}_signed_at") is not None:
        raise ProjectRefused("projects.signed", _("This milestone is already signed off."))
    setattr(m, f"{role}_signed_at", timezone.now())
    setattr(m, f"{role}_signed_by", by)
    m.save()
    _event(p, "milestone.signed", by, milestone=m.pk, role=role)
    return m


@transaction.atomic
def project_accept(*, project: Project, by) -> Project:
    """Final acceptance: every milestone signed by both, no construction problem open; the final
    accounts (budget against the ledger, per source and per item) are published with it."""
    from linli.projects.selectors import final_accounts

    authz.require(by, "projects.project.manage", project.compound)
    p = _locked(project, ProjectStatus.RUNNING)
    if not p.milestones.exists() or p.milestones.filter(Q(committee_signed_at__isnull=True)
                                                        | Q(supervisor_signed_at__isnull=True)).exists():
        raise ProjectRefused("projects.unsigned", _("Every milestone must be signed off by the committee and the "
                                                    "supervisor first."))
    if Problem.objects.filter(project=p, case__status__in=UNFIXED_STATUSES).exists():
        raise ProjectRefused("projects.open_problems", _("Construction problems are still open: fix them first."))
    if p.contributions.filter(state=ContributionState.PLEDGED).exists():
        raise ProjectRefused("projects.open_pledges", _("Some pledges wait for confirmation: confirm or cancel them "
                                                        "first."))
    p.final_accounts = final_accounts(p)
    p.status, p.accepted_at = ProjectStatus.ACCEPTED, timezone.now()
    p.save(update_fields=["final_accounts", "status", "accepted_at"])
    _event(p, "accepted", by, received=p.final_accounts["received"], spent=p.final_accounts["spent"])
    return p


@transaction.atomic
def rating_add(*, project: Project, score: int, by) -> Rating:
    """A household's satisfaction with the finished project, 1 to 5 (may be changed)."""
    household = household_of(by, project.compound)
    authz.require(by, "projects.rating.add", household)
    p = _locked(project, ProjectStatus.ACCEPTED)
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput("projects.score", _("Give a score from 1 to 5."))
    rating, _created = Rating.objects.update_or_create(project=p, household=household,
                                                       defaults={"person": by, "score": score})
    _event(p, "rated", by, score=score)
    return rating
