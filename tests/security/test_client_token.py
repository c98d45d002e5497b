"""A one-time ``client_token`` belongs to its caller: resending one's own key is a
double tap (one request), another caller's key is just a new key (never their
request). A merged duplicate's page does not open the other request."""
from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from linli.cases import services
from linli.cases.models import Case, Category, Source, Status
from tests.cases.conftest import local
from tests.factories import bearer


def api_report(client, auth, token, description="三楼楼道灯不亮了"):
    return client.post("/api/v1/cases", {"unit": "X-B1-U1", "category": "repair", "description": description,
                                         "client_token": token}, content_type="application/json", **auth)


def test_api_another_callers_token_creates_their_own_request(world):
    client = Client(enforce_csrf_checks=True)
    victim, intruder = bearer(world.person("resident")), bearer(world.person("owner"))
    first = api_report(client, victim, "tap-1")
    assert first.status_code == 201
    again = api_report(client, victim, "tap-1", description="再发一次")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = api_report(client, intruder, "tap-1", description="二楼也不亮")
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]
    assert other.json()["tracking_code"] != first.json()["tracking_code"]
    mine = Case.objects.get(pk=other.json()["id"])
    assert (mine.description, mine.reporter.username) == ("二楼也不亮", "owner")
    assert Case.objects.count() == 2


def _browser_post(client, token, description):
    page = client.get("/q/X-B1-U1").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post("/q/X-B1-U1", {"category": "repair", "description": description, "client_token": token,
                                      "csrfmiddlewaretoken": csrf})


def test_qr_page_another_browsers_token_creates_their_own_request(world):
    victim, intruder = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    r = _browser_post(victim, "b" * 32, "三楼楼道灯不亮了")
    assert r.status_code == 302
    victims = Case.objects.get()
    assert _browser_post(victim, "b" * 32, "三楼楼道灯不亮了")["Location"] == r["Location"]  # a double tap
    r = _browser_post(intruder, "b" * 32, "我家门口的灯也坏了")
    assert r.status_code == 302
    theirs = Case.objects.exclude(pk=victims.pk).get()
    assert theirs.description == "我家门口的灯也坏了"
    assert victims.tracking_code not in r["Location"] and theirs.tracking_code in r["Location"]


def test_the_database_keeps_a_key_unique_per_caller_only(world):
    repair = Category.objects.get(code="repair")

    def make(scope):
        return Case.objects.create(node=world["X-B1-U1"], compound=world["X"], category=repair, description="灯坏了",
                                   source=Source.QR, client_token="k", client_scope=scope,
                                   policy=services.policy_for(world["X"]), received_at=local(2026, 11, 2))

    make("person:1")
    make("person:2")
    with pytest.raises(IntegrityError), transaction.atomic():
        make("person:1")
    assert Case.objects.count() == 2


def test_a_key_without_a_known_caller_is_not_used(world):
    repair = Category.objects.get(code="repair")
    a = services.case_create(node=world["X-B1-U1"], category=repair, description="灯坏了", source=Source.QR,
                             client_token="same")
    b = services.case_create(node=world["X-B1-U1"], category=repair, description="灯坏了", source=Source.QR,
                             client_token="same")
    assert a.pk != b.pk and a.client_token is None


def test_a_merged_duplicate_does_not_give_the_other_requests_code(client, world, clock, report):
    first = report()
    dup = report(description="三楼的灯也不亮")
    staff = world.person("property_x")
    services.case_merge(case=dup, into=first, by=staff)
    body = client.get(f"/t/{dup.tracking_code}").content.decode()
    assert first.tracking_code not in body
    assert "您的诉求已与之合并办理。目前进展：待受理" in body
    assert "已与反映同一问题的另一条诉求合并办理" in body
    api = client.get(f"/api/v1/track/{dup.tracking_code}").json()
    assert first.tracking_code not in str(api) and api["status"] == Status.MERGED
    assert 'name="rating"' not in body
