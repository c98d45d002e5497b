"""Attacks on mutual aid (tester pass): each test names the defect it guards against."""
from __future__ import annotations

from linli.mutualaid import services as aid
from linli.mutualaid.models import MerchantStatus


def test_a_weighted_mean_just_below_the_threshold_suspends_the_shop(aidworld):
    """The total was round(float): a mean of 59.5 became 60 (half to even) and the shop, below the
    threshold of 60, stayed admitted, while 58.5 became 58. Now the whole points of the exact mean."""
    staff, c1 = aidworld.person("community_c1"), aidworld.world["C1"]
    a = aid.criterion_add(community=c1, name="诚信经营", weight=50, by=staff)
    b = aid.criterion_add(community=c1, name="门前整洁", weight=50, by=staff)
    scoring = aid.merchant_score(merchant=aidworld.shop, period="2026-Q3", scores={a.pk: 59, b.pk: 60}, by=staff)
    aidworld.shop.refresh_from_db()
    assert (scoring.total, aidworld.shop.status) == (59, MerchantStatus.SUSPENDED)
    again = aid.merchant_score(merchant=aidworld.shop, period="2026-Q4", scores={a.pk: 60, b.pk: 61}, by=staff)
    aidworld.shop.refresh_from_db()
    assert (again.total, aidworld.shop.status) == (60, MerchantStatus.ACTIVE)
