"""Writes of funds: co-managed fund accounts (共管资金账户) with two-level approval,
micro-funds fed by donations, and project crowdfunding with refunds.

Every yuan moves through the ledger and every account is public:
- a fund's money sits in ``fund:<code>`` (may not go negative), fed from one
  income account per source, spent into ``fund:<code>:spent``;
- a spending request is a *pending* ledger transfer: reserved when asked, posted
  after the second-level approval, voided on rejection or timeout;
- a campaign's receipts sit in its escrow ``campaign:<id>`` until it closes: paid
  into the fund when the target is reached, refunded (each receipt reversed) when
  the deadline passes without it.

Who may approve is not a role of the tree: the supervisors are named per fund
(residents' committee, developer, bank ...), so the check is "is this person a
supervisor of this fund at this level", made here and nowhere else.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli import authz
from linli.disclosure.accounting import (
    MAX_CAMPAIGN_DAYS,
    check_amount,
    escrow_account_code,
    fund_account_code,
    fund_spent_account_code,
)
from linli.disclosure.models import (
    Approval,
    CrowdfundingCampaign,
    CrowdfundingState,
    Donation,
    Fund,
    FundKind,
    IncomeSource,
    NameShown,
    Party,
    Pledge,
    PledgeState,
    SpendingRequest,
    SpendState,
    Supervisor,
)
from linli.disclosure.services import _event
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger import services as ledger
from linli.ledger.models import Account
from linli.org.models import Node, NodeKind, Person

FUND_PLACES = {NodeKind.COMPOUND, NodeKind.COMMUNITY}
MIN_PARTIES = 3


def _zh(label) -> str:
    """Chinese names go into the public ledger, whatever the request's language."""
    with translation.override("zh-hans"):
        return str(label)


def _amount(value) -> int:
    return check_amount(value, code="fund.amount")


# --- accounts ----------------------------------------------------------------------
# ``*_open`` write (they open the account on first use) and are called by the
# services below only; pages and the API read with ``fund_account_of`` /
# ``escrow_account_of``, which never write.

def fund_account_open(fund: Fund):
    return ledger.account_open(code=fund_account_code(fund), name=fund.name, kind="asset", node=fund.node,
                               asset="CNY", no_negative=True, is_public=True)


def fund_account_of(fund: Fund):
    """The fund's public account, or None if it was never opened. Reads only."""
    return Account.objects.select_related("asset").filter(code=fund_account_code(fund)).first()


def escrow_account_of(campaign: CrowdfundingCampaign):
    """The campaign's escrow account, or None if it was never opened. Reads only."""
    return Account.objects.select_related("asset").filter(code=escrow_account_code(campaign)).first()


def _source_account(prefix: str, name: str, node: Node, source: str):
    return ledger.account_open(code=f"{prefix}:in:{source}", name=f"{name} · {_zh(IncomeSource(source).label)}",
                               kind="income", node=node, asset="CNY", is_public=True)


def _spent_account(fund: Fund):
    return ledger.account_open(code=fund_spent_account_code(fund), name=f"{fund.name} · 支出", kind="expense",
                               node=fund.node, asset="CNY", is_public=True)


def escrow_account_open(campaign: CrowdfundingCampaign):
    return ledger.account_open(code=escrow_account_code(campaign), name=campaign.title, kind="liability",
                               node=campaign.fund.node, asset="CNY", no_negative=True, is_public=True)


# --- funds and supervisors ------------------------------------------------------------

def place_by_code(code: str) -> Node:
    """The place a new fund belongs to, named by its code (pages and API)."""
    node = Node.objects.filter(code=(code or "").strip()).first()
    if node is None:
        raise InvalidInput("fund.node", _("No place with this code."))
    return node


def person_by_username(username: str) -> Person:
    """The person named as a supervisor, by user name (pages and API)."""
    person = Person.objects.filter(username=(username or "").strip()).first()
    if person is None:
        raise InvalidInput("fund.person", _("No person with this user name."))
    return person


