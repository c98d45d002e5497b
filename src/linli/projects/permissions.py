"""Actions of the projects app for the one authorisation function (linli.authz).

A project belongs to a compound. Community and street staff run it (notice,
decision, budget, confirming money, paying, acceptance). Residents act on their
own household: the comment, pledge and satisfaction actions are asked about the
household (a resident's or owner's role covers exactly that household). Signing
a milestone is not a role of the tree: it is asked about the committee member
row or the supervising organisation (``holder="person"``), so only the person
that row names may sign.
"""
from linli.authz import Rule
from linli.org.models import Role

R = Role
MANAGERS = frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF})
HOUSEHOLD = frozenset({R.RESIDENT, R.OWNER})

RULES: dict = {
    "projects.project.view": Rule(public=True, description="see a compound's projects: notice, scope, budget, "
                                                           "money received, problems, final accounts"),
    "projects.problem.report": Rule(public=True, description="report a construction problem (施工监督) while a "
                                                             "project runs, from the phone, no login"),
    "projects.project.manage": Rule(roles=MANAGERS, description="create a project, its committee, contractor, "
                                                                "scope, budget and milestones; decide after the "
                                                                "notice; start; confirm and refund money; pay; "
                                                                "accept and publish the final accounts"),
    "projects.comment.add": Rule(roles=HOUSEHOLD, description="comment on a project's notice (support or not) "
                                                              "for one's household"),
    "projects.pledge.add": Rule(roles=HOUSEHOLD, description="pledge one's household's share of a project"),
    "projects.rating.add": Rule(roles=HOUSEHOLD, description="give one's satisfaction (1-5) with a finished project"),
    # Asked about a CommitteeMember row or the supervisor Organisation: only the person named there.
    "projects.milestone.sign": Rule(holder="person", description="sign a milestone off as a committee member "
                                                                 "or as the supervisor"),
}
