"""Two tellers typing in an owner's paper ballot and the owner voting online, at the
same instant: exactly one ballot counts, the others are refused with a clear message."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Ballot, PaperEntry, VoteEvent
from linli.errors import DomainError
from tests.votes.conftest import add_people, open_vote

REFUSALS = {
    "votes.already_voted", "votes.paper_first",
}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tellers_and_an_online_ballot_at_once_leave_one_ballot(world):
    add_people(world)
    channels = set()
    for i in range(4):  # four votes, four races: the winner varies, the count never does
        channels.add(_race(world, open_vote(world, title=f"第{i + 1}次表决")))
    assert channels <= {"online", "paper"}


def _race(world, vote) -> str:
    owner, t1, t2 = world.person("owner"), world.person("teller1"), world.person("teller2")
    elector = vote.electors.get(household=world["X-102"])
    barrier = threading.Barrier(3)
    results: dict[str, tuple] = {}
    lock = threading.Lock()

    def run(name, fn):
        try:
            barrier.wait()
            out: tuple = ("ok", fn())
        except DomainError as exc:
            out = ("refused", exc.code, str(exc.message))
        except BaseException as exc:  # noqa: BLE001 - anything else fails the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results[name] = out

    jobs = {
        "teller1": lambda: services.paper_enter(vote=vote, household_code="X-102", choice="yes", by=t1).status,
        "teller2": lambda: services.paper_enter(vote=vote, household_code="X-102", choice="yes", by=t2).status,
        "online": lambda: services.ballot_cast(vote=vote, elector=elector, choice="no", by=owner).channel,
    }
    threads = [threading.Thread(target=run, args=(n, f)) for n, f in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not [r for r in results.values() if r[0] == "error"], results
    assert Ballot.objects.filter(vote=vote).count() == 1
    ballot = Ballot.objects.get(vote=vote)
    refused = [r for r in results.values() if r[0] == "refused"]
    assert all(r[1] in REFUSALS and "业主" in r[2] for r in refused), refused
    if ballot.channel == "online":
        # The owner came first: neither paper entry was accepted.
        assert results["online"] == ("ok", "online")
        assert PaperEntry.objects.filter(vote=vote).count() == 0
        assert len(refused) == 2
    else:
        # A teller came first: the owner's online ballot was refused; the two entries matched.
        assert results["online"][0] == "refused"
        assert sorted(r[1] for n, r in results.items() if n != "online") == ["first", "matched"]
        assert PaperEntry.objects.get(vote=vote).status == "matched"
    assert VoteEvent.objects.filter(vote=vote, owner_key=elector.owner_key).count() == (
        1 if ballot.channel == "online" else 2)
    return ballot.channel
