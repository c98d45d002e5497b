"""Merchants, the redemption rule, the till code, redemption and settlement.

Redemption at the till: the resident shows a code (QR + 6 digits, two
minutes); the merchant enters the bill and sees the discount
(``redemption_quote``, writes nothing); on confirmation
(``redemption_confirm``) points move resident → merchant. The code row is
locked first, so the same code presented by many requests at once redeems
once; the ``Redemption.code`` one-to-one backs it in the database.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import InvalidInput, NotAllowed, NotFound
from linli.ledger import services as ledger
from linli.ledger.models import Leg
from linli.mutualaid.models import (
    EventKind,
    Merchant,
    MerchantStaff,
    MerchantStatus,
    PointsRule,
    Redemption,
    Settlement,
    TillCode,
    TillCodeState,
)
from linli.mutualaid.services._common import (
    AidRefused,
    community_of,
    daily_redeem_limit,
    day_start,
    event,
    lock_accounts,
    positive_int,
)
from linli.mutualaid.services.accounts import (
    merchant_account,
    merchant_money_account,
    money_source_account,
    person_account_if_any,
    pool_account,
)
from linli.numbers import ascii_digits
from linli.org.models import Node, Person

CODE_LIFETIME = dt.timedelta(minutes=2)
MAX_BILL_FEN = 10**8  # one million yuan


# --- the rule --------------------------------------------------------------------------

def rule_for(community: Node) -> PointsRule:
    """The community's rule, or the default (3 points per full ¥30, never expire) unsaved."""
    rule = PointsRule.objects.filter(node=community).first()
    return rule or PointsRule(node=community)


@transaction.atomic
def rule_set(*, community: Node, step_fen: int = 3000, points_per_step: int = 3, fen_per_point: int = 100,
             expiry_days: int | None = None, suspend_below: int = 60, by: Person) -> PointsRule:
    authz.require(by, "mutualaid.merchant.manage", community)
    community = community_of(community)
    for v in (step_fen, points_per_step, fen_per_point):
        positive_int(v, "mutualaid.rule", _("The rule's numbers are whole numbers greater than zero."))
    if points_per_step * fen_per_point > step_fen:
        raise InvalidInput("mutualaid.rule", _("The discount cannot be larger than the bill step it is given for."))
    if expiry_days is not None:
        positive_int(expiry_days, "mutualaid.expiry", _("Points expire after 1 day or more, or never."), maximum=36500)
    if not isinstance(suspend_below, int) or not 0 <= suspend_below <= 100:
        raise InvalidInput("mutualaid.threshold", _("The threshold is a score from 0 to 100."))
    values = {"step_fen": step_fen, "points_per_step": points_per_step, "fen_per_point": fen_per_point,
              "expiry_days": expiry_days, "suspend_below": suspend_below}
    rule, _created = PointsRule.objects.update_or_create(node=community, defaults=values)
    event(community, EventKind.RULE_SET, by, **values)
    return rule