@transaction.atomic
def fund_create(*, node: Node, code: str, name: str, kind: str, purpose: str = "", approval_days: int = 14,
                by) -> Fund:
    authz.require(by, "disclosure.fund.manage", node)
    if node.kind not in FUND_PLACES:
        raise InvalidInput("fund.node", _("A fund belongs to a compound or a community."))
    if kind not in FundKind.values:
        raise InvalidInput("fund.kind", _("Unknown kind of fund."))
    code = (code or "").strip()
    if not code or len(code) > 40 or not code.replace("-", "").isalnum() or not code.isascii():
        raise InvalidInput("fund.code", _("The code uses letters, digits and '-', at most 40."))
    if Fund.objects.filter(code=code).exists():
        raise InvalidInput("fund.code_taken", _("This code is already used by another fund."))
    if not (name or "").strip():
        raise InvalidInput("fund.name", _("A fund needs a name."))
    if not isinstance(approval_days, int) or not 1 <= approval_days <= 90:
        raise InvalidInput("fund.days", _("Approval time is 1 to 90 days."))
    fund = Fund.objects.create(node=node, code=code, name=name.strip(), kind=kind, purpose=(purpose or "").strip(),
                               approval_days=approval_days)
    fund_account_open(fund)
    _event(node, "fund.created", by, fund=fund.code)
    return fund


@transaction.atomic
def supervisor_add(*, fund: Fund, person: Person, party: str, level: int, by) -> Supervisor:
    authz.require(by, "disclosure.fund.manage", fund.node)
    if party not in Party.values:
        raise InvalidInput("fund.party", _("Unknown supervising party."))
    if level not in (1, 2):
        raise InvalidInput("fund.level", _("The approval level is 1 or 2."))
    sup, _created = Supervisor.objects.get_or_create(fund=fund, person=person, level=level, defaults={"party": party})
    _event(fund.node, "fund.supervisor_added", by, fund=fund.code, person=person.pk, party=party, level=level)
    return sup


@transaction.atomic
def fund_donate(*, fund: Fund, amount: int, name: str = "", anonymous: bool = False,
                source: str = IncomeSource.DONATION, memo: str = "", key: str | None = None, by) -> Donation:
    """Record money received by a fund (donation, subsidy, shared-asset income)."""
    authz.require(by, "disclosure.fund.manage", fund.node)
    amount = _amount(amount)
    if source not in IncomeSource.values:
        raise InvalidInput("fund.source", _("Unknown source of money."))
    name = (name or "").strip()[:100]
    if not anonymous and not name:
        raise InvalidInput("fund.name", _("Give the donor's name, or mark the donation anonymous."))
    key = key or f"donation:{fund.code}:{timezone.now().timestamp()}:{amount}"
    tx = ledger.ledger_post(legs=[(_source_account(f"fund:{fund.code}", fund.name, fund.node, source), -amount),
                                  (fund_account_open(fund), amount)],
                            idempotency_key=key, memo=f"{'匿名' if anonymous else name} {memo}".strip()[:300], by=by)
    donation = Donation.objects.filter(transaction=tx).first()
    if donation is not None:  # the same form or client token again: recorded once, logged once
        return donation
    donation = Donation.objects.create(
        fund=fund, name="" if anonymous else name, anonymous=anonymous, source=source, amount=amount,
        memo=(memo or "").strip()[:200], transaction=tx)
    _event(fund.node, "fund.donation", by, fund=fund.code, amount=amount, donation=donation.pk)
    return donation


# --- spending with two-level approval ----------------------------------------------------

@transaction.atomic
def spend_request(*, fund: Fund, amount: int, payee: str, purpose: str, key: str | None = None,
                  by) -> SpendingRequest:
    """Ask to spend from a fund; the money is reserved at once. ``key`` (a form's or an
    API client's one-time token) makes a repeated submit answer the first request
    instead of reserving the money twice. Locks the fund row, then the ledger accounts."""
    authz.require(by, "disclosure.fund.spend", fund.node)
    amount = _amount(amount)
    payee, purpose = (payee or "").strip()[:200], (purpose or "").strip()[:300]
    if not payee or not purpose:
        raise InvalidInput("fund.purpose", _("Say who is paid and what for."))
    # One request at a time per fund: a replay waits for its original, then finds it.
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if key:
        first = SpendingRequest.objects.filter(pending__idempotency_key=key).select_related("fund").first()
        if first is not None:
            if (first.fund_id, first.amount, first.payee, first.purpose) != (fund.pk, amount, payee, purpose):
                raise DomainError("fund.key_reused",
                                  _("This form was already sent with other details; reload the page to ask again."))
            return first
    levels = set(fund.supervisors.values_list("level", flat=True))
    if levels != {1, 2}:
        raise DomainError("fund.no_supervisors", _("Name supervisors for both approval levels first."))
    if fund.kind == FundKind.COMANAGED and fund.supervisors.values("party").distinct().count() < MIN_PARTIES:
        raise DomainError("fund.parties", _("A co-managed fund needs supervisors from three parties."))
    expires = timezone.now() + dt.timedelta(days=fund.approval_days)
    # Reserve first: the money cannot be spent twice while the request waits.
    request_number = SpendingRequest.objects.filter(fund=fund).count() + 1
    pending = ledger.ledger_reserve(
        legs=[(fund_account_open(fund), -amount), (_spent_account(fund), amount)],
        idempotency_key=key or f"spend:{fund.code}:{request_number}:{timezone.now().timestamp()}",
        memo=f"{payee}: {purpose}"[:300], expires_at=expires, by=by,
    )
    req = SpendingRequest.objects.create(fund=fund, amount=amount, payee=payee, purpose=purpose,
                                         pending=pending, requested_by=by, expires_at=expires)
    _event(fund.node, "fund.spend_requested", by, fund=fund.code, request=req.pk, amount=amount)
    return req


