"""Demo owners' vote (issue 14 item 8) in 莱茵春天 (LYCT, 151 households, trust-style
property): "续聘庆云信托制物业服务企业", entered through the same services as by hand.

The register: 6 unsold units belong to the developer (one owner), one buyer holds
two units (one owner), the demo owner 刘大姐 (3楼301) and 9 neighbours have
accounts, the others are named owners without one: 145 owners. Ballots: 10 online,
about 110 on paper (typed in twice by the owners' committee and the community), 2 by
written proxy (刘大姐 holds one). The notice went out 40 days ago, voting ran from
25 to 5 days ago, and the result was published 4 days ago (public notice running).
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Matter
from linli.org import services as org
from linli.org.models import Node, NodeKind, Person, Role


def _person(username: str, real_name: str, role: str | None = None, node: Node | None = None) -> Person:
    person = Person.objects.filter(username=username).first() or org.person_create(
        username=username, real_name=real_name, by=None)
    if role and node is not None and not person.roles.filter(role=role, node=node).exists():
        org.role_assign(person=person, role=role, node=node, by=None)
    return person


def load_demo_votes() -> None:
    lyct = Node.objects.get(code="LYCT")
    households = list(Node.objects.filter(kind=NodeKind.HOUSEHOLD, compound=lyct).order_by("path"))
    committee = _person("demo_lyct_committee", "莱茵春天业委会", Role.OWNERS_COMMITTEE, lyct)
    community = Person.objects.get(username="community")  # 冯贵川, 庆云社区: manager and teller in scope
    owner = Person.objects.get(username="owner")  # 刘大姐, owner of LYCT-B1-U1-0301 (owner role)
    online = [owner]
    home = owner.roles.get(role=Role.OWNER).node
    neighbours = [h for h in households if h != home][:9]
    for i, h in enumerate(neighbours):  # nine neighbours with accounts (no password: not demo logins)
        online.append(_person(f"demo_lyct_owner{i + 1}", f"莱茵春天业主{i + 1}", Role.OWNER, h))
        services.register_set(household=h, kind="person", person=online[-1], by=committee)
    services.register_set(household=home, kind="person", person=owner, by=committee)
    unsold = households[-6:]
    buyer_units = households[-8:-6]
    for h in unsold:
        services.register_set(household=h, kind="developer", by=committee)
    for h in buyer_units:
        services.register_set(household=h, kind="named", name="周先生（两套）", by=committee)
    with_account = {h.pk for h in neighbours} | {home.pk}
    for h in households:
        if h.pk not in with_account and h not in unsold and h not in buyer_units:
            services.register_set(household=h, kind="named", name=f"业主{h.code[5:]}", by=committee)

    now = timezone.now()
    t0 = now - dt.timedelta(days=40)
    vote = services.vote_create(
        compound=lyct, title="续聘庆云信托制物业服务企业", matter=Matter.PROPERTY_COMPANY, by=committee, now=t0,
        description="信托制物业服务合同将于年底到期。业主委员会提议续聘庆云信托制物业，合同期三年，"
                    "物业费标准不变，全部收支继续按季度向全体业主公开。", topic_ref="议题：物业合同到期续聘")
    services.vote_publish_notice(vote=vote, opens_at=t0 + dt.timedelta(days=15), closes_at=now - dt.timedelta(days=5),
                                 by=committee, now=t0)
    services.vote_open(vote=vote, by=committee, now=t0 + dt.timedelta(days=15))
    start = t0 + dt.timedelta(days=15, hours=1)
    electors = {e.household_id: e for e in vote.electors.all()}
    for i, person in enumerate(online):
        mine = next(e for e in vote.electors.filter(person=person))
        services.ballot_cast(vote=vote, elector=mine, choice="no" if i in (3, 7) else "yes", by=person,
                             now=start + dt.timedelta(hours=i))
    # Two written proxies: 刘大姐 for her neighbour on the 4th floor, the committee's file numbers.
    proxied = [h for h in households if h.code.endswith("-0401")][:1] + [households[20]]
    holders = [owner, online[1]]
    for n, (h, holder) in enumerate(zip(proxied, holders, strict=True)):
        proxy = services.proxy_register(vote=vote, household_code=h.code, holder=holder, document=f"委托书第{n + 1:03d}号",
                                        by=committee, now=start)
        services.proxy_cast(proxy=proxy, choice="yes", by=holder, now=start + dt.timedelta(days=1, hours=n))
    # Paper ballots: most of the rest, typed in by two tellers each.
    done = {e.owner_key for e in vote.ballots.all()} | set(vote.proxies.values_list("owner_key", flat=True))
    paper = []
    for h in households:
        key = electors[h.pk].owner_key
        if key not in done and key not in paper:
            paper.append(key)
            code = h.code
            choice = "no" if len(paper) % 9 == 0 else ("abstain" if len(paper) % 13 == 0 else "yes")
            at = start + dt.timedelta(days=2 + len(paper) % 15)
            services.paper_enter(vote=vote, household_code=code, choice=choice, by=committee, now=at)
            services.paper_enter(vote=vote, household_code=code, choice=choice, by=community,
                                 now=at + dt.timedelta(minutes=10))
            if len(paper) >= 110:
                break
    services.vote_close(vote=vote, by=committee, now=now - dt.timedelta(days=5))
    services.result_publish(vote=vote, by=committee, now=now - dt.timedelta(days=4))
