"""Accounts and personal data (issue 10 item 16): changing one's password,
a reset by e-mail, a one-time password from staff in scope, downloading all
personal data held, and erasure on request that leaves boards and ledger as
they were."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from linli.cases import stats
from linli.cases.models import Case, Notification, ReturnVisit
from linli.ledger.selectors import verify_all
from linli.ledger.services import account_open, ledger_post
from linli.org import services as org
from linli.org.models import AccountEvent, Person, Role, RoleAssignment


def _events(person) -> list[str]:
    return list(AccountEvent.objects.filter(person=person).order_by("id").values_list("action", flat=True))


def _signs_in(username: str, password: str) -> bool:
    return Client().post("/login/", {"username": username, "password": password}).status_code == 302


# ---------------------------------------------------------------------------
# Password change and reset by e-mail


def test_a_person_changes_their_password(client, world):
    resident = world.person("resident")
    client.force_login(resident)
    assert 'href="/me/password/">修改' in client.get("/me/").content.decode()
    r = client.post("/me/password/", {"old_password": "wrong", "new_password1": "Qiang-Mima-2026",
                                      "new_password2": "Qiang-Mima-2026"})
    assert r.status_code == 200 and _signs_in("resident", "pw-resident") and _events(resident) == []
    r = client.post("/me/password/", {"old_password": "pw-resident", "new_password1": "Qiang-Mima-2026",
                                      "new_password2": "Qiang-Mima-2026"})
    assert r.status_code == 302 and r["Location"] == "/me/password/done/"
    assert _signs_in("resident", "Qiang-Mima-2026") and not _signs_in("resident", "pw-resident")
    assert _events(resident) == ["password_changed"]


def test_the_password_pages_need_a_sign_in(client, db):
    r = client.get("/me/password/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_a_reset_link_by_e_mail_sets_a_new_password(client, world, monkeypatch):
    from linli.web import accounts

    sent = []
    original = accounts.send_reset_mail

    def spy(**kw):
        sent.append(kw)
        return original(**kw)

    monkeypatch.setattr(accounts, "send_reset_mail", spy)
    resident = world.person("resident")
    Person.objects.filter(pk=resident.pk).update(email="wangmei@example.org")
    assert "忘记密码" in client.get("/login/").content.decode()
    r = client.post("/password-reset/", {"email": "WANGMEI@example.org"})
    assert r.status_code == 302 and r["Location"] == "/password-reset/sent/"
    # Nothing leaves inside the web request: the worker's outbox drain sends it.
    assert mail.outbox == [] and [s["to"] for s in sent] == ["wangmei@example.org"]
    from linli.outbox.services import outbox_drain

    outbox_drain()
    assert [m.to for m in mail.outbox] == [["wangmei@example.org"]]
    assert "新密码" in mail.outbox[0].subject
    link = re.search(r"http://testserver(/password-reset/\S+/)", str(mail.outbox[0].body)).group(1)
    form_url = client.get(link)["Location"]
    r = client.post(form_url, {"new_password1": "Xin-Mima-2026", "new_password2": "Xin-Mima-2026"})
    assert r.status_code == 302 and r["Location"] == "/password-reset/done/"
    assert _signs_in("resident", "Xin-Mima-2026") and _events(resident) == ["password_changed"]
    # The link works once.
    assert "这个链接已经失效" in client.get(link, follow=True).content.decode()


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, world):
    r = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert r.status_code == 302 and r["Location"] == "/password-reset/sent/" and mail.outbox == []


# ---------------------------------------------------------------------------
# A one-time password from staff in scope


@pytest.fixture
def party(world):
    world.people["party_x"] = org.person_create(username="party_x", real_name="党支部", password="pw", by=None)
    org.role_assign(person=world.people["party_x"], role=Role.PARTY_BRANCH, node=world["X"], by=None)
    world.people["colleague_c1"] = org.person_create(username="colleague_c1", real_name="同事", password="pw", by=None)
    org.role_assign(person=world.people["colleague_c1"], role=Role.COMMUNITY_STAFF, node=world["C1"], by=None)
    world.people["admin_user"] = org.person_create(username="admin_user", real_name="后台", password="pw", by=None)
    org.role_assign(person=world.people["admin_user"], role=Role.RESIDENT, node=world["X-102"], by=None)
    Person.objects.filter(pk=world.people["admin_user"].pk).update(is_staff=True)


@pytest.mark.parametrize("who,target,status", [
    ("anonymous", "resident", "login"),
    ("resident", "owner", 403),
    ("party_x", "resident", 403),
    ("property_x", "resident", 403),
    ("community_c2", "resident", 403),      # staff out of scope
    ("community_c1", "street_s1", 403),     # a colleague higher up
    ("community_c1", "multi", 403),         # holds a role in another community too
    ("community_c1", "colleague_c1", 403),  # another community staff member of the same community
    ("community_c1", "grid_c1", 403),       # staff below in scope: a colleague could sign in as them
    ("community_c1", "leader_m1", 403),
    ("street_s1", "community_c1", 403),
    ("street_s1", "property_x", 403),
    ("community_c1", "admin_user", 403),    # may use the admin site (is_staff)
    ("community_c1", "admin", 403),         # a superuser
    ("community_c1", "resident", 200),      # staff in scope
    ("street_s1", "resident", 200),
])
def test_who_may_set_a_one_time_password(client, world, party, who, target, status):
    person = world.person(target)
    if who != "anonymous":
        client.force_login(world.person(who))
    before = Person.objects.get(pk=person.pk).password
    r = client.post(f"/people/{person.pk}/password")
    if status == "login":
        assert r.status_code == 302 and r["Location"].startswith("/login/")
    else:
        assert r.status_code == status
    if status != 200:
        assert Person.objects.get(pk=person.pk).password == before and _events(person) == []
        return
    one_time = re.search(r'<code class="token" id="one-time">(\w+)</code>', r.content.decode()).group(1)
    assert _signs_in(target, one_time) and not _signs_in(target, f"pw-{target}")
    event = AccountEvent.objects.get(person=person)
    assert (event.action, event.by) == ("password_reset", world.person(who))


def test_after_a_one_time_password_every_page_leads_to_the_password_change(client, world):
    resident = world.person("resident")
    one_time = org.person_password_reset(person=resident, by=world.person("community_c1"))
    client.post("/login/", {"username": "resident", "password": one_time})
    for url in ("/", "/me/", "/me/data.json", "/places/X-101/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == "/me/password/", url
    assert "一次性密码" in client.get("/me/password/").content.decode()
    r = client.post("/me/password/", {"old_password": one_time, "new_password1": "Ziji-Mima-2026",
                                      "new_password2": "Ziji-Mima-2026"})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    assert Person.objects.get(pk=resident.pk).must_change_password is False
    assert _events(resident) == ["password_reset", "password_changed"]


def test_the_people_list_links_the_one_time_password_for_staff_who_may(client, world):
    client.force_login(world.person("community_c1"))
    assert f"/people/{world.person('resident').pk}/password" in client.get("/places/X-101/").content.decode()
    client.force_login(world.person("property_x"))
    assert "/password" not in client.get("/places/X-101/").content.decode()


# ---------------------------------------------------------------------------
# Downloading one's data


@pytest.fixture
def history(world, report):
    """The resident reported twice (signed in, and by QR leaving their phone), rated
    once online, got a notification, and entered a ledger transaction."""
    resident = world.person("resident")
    Person.objects.filter(pk=resident.pk).update(real_name="王梅", phone="13812345678", email="wangmei@example.org")
    resident.refresh_from_db()
    signed_in = report(by=resident, contact_name="王梅", contact_phone="13812345678",
                       description="我是王梅，住101，电话13812345678，楼道灯坏了")
    by_qr = report(contact_phone="13812345678", description="垃圾没人收")
    other = report(contact_name="李四", contact_phone="13900000000", description="别人的诉求")
    ReturnVisit.objects.create(case=by_qr, method="online", rating="satisfied", comment="王梅很满意",
                               at=by_qr.received_at)
    Case.objects.filter(pk=by_qr.pk).update(rating="satisfied")
    Notification.objects.create(recipient=resident, case=signed_in, kind="info", title="已受理", body="您的诉求已受理")
    cash = account_open(code="X:cash", name="现金", kind="asset", node=world["X"], asset="CNY")
    income = account_open(code="X:income", name="收入", kind="income", node=world["X"], asset="CNY")
    ledger_post(legs=[(cash, 500), (income, -500)], idempotency_key="k1", memo="公共收益", by=resident)
    return {"signed_in": signed_in, "by_qr": by_qr, "other": other}


def test_a_person_downloads_everything_held_about_them(client, world, history):
    resident = world.person("resident")
    client.force_login(resident)
    r = client.get("/me/data.json")
    assert r.status_code == 200 and r["Content-Disposition"].startswith('attachment; filename="linli-my-data-')
    data = json.loads(r.content)
    assert data["account"]["phone"] == "13812345678" and data["account"]["email"] == "wangmei@example.org"
    assert [x["role"] for x in data["roles"]] == ["resident"]
    assert {x["tracking_code"] for x in data["requests"]} == {history["signed_in"].tracking_code,
                                                               history["by_qr"].tracking_code}
    assert [(x["rating"], x["comment"]) for x in data["ratings"]] == [("satisfied", "王梅很满意")]
    assert [x["title"] for x in data["notifications"]] == ["已受理"]
    assert [[(leg["account"], leg["amount"]) for leg in x["legs"]] for x in data["ledger_entries"]] == [
        [("X:cash", 500), ("X:income", -500)]]
    r = client.get("/me/data.csv")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeffsection,row,field,value")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert ["account", "1", "phone", "13812345678"] in rows
    assert ["notifications", "1", "title", "已受理"] in rows
    assert _events(resident) == ["data_downloaded", "data_downloaded"]
    assert "李四" not in text and "13900000000" not in text


def test_the_download_needs_a_sign_in(client, db):
    r = client.get("/me/data.json")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


# ---------------------------------------------------------------------------
# Erasure


def _ledger_report() -> str:
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    return out.getvalue()


def test_erasure_anonymises_the_person_and_keeps_boards_and_ledger(client, world, history, clock):
    resident = world.person("resident")
    boards = {code: stats.board_figures(node=world[code], now=clock.now) for code in ("X", "C1", "S1")}
    ledger_before = _ledger_report()
    client.force_login(resident)
    assert client.get("/me/erase/").status_code == 200
    r = client.post("/me/erase/", {"password": "pw-resident", "understood": "on"})
    assert r.status_code == 200 and "已删除" in r.content.decode()

    resident.refresh_from_db()
    assert (resident.real_name, resident.phone, resident.email, resident.username) == (
        "", "", "", f"erased-{resident.pk}")
    assert not resident.is_active and not resident.has_usable_password() and resident.erased_at is not None
    assert not RoleAssignment.objects.filter(person=resident).exists()
    signed_in = Case.objects.get(pk=history["signed_in"].pk)
    assert (signed_in.contact_name, signed_in.contact_phone, signed_in.contact_email) == ("", "", "")
    assert signed_in.description == "我是***，住101，电话***，楼道灯坏了"
    by_qr = Case.objects.get(pk=history["by_qr"].pk)
    assert by_qr.contact_phone == "" and by_qr.rating == "satisfied"
    assert ReturnVisit.objects.get(case=by_qr).comment == "***很满意"
    other = Case.objects.get(pk=history["other"].pk)
    assert (other.contact_name, other.contact_phone, other.description) == ("李四", "13900000000", "别人的诉求")
    # The public figures and the ledger are exactly as they were.
    assert {code: stats.board_figures(node=world[code], now=clock.now) for code in ("X", "C1", "S1")} == boards
    assert _ledger_report() == ledger_before and verify_all() == []
    assert _events(resident) == ["erased"]
    assert not _signs_in("resident", "pw-resident")
    assert client.get("/me/").status_code == 302  # signed out


def test_an_erasure_submitted_twice_at_once_erases_once(world, history):
    from linli import privacy

    # Both requests passed the password check with the account as it was; the second runs after the first.
    first, second = Person.objects.get(pk=world.person("resident").pk), Person.objects.get(
        pk=world.person("resident").pk)
    privacy.person_erase(person=first, by=first)
    privacy.person_erase(person=second, by=second)
    resident = Person.objects.get(pk=first.pk)
    assert (resident.username, resident.is_active) == (f"erased-{resident.pk}", False)
    assert _events(resident) == ["erased"]


def test_erasure_needs_the_password_and_the_confirmation(client, world, history):
    resident = world.person("resident")
    client.force_login(resident)
    r = client.post("/me/erase/", {"password": "wrong", "understood": "on"})
    assert r.status_code == 422 and "不是您的密码" in r.content.decode()
    r = client.post("/me/erase/", {"password": "pw-resident"})
    assert r.status_code == 422
    resident.refresh_from_db()
    assert resident.is_active and resident.phone == "13812345678" and resident.erased_at is None
    assert Case.objects.get(pk=history["signed_in"].pk).contact_phone == "13812345678"
    assert _events(resident) == []


def test_the_account_pages_fit_a_phone_screen_in_chinese(client, world):
    client.force_login(world.person("resident"))
    for url in ("/me/", "/me/password/", "/me/erase/"):
        html = client.get(url).content.decode()
        assert 'name="viewport" content="width=device-width' in html
        assert re.search(r"[\u4e00-\u9fff]", html) and "Erase my" not in html and "Change my" not in html
        assert "personal data" not in html and "password" not in re.sub(r"<[^>]+>", "", html).lower()