def _expire(req: SpendingRequest) -> None:
    ledger.ledger_void_pending(pending=req.pending)
    req.state = SpendState.EXPIRED
    req.save(update_fields=["state"])
    _event(req.fund.node, "fund.spend_expired", None, request=req.pk)


def decider(person, request: SpendingRequest) -> Supervisor | None:
    """The supervisor row through which ``person`` may decide ``request`` now: a
    supervisor of its fund at the level it waits for; None when they may not.
    The one authorisation function decides (the rule names the row's person)."""
    level = {SpendState.WAITING_1: 1, SpendState.WAITING_2: 2}.get(request.state)  # type: ignore[call-overload]
    rows = Supervisor.objects.filter(fund_id=request.fund_id, person_id=getattr(person, "pk", None))  # type: ignore[misc]
    row = rows.filter(level=level).first() or Supervisor(fund_id=request.fund_id, level=level or 0)
    allowed = authz.can(person, "disclosure.fund.decide", row)
    return row if allowed and row.pk is not None and level else None


@transaction.atomic
def spend_decide(*, request: SpendingRequest, approve: bool, note: str = "", by) -> SpendingRequest:
    """A supervisor of the waiting level approves or rejects. The second approval
    posts the transfer; a rejection voids it. Past the deadline the request expires."""
    req = SpendingRequest.objects.select_for_update().select_related("fund").get(pk=request.pk)
    sup = decider(by, req)
    if sup is None:
        rows = Supervisor.objects.filter(fund=req.fund, person_id=getattr(by, "pk", None))  # type: ignore[misc]
        if req.state not in (SpendState.WAITING_1, SpendState.WAITING_2) and any(
            authz.can(by, "disclosure.fund.decide", row) for row in rows
        ):
            # A supervisor of this fund is told the request is decided, not that they may not.
            raise DomainError("fund.decided", _("This request has already been decided."))
        raise NotAllowed("forbidden", _("Only a supervisor of this level may decide."))
    level = sup.level
    if level == 2 and req.approvals.filter(person=by).exists():
        raise NotAllowed("fund.same_person", _("The second approval must come from another person."))
    if req.expires_at <= timezone.now():
        _expire(req)
        return req
    note = (note or "").strip()[:300]
    if not approve and not note:
        raise InvalidInput("fund.note", _("Say why the request is rejected."))
    Approval.objects.create(request=req, level=level, person=by, party=sup.party, approve=approve, note=note)
    if not approve:
        ledger.ledger_void_pending(pending=req.pending, by=by)
        req.state = SpendState.REJECTED
    elif level == 1:
        req.state = SpendState.WAITING_2
    else:
        ledger.ledger_commit_pending(pending=req.pending, by=by)
        req.state = SpendState.POSTED
    req.save(update_fields=["state"])
    _event(req.fund.node, "fund.spend_decided", by, request=req.pk, level=level, approve=approve)
    return req


WAITING = (SpendState.WAITING_1, SpendState.WAITING_2)


@transaction.atomic
def spend_request_expire(*, request: SpendingRequest, now=None) -> bool:
    """Expire one request past its deadline. The state is read again under the row
    lock: a supervisor may have decided it since the caller loaded it, and a decided
    request is left alone. True when it expired here."""
    now = now or timezone.now()
    req = SpendingRequest.objects.select_for_update().select_related("fund__node", "pending").get(pk=request.pk)
    if req.state not in WAITING or req.expires_at > now:
        return False
    _expire(req)
    return True


def spend_expire(*, now=None) -> int:
    """Void every spending request past its deadline (run periodically)."""
    now = now or timezone.now()
    due = SpendingRequest.objects.filter(state__in=WAITING, expires_at__lte=now)
    return sum(spend_request_expire(request=req, now=now) for req in due)


# --- crowdfunding ------------------------------------------------------------------------

