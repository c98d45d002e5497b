"""Reads of the owners' votes that depend on the viewer.

Drafts are seen only by managers in scope; the result (counts, shares) only after
the vote has closed, by anyone; the audit trail (which household, which choice)
only by tellers and managers in scope. Names of owners are never public.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.deliberation.votes import rules
from linli.deliberation.votes.models import (
    Ballot,
    Channel,
    Elector,
    PaperEntry,
    PaperStatus,
    Proxy,
    Vote,
    VoteEvent,
    VoteStatus,
)
from linli.deliberation.votes.services import electorate_rows, vote_tally
from linli.errors import NotFound
from linli.org.models import Node


def visible_votes(viewer, compound: Node):
    authz.require(viewer, "votes.vote.view", compound)
    qs = Vote.objects.filter(compound=compound)
    if not authz.can(viewer, "votes.vote.manage", compound):
        qs = qs.exclude(status=VoteStatus.DRAFT)
    return qs.order_by("-created_at", "-id")


def vote_get(viewer, pk: int) -> Vote:
    """The vote, if the viewer may see it (a draft only by its managers); NotFound otherwise."""
    vote = Vote.objects.select_related("compound").filter(pk=pk).first()
    if vote is None:
        raise NotFound("votes.not_found", _("Not found."))
    authz.require(viewer, "votes.vote.view", vote)
    if vote.status == VoteStatus.DRAFT and not authz.can(viewer, "votes.vote.manage", vote):
        raise NotFound("votes.not_found", _("Not found."))
    return vote


def my_electors(viewer, vote: Vote) -> list[Elector]:
    """The electorate rows naming the viewer, one per owner key (an owner of several units votes once)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    seen, out = set(), []
    for e in vote.electors.filter(person=viewer).select_related("household").order_by("household__path"):
        if authz.can(viewer, "votes.ballot.cast", e) and e.owner_key not in seen:
            seen.add(e.owner_key)
            e.units = list(vote.electors.filter(owner_key=e.owner_key).select_related("household"))  # type: ignore[attr-defined]
            out.append(e)
    return out


def my_proxies(viewer, vote: Vote) -> list[Proxy]:
    if not getattr(viewer, "is_authenticated", False):
        return []
    return [p for p in vote.proxies.filter(holder=viewer).select_related("household", "vote__compound")
            if authz.can(viewer, "votes.proxy.cast", p)]


def ballots_by_key(vote: Vote, keys) -> dict[str, Ballot]:
    return {b.owner_key: b for b in Ballot.objects.filter(vote=vote, owner_key__in=list(keys))}


@dataclass
class Sheet:
    vote: Vote
    tally: rules.Tally
    outcome: rules.Outcome
    households: int
    by_channel: dict[str, int]
    paper_pending: int
    final: bool

    def share(self, x: Fraction) -> str:
        return rules.percent(x)


def result_sheet(viewer, vote: Vote) -> Sheet:
    """The counts, shares and the rule applied; refused (NotFound) before the close."""
    authz.require(viewer, "votes.vote.view", vote)
    if not vote.result_visible:
        raise NotFound("votes.result_hidden", _("The result is shown after the voting has closed."))
    t = vote_tally(vote)
    channels = {c: 0 for c in Channel.values}
    for ch in vote.ballots.values_list("channel", flat=True):
        channels[ch] += 1
    pending = vote.paper_entries.filter(status__in=[PaperStatus.FIRST, PaperStatus.MISMATCH]).count()
    return Sheet(vote=vote, tally=t, outcome=rules.decide(t, major=vote.major), households=vote.electors.count(),
                 by_channel=channels, paper_pending=pending, final=vote.status == VoteStatus.PUBLISHED)


def audit_trail(viewer, vote: Vote):
    """Every event of the vote and its ballots, for tellers and managers in scope; [] for others."""
    if not authz.can(viewer, "votes.paper.enter", vote):
        return []
    return list(VoteEvent.objects.filter(vote=vote).select_related("household", "by").order_by("id"))


def paper_queue(viewer, vote: Vote):
    authz.require(viewer, "votes.paper.enter", vote)
    return list(PaperEntry.objects.filter(vote=vote).exclude(status=PaperStatus.MATCHED)
                .select_related("household", "first_teller", "second_teller").order_by("created_at", "id"))


def register_rows(viewer, compound: Node):
    authz.require(viewer, "votes.register.edit", compound)
    return electorate_rows(compound)
