"""The pages: check-in by the slot's QR link, the resident's code and the till,
each refusal shown in Chinese on the page, other shops' staff refused."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from linli.mutualaid import services as aid
from linli.mutualaid.models import Completion, Redemption


def client_for(person) -> Client:
    c = Client()
    c.force_login(person)
    return c


def slot_now(aidworld, points=5):
    """A task whose slot starts in ten minutes (check-in opens 15 minutes early)."""
    from django.utils import timezone

    now = timezone.now()
    task = aid.task_post(node=aidworld.world["C1"], title="雨季巡逻", place="河堤", places=3, points=points,
                         signup_deadline=now + dt.timedelta(minutes=5), slots=[(now + dt.timedelta(minutes=10),
                                                                                 now + dt.timedelta(hours=1))],
                         by=aidworld.person("community_c1"))
    return task, task.slots.get()


def test_volunteer_signs_up_and_checks_in_through_the_pages(aidworld):
    resident = aidworld.person("resident")
    task, slot = slot_now(aidworld)
    c = client_for(resident)
    page = c.get(reverse("aid_task", args=[task.pk]))
    assert page.status_code == 200 and "报名" in page.content.decode()
    assert c.post(reverse("aid_signup", args=[slot.pk])).status_code == 302
    page = c.get(reverse("aid_checkin", args=[slot.token]))
    assert page.status_code == 200 and "签到（5 个信义贝）" in page.content.decode()
    page = c.post(reverse("aid_checkin", args=[slot.token]), follow=True)
    assert "已签到，5 个信义贝已存入您的账户。" in page.content.decode()
    again = c.post(reverse("aid_checkin", args=[slot.token]))
    assert again.status_code == 409 and "这次服务已经记录，信义贝只发放一次。" in again.content.decode()
    assert Completion.objects.filter(person=resident).count() == 1
    me = c.get(reverse("aid_me"))
    assert re.search(r'id="balance">5<', me.content.decode())


def test_the_organiser_sees_the_slot_qr_and_volunteers_do_not(aidworld):
    url = reverse("aid_slot_qr", args=[aidworld.slot.pk])
    page = client_for(aidworld.person("community_c1")).get(url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert aidworld.slot.token in page.content.decode()
    assert client_for(aidworld.person("resident")).get(url).status_code == 403


def test_till_quote_then_confirm_and_refusals_on_the_page(aidworld):
    resident, cashier = aidworld.person("resident"), aidworld.person("cashier")
    task, slot = slot_now(aidworld, points=10)
    aid.signup_create(slot=slot, by=resident)
    aid.checkin_scan(token=slot.token, by=resident)
    code = client_for(resident).post(reverse("aid_code"))
    found = re.search(r'id="till-digits">(\d{3}) (\d{3})<', code.content.decode())
    digits = found.group(1) + found.group(2)
    till = client_for(cashier)
    url = reverse("aid_till", args=[aidworld.shop.code])
    low = till.post(url, {"code": digits, "bill": "29.99", "step": "quote"})
    assert low.status_code == 409 and "满 ¥30 才能用信义贝抵扣，这笔消费不足。" in low.content.decode()
    quote = till.post(url, {"code": digits, "bill": "65", "step": "quote"}).content.decode()
    assert re.search(r"抵扣信义贝</dt><dd><strong>6</strong>", quote) and "¥59.00" in quote
    assert Redemption.objects.count() == 0
    done = till.post(url, {"code": digits, "bill": "65", "step": "confirm"}).content.decode()
    assert "已抵扣 6 个信义贝" in done
    assert Redemption.objects.get().points == 6
    again = till.post(url, {"code": digits, "bill": "65", "step": "confirm"})
    assert again.status_code == 409 and "这个付款码已经使用过" in again.content.decode()
    assert aid.person_account(aidworld.world["C1"], resident).balance == 4


@pytest.mark.parametrize("name,status", [("cashier2", 403), ("community_c1", 403), ("resident", 403)])
def test_only_the_shops_staff_open_its_till(aidworld, name, status):
    assert client_for(aidworld.person(name)).get(reverse("aid_till", args=[aidworld.shop.code])).status_code == status


def test_anonymous_is_sent_to_sign_in_and_public_pages_are_public(aidworld):
    c = Client()
    assert c.get(reverse("aid_till", args=[aidworld.shop.code])).status_code == 302
    assert c.get(reverse("aid_checkin", args=[aidworld.slot.token])).status_code == 302
    for name, args in (("aid_board", []), ("aid_tasks", []), ("aid_task", [aidworld.task.pk]),
                       ("aid_alliance", ["C1"])):
        assert c.get(reverse(name, args=args)).status_code == 200


def test_settlement_from_the_takings_page(aidworld):
    resident, cashier = aidworld.person("resident"), aidworld.person("cashier")
    task, slot = slot_now(aidworld, points=10)
    aid.signup_create(slot=slot, by=resident)
    aid.checkin_scan(token=slot.token, by=resident)
    code = aid.tillcode_issue(person=resident, by=resident)
    aid.redemption_confirm(merchant=aidworld.shop, code=code.digits, bill_fen=3000, by=cashier)
    c = client_for(cashier)
    assert 'id="held">3<' in c.get(reverse("aid_takings", args=["SHOP1"])).content.decode()
    c.post(reverse("aid_settle", args=["SHOP1"]))
    assert aid.merchant_account(aidworld.shop).balance == 0
    assert client_for(aidworld.person("cashier2")).get(reverse("aid_takings", args=["SHOP1"])).status_code == 403


def test_community_staff_admit_a_merchant_and_its_staff_on_the_manage_page(aidworld):
    from linli.mutualaid.models import Merchant

    url = reverse("aid_manage", args=["C1"])
    assert client_for(aidworld.person("community_c2")).get(url).status_code == 403
    c = client_for(aidworld.person("community_c1"))
    assert c.get(url).status_code == 200
    c.post(url, {"op": "merchant", "code": "SHOP9", "name": "社区药店"})
    page = c.post(url, {"op": "staff", "merchant": "SHOP9", "username": "owner"}, follow=True).content.decode()
    assert "已保存。" in page
    assert aid.may_till(aidworld.person("owner"), Merchant.objects.get(code="SHOP9"))
    page = c.post(url, {"op": "fund", "points": "-5", "key": "k"}, follow=True).content.decode()
    assert "信义贝数量须为大于零的整数。" in page
    assert aid.pool_account(aidworld.world["C1"]).balance == 1000


def test_someone_not_yet_a_volunteer_who_scans_the_checkin_code_is_told_what_to_do(aidworld):
    """Scanning the slot's code without being a confirmed volunteer here: a page that says
    why and how to become one (not a bare "not allowed"), and no completion written."""
    task, slot = slot_now(aidworld)
    owner = aidworld.person("owner")  # lives in C1 but never registered
    c = client_for(owner)
    page = c.get(reverse("aid_checkin", args=[slot.token]))
    body = page.content.decode()
    assert page.status_code == 403
    assert "只有本社区已确认的志愿者才能签到。" in body and reverse("aid_volunteer") in body
    assert 'id="checkin-button"' not in body
    assert c.post(reverse("aid_checkin", args=[slot.token])).status_code == 403
    assert not Completion.objects.filter(slot=slot).exists()
    # Registered but not yet confirmed: told to wait for the community, no sign-up link.
    aid.volunteer_register(person=owner, community=aidworld.world["C1"], skills="", availability="",
                           phone="", by=owner)
    body = c.get(reverse("aid_checkin", args=[slot.token])).content.decode()
    assert "正等待社区确认" in body and "请先报名成为志愿者" not in body


def test_the_till_code_page_counts_down_and_renews_itself_at_most_five_times(aidworld):
    c = client_for(aidworld.person("resident"))
    body = c.post(reverse("aid_code")).content.decode()
    seconds = int(re.search(r'data-seconds="(\d+)"', body).group(1))
    assert 100 <= seconds <= 120 and 'data-renewals="0"' in body and "till-code.js" in body
    # The script posts renewals=N+1 when the code runs out; the page carries the count on
    # and a tampered or silly count is read as the limit or as zero.
    assert 'data-renewals="3"' in c.post(reverse("aid_code"), {"renewals": "3"}).content.decode()
    assert 'data-renewals="5"' in c.post(reverse("aid_code"), {"renewals": "42"}).content.decode()
    assert 'data-renewals="0"' in c.post(reverse("aid_code"), {"renewals": "-1"}).content.decode()