@transaction.atomic
def campaign_create(*, fund: Fund, title: str, target: int, deadline, description: str = "",
                    by) -> CrowdfundingCampaign:
    authz.require(by, "disclosure.fund.manage", fund.node)
    target = _amount(target)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput("fund.title", _("Give the project a title of 1 to 200 characters."))
    if not isinstance(deadline, dt.date) or deadline <= timezone.localdate():
        raise InvalidInput("fund.deadline", pgettext_lazy("crowdfunding", "The deadline must lie in the future."))
    if deadline > timezone.localdate() + dt.timedelta(days=MAX_CAMPAIGN_DAYS):
        raise InvalidInput("fund.deadline", _("A campaign collects for at most two years."))
    c = CrowdfundingCampaign.objects.create(fund=fund, title=title, target=target, deadline=deadline,
                                description=(description or "").strip())
    escrow_account_open(c)
    _event(fund.node, "campaign.created", by, campaign=c.pk, target=target)
    return c


def _open(campaign: CrowdfundingCampaign) -> CrowdfundingCampaign:
    c = CrowdfundingCampaign.objects.select_for_update().get(pk=campaign.pk)
    if c.state != CrowdfundingState.OPEN:
        raise DomainError("campaign.closed", _("This campaign is closed."))
    return c


@transaction.atomic
def pledge_add(*, campaign: CrowdfundingCampaign, source: str, amount: int, name: str = "", anonymous: bool = False,
               by) -> Pledge:
    authz.require(by, "disclosure.fund.manage", campaign.fund.node)
    c = _open(campaign)
    if source not in IncomeSource.values:
        raise InvalidInput("fund.source", _("Unknown source of money."))
    name = (name or "").strip()[:100]
    if not anonymous and not name:
        raise InvalidInput("fund.name", _("Give the donor's name, or mark the donation anonymous."))
    p = Pledge.objects.create(campaign=c, source=source, amount=_amount(amount), name="" if anonymous else name,
                              anonymous=anonymous)
    _event(c.fund.node, "campaign.pledged", by, campaign=c.pk, pledge=p.pk, amount=p.amount)
    return p


@transaction.atomic
def pledge_offer(*, campaign: CrowdfundingCampaign, amount: int, name: str = "", shown: str = NameShown.FULL,
                 key: str | None = None, by) -> Pledge:
    """A resident pledges from their phone (``disclosure.pledge.offer``, anyone): recorded as
    pending (``pledged``, not counted in the progress) until a manager confirms that the
    money arrived (``pledge_receive``) or rejects it (``pledge_reject``). ``shown``: how the
    public list names them (full name, surname only, anonymous). ``key`` (the form's or API
    client's one-time token, scoped to the caller) makes a double submit one pledge.
    Locks the campaign row first (a replay waits for its original, then finds it)."""
    authz.require(by, "disclosure.pledge.offer", campaign.fund.node)
    amount = _amount(amount)
    if shown not in NameShown.values:
        raise InvalidInput("pledge.shown", _("Choose how your name is shown."))
    name = (name or "").strip()[:100]
    if shown != NameShown.ANONYMOUS and not name:
        raise InvalidInput("fund.name", _("Give your name, or choose to pledge anonymously."))
    c = _open(campaign)
    if c.deadline < timezone.localdate():
        raise DomainError("campaign.past_deadline", _("This campaign's deadline has passed."))
    key = (key or "").strip()[:200] or None
    if key:
        first = Pledge.objects.filter(client_key=key).first()
        if first is not None:
            if (first.campaign_id, first.amount, first.name) != (c.pk, amount, "" if shown == NameShown.ANONYMOUS else name):
                raise DomainError("pledge.key_reused",
                                  _("This form was already sent with other details; reload the page to pledge again."))
            return first
    p = Pledge.objects.create(
        campaign=c, source=IncomeSource.RESIDENTS, amount=amount, name="" if shown == NameShown.ANONYMOUS else name,
        anonymous=shown == NameShown.ANONYMOUS, masked=shown == NameShown.MASKED, online=True, client_key=key,
        pledged_by=by if getattr(by, "is_authenticated", False) else None)
    _event(c.fund.node, "campaign.pledge_offered", by, campaign=c.pk, pledge=p.pk, amount=p.amount)
    return p


