"""Tester pass (attack3): double and concurrent submits, other places' ids, odd input."""
from __future__ import annotations

import pytest

from linli.deliberation import services as dlb
from linli.deliberation.models import Topic
from tests.deliberation.test_concurrency import N, at_once


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_request_turned_into_a_topic_eight_times_at_once_makes_one_topic(dworld):
    from linli.cases import services as cases
    from linli.cases.models import Category, Source

    case = cases.case_create(node=dworld["X-B1-U1"], category=Category.objects.get(code="repair"),
                             description="小区东门道闸经常抬不起来", source=Source.QR)
    c1 = dworld.person("community_c1")
    results = at_once(lambda: dlb.topic_from_case(case=case, by=c1))
    assert results == [("ok",)] + [("refused", "deliberation.case_taken")] * (N - 1)
    assert Topic.objects.filter(case_id=case.pk).count() == 1


def test_a_request_turned_into_a_public_topic_does_not_show_the_phone_number_in_it(dworld, client):
    from linli.cases import services as cases
    from linli.cases.models import Category, Source

    case = cases.case_create(node=dworld["X-B1-U1"], category=Category.objects.get(code="repair"),
                             description="东门道闸坏了，联系我 138 1234 5678", source=Source.QR)
    topic = dlb.topic_from_case(case=case, by=dworld.person("community_c1"))
    assert (topic.title, topic.body) == ("东门道闸坏了，联系我 138****5678", "东门道闸坏了，联系我 138****5678")
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    assert "1234" not in page
    assert "138****5678" in page


def test_the_open_a_fund_round_form_sent_twice_opens_one_round_and_funds_it_once(dworld, client):
    """Sending the form twice made two rounds and put the fund amount on the books twice."""
    from linli.deliberation.models import FundRound
    from linli.ledger.models import Transaction

    client.force_login(dworld.person("community_c1"))
    form = {"title": "2027 微治理第一批", "amount": "5000", "method": "knapsack"}
    before = Transaction.objects.count()
    client.post("/deliberation/c/X/rounds/new", form)
    second = client.post("/deliberation/c/X/rounds/new", form, follow=True)
    assert FundRound.objects.filter(title="2027 微治理第一批").count() == 1
    assert Transaction.objects.count() == before + 1
    assert "这里已经有同名的基金轮次，没有重复添加。" in second.content.decode()
