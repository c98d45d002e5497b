"""Actions of the owners' votes for the one authorisation function (linli.authz).

- Managers (create, publish the notice, open, close, publish the result, edit the
  electorate register, register written proxies): the compound's owners' committee,
  community staff and street staff in scope.
- Tellers (type in paper ballots, see the audit trail): the owners' committee, the
  governance committee, the party branch, community and street staff in scope. Not
  the property company's staff: a vote may be about hiring or dismissing them.
- Owners cast online for the electorate rows that name them (``holder="person"`` on
  an ``Elector``): the register decides who votes, not a role.
- A proxy holder casts for the owner named in a ``Proxy`` row (``holder="holder"``).
- Anyone sees the notice, and after close the result sheet (counts only, no names,
  no individual ballots).
"""
from linli.authz import Rule
from linli.org.models import Role

R = Role
MANAGERS = frozenset({R.OWNERS_COMMITTEE, R.COMMUNITY_STAFF, R.STREET_STAFF})
TELLERS = MANAGERS | {R.GOVERNANCE_COMMITTEE, R.PARTY_BRANCH}

RULES: dict = {
    "votes.vote.view": Rule(public=True, description="see a vote's notice, and after close its result sheet"),
    "votes.vote.manage": Rule(roles=MANAGERS, description="create votes, publish the notice, open, close, "
                                                          "publish the result, register written proxies"),
    "votes.register.edit": Rule(roles=MANAGERS, description="see and edit the electorate register of a compound"),
    "votes.paper.enter": Rule(roles=TELLERS, description="type in paper ballots as a teller, see the audit trail"),
    "votes.ballot.cast": Rule(holder="person", description="cast one's own ballot online"),
    "votes.proxy.cast": Rule(holder="holder", description="cast a ballot for an owner by written proxy"),
}
