"""Residents pledge from their phone on the public campaign page: pending until a manager
confirms receipt (then the ledger posts it), rejected with a reason otherwise; the public
progress counts confirmed money only; a double submit is one pledge; names shown as chosen."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from linli.disclosure import funds
from linli.disclosure.models import DisclosureEvent, Pledge, PledgeState
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger.models import Account, Transaction
from linli.ledger.selectors import verify_all


@pytest.fixture
def campaign(dworld):
    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["C1"], code="C1-WJJ", name="C1 社区微基金", kind="micro", by=by)
    return funds.campaign_create(fund=f, title="楼道加装扶手", target=500_000,
                                 deadline=timezone.localdate() + dt.timedelta(days=30), by=by)


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def page_key(c: Client, campaign) -> str:
    body = c.get(f"/campaigns/{campaign.pk}/").content.decode()
    return re.search(r'name="key" value="([0-9a-f]{32})"', body).group(1)


def pledge(c: Client, campaign, key: str, **data):
    data = {"amount": "200", "name": "张三丰", "shown": "masked", "key": key, **data}
    return c.post(f"/campaigns/{campaign.pk}/pledge", {**data, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})


def escrow(campaign) -> int:
    a = Account.objects.filter(code=f"campaign:{campaign.pk}").first()
    return a.balance if a else 0


def test_a_resident_pledges_without_login_and_it_is_pending_not_counted(campaign):
    c = browser()
    key = page_key(c, campaign)
    body = c.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "我要认捐" in body and "只显示姓氏（张*）" in body
    r = pledge(c, campaign, key)
    p = Pledge.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/campaigns/{campaign.pk}/?pledged={p.pk}#mine"
    assert (p.state, p.amount, p.name, p.masked, p.online, p.source) == ("pledged", 20_000, "张三丰", True, True,
                                                                        "residents")
    thanks = c.get(r["Location"]).content.decode()
    assert f"您的认捐 #{p.pk}（¥200.00）已登记" in thanks and f"注明“认捐 #{p.pk}”" in thanks
    # The public page: name masked, nothing counted yet.
    public = Client().get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "张**" in public and "张三丰" not in public
    assert "¥0.00" in public and "暂不计入进度" in public
    assert f"您的认捐 #{p.pk}" not in public  # the thank-you is for the pledging browser only
    assert funds.campaign_progress(campaign)["received"] == 0 and escrow(campaign) == 0
    assert DisclosureEvent.objects.filter(kind="campaign.pledge_offered").count() == 1


def test_sending_the_same_form_twice_is_one_pledge(campaign):
    c = browser()
    key = page_key(c, campaign)
    first, second = pledge(c, campaign, key), pledge(c, campaign, key)
    assert Pledge.objects.count() == 1 and first["Location"] == second["Location"]
    # The same key with other details is refused; a fresh form is a new pledge.
    r = pledge(c, campaign, key, amount="300")
    assert r.status_code == 409 and "这张表已用其他内容提交过" in r.content.decode()
    pledge(c, campaign, page_key(c, campaign))
    assert Pledge.objects.count() == 2
    # Another browser's key is just another key (the key is scoped to the caller).
    other = browser()
    page_key(other, campaign)
    pledge(other, campaign, key)
    assert Pledge.objects.count() == 3


def test_bad_pledges_are_refused_with_chinese_messages_and_nothing_written(campaign):
    c = browser()
    key = page_key(c, campaign)
    for data, message in (({"amount": "0"}, "金额"), ({"amount": "abc"}, ""), ({"amount": "100000001"}, "金额"),
                          ({"name": "", "shown": "full"}, "请填写姓名，或选择匿名认捐。"),
                          ({"shown": "nobody"}, "请选择公示时如何显示您的名字。")):
        r = pledge(c, campaign, key, **data)
        assert r.status_code == 422, data
        assert message in r.content.decode()
    assert not Pledge.objects.exists() and not DisclosureEvent.objects.filter(kind="campaign.pledge_offered").exists()


def test_confirmed_money_counts_and_the_ledger_posts_it(dworld, campaign):
    p = funds.pledge_offer(campaign=campaign, amount=30_000, name="李四", shown="full", by=None)
    q = funds.pledge_offer(campaign=campaign, amount=10_000, shown="anonymous", by=None)
    manager = dworld.person("community_c1")
    funds.pledge_receive(pledge=p, by=manager)
    p.refresh_from_db()
    assert p.state == PledgeState.RECEIVED and p.decided_by == manager and p.receipt is not None
    assert funds.campaign_progress(campaign)["received"] == 30_000 and escrow(campaign) == 30_000
    assert p.receipt is not None and Transaction.objects.filter(pk=p.receipt.pk).exists()
    public = Client().get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "¥300.00" in public and "李四" in public and "匿名" in public
    q.refresh_from_db()
    assert q.state == PledgeState.PLEDGED
    with pytest.raises(DomainError):  # confirmed once only
        funds.pledge_receive(pledge=p, by=manager)
    assert verify_all() == []


def test_a_rejected_pledge_needs_a_reason_counts_nothing_and_leaves_the_public_list(dworld, campaign):
    p = funds.pledge_offer(campaign=campaign, amount=50_000, name="王五", shown="full", by=None)
    manager = dworld.person("community_c1")
    with pytest.raises(InvalidInput):
        funds.pledge_reject(pledge=p, reason="  ", by=manager)
    p.refresh_from_db()
    assert p.state == PledgeState.PLEDGED
    funds.pledge_reject(pledge=p, reason="一个月未到账", by=manager)
    p.refresh_from_db()
    assert (p.state, p.reject_reason, p.decided_by, p.receipt) == ("rejected", "一个月未到账", manager, None)
    assert escrow(campaign) == 0 and funds.campaign_progress(campaign)["received"] == 0
    assert "王五" not in Client().get(f"/campaigns/{campaign.pk}/").content.decode()
    with pytest.raises(DomainError):
        funds.pledge_receive(pledge=p, by=manager)
    assert DisclosureEvent.objects.filter(kind="campaign.pledge_rejected").count() == 1


@pytest.mark.parametrize("who, allowed", [
    ("anonymous", False), ("resident", False), ("community_c2", False), ("property_x", False),
    ("community_c1", True), ("street_s1", True),
])
def test_the_managers_page_and_its_actions_permission_matrix(dworld, campaign, client, who, allowed):
    p = funds.pledge_offer(campaign=campaign, amount=10_000, name="赵六", shown="full", by=None)
    person = dworld.person(who)
    if person is not None:
        client.force_login(person)
    r = client.get(f"/campaigns/{campaign.pk}/pledges/")
    if not allowed:
        assert r.status_code in (302, 403)
        r = client.post(f"/pledges/{p.pk}/confirm")
        assert r.status_code in (302, 403)
        client.post(f"/pledges/{p.pk}/reject", {"reason": "x"})
        p.refresh_from_db()
        assert p.state == PledgeState.PLEDGED and escrow(campaign) == 0
        if person is not None:
            with pytest.raises(NotAllowed):
                funds.pledge_receive(pledge=p, by=person)
        return
    assert r.status_code == 200
    body = r.content.decode()
    assert "赵六" in body and "等待到账" in body and f"#{p.pk}" in body
    r = client.post(f"/pledges/{p.pk}/confirm")
    assert r.status_code == 302 and r["Location"] == f"/campaigns/{campaign.pk}/pledges/"
    p.refresh_from_db()
    assert p.state == PledgeState.RECEIVED and escrow(campaign) == 10_000


def test_pledging_to_a_closed_or_past_campaign_is_refused(dworld, campaign):
    campaign.deadline = timezone.localdate() - dt.timedelta(days=1)
    campaign.save(update_fields=["deadline"])
    with pytest.raises(DomainError) as exc:
        funds.pledge_offer(campaign=campaign, amount=100, name="x", shown="full", by=None)
    assert exc.value.code == "campaign.past_deadline"
    assert "我要认捐" not in Client().get(f"/campaigns/{campaign.pk}/").content.decode()
    assert not Pledge.objects.exists()


# --- API ---------------------------------------------------------------------------------

def test_api_pledge_with_csrf_idempotent_then_confirm_and_reject(dworld, campaign, api_client):
    url = f"/api/v1/disclosure/campaigns/{campaign.pk}/pledges/mine"
    body = {"amount": 12_300, "name": "钱七", "shown": "masked", "client_token": "tok-1"}
    assert api_client.post(url, body, content_type="application/json").status_code == 401
    api_client.force_login(dworld.person("resident"))
    assert api_client.post(url, body, content_type="application/json").status_code == 403  # no CSRF token
    assert not Pledge.objects.exists()
    api_client.get(f"/campaigns/{campaign.pk}/")
    csrf = {"HTTP_X_CSRFTOKEN": api_client.cookies["csrftoken"].value}
    r = api_client.post(url, body, content_type="application/json", **csrf)
    assert r.status_code == 201
    out = r.json()
    assert (out["state"], out["amount"], out["name"], out["online"]) == ("pledged", 12_300, "钱*", True)
    again = api_client.post(url, body, content_type="application/json", **csrf)
    assert again.status_code == 201 and again.json()["id"] == out["id"] and Pledge.objects.count() == 1
    assert Pledge.objects.get().pledged_by == dworld.person("resident")
    # A resident cannot confirm their own pledge.
    r = api_client.post(f"/api/v1/disclosure/pledges/{out['id']}/receive", **csrf)
    assert r.status_code == 403 and escrow(campaign) == 0
    detail = api_client.get(f"/api/v1/disclosure/campaigns/{campaign.pk}").json()
    assert detail["received"] == 0
    # The manager rejects (reason needed) through the API.
    api_client.force_login(dworld.person("community_c1"))
    api_client.get(f"/campaigns/{campaign.pk}/")
    csrf = {"HTTP_X_CSRFTOKEN": api_client.cookies["csrftoken"].value}
    r = api_client.post(f"/api/v1/disclosure/pledges/{out['id']}/reject", {"reason": ""}, content_type="application/json", **csrf)
    assert r.status_code == 422
    r = api_client.post(f"/api/v1/disclosure/pledges/{out['id']}/reject", {"reason": "未到账"}, content_type="application/json",
                        **csrf)
    assert r.status_code == 200 and r.json()["state"] == "rejected"


def test_the_fund_page_leads_residents_to_pledge_on_an_open_campaign(campaign):
    body = Client().get(f"/funds/{campaign.fund.code}/").content.decode()
    assert f'href="/campaigns/{campaign.pk}/#pledge"' in body and "我要认捐" in body
