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
