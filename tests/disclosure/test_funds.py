"""Co-managed fund with two-level approval, micro-fund donations, crowdfunding with refunds."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.disclosure import funds
from linli.disclosure.models import Approval, DisclosureEvent, PledgeState, SpendingRequest
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.ledger.models import Account, PendingTransfer
from linli.ledger.selectors import verify_all
from linli.org import services as org


def person(name):
    return org.person_create(username=name, real_name=name, password="pw", by=None)


@pytest.fixture
def fund(dworld):
    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["X"], code="X-GG", name="X 小区共管资金", kind="comanaged", approval_days=7, by=by)
    dworld.people.update(rc=person("rc"), dev=person("dev"), bank=person("bank"))
    funds.supervisor_add(fund=f, person=dworld.person("rc"), party="residents_committee", level=1, by=by)
    funds.supervisor_add(fund=f, person=dworld.person("dev"), party="developer", level=1, by=by)
    funds.supervisor_add(fund=f, person=dworld.person("bank"), party="bank", level=2, by=by)
    funds.fund_donate(fund=f, amount=10_000_000, name="开发商维修资金", source="employer", by=by)
    return f


def bal(code):
    return Account.objects.get(code=code)


def test_spending_needs_two_levels_then_posts(dworld, fund):
    req = funds.spend_request(fund=fund, amount=300_000, payee="电梯公司", purpose="更换光幕",
                              by=dworld.person("committee_x"))
    assert bal("fund:X-GG").available == 10_000_000 - 300_000  # reserved at once
    with pytest.raises(NotAllowed):  # the bank is level 2; level 1 first
        funds.spend_decide(request=req, approve=True, by=dworld.person("bank"))
    req = funds.spend_decide(request=req, approve=True, note="同意", by=dworld.person("rc"))
    assert req.state == "waiting2" and bal("fund:X-GG").balance == 10_000_000
    req = funds.spend_decide(request=req, approve=True, by=dworld.person("bank"))
    assert req.state == "posted"
    assert bal("fund:X-GG").balance == 9_700_000 and bal("fund:X-GG:spent").balance == 300_000
    with pytest.raises(DomainError):
        funds.spend_decide(request=req, approve=True, by=dworld.person("bank"))
    assert [a.party for a in Approval.objects.order_by("at")] == ["residents_committee", "bank"]
    assert verify_all() == []


def test_rejection_voids(dworld, fund):
    req = funds.spend_request(fund=fund, amount=500_000, payee="某公司", purpose="外墙", by=dworld.person("committee_x"))
    with pytest.raises(InvalidInput):
        funds.spend_decide(request=req, approve=False, note="", by=dworld.person("dev"))
    req = funds.spend_decide(request=req, approve=False, note="报价过高", by=dworld.person("dev"))
    assert req.state == "rejected" and PendingTransfer.objects.get(pk=req.pending_id).state == "voided"
    assert bal("fund:X-GG").available == 10_000_000


def test_timeout_voids(dworld, fund):
    req = funds.spend_request(fund=fund, amount=500_000, payee="某公司", purpose="外墙", by=dworld.person("committee_x"))
    assert funds.spend_expire(now=timezone.now() + dt.timedelta(days=8)) == 1
    req.refresh_from_db()
    assert req.state == "expired" and bal("fund:X-GG").reserved == 0


def test_overdraft_and_missing_parties_refused(dworld, fund):
    with pytest.raises(DomainError) as err:
        funds.spend_request(fund=fund, amount=10_000_001, payee="x", purpose="y", by=dworld.person("committee_x"))
    assert err.value.code == "ledger.overdraft"
    f2 = funds.fund_create(node=dworld["X"], code="X-G2", name="另一个", kind="comanaged", by=dworld.person("community_c1"))
    funds.supervisor_add(fund=f2, person=dworld.person("rc"), party="residents_committee", level=1,
                         by=dworld.person("community_c1"))
    funds.supervisor_add(fund=f2, person=dworld.person("bank"), party="bank", level=2, by=dworld.person("community_c1"))
    with pytest.raises(DomainError) as err:
        funds.spend_request(fund=f2, amount=1, payee="x", purpose="y", by=dworld.person("committee_x"))
    assert err.value.code == "fund.parties"
    assert SpendingRequest.objects.count() == 0


def test_same_person_cannot_approve_both_levels(dworld, fund):
    funds.supervisor_add(fund=fund, person=dworld.person("rc"), party="residents_committee", level=2,
                         by=dworld.person("community_c1"))
    req = funds.spend_request(fund=fund, amount=1000, payee="x", purpose="y", by=dworld.person("committee_x"))
    funds.spend_decide(request=req, approve=True, by=dworld.person("rc"))
    with pytest.raises(NotAllowed):
        funds.spend_decide(request=req, approve=True, by=dworld.person("rc"))


def test_donations_named_and_anonymous(dworld):
    by = dworld.person("community_c1")
    f = funds.fund_create(node=dworld["C1"], code="C1-WJJ", name="社区微基金", kind="micro", by=by)
    d1 = funds.fund_donate(fund=f, amount=12_000, name="跳蚤市场", by=by)
    d2 = funds.fund_donate(fund=f, amount=5_000, anonymous=True, name="张三", by=by)
    assert d1.public_name == "跳蚤市场" and d2.public_name == "匿名" and d2.name == ""
    with pytest.raises(InvalidInput):
        funds.fund_donate(fund=f, amount=1, name="", by=by)
    assert bal("fund:C1-WJJ").balance == 17_000


def test_crowdfunding_success_pays_the_fund(dworld, fund):
    by = dworld.person("community_c1")
    c = funds.campaign_create(fund=fund, title="加装电梯", target=600_000, deadline=timezone.localdate() + dt.timedelta(days=30),
                              by=by)
    p1 = funds.pledge_add(campaign=c, source="government", amount=300_000, name="街道补贴", by=by)
    p2 = funds.pledge_add(campaign=c, source="residents", amount=300_000, name="1栋住户", by=by)
    funds.pledge_add(campaign=c, source="donation", amount=1_000, anonymous=True, by=by)
    with pytest.raises(DomainError):
        funds.campaign_close(campaign=c, by=by)  # not reached, deadline ahead
    funds.pledge_receive(pledge=p1, by=by)
    funds.pledge_receive(pledge=p2, by=by)
    with pytest.raises(DomainError):
        funds.pledge_receive(pledge=p2, by=by)
    assert funds.campaign_received(c) == 600_000
    c = funds.campaign_close(campaign=c, by=by)
    assert c.state == "succeeded" and bal(f"campaign:{c.pk}").balance == 0
    assert bal("fund:X-GG").balance == 10_600_000
    assert c.pledges.filter(state=PledgeState.CANCELLED).count() == 1


def test_crowdfunding_failure_refunds_every_receipt(dworld, fund):
    by = dworld.person("community_c1")
    c = funds.campaign_create(fund=fund, title="儿童乐园", target=600_000, deadline=timezone.localdate() + dt.timedelta(days=1),
                              by=by)
    p = funds.pledge_add(campaign=c, source="residents", amount=200_000, name="王阿姨", by=by)
    funds.pledge_receive(pledge=p, by=by)
    c = funds.campaign_close(campaign=c, by=by, today=timezone.localdate() + dt.timedelta(days=2))
    p.refresh_from_db()
    assert c.state == "failed" and p.state == "refunded" and p.refund.reverses_id == p.receipt_id
    assert bal(f"campaign:{c.pk}").balance == 0 and bal(f"campaign:{c.pk}:in:residents").balance == 0
    with pytest.raises(DomainError):
        funds.pledge_add(campaign=c, source="residents", amount=1, name="x", by=by)
    assert verify_all() == []


def test_bad_fund_input(dworld):
    by = dworld.person("community_c1")
    with pytest.raises(InvalidInput):
        funds.fund_create(node=dworld["X-B1"], code="B", name="b", kind="micro", by=by)
    with pytest.raises(InvalidInput):
        funds.fund_create(node=dworld["X"], code="坏 代码", name="b", kind="micro", by=by)
    f = funds.fund_create(node=dworld["X"], code="X-M", name="m", kind="micro", by=by)
    with pytest.raises(InvalidInput):
        funds.campaign_create(fund=f, title="t", target=1, deadline=timezone.localdate(), by=by)
    with pytest.raises(InvalidInput):
        funds.fund_donate(fund=f, amount=-5, name="x", by=by)


MANAGE = {"community_c1", "street_s1", "committee_x", "admin"}
SPEND = {"community_c1", "committee_x", "property_x", "admin"}


@pytest.mark.parametrize("who", ["anonymous", "resident", "owner", "property_z", "committee_z", "community_c2",
                                 "property_x", "committee_x", "community_c1", "street_s1", "admin"])
def test_fund_permission_matrix(dworld, fund, who):
    p = dworld.person(who)
    create = lambda: funds.fund_create(node=dworld["X"], code=f"T-{who.replace('_', '-')}", name="t", kind="micro", by=p)  # noqa: E731
    donate = lambda: funds.fund_donate(fund=fund, amount=1, name="n", by=p)  # noqa: E731
    spend = lambda: funds.spend_request(fund=fund, amount=1, payee="x", purpose="y", by=p)  # noqa: E731
    for call, allowed in ((create, who in MANAGE), (donate, who in MANAGE), (spend, who in SPEND)):
        if allowed:
            call()
        else:
            with pytest.raises(NotAllowed):
                call()
    req = funds.spend_request(fund=fund, amount=1, payee="x", purpose="y", by=dworld.person("committee_x"))
    with pytest.raises(NotAllowed):  # approval is for the named supervisors only, even for admins
        funds.spend_decide(request=req, approve=True, by=p)


def test_fund_pages_over_http(dworld, fund, client):
    page = client.get("/funds/X-GG/").content.decode()
    assert "X 小区共管资金" in page and "100,000.00" in page and "开发商维修资金" in page
    client.force_login(dworld.person("committee_x"))
    r = client.post("/funds/X-GG/requests", {"amount": "3000", "payee": "电梯公司", "purpose": "光幕"})
    assert r.status_code == 302
    req = SpendingRequest.objects.get()
    client.force_login(dworld.person("rc"))
    assert f"spending/{req.pk}/decide" in client.get("/funds/X-GG/").content.decode()
    client.post(f"/spending/{req.pk}/decide", {"decision": "approve"})
    client.force_login(dworld.person("bank"))
    client.post(f"/spending/{req.pk}/decide", {"decision": "approve", "note": "已核对合同"})
    req.refresh_from_db()
    assert req.state == "posted"
    client.logout()
    page = client.get("/funds/X-GG/").content.decode()
    assert "已核对合同" in page and "银行" in page  # every step public
    r = client.post(f"/spending/{req.pk}/decide", {"decision": "approve"})
    assert r.status_code == 403


def test_fund_form_errors_are_chinese(dworld, fund, client):
    client.force_login(dworld.person("committee_x"))
    r = client.post("/funds/X-GG/requests", {"amount": "abc", "payee": "x", "purpose": "y"}, follow=True)
    assert "金额" in r.content.decode() and not SpendingRequest.objects.exists()
    client.force_login(dworld.person("community_c1"))
    r = client.post("/funds/", {"place": "NOPE", "code": "A", "name": "a", "kind": "micro"})
    assert r.status_code == 422 and "没有" in r.content.decode()


def test_campaign_page_progress(dworld, fund, client):
    by = dworld.person("community_c1")
    c = funds.campaign_create(fund=fund, title="加装电梯", target=600_000,
                              deadline=timezone.localdate() + dt.timedelta(days=30), by=by)
    p = funds.pledge_add(campaign=c, source="government", amount=150_000, name="街道补贴", by=by)
    funds.pledge_receive(pledge=p, by=by)
    page = client.get(f"/campaigns/{c.pk}/").content.decode()
    assert '<rect width="25"' in page and "街道补贴" in page and "政府补贴" in page
    client.force_login(by)
    client.post(f"/campaigns/{c.pk}/pledges", {"source": "residents", "amount": "100", "anonymous": "1", "name": ""})
    assert c.pledges.count() == 2


def test_expire_command_voids_late_requests(dworld, fund):
    import io

    from django.core.management import call_command

    req = funds.spend_request(fund=fund, amount=1000, payee="x", purpose="y", by=dworld.person("committee_x"))
    SpendingRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    out = io.StringIO()
    call_command("ledger", "expire", stdout=out)
    assert "1 spending request" in out.getvalue()
    req.refresh_from_db()
    assert req.state == "expired" and PendingTransfer.objects.get(pk=req.pending_id).state == "voided"


def test_fund_api_shows_every_step(dworld, fund, client):
    req = funds.spend_request(fund=fund, amount=1000, payee="x", purpose="y", by=dworld.person("committee_x"))
    funds.spend_decide(request=req, approve=False, note="不需要", by=dworld.person("rc"))
    data = client.get("/api/v1/disclosure/funds/X-GG").json()
    assert data["balance"] == 10_000_000 and len(data["supervisors"]) == 3
    assert data["requests"][0]["state"] == "rejected"
    assert data["requests"][0]["steps"] == [{"level": 1, "party": "residents_committee", "approve": False,
                                             "note": "不需要", "at": data["requests"][0]["steps"][0]["at"]}]
    assert client.get("/api/v1/disclosure/funds/NOPE").status_code == 404


def test_only_named_supervisors_decide_not_even_a_superuser(dworld, fund):
    from linli import authz
    from linli.disclosure.models import Supervisor

    req = funds.spend_request(fund=fund, amount=1_000, payee="保洁公司", purpose="清洗水箱",
                              by=dworld.person("committee_x"))
    for who in ("admin", "community_c1", "committee_x", "bank", "resident"):  # bank is level 2: not yet
        with pytest.raises(NotAllowed):
            funds.spend_decide(request=req, approve=True, by=dworld.person(who))
    assert Approval.objects.count() == 0 and SpendingRequest.objects.get(pk=req.pk).state == "waiting1"
    rc_row = Supervisor.objects.get(fund=fund, person=dworld.person("rc"))
    assert authz.can(dworld.person("rc"), "disclosure.fund.decide", rc_row)
    assert not authz.can(dworld.person("dev"), "disclosure.fund.decide", rc_row)
    assert funds.decider(dworld.person("rc"), req) == rc_row
    assert funds.decider(dworld.person("admin"), req) is None and funds.decider(None, req) is None


def test_pledge_states_read_as_money_words_in_chinese(dworld, fund):
    from linli.disclosure.models import PledgeState

    assert [str(label) for _v, label in PledgeState.choices] == ["已认捐", "已到账", "已退款", "已取消", "未到账"]


# --- double submits, stale states, reads that must not write -------------------------

def test_the_spend_form_sent_twice_reserves_the_money_once(dworld, fund, client):
    client.force_login(dworld.person("committee_x"))
    page = client.get("/funds/X-GG/").content.decode()
    key = page.split('action="/funds/X-GG/requests"', 1)[1].split('name="key" value="', 1)[1].split('"', 1)[0]
    form = {"amount": "3000", "payee": "电梯公司", "purpose": "光幕", "key": key}
    assert client.post("/funds/X-GG/requests", form).status_code == 302
    assert client.post("/funds/X-GG/requests", form).status_code == 302
    assert SpendingRequest.objects.count() == 1 and PendingTransfer.objects.count() == 1
    assert bal("fund:X-GG").reserved == 300_000
    # The same key with other details is refused, with a message, and reserves nothing.
    r = client.post("/funds/X-GG/requests", {**form, "amount": "5000"}, follow=True)
    assert "此表单已用其他内容提交过" in r.content.decode()
    assert SpendingRequest.objects.count() == 1 and bal("fund:X-GG").reserved == 300_000
    # A new form (a new key) is a new request.
    client.post("/funds/X-GG/requests", {**form, "key": "another-key"})
    assert SpendingRequest.objects.count() == 2 and bal("fund:X-GG").reserved == 600_000


def test_the_spend_api_with_the_same_client_token_asks_once(dworld, fund, client):
    import json

    _t, raw = org.api_token_create(person=dworld.person("committee_x"), by=None)
    body = {"amount": 300_000, "payee": "电梯公司", "purpose": "光幕", "client_token": "t-1"}
    answers = [client.post("/api/v1/disclosure/funds/X-GG/requests", data=json.dumps(body),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}") for _ in range(2)]
    assert [r.status_code for r in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert SpendingRequest.objects.count() == 1 and bal("fund:X-GG").reserved == 300_000


def test_expiry_leaves_a_request_decided_since_it_was_loaded(dworld, fund):
    req = funds.spend_request(fund=fund, amount=500_000, payee="某公司", purpose="外墙", by=dworld.person("committee_x"))
    stale = SpendingRequest.objects.get(pk=req.pk)  # loaded while waiting, as spend_expire's list is
    funds.spend_decide(request=req, approve=False, note="报价过高", by=dworld.person("dev"))
    later = timezone.now() + dt.timedelta(days=8)
    assert funds.spend_request_expire(request=stale, now=later) is False
    req.refresh_from_db()
    assert req.state == "rejected"
    assert not DisclosureEvent.objects.filter(kind="fund.spend_expired").exists()


def test_fund_and_campaign_reads_open_no_account(dworld, client):
    """A fund or campaign whose ledger account was never opened (older data): every page
    and API read answers with a zero balance and opens nothing (a GET writes nothing)."""
    from linli.disclosure.models import CrowdfundingCampaign, Fund

    f = Fund.objects.create(node=dworld["X"], code="X-OLD", name="旧基金", kind="micro")
    c = CrowdfundingCampaign.objects.create(fund=f, title="旧众筹", target=100_000,
                                deadline=timezone.localdate() + dt.timedelta(days=10))
    before = Account.objects.count()
    for path in ("/funds/", "/funds/X-OLD/", f"/campaigns/{c.pk}/", "/api/v1/disclosure/funds/X-OLD",
                 f"/api/v1/disclosure/campaigns/{c.pk}"):
        assert client.get(path).status_code == 200, path
    api = client.get("/api/v1/disclosure/funds/X-OLD").json()
    assert (api["account"], api["balance"], api["reserved"]) == ("fund:X-OLD", 0, 0)
    assert client.get(f"/api/v1/disclosure/campaigns/{c.pk}").json()["escrow_balance"] == 0
    assert Account.objects.count() == before


def test_a_donation_sent_twice_with_one_key_is_recorded_and_logged_once(dworld, fund):
    by = dworld.person("community_c1")
    first = funds.fund_donate(fund=fund, amount=12_000, name="跳蚤市场", key="form:fund:X-GG:1:k", by=by)
    again = funds.fund_donate(fund=fund, amount=12_000, name="跳蚤市场", key="form:fund:X-GG:1:k", by=by)
    assert again.pk == first.pk and bal("fund:X-GG").balance == 10_012_000
    assert DisclosureEvent.objects.filter(kind="fund.donation").count() == 2  # the fixture's and this one
