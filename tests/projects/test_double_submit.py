"""A double-submitted money form (or a retried API call) moves the money once: the page's
hidden ``client_token`` and the API's ``client_token`` are the ledger's request key."""
from __future__ import annotations

import re

import pytest

from linli.ledger.models import Account, Transaction
from linli.ledger.selectors import verify_all
from linli.projects import services as svc
from linli.projects.models import Contribution, Payment

from .test_concurrency import N, _race


def _token(page: str) -> str:
    m = re.search(r'name="client_token" value="([0-9a-f]{32})"', page)
    assert m is not None
    return m.group(1)


def test_a_payment_form_sent_twice_pays_once(projworld, client):
    projworld.run()
    p = projworld.project
    svc.contribution_record(project=p, source="government", amount=100_000, by=projworld.staff)
    item = p.items.first()
    client.force_login(projworld.staff)
    token = _token(client.get(f"/projects/{p.pk}/manage").content.decode())
    txs = Transaction.objects.count()
    form = {"amount": "300", "payee": "川建", "client_token": token}
    for _ in range(2):
        assert client.post(f"/projects/items/{item.pk}/pay", form).status_code == 302
    assert Payment.objects.filter(item=item).count() == 1
    assert Transaction.objects.count() == txs + 1
    assert client.get(f"/api/v1/projects/{p.pk}").json()["balance"] == 70_000
    # A fresh page gives a fresh token: a second, intended payment goes through.
    token2 = _token(client.get(f"/projects/{p.pk}/manage").content.decode())
    assert token2 != token
    client.post(f"/projects/items/{item.pk}/pay", {**form, "client_token": token2})
    assert Payment.objects.filter(item=item).count() == 2


def test_a_record_form_sent_twice_records_once(projworld, client):
    projworld.approve()
    p = projworld.project
    client.force_login(projworld.staff)
    token = _token(client.get(f"/projects/{p.pk}/manage").content.decode())
    form = {"source": "government", "amount": "500", "payer": "区住建局", "client_token": token}
    for _ in range(2):
        assert client.post(f"/projects/{p.pk}/record", form).status_code == 302
    assert Contribution.objects.filter(project=p, source="government").count() == 1
    assert client.get(f"/api/v1/projects/{p.pk}").json()["received"] == 50_000


def test_a_retried_api_payment_pays_once(projworld, api_client):
    projworld.run()
    p = projworld.project
    svc.contribution_record(project=p, source="government", amount=100_000, by=projworld.staff)
    item = p.items.first()
    api_client.force_login(projworld.staff)
    api_client.get("/")
    csrf = api_client.cookies["csrftoken"].value

    def post(url, data):
        return api_client.post(url, data, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)

    ids = {post(f"/api/v1/projects/items/{item.pk}/payments",
                {"amount": 60_000, "payee": "川建", "client_token": "k-1"}).json()["id"] for _ in range(2)}
    assert len(ids) == 1
    r = post(f"/api/v1/projects/{p.pk}/contributions", {"source": "donations", "amount": 5_000, "client_token": "k-2"})
    again = post(f"/api/v1/projects/{p.pk}/contributions", {"source": "donations", "amount": 5_000, "client_token": "k-2"})
    assert r.json()["id"] == again.json()["id"]
    assert api_client.get(f"/api/v1/projects/{p.pk}").json()["balance"] == 45_000
    # The same token with other content is refused, nothing written.
    before = (Payment.objects.count(), Transaction.objects.count())
    r = post(f"/api/v1/projects/items/{item.pk}/payments", {"amount": 1_000, "payee": "川建", "client_token": "k-1"})
    assert r.status_code in (409, 422)
    assert (Payment.objects.count(), Transaction.objects.count()) == before


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submits_pay_once(projworld):
    p = projworld.run()
    staff = projworld.staff
    svc.contribution_record(project=p, source="government", amount=1_000_000, by=staff)
    item = p.items.first()
    results = _race(lambda i: svc.item_pay(item=item, amount=300_000, payee="川建", by=staff, client_token="same"))
    assert results == [("ok",)] * N
    assert Payment.objects.filter(item=item).count() == 1
    assert Account.objects.get(code=f"project:{p.pk}").balance == 700_000
    assert verify_all() == []
