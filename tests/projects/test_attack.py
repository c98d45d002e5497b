"""A hostile or clumsy user against a project: other places' staff on the money actions."""
from __future__ import annotations

from linli.ledger.models import Transaction
from linli.projects import services as svc
from linli.projects.models import Comment, Contribution, Event, Payment


def _written():
    return (Event.objects.count(), Transaction.objects.count(), Contribution.objects.count(), Payment.objects.count(),
            Comment.objects.count())


def test_staff_of_another_community_moves_no_money(projworld, client):
    projworld.run()
    p = projworld.project
    c = svc.contribution_record(project=p, source="government", amount=100_000, by=projworld.staff)
    item = p.items.first()
    before = _written()
    for who in ("community_c2", "property_z", "resident"):
        client.force_login(projworld.person(who))
        for url, data in ((f"/projects/items/{item.pk}/pay", {"amount": "10", "payee": "我", "client_token": "a" * 32}),
                          (f"/projects/{p.pk}/record", {"source": "donations", "amount": "10"}),
                          (f"/projects/contributions/{c.pk}/refund", {})):
            assert client.post(url, data).status_code in (403, 404), (who, url)
    assert _written() == before

