"""Attacks on the owners' votes (tester pass): each test names the defect it guards against."""
from __future__ import annotations

import datetime as dt

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Matter
from linli.outbox.models import OutboxMessage
from tests.votes.conftest import add_people


def test_the_notice_e_mail_carries_the_full_address_of_the_vote(world, settings):
    """The e-mail/SMS ended with "/votes/7/": a link nobody can open from a mail client."""
    settings.LINLI_SITE_URL = "https://linli.example.org/"
    add_people(world)
    committee = world.person("committee")
    vote = services.vote_create(compound=world["X"], title="选聘物业", matter=Matter.PROPERTY_COMPANY, by=committee)
    now = vote.created_at
    services.vote_publish_notice(vote=vote, opens_at=now + dt.timedelta(days=15), closes_at=now + dt.timedelta(days=20),
                                 by=committee, now=now)
    body = OutboxMessage.objects.get(kind="vote").body
    assert body.splitlines()[-1] == f"https://linli.example.org/votes/{vote.pk}/"


def test_a_manager_cannot_record_a_proxy_naming_themselves(vw):
    """A manager could register a written proxy naming themselves, then vote for that owner."""
    import pytest

    from linli.deliberation.votes.models import Proxy
    from linli.errors import DomainError

    committee = vw.person("committee")
    with pytest.raises(DomainError) as refused:
        services.proxy_register(vote=vw.vote, household_code="X-201", holder=committee, document="委托书 7 号",
                                by=committee)
    assert refused.value.code == "votes.proxy_self" and not Proxy.objects.exists()


def test_the_second_teller_does_not_see_the_first_entry(vw, client):
    """The tellers' page showed the first teller's choice to the second, who could copy it."""
    from django.urls import reverse

    first, second = vw.person("committee"), vw.person("community_c1")
    services.paper_enter(vote=vw.vote, household_code="X-201", choice="yes", by=first)
    client.force_login(second)
    page = client.get(reverse("votes_tellers", args=[vw.vote.pk])).content.decode()
    assert "第二人录入前不显示" in page
    client.force_login(first)
    assert "第二人录入前不显示" not in client.get(reverse("votes_tellers", args=[vw.vote.pk])).content.decode()
