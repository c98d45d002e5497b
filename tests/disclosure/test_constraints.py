"""The database itself refuses money rows the services never write (CheckConstraints):
a row written behind the services' back with a wrong sign or an amount out of bounds
fails, on SQLite and PostgreSQL alike, and nothing changes."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.disclosure import funds, services
from linli.disclosure.accounting import MAX_AMOUNT
from linli.disclosure.models import (
    Budget,
    CrowdfundingCampaign,
    Donation,
    FeeFigures,
    Fund,
    MoneyEntry,
    Pledge,
    SpendingRequest,
)
from linli.org import services as org

D = dt.date(2025, 2, 10)


@pytest.fixture
def rows(dworld):
    by, staff = dworld.person("community_c1"), dworld.person("property_x")
    entry = services.money_entry_create(compound=dworld["X"], kind="parking", date=D, amount=5000, by=staff)
    fix = services.money_entry_correct(entry=services.money_entry_create(
        compound=dworld["X"], kind="parking", date=D, amount=700, by=staff), reason="重复", by=staff)
    fees = services.fee_figures_set(compound=dworld["X"], year=2025, quarter=1, due=10, received=5, prepaid=0, owed=5,
                                    by=staff)
    budget = services.budget_set(compound=dworld["X"], year=2025, kind="cleaning", amount=100,
                                 by=dworld.person("committee_x"))
    fund = funds.fund_create(node=dworld["X"], code="X-MF", name="微基金", kind="micro", by=by)
    for name, level in (("rc", 1), ("bank", 2)):
        supervisor = org.person_create(username=name, real_name=name, password="pw", by=None)
        funds.supervisor_add(fund=fund, person=supervisor, party="owners_committee", level=level, by=by)
    donation = funds.fund_donate(fund=fund, amount=10_000, name="某人", by=by)
    spend = funds.spend_request(fund=fund, amount=100, payee="某公司", purpose="维修", by=dworld.person("committee_x"))
    campaign = funds.campaign_create(fund=fund, title="众筹", target=1000,
                                     deadline=timezone.localdate() + dt.timedelta(days=30), by=by)
    pledge = funds.pledge_add(campaign=campaign, source="residents", amount=100, name="某人", by=by)
    return {"entry": entry, "fix": fix, "fees": fees, "budget": budget, "fund": fund, "donation": donation,
            "spend": spend, "campaign": campaign, "pledge": pledge}


@pytest.mark.parametrize("model, row, change", [
    (MoneyEntry, "entry", {"amount": 0}),
    (MoneyEntry, "entry", {"amount": -5000}),  # only a reversal is negative
    (MoneyEntry, "entry", {"amount": MAX_AMOUNT + 1}),
    (MoneyEntry, "fix", {"amount": 700}),  # a reversal is negative
    (FeeFigures, "fees", {"owed": -1}),
    (FeeFigures, "fees", {"due": 10**13}),
    (FeeFigures, "fees", {"quarter": 5}),
    (Budget, "budget", {"amount": -1}),
    (Budget, "budget", {"year": 1999}),
    (Fund, "fund", {"approval_days": 0}),
    (Donation, "donation", {"amount": 0}),
    (SpendingRequest, "spend", {"amount": -100}),
    (CrowdfundingCampaign, "campaign", {"target": 0}),
    (Pledge, "pledge", {"amount": MAX_AMOUNT + 1}),
])
def test_the_database_refuses_a_bad_money_row(rows, model, row, change):
    pk = rows[row].pk
    before = model.objects.filter(pk=pk).values(*change).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**change)
    assert model.objects.filter(pk=pk).values(*change).get() == before


def test_rows_at_the_bounds_are_accepted(rows):
    MoneyEntry.objects.filter(pk=rows["entry"].pk).update(amount=MAX_AMOUNT)
    FeeFigures.objects.filter(pk=rows["fees"].pk).update(due=MAX_AMOUNT, owed=0)
    Budget.objects.filter(pk=rows["budget"].pk).update(amount=0, year=2100)
    assert MoneyEntry.objects.get(pk=rows["entry"].pk).amount == MAX_AMOUNT


def test_events_stay_append_only_after_the_table_was_renamed(rows, on_postgres):
    from django.db import DatabaseError

    from linli.disclosure.models import DisclosureEvent

    event = DisclosureEvent.objects.filter(kind="money.entered").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureEvent.objects.filter(pk=event.pk).update(kind="forged")
    if on_postgres:  # SQLite does not refuse DELETE (docs/ledger.md)
        with pytest.raises(DatabaseError), transaction.atomic():
            DisclosureEvent.objects.filter(pk=event.pk).delete()
    assert DisclosureEvent.objects.get(pk=event.pk).kind == "money.entered"
