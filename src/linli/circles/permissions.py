"""Actions of the service-circles app for the one authorisation function (linli.authz).

Entries belong to a community (``Entry.node``): community and street staff of
that place maintain them. A merchant maintains only the entry linked to their
shop: ``circles.entry.maintain_own`` is asked about the ``mutualaid.MerchantStaff``
row of the entry's merchant (``holder="person"``), as the till is, so the staff of
one shop can never edit another's entry. Reading is public.
"""
from linli.authz import Rule
from linli.org.models import Role

COMMUNITY = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})

RULES: dict = {
    "circles.entry.view": Rule(public=True, description="search the service circles of a community, see an entry"),
    "circles.entry.manage": Rule(roles=COMMUNITY,
                                 description="add, edit, hide and restore service-circle entries; see their history"),
    "circles.entry.maintain_own": Rule(holder="person",
                                       description="a merchant's staff edit the hours, phone and services of their "
                                                   "own shop's entry"),
    "circles.location.set": Rule(roles=COMMUNITY, description="set the map position of a compound (for distances)"),
}
