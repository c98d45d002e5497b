"""Every money amount and date of the disclosure app stays within what the domain
allows (1 fen to 100 million yuan; money dated 2000 to today; campaigns of at most
two years), with a clear Chinese message, on pages, API and import; nothing is written."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from linli.disclosure import funds, services
from linli.disclosure.accounting import MAX_AMOUNT
from linli.disclosure.models import (
    Budget,
    CrowdfundingCampaign,
    Donation,
    FeeFigures,
    MoneyEntry,
    Pledge,
    SpendingRequest,
)
from linli.errors import InvalidInput
from linli.ledger.models import Account, Transaction
from linli.org import services as org

API = "/api/v1/disclosure"
D = dt.date(2025, 2, 10)
TOO_MUCH = MAX_AMOUNT + 1  # 100,000,000.01 yuan
AMOUNT_MSG = "金额须大于 0，且不超过 1 亿元。"


def api(client, who, path, body):
    _t, raw = org.api_token_create(person=who, by=None)
    return client.post(API + path, data=json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {raw}")


def written():
    return (MoneyEntry.objects.count(), FeeFigures.objects.count(), Budget.objects.count(), Donation.objects.count(),
            CrowdfundingCampaign.objects.count(), Pledge.objects.count(), SpendingRequest.objects.count(),
            Transaction.objects.count())


@pytest.fixture
def fund(dworld):
    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["X"], code="X-MF", name="微基金", kind="micro", by=by)
    for name, level in (("rc", 1), ("bank", 2)):
        p = org.person_create(username=name, real_name=name, password="pw", by=None)
        funds.supervisor_add(fund=f, person=p, party="owners_committee", level=level, by=by)
    funds.fund_donate(fund=f, amount=MAX_AMOUNT, name="大额捐赠", by=by)
    return f


def test_the_largest_amount_is_accepted_and_one_fen_more_is_not(dworld):
    by = dworld.person("property_x")
    assert services.parse_amount("100,000,000.00") == MAX_AMOUNT
    with pytest.raises(InvalidInput) as err:
        services.parse_amount("100000000.01")
    assert str(err.value.message) == AMOUNT_MSG
    services.money_entry_create(compound=dworld["X"], kind="parking", date=D, amount=MAX_AMOUNT, by=by)
    with pytest.raises(InvalidInput) as err:
        services.money_entry_create(compound=dworld["X"], kind="parking", date=D, amount=TOO_MUCH, by=by)
    assert str(err.value.message) == AMOUNT_MSG and MoneyEntry.objects.count() == 1


@pytest.mark.parametrize("path, body, message", [
    ("/compounds/X/money/entries", {"kind": "parking", "date": "2025-02-10", "amount": TOO_MUCH}, AMOUNT_MSG),
    ("/compounds/X/money/entries", {"kind": "parking", "date": "1999-12-31", "amount": 100}, "日期不能早于 2000 年。"),
    ("/compounds/X/money/fees", {"year": 2025, "quarter": 1, "due": 10**13, "received": 1},
     "金额须在 0 至 1 亿元之间。"),
    ("/compounds/X/money/budget", {"year": 2025, "kind": "cleaning", "amount": TOO_MUCH}, "金额须在 0 至 1 亿元之间。"),
])
def test_compound_money_api_refuses_out_of_bounds_in_chinese(dworld, client, path, body, message):
    who = dworld.person("committee_x" if "budget" in path else "property_x")
    before = written()
    r = api(client, who, path, body)
    assert r.status_code == 422, r.content
    assert r.json()["message"] == message
    assert written() == before


@pytest.mark.parametrize("path, body, message", [
    ("/funds/X-MF/donations", {"amount": TOO_MUCH, "name": "某人"}, AMOUNT_MSG),
    ("/funds/X-MF/requests", {"amount": TOO_MUCH, "payee": "某公司", "purpose": "维修"}, AMOUNT_MSG),
    ("/funds/X-MF/campaigns", {"title": "众筹", "target": TOO_MUCH, "deadline": "2099-01-01"}, AMOUNT_MSG),
    ("/funds/X-MF/campaigns", {"title": "众筹", "target": 1000, "deadline": "2099-01-01"}, "众筹期限最长为两年。"),
])
def test_fund_api_refuses_out_of_bounds_in_chinese(dworld, fund, client, path, body, message):
    who = dworld.person("community_c1" if "requests" not in path else "committee_x")
    before = written()
    r = api(client, who, path, body)
    assert r.status_code == 422, r.content
    assert r.json()["message"] == message
    assert written() == before


def test_pledge_beyond_the_bound_is_refused(dworld, fund, client):
    c = funds.campaign_create(fund=fund, title="众筹", target=1000, deadline=timezone.localdate() + dt.timedelta(days=30),
                              by=dworld.person("community_c1"))
    r = api(client, dworld.person("community_c1"), f"/campaigns/{c.pk}/pledges",
            {"source": "residents", "amount": TOO_MUCH, "name": "某人"})
    assert r.status_code == 422 and r.json()["message"] == AMOUNT_MSG
    assert not Pledge.objects.exists()


def test_pages_refuse_fee_figures_and_budgets_beyond_the_bound(dworld, client):
    client.force_login(dworld.person("property_x"))
    r = client.post("/compounds/X/money/fees", {"year": 2025, "quarter": 1, "due": "100000000000", "received": "1",
                                                "prepaid": "0", "owed": "0"}, follow=True)
    assert AMOUNT_MSG in r.content.decode()
    client.force_login(dworld.person("committee_x"))
    r = client.post("/compounds/X/money/budget", {"year": 2025, "kind": "cleaning", "amount": "100000000.01"},
                    follow=True)
    assert AMOUNT_MSG in r.content.decode()
    assert not FeeFigures.objects.exists() and not Budget.objects.exists()


def test_pages_refuse_money_before_2000_and_campaigns_beyond_two_years(dworld, fund, client):
    client.force_login(dworld.person("property_x"))
    r = client.post("/compounds/X/money/entries", {"kind": "parking", "date": "1999-12-31", "amount": "10"},
                    follow=True)
    assert "日期不能早于 2000 年。" in r.content.decode() and not MoneyEntry.objects.exists()
    client.force_login(dworld.person("community_c1"))
    far = (timezone.localdate() + dt.timedelta(days=731)).isoformat()
    r = client.post("/funds/X-MF/campaigns", {"title": "众筹", "target": "10", "deadline": far}, follow=True)
    assert "众筹期限最长为两年。" in r.content.decode() and not CrowdfundingCampaign.objects.exists()


def test_import_reports_out_of_bounds_rows(dworld):
    csv = ("日期,类别,金额(元),摘要\n2025-01-05,停车收入,100000000.01,\n1999-12-31,停车收入,10,\n"
           "2025-01-06,停车收入,100000000,\n").encode()
    from linli.tabular import ImportRejected

    with pytest.raises(ImportRejected) as err:
        services.money_import(compound=dworld["X"], data=csv, filename="m.csv", by=dworld.person("property_x"))
    assert [(e["row"], e["column"], e["message"]) for e in err.value.details] == [
        (2, "amount", AMOUNT_MSG), (3, "date", "日期不能早于 2000 年。")]
    assert not MoneyEntry.objects.exists() and not Account.objects.filter(code="X:cash").exists()
