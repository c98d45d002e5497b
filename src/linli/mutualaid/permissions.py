"""Actions of the mutual-aid app for the one authorisation function (linli.authz).

Places: tasks, volunteers, merchants and rules belong to a community (or a
compound, for tasks), so staff roles are checked against that place. A
volunteer's role is given at the community when the community confirms them.
Merchant staff are not a role of the tree but rows of ``MerchantStaff``: the
till actions are asked about such a row (``holder="person"``), so the staff of
one shop can never work the till of another.
"""
from linli.authz import Rule
from linli.org.models import Role

R = Role
ORGANISERS = frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.PARTY_BRANCH, R.GOVERNANCE_COMMITTEE})
COMMUNITY = frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF})

RULES: dict = {
    "mutualaid.board.view": Rule(public=True, description="see the public board of points, person-times and hours"),
    "mutualaid.task.view": Rule(public=True, description="see the tasks a community or compound has posted"),
    "mutualaid.alliance.view": Rule(public=True, description="see the merchant alliance: covenant, standard, scores"),
    "mutualaid.volunteer.register": Rule(self_only=True, description="register oneself as a volunteer"),
    "mutualaid.points.view_own": Rule(self_only=True, description="see one's points, history and till code"),
    "mutualaid.volunteer.confirm": Rule(roles=COMMUNITY, description="confirm or refuse volunteers of a community"),
    "mutualaid.volunteer.view": Rule(roles=COMMUNITY, description="see the volunteer registry, phones unmasked"),
    "mutualaid.task.manage": Rule(roles=ORGANISERS,
                                  description="post tasks and slots, confirm completions as the organiser"),
    "mutualaid.task.signup": Rule(roles=frozenset({R.VOLUNTEER}),
                                  description="sign up for a task, withdraw, check in on site"),
    "mutualaid.merchant.manage": Rule(roles=COMMUNITY,
                                      description="admit merchants and their staff, set the redemption rule, settle"),
    "mutualaid.alliance.score": Rule(roles=COMMUNITY,
                                     description="write the covenant and standard, score merchants (committee)"),
    # Asked about a MerchantStaff row: only the person it names works that shop's till.
    "mutualaid.merchant.till": Rule(holder="person",
                                    description="take points at the till, see the shop's takings, ask to settle"),
}
