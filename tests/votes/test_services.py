"""The vote's life and its ballots through the services: timeline, one ballot per
owner across channels, two tellers, proxies, the electorate snapshot; every
refusal leaves nothing written."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from linli.cases.models import Notification
from linli.deliberation.votes import rules, selectors, services
from linli.deliberation.votes.models import Ballot, Matter, OwnerRecord, PaperEntry, RegisterEvent, Vote, VoteEvent
from linli.errors import DomainError, InvalidInput, NotFound
from linli.outbox.models import OutboxMessage
from tests.votes.conftest import add_people


def snapshot():
    return (Vote.objects.count(), Ballot.objects.count(), PaperEntry.objects.count(), VoteEvent.objects.count(),
            OwnerRecord.objects.count(), list(Vote.objects.values_list("status", flat=True)))


def refused(fn, code: str, message: str | None = None):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        fn()
    assert exc.value.code == code
    if message is not None:
        assert str(exc.value.message) == message
    assert snapshot() == before
    return exc.value


def test_the_electorate_snapshot_counts_a_two_unit_owner_once(vw):
    vote = vw.vote
    rows = sorted(vote.electors.values_list("household__code", "owner_key", "area"))
    owner2, owner = vw.person("owner2").pk, vw.person("owner").pk
    assert rows == [("X-101", f"p:{owner2}", 8850), ("X-102", f"p:{owner}", 8850), ("X-201", f"p:{owner2}", 8850)]
    assert (vote.total_owners, vote.total_area) == (2, 26550)


def test_register_overrides_roles_and_unknown_households_count_alone(world):
    add_people(world)
    committee = world.person("committee")
    services.register_set(household=world["X-101"], kind="developer", by=committee)
    services.register_set(household=world["X-201"], kind="developer", by=committee)
    services.register_set(household=world["X-102"], kind="named", name="张三（尾号1234）", by=committee)
    vote = services.vote_create(compound=world["X"], title="筹集维修资金", matter=Matter.FUND_RAISE, by=committee)
    assert sorted(vote.electors.values_list("owner_key", flat=True)) == ["dev", "dev", "n:张三（尾号1234）"]
    assert vote.total_owners == 2 and vote.major
    # Back to the roles for X-102; Y-101 has no owner at all: it is its own owner.
    services.register_set(household=world["X-102"], kind="", by=committee)
    y = services.vote_create(compound=world["Y"], title="管理规约", matter=Matter.COVENANT,
                             by=world.person("committee_y"))
    assert list(y.electors.values_list("owner_key", flat=True)) == [f"h:{world['Y-101'].pk}"]
    # Every change of the register is an event ("" = no entry: the owner roles decide).
    assert list(RegisterEvent.objects.filter(household=world["X-102"]).values_list("before", "after", "by")) == [
        ("", "n:张三（尾号1234）", committee.pk), ("n:张三（尾号1234）", "", committee.pk)]
    # The earlier vote keeps its snapshot.
    assert vote.electors.filter(owner_key__startswith="n:").count() == 1


def test_notice_must_come_fifteen_days_before_voting(world):
    add_people(world)
    committee = world.person("committee")
    vote = services.vote_create(compound=world["X"], title="选聘物业", matter=Matter.PROPERTY_COMPANY, by=committee)
    now = vote.created_at
    refused(lambda: services.vote_publish_notice(vote=vote, opens_at=now + dt.timedelta(days=15, seconds=-1),
                                                 closes_at=now + dt.timedelta(days=20), by=committee, now=now),
            "votes.notice_days", "投票开始时间须在公告发布15天以后。")
    refused(lambda: services.vote_publish_notice(vote=vote, opens_at=now + dt.timedelta(days=15),
                                                 closes_at=now + dt.timedelta(days=15), by=committee, now=now),
            "votes.closes_at")
    services.vote_publish_notice(vote=vote, opens_at=now + dt.timedelta(days=15), closes_at=now + dt.timedelta(days=20),
                                 by=committee, now=now)
    # Owners with an account are told in the app, and through the outbox where it reaches them (e-mail).
    assert Notification.objects.filter(kind="vote").count() == 2
    assert list(OutboxMessage.objects.filter(kind="vote").values_list("address", "subject")) == [
        ("owner2@example.org", "业主表决公告")]
    refused(lambda: services.vote_open(vote=vote, by=committee, now=now + dt.timedelta(days=14)), "votes.too_early")
    services.vote_open(vote=vote, by=committee, now=now + dt.timedelta(days=15))
    refused(lambda: services.vote_close(vote=vote, by=committee, now=now + dt.timedelta(days=19)),
            "votes.not_yet_closing")
    assert Notification.objects.filter(kind="vote").count() == 4
    assert OutboxMessage.objects.filter(kind="vote").count() == 2


def test_results_are_hidden_until_close_then_published(vw):
    vote, committee = vw.vote, vw.person("committee")
    services.ballot_cast(vote=vote, elector=vote.electors.get(household=vw["X-102"]), choice="yes",
                         by=vw.person("owner"))
    with pytest.raises(NotFound):
        selectors.result_sheet(None, vote)
    services.vote_close(vote=vote, by=committee, now=vw.now + dt.timedelta(days=2))
    sheet = selectors.result_sheet(None, Vote.objects.get(pk=vote.pk))
    assert (sheet.tally.yes_owners, sheet.tally.yes_area, sheet.final) == (1, 8850, False)
    # One of two owners, 88.50 of 265.50 m²: not valid (1/2 of owners, 1/3 of area).
    assert not sheet.outcome.valid and not sheet.outcome.passed
    services.result_publish(vote=vote, by=committee)
    assert Vote.objects.get(pk=vote.pk).status == "published"


def test_an_owner_of_two_units_votes_once_with_both_areas(vw):
    vote, owner2 = vw.vote, vw.person("owner2")
    e101 = vote.electors.get(household=vw["X-101"])
    e201 = vote.electors.get(household=vw["X-201"])
    services.ballot_cast(vote=vote, elector=e101, choice="no", by=owner2)
    refused(lambda: services.ballot_cast(vote=vote, elector=e201, choice="yes", by=owner2), "votes.already_voted",
            "该业主已经投票（线上），不能重复投票，也不能更改。")
    assert services.vote_tally(vote) == rules.Tally(total_area=26550, total_owners=2, no_area=17700, no_owners=1)


def test_paper_first_then_online_is_refused_and_the_rule_is_said(vw):
    vote = vw.vote
    services.paper_enter(vote=vote, household_code="X-102", choice="no", by=vw.person("teller1"))
    refused(lambda: services.ballot_cast(vote=vote, elector=vote.electors.get(household=vw["X-102"]), choice="yes",
                                         by=vw.person("owner")),
            "votes.paper_first", "该业主已交回纸质选票，以纸质选票为准，之后的投票不能替代它。")
    entry = services.paper_enter(vote=vote, household_code="X-102", choice="no", by=vw.person("teller2"))
    assert entry.status == "matched"
    assert list(vote.ballots.values_list("channel", "choice")) == [("paper", "no")]


def test_two_tellers_must_agree_and_a_mismatch_blocks_counting(vw):
    vote, committee, community = vw.vote, vw.person("committee"), vw.person("community_c1")
    t1, t2 = committee, vw.person("teller2")  # the committee member is also a teller
    services.paper_enter(vote=vote, household_code="X-102", choice="yes", by=t1)
    refused(lambda: services.paper_enter(vote=vote, household_code="X-102", choice="yes", by=t1),
            "votes.same_teller", "第二次录入须由另一位计票人完成。")
    entry = services.paper_enter(vote=vote, household_code="X-102", choice="no", by=t2)
    assert entry.status == "mismatch" and vote.ballots.count() == 0
    services.vote_close(vote=vote, by=committee, now=vw.now + dt.timedelta(days=2))
    refused(lambda: services.result_publish(vote=vote, by=committee), "votes.paper_pending",
            "还有1张纸质选票等待第二次录入或核对，不能完成计票。")
    refused(lambda: services.paper_resolve(entry=entry, choice="yes", note="核对原件", by=t1), "votes.resolver_teller")
    refused(lambda: services.paper_resolve(entry=entry, choice="maybe", note="核对原件", by=community), "votes.choice")
    refused(lambda: services.paper_resolve(entry=entry, choice="yes", note="", by=community), "votes.note")
    services.paper_resolve(entry=entry, choice="yes", note="核对原件：同意", by=community)
    services.result_publish(vote=vote, by=committee)
    kinds = list(VoteEvent.objects.filter(vote=vote).values_list("kind", flat=True))
    assert kinds[-5:] == ["paper_first", "paper_mismatch", "closed", "paper_resolved", "published"]


def test_a_proxy_holder_casts_for_the_owner(vw):
    vote, committee, holder = vw.vote, vw.person("committee"), vw.person("resident")
    proxy = services.proxy_register(vote=vote, household_code="X-201", holder=holder, document="委托书第007号",
                                    by=committee)
    refused(lambda: services.proxy_register(vote=vote, household_code="X-101", holder=holder, document="委托书第008号",
                                            by=committee), "votes.proxy_exists")  # one owner
    ballot = services.proxy_cast(proxy=proxy, choice="abstain", by=holder)
    assert (ballot.channel, ballot.proxy_document, ballot.cast_by) == ("proxy", "委托书第007号", holder)
    refused(lambda: services.ballot_cast(vote=vote, elector=vote.electors.get(household=vw["X-101"]), choice="yes",
                                         by=vw.person("owner2")), "votes.already_voted")


def test_the_database_refuses_a_second_ballot_for_an_owner(vw):
    vote = vw.vote
    Ballot.objects.create(vote=vote, owner_key="p:1", choice="yes", channel="online")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(vote=vote, owner_key="p:1", choice="no", channel="paper")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(vote=vote, owner_key="p:2", choice="yes", channel="proxy")  # no proxy document


def test_events_are_append_only(vw):
    ev = VoteEvent.objects.filter(vote=vw.vote).first()
    with pytest.raises(ValueError):
        ev.save()
    with pytest.raises(ValueError):
        ev.delete()


@pytest.mark.parametrize("kwargs, code", [
    ({"title": ""}, "votes.title"), ({"title": "x" * 201}, "votes.title"), ({"matter": "lottery"}, "votes.matter"),
    ({"publicity_days": 0}, "votes.publicity_days"), ({"publicity_days": True}, "votes.publicity_days"),
])
def test_bad_input_writes_nothing(world, kwargs, code):
    add_people(world)
    args = {"compound": world["X"], "title": "选举业主委员会", "matter": Matter.COMMITTEE_ELECTION} | kwargs
    refused(lambda: services.vote_create(**args, by=world.person("committee")), code)
    assert isinstance(InvalidInput("a", "b"), DomainError)


def test_bad_ballots_write_nothing(vw):
    vote = vw.vote
    refused(lambda: services.paper_enter(vote=vote, household_code="Y-101", choice="yes", by=vw.person("teller1")),
            "votes.household_code")
    refused(lambda: services.paper_enter(vote=vote, household_code="X-101", choice="", by=vw.person("teller1")),
            "votes.choice")
    refused(lambda: services.proxy_register(vote=vote, household_code="X-101", holder=vw.person("resident"),
                                            document=" ", by=vw.person("committee")), "votes.proxy_document")
    refused(lambda: services.register_set(household=vw["X-101"], kind="named", name="", by=vw.person("committee")),
            "votes.owner_name")


def test_topic_reference_is_kept(world):
    add_people(world)
    vote = services.vote_create(compound=world["X"], title="改造车棚", matter=Matter.COMMON_PARTS, topic_ref="topic:17",
                                by=world.person("committee"))
    assert vote.topic_ref == "topic:17" and vote.status == "draft"


def test_no_online_or_proxy_ballot_after_the_closing_time(vw):
    vote, late = vw.vote, vw.vote.closes_at
    proxy = services.proxy_register(vote=vote, household_code="X-201", holder=vw.person("resident"), document="委托书",
                                    by=vw.person("committee"))
    refused(lambda: services.ballot_cast(vote=vote, elector=vote.electors.get(household=vw["X-102"]), choice="yes",
                                         by=vw.person("owner"), now=late), "votes.too_late", "投票期已过。")
    refused(lambda: services.proxy_cast(proxy=proxy, choice="yes", by=vw.person("resident"), now=late),
            "votes.too_late")
    # A paper ballot handed in before the close may still be typed in.
    assert services.paper_enter(vote=vote, household_code="X-102", choice="yes", by=vw.person("teller1"),
                                now=late).status == "first"


@pytest.mark.parametrize("model", ["VoteEvent", "RegisterEvent"])
def test_history_is_append_only_in_the_database(vw, model):
    """Not only the model's save(): a bulk UPDATE (and on PostgreSQL a DELETE) is refused by
    the database, so no code path or console session rewrites who did what."""
    from django.db import DatabaseError, connection, transaction

    from linli.deliberation.votes import models as vm
    from linli.deliberation.votes.models import OwnerKind

    services.register_set(household=vw["X-102"], kind=OwnerKind.NAMED, name="王芳", by=vw.person("committee"))
    table = getattr(vm, model)
    event = table.objects.order_by("id").first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        table.objects.filter(pk=event.pk).update(at=event.at + dt.timedelta(days=1))
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            table.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert table.objects.get(pk=event.pk).at == event.at
