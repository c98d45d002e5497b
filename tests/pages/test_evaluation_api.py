"""Item 6 of issue 12, the API twin of the evaluation page's period: month,
quarter or year counts only the requests received since the current one began."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.cases import services as case_services
from linli.cases.models import Case, Category, Source


@pytest.fixture
def two_requests(world):
    repair = Category.objects.get(code="repair")
    old = case_services.case_create(node=world["X-B1-U1"], category=repair, description="去年的楼道灯", source=Source.QR)
    case_services.case_create(node=world["X-B1-U1"], category=repair, description="今天的楼道灯", source=Source.QR)
    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=400))


def received(body) -> int:
    return sum(r["received"] for r in body["microgrids"])


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_a_period_counts_only_the_requests_received_in_it(api_client, world, two_requests, period):
    api_client.force_login(world.person("community_c1"))
    r = api_client.get(f"/api/v1/evaluation/C1?period={period}")
    assert r.status_code == 200
    body = r.json()
    assert body["period"] == period and received(body) == 1
    since = dt.datetime.fromisoformat(body["since"])
    local = timezone.localtime(since)
    assert (local.day, local.hour, local.minute) == (1, 0, 0)
    assert since <= timezone.now()


def test_without_a_period_every_request_counts(api_client, world, two_requests):
    api_client.force_login(world.person("community_c1"))
    body = api_client.get("/api/v1/evaluation/C1").json()
    assert body["period"] == "" and body["since"] is None and received(body) == 2


def test_an_unknown_period_is_refused(api_client, world, two_requests):
    api_client.force_login(world.person("community_c1"))
    r = api_client.get("/api/v1/evaluation/C1?period=week")
    assert r.status_code == 422