@transaction.atomic
def pledge_receive(*, pledge: Pledge, by) -> Pledge:
    """The pledged money has arrived: it goes into the campaign's escrow (the public
    progress counts it from now on). Locks the campaign, then the pledge."""
    authz.require(by, "disclosure.fund.manage", pledge.campaign.fund.node)
    c = _open(pledge.campaign)
    p = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if p.state != PledgeState.PLEDGED:
        raise DomainError("pledge.state", _("This pledge has already been received or closed."))
    src = _source_account(f"campaign:{c.pk}", c.title, c.fund.node, p.source)
    p.receipt = ledger.ledger_post(legs=[(src, -p.amount), (escrow_account_open(c), p.amount)],
                                   idempotency_key=f"pledge:{p.pk}:receipt", memo=f"{p.public_name} 认捐到账", by=by)
    p.state = PledgeState.RECEIVED
    p.decided_by, p.decided_at = by, timezone.now()
    p.save(update_fields=["receipt", "state", "decided_by", "decided_at"])
    _event(c.fund.node, "campaign.received", by, campaign=c.pk, pledge=p.pk, amount=p.amount)
    return p


@transaction.atomic
def pledge_reject(*, pledge: Pledge, reason: str, by) -> Pledge:
    """The pledged money did not arrive (or the pledge is not genuine): the pledge is
    closed as ``rejected`` with the reason; nothing reaches the ledger. Locks as
    ``pledge_receive`` does."""
    authz.require(by, "disclosure.fund.manage", pledge.campaign.fund.node)
    reason = (reason or "").strip()[:300]
    if not reason:
        raise InvalidInput("pledge.reason", _("Say why the pledge is not received."))
    c = _open(pledge.campaign)
    p = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if p.state != PledgeState.PLEDGED:
        raise DomainError("pledge.state", _("This pledge has already been received or closed."))
    p.state, p.reject_reason = PledgeState.REJECTED, reason
    p.decided_by, p.decided_at = by, timezone.now()
    p.save(update_fields=["state", "reject_reason", "decided_by", "decided_at"])
    _event(c.fund.node, "campaign.pledge_rejected", by, campaign=c.pk, pledge=p.pk, amount=p.amount)
    return p


def campaign_received(campaign: CrowdfundingCampaign) -> int:
    return campaign.pledges.filter(state=PledgeState.RECEIVED).aggregate(t=Sum("amount"))["t"] or 0


def campaign_progress(campaign: CrowdfundingCampaign, pledges=None) -> dict:
    """What a campaign's page shows: money received, percent of the target (at most
    100) and the money that arrived per source (refunded receipts included)."""
    received = campaign_received(campaign)
    by_source: dict[str, int] = {}
    for p in campaign.pledges.all() if pledges is None else pledges:
        if p.state in (PledgeState.RECEIVED, PledgeState.REFUNDED):
            by_source[p.source] = by_source.get(p.source, 0) + p.amount
    pct = min(100, received * 100 // campaign.target) if campaign.target else 0
    return {"received": received, "pct": pct, "by_source": by_source}


@transaction.atomic
def campaign_close(*, campaign: CrowdfundingCampaign, by, today=None) -> CrowdfundingCampaign:
    """Target reached: the escrow is paid into the fund. Deadline passed without
    it: every receipt is reversed (refunded) and open pledges are cancelled."""
    authz.require(by, "disclosure.fund.manage", campaign.fund.node)
    c = _open(campaign)
    today = today or timezone.localdate()
    received = campaign_received(c)
    escrow = escrow_account_open(c)
    if received >= c.target:
        ledger.ledger_post(legs=[(escrow, -received), (fund_account_open(c.fund), received)],
                           idempotency_key=f"campaign:{c.pk}:success", memo=f"{c.title} 众筹成功,转入基金", by=by)
        c.state = CrowdfundingState.SUCCEEDED
        c.pledges.filter(state=PledgeState.PLEDGED).update(state=PledgeState.CANCELLED)
    elif today > c.deadline:
        for p in c.pledges.select_for_update().filter(state=PledgeState.RECEIVED):
            p.refund = ledger.ledger_reverse(transaction=p.receipt, idempotency_key=f"pledge:{p.pk}:refund",  # type: ignore[arg-type]
                                             memo=f"{c.title} 众筹未成,退款给 {p.public_name}", by=by)
            p.state = PledgeState.REFUNDED
            p.save(update_fields=["refund", "state"])
        c.pledges.filter(state=PledgeState.PLEDGED).update(state=PledgeState.CANCELLED)
        c.state = CrowdfundingState.FAILED
    else:
        raise DomainError("campaign.open", _("The target is not reached and the deadline has not passed yet."))
    c.closed_at = timezone.now()
    c.save(update_fields=["state", "closed_at"])
    _event(c.fund.node, "campaign.closed", by, campaign=c.pk, state=c.state, received=received)
    return c