def discount_points(rule: PointsRule, bill_fen: int) -> int:
    """3 points off per full ¥30 (by default): ¥65 → 6 points."""
    return (bill_fen // rule.step_fen) * rule.points_per_step


# --- merchants -----------------------------------------------------------------------------

@transaction.atomic
def merchant_create(*, community: Node, code: str, name: str, address: str = "", by: Person) -> Merchant:
    authz.require(by, "mutualaid.merchant.manage", community)
    community = community_of(community)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 30 or not code.replace("-", "").isalnum() or not code.isascii():
        raise InvalidInput("mutualaid.merchant_code", _("The code uses letters, digits and '-', at most 30."))
    if Merchant.objects.filter(code=code).exists():
        raise InvalidInput("mutualaid.merchant_code_taken", _("This code is already used by another merchant."))
    if not name or len(name) > 120:
        raise InvalidInput("mutualaid.merchant_name", _("A merchant needs a name."))
    merchant = Merchant.objects.create(node=community, code=code, name=name, address=(address or "").strip()[:200])
    merchant_account(merchant)
    event(community, EventKind.MERCHANT_ADMITTED, by, merchant=merchant.code)
    return merchant


@transaction.atomic
def merchant_staff_add(*, merchant: Merchant, person: Person, by: Person) -> MerchantStaff:
    authz.require(by, "mutualaid.merchant.manage", merchant)
    staff, created = MerchantStaff.objects.get_or_create(merchant=merchant, person=person)
    if created:
        event(merchant.node, EventKind.MERCHANT_STAFF, by, merchant=merchant.code, person=person.pk)
    return staff


def staff_row(merchant: Merchant, person) -> MerchantStaff:
    """The row the till actions are asked about (an unsaved one if the person is not staff)."""
    row = MerchantStaff.objects.filter(  # type: ignore[misc]  # an anonymous person's pk is None: no row
        merchant=merchant, person_id=getattr(person, "pk", None)).first()
    return row or MerchantStaff(merchant=merchant)


def may_till(person, merchant: Merchant) -> bool:
    return authz.can(person, "mutualaid.merchant.till", staff_row(merchant, person))


def require_till(person, merchant: Merchant) -> None:
    authz.require(person, "mutualaid.merchant.till", staff_row(merchant, person))


# --- the till code -----------------------------------------------------------------------

@transaction.atomic
def tillcode_issue(*, person: Person, by: Person, now: dt.datetime | None = None) -> TillCode:
    """A new code for the resident's phone; their earlier live codes stop working."""
    authz.require(by, "mutualaid.points.view_own", person)
    now = now or timezone.now()
    TillCode.objects.filter(person=person, state=TillCodeState.LIVE).update(state=TillCodeState.REPLACED)
    for _attempt in range(20):
        digits = f"{secrets.randbelow(10**6):06d}"
        clash = TillCode.objects.select_for_update().filter(digits=digits, state=TillCodeState.LIVE).first()
        if clash is not None and clash.expires_at > now:
            continue
        if clash is not None:  # an expired code gives its digits up
            clash.state = TillCodeState.REPLACED
            clash.save(update_fields=["state"])
        return TillCode.objects.create(person=person, digits=digits, created_at=now, expires_at=now + CODE_LIFETIME)
    raise AidRefused("mutualaid.busy", _("Too many codes are in use; try again in a moment."))


def _code_lookup(code: str, *, lock: bool) -> TillCode:
    """By its 6 digits (typed) or its QR token (scanned)."""
    code = (code or "").strip().replace(" ", "")
    code = ascii_digits(code) or code  # "４１４０５９" typed with a Chinese keyboard
    qs = TillCode.objects.select_related("person")
    if lock:
        qs = qs.select_for_update()
    if len(code) == 6 and code.isascii() and code.isdigit():
        found = qs.filter(digits=code).order_by("-created_at").first()
    elif 10 <= len(code) <= 40:
        found = qs.filter(token=code).first()
    else:
        raise InvalidInput("mutualaid.code_format", _("Type the 6 digits shown on the resident's phone."))
    if found is None:
        raise NotFound("mutualaid.code", _("This code is not known; ask the resident to show a fresh one."))
    return found


def _check_code(code: TillCode, now) -> None:
    if code.state == TillCodeState.USED:
        raise AidRefused("mutualaid.code_used", _("This code has already been used; ask the resident for a new one."))
    if code.state == TillCodeState.REPLACED or code.expires_at <= now:
        raise AidRefused("mutualaid.code_expired",
                         _("This code has expired (codes are valid for 2 minutes); ask the resident for a new one."))


@dataclass(frozen=True)
class Quote:
    bill_fen: int
    points: int
    discount_fen: int
    to_pay_fen: int
    balance: int
    person: Person


def _quote(*, merchant: Merchant, code: TillCode, bill_fen, balance: int, now) -> Quote:
    if merchant.status != MerchantStatus.ACTIVE:
        raise AidRefused("mutualaid.merchant_suspended",
                         _("This shop is suspended from taking points until the alliance rescores it."))
    _check_code(code, now)
    if not isinstance(bill_fen, int) or isinstance(bill_fen, bool) or not 0 < bill_fen <= MAX_BILL_FEN:
        raise InvalidInput("mutualaid.bill", _("Enter the bill in yuan, e.g. 65.00."))
    rule = rule_for(merchant.node)
    points = discount_points(rule, bill_fen)
    if points == 0:
        raise AidRefused("mutualaid.bill_below_step",
                         _("Points are taken off from a bill of ¥%(step)s; this bill is below it.")
                         % {"step": f"{rule.step_fen / 100:g}"})
    if points > balance:
        raise AidRefused("mutualaid.balance",
                         _("Not enough points: this bill takes %(points)s, the resident has %(balance)s.")
                         % {"points": points, "balance": balance})
    discount = points * rule.fen_per_point
    return Quote(bill_fen=bill_fen, points=points, discount_fen=discount, to_pay_fen=bill_fen - discount,
                 balance=balance, person=code.person)


def redemption_quote(*, merchant: Merchant, code: str, bill_fen: int, by: Person,
                     now: dt.datetime | None = None) -> Quote:
    """What the till shows before confirmation. Writes nothing."""
    require_till(by, merchant)
    now = now or timezone.now()
    till_code = _code_lookup(code, lock=False)
    account = person_account_if_any(merchant.node, till_code.person)
    return _quote(merchant=merchant, code=till_code, bill_fen=bill_fen, balance=account.balance if account else 0,
                  now=now)


@transaction.atomic
def redemption_confirm(*, merchant: Merchant, code: str, bill_fen: int, by: Person,
                       now: dt.datetime | None = None) -> Redemption:
    """Take the points off the bill: resident → merchant, once per code.

    Locks the code row, then the two accounts in id order. Refusals (used or
    expired code, bill below the step, balance, daily limit, suspended shop)
    write nothing."""
    require_till(by, merchant)
    now = now or timezone.now()
    till_code = _code_lookup(code, lock=True)
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    _check_code(till_code, now)
    community, person = merchant.node, till_code.person
    if person.pk == by.pk:
        raise AidRefused("mutualaid.own_code", _("Staff cannot take their own points at their own till."))
    mine = person_account_if_any(community, person)
    if mine is None:  # refused in the usual order (suspended shop, bill below the step, balance)
        _quote(merchant=merchant, code=till_code, bill_fen=bill_fen, balance=0, now=now)
        raise AidRefused("mutualaid.balance", _("Not enough points: the resident has none in this community."))
    shop = merchant_account(merchant)
    accounts = lock_accounts(mine, shop)
    quote = _quote(merchant=merchant, code=till_code, bill_fen=bill_fen, balance=accounts[mine.pk].balance, now=now)
    spent_today = (Redemption.objects.filter(person=person, at__gte=day_start(now)).aggregate(s=Sum("points"))["s"]
                   or 0)
    if spent_today + quote.points > daily_redeem_limit():
        raise AidRefused("mutualaid.redeem_limit",
                         _("The daily limit of %(limit)s points redeemed is reached (%(spent)s used today).")
                         % {"limit": daily_redeem_limit(), "spent": spent_today})
    till_code.state = TillCodeState.USED
    till_code.save(update_fields=["state"])
    tx = ledger.ledger_post(legs=[(mine, -quote.points), (shop, quote.points)],
                            idempotency_key=f"ma:redeem:{till_code.pk}",
                            memo=f"{merchant.name} 消费 ¥{bill_fen / 100:.2f} 抵扣 {quote.points} 信义贝", by=by)
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(merchant=merchant, person=person, code=till_code, bill_fen=bill_fen,
                                                   points=quote.points, transaction=tx, by=by, at=now)
    except IntegrityError as exc:
        raise AidRefused("mutualaid.code_used",
                         _("This code has already been used; ask the resident for a new one.")) from exc
    event(community, EventKind.REDEEMED, by, redemption=redemption.pk, merchant=merchant.code, points=quote.points,
          bill_fen=bill_fen)
    return redemption


# --- settlement and expiry -----------------------------------------------------------------

@transaction.atomic
def merchant_settle(*, merchant: Merchant, points: int | None = None, money_fen: int = 0, by: Person,
                    key: str = "") -> Settlement:
    """Points taken go back to the community pool (all by default); the
    community may pay for them in money at the same time (on the ledger).
    The shop's staff may ask for points back; only community staff record money."""
    is_community = authz.can(by, "mutualaid.merchant.manage", merchant)
    if not (is_community or may_till(by, merchant)):
        raise NotAllowed("forbidden", _("You may not do this here."))
    if money_fen and not is_community:
        raise NotAllowed("forbidden", _("Only the community records a money settlement."))
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    community = merchant.node
    shop, pool = merchant_account(merchant), pool_account(community)
    accounts = lock_accounts(shop, pool)
    held = accounts[shop.pk].balance
    points = held if points is None else points
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise AidRefused("mutualaid.nothing_to_settle", _("There are no points to settle."))
    if points > held:
        raise AidRefused("mutualaid.settle_too_much",
                         _("The shop holds %(held)s points; it cannot settle more.") % {"held": held})
    if not isinstance(money_fen, int) or isinstance(money_fen, bool) or not 0 <= money_fen <= 10**10:
        raise InvalidInput("mutualaid.money", _("The money paid is a whole number of fen, zero or more."))
    n = Settlement.objects.filter(merchant=merchant).count() + 1
    key = key or f"{merchant.code}:{n}"
    tx = ledger.ledger_post(legs=[(shop, -points), (pool, points)], idempotency_key=f"ma:settle:{key}",
                            memo=f"{merchant.name} 结算 {points} 信义贝", by=by)
    money_tx = None
    if money_fen:
        money_tx = ledger.ledger_post(
            legs=[(money_source_account(community), money_fen), (merchant_money_account(merchant), -money_fen)],
            idempotency_key=f"ma:settle-money:{key}", memo=f"{merchant.name} 信义贝结算款", by=by)
    settlement = Settlement.objects.create(merchant=merchant, points=points, money_fen=money_fen, transaction=tx,
                                           money_transaction=money_tx, by=by)
    event(community, EventKind.SETTLED, by, settlement=settlement.pk, merchant=merchant.code, points=points,
          money_fen=money_fen)
    return settlement


@transaction.atomic
def points_expire(*, community: Node, now: dt.datetime | None = None, by=None) -> int:
    """If the community's rule says points expire after N days, points older
    than that (spending takes the oldest first) go back to the pool. Returns
    the points expired; with the default rule (never) nothing happens."""
    rule = rule_for(community)
    if rule.expiry_days is None:
        return 0
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=rule.expiry_days)
    pool = pool_account(community)
    total = 0
    prefix = f"pts:{community.code}:p:"
    from linli.ledger.models import Account

    for account in Account.objects.filter(code__startswith=prefix, balance__gt=0).order_by("id"):
        accounts = lock_accounts(account, pool)
        balance = accounts[account.pk].balance
        recent = (Leg.objects.filter(account=account, amount__gt=0, transaction__posted_at__gt=cutoff)
                  .aggregate(s=Sum("amount"))["s"] or 0)
        stale = balance - recent
        if stale <= 0:
            continue
        ledger.ledger_post(legs=[(account, -stale), (pool, stale)],
                           idempotency_key=f"ma:expire:{account.pk}:{accounts[account.pk].seq}",
                           memo=f"信义贝过期（{rule.expiry_days} 天）", by=by)
        total += stale
        event(community, EventKind.EXPIRED, by, account=account.code, points=stale)
    return total

