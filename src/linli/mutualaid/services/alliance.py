"""The merchant alliance (seed 001): the covenant 共治约定, the scoring standard
评分标准 (criteria with weights and the evidence asked for), the committee's
periodic scoring, and suspension below the community's threshold until a
later scoring lifts it."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import InvalidInput
from linli.mutualaid.models import Covenant, Criterion, EventKind, Merchant, MerchantStatus, Score, Scoring
from linli.mutualaid.services._common import AidRefused, community_of, event
from linli.mutualaid.services.till import rule_for
from linli.org.models import Node, Person


@transaction.atomic
def covenant_publish(*, community: Node, text: str, by: Person) -> Covenant:
    """A new version of the covenant; earlier versions stay readable."""
    authz.require(by, "mutualaid.alliance.score", community)
    community = community_of(community)
    text = (text or "").strip()
    if not text or len(text) > 20000:
        raise InvalidInput("mutualaid.covenant", _("Write the covenant (at most 20,000 characters)."))
    last = Covenant.objects.select_for_update().filter(node=community).aggregate(v=Max("version"))["v"] or 0
    covenant = Covenant.objects.create(node=community, version=last + 1, text=text, by=by)
    event(community, EventKind.COVENANT, by, version=covenant.version)
    return covenant


@transaction.atomic
def criterion_add(*, community: Node, name: str, weight: int, evidence: str = "", by: Person) -> Criterion:
    authz.require(by, "mutualaid.alliance.score", community)
    community = community_of(community)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput("mutualaid.criterion", _("A criterion needs a name."))
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
        raise InvalidInput("mutualaid.weight", _("A weight is a whole number from 1 to 100."))
    used = sum(c.weight for c in Criterion.objects.select_for_update().filter(node=community, active=True))
    if used + weight > 100:
        raise InvalidInput("mutualaid.weight_total",
                           _("The weights add up to at most 100; %(left)s are left.") % {"left": 100 - used})
    criterion = Criterion.objects.create(node=community, name=name, weight=weight, evidence=(evidence or "").strip()[:200])
    event(community, EventKind.CRITERION, by, criterion=criterion.pk, name=name, weight=weight)
    return criterion


@transaction.atomic
def merchant_score(*, merchant: Merchant, period: str, scores: dict[int, int], evidence: dict[int, str] | None = None,
                   note: str = "", by: Person) -> Scoring:
    """Score a merchant for a period against every active criterion (0–100 each).
    The total is the weighted mean; below the community's threshold the shop is
    suspended from redemption, at or above it (re)admitted."""
    authz.require(by, "mutualaid.alliance.score", merchant)
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    period = (period or "").strip()
    if not period or len(period) > 20:
        raise InvalidInput("mutualaid.period", _("Name the period, e.g. 2026-Q3."))
    if Scoring.objects.filter(merchant=merchant, period=period).exists():
        raise AidRefused("mutualaid.scored", _("This merchant is already scored for this period."))
    criteria = list(Criterion.objects.filter(node=merchant.node, active=True))
    if not criteria:
        raise AidRefused("mutualaid.no_standard", _("Write the scoring standard first."))
    if set(scores) != {c.pk for c in criteria}:
        raise InvalidInput("mutualaid.scores", _("Give a score for every criterion of the standard."))
    for v in scores.values():
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 100:
            raise InvalidInput("mutualaid.score", _("A score is a whole number from 0 to 100."))
    weights = sum(c.weight for c in criteria)
    # Whole points of the exact mean (integers, no float): below the threshold exactly when the mean is.
    total = sum(scores[c.pk] * c.weight for c in criteria) // weights
    scoring = Scoring.objects.create(merchant=merchant, period=period, total=total, note=(note or "").strip()[:300], by=by)
    for c in criteria:
        Score.objects.create(scoring=scoring, criterion=c, value=scores[c.pk],
                             evidence=((evidence or {}).get(c.pk) or "").strip()[:200])
    before = merchant.status
    merchant.status = (MerchantStatus.SUSPENDED if total < rule_for(merchant.node).suspend_below
                       else MerchantStatus.ACTIVE)
    if merchant.status != before:
        merchant.save(update_fields=["status"])
        event(merchant.node, EventKind.MERCHANT_STATUS, by, merchant=merchant.code, before=before, after=merchant.status)
    event(merchant.node, EventKind.SCORED, by, merchant=merchant.code, period=period, total=total)
    return scoring
