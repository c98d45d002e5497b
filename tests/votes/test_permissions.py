"""Who may do what with an owners' vote: anonymous, a resident (no home owned), an
owner of the compound, property staff of the compound (not a teller), a teller
(governance committee), community staff out of scope (C2) and in scope (C1),
the owners' committee of another compound (Y) and of this one (X)."""
from __future__ import annotations

import datetime as dt

import pytest

from linli.deliberation.votes import selectors, services
from linli.errors import DomainError, NotAllowed

PERSONAS = ["anonymous", "resident", "owner", "property_x", "teller1", "community_c2", "committee_y", "community_c1",
            "committee"]


def attempt(fn) -> bool:
    try:
        fn()
    except NotAllowed:
        return False
    except DomainError:
        return True  # allowed through authorisation, refused by the domain
    return True


def ops(vw):
    v, now = vw.vote, vw.now
    elector = v.electors.get(household=vw["X-102"])

    def proxy_cast(p):
        proxy = v.proxies.first() or services.proxy_register(vote=v, household_code="X-101", holder=vw.person("resident"),
                                                             document="委托书1号", by=vw.person("committee"))
        return services.proxy_cast(proxy=proxy, choice="yes", by=p)

    return {
        "create a vote in X": lambda p: services.vote_create(compound=vw["X"], title="管理规约", matter="covenant", by=p),
        "publish a notice": lambda p: services.vote_publish_notice(
            vote=services.vote_create(compound=vw["X"], title="t", matter="covenant", by=vw.person("committee")),
            opens_at=now + dt.timedelta(days=16), closes_at=now + dt.timedelta(days=20), by=p),
        "close the vote": lambda p: services.vote_close(vote=v, by=p, now=now + dt.timedelta(days=2)),
        "cast the owner's ballot": lambda p: services.ballot_cast(vote=v, elector=elector, choice="yes", by=p),
        "enter a paper ballot": lambda p: services.paper_enter(vote=v, household_code="X-101", choice="no", by=p),
        "register a proxy": lambda p: services.proxy_register(vote=v, household_code="X-201",
                                                              holder=vw.person("resident"), document="委托书2号", by=p),
        "cast by proxy for X-101": proxy_cast,
        "edit the register": lambda p: services.register_set(household=vw["X-201"], kind="developer", by=p),
        "see the notice": lambda p: selectors.vote_get(p, v.pk),
        "see the audit trail": lambda p: selectors.audit_trail(p, v) or (_ for _ in ()).throw(NotAllowed("x", "x")),
    }


EXPECTED = {
    #                           anon   resid  owner  propX  teller C2     Y-cmte C1     X-cmte
    "create a vote in X":      [False, False, False, False, False, False, False, True, True],
    "publish a notice":        [False, False, False, False, False, False, False, True, True],
    "close the vote":          [False, False, False, False, False, False, False, True, True],
    "cast the owner's ballot": [False, False, True, False, False, False, False, False, False],
    "enter a paper ballot":    [False, False, False, False, True, False, False, True, True],
    "register a proxy":        [False, False, False, False, False, False, False, True, True],
    "cast by proxy for X-101": [False, True, False, False, False, False, False, False, False],
    "edit the register":       [False, False, False, False, False, False, False, True, True],
    "see the notice":          [True, True, True, True, True, True, True, True, True],
    "see the audit trail":     [False, False, False, False, True, False, False, True, True],
}


@pytest.mark.parametrize("operation", list(EXPECTED))
def test_permission_matrix(vw, operation):
    fn = ops(vw)[operation]
    got = [attempt(lambda name=name: fn(vw.person(name))) for name in PERSONAS]
    assert got == EXPECTED[operation]


def test_a_draft_is_seen_only_by_its_managers(vw):
    draft = services.vote_create(compound=vw["X"], title="草稿", matter="covenant", by=vw.person("committee"))
    seen = []
    for name in PERSONAS:
        try:
            selectors.vote_get(vw.person(name), draft.pk)
            seen.append(name)
        except DomainError:
            pass
    assert seen == ["community_c1", "committee"]
