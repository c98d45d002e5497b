"""Actions of the deliberation app for the one authorisation function (linli.authz).

Residents and owners act from their home: their role sits on a household, so
services ask about the household they hold in the compound (``home_in``).
The compound's deliberation body (owners' committee, special committee) and
community or street staff above it run topics, meetings and reviews; each body
files its own work report (``report_roles``: the property company's staff for
the property company's report, and so on), community staff may file any.
"""
from linli.authz import Rule
from linli.org.models import Role as R

NEIGHBOURS = frozenset({R.RESIDENT, R.OWNER})
DELIBERATORS = frozenset({R.OWNERS_COMMITTEE, R.GOVERNANCE_COMMITTEE, R.COMMUNITY_STAFF, R.STREET_STAFF})
COMMUNITY = frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF})

# The role whose holders at the compound file each body's work report.
BODY_ROLE = {"owners_committee": R.OWNERS_COMMITTEE, "governance_committee": R.GOVERNANCE_COMMITTEE,
             "property": R.PROPERTY_STAFF, "party_branch": R.PARTY_BRANCH, "community": R.COMMUNITY_STAFF}


def report_roles(report) -> list:
    """(role, place) of the people who file this body's report: the body's own role at the compound."""
    role = BODY_ROLE.get(getattr(report, "body", ""))
    review = getattr(report, "review", None)
    return [(role, review.compound)] if role and review is not None else []


RULES: dict = {
    "deliberation.topic.view": Rule(public=True, description="see a compound's topics, their status and outcome"),
    "deliberation.topic.raise": Rule(roles=NEIGHBOURS, description="raise a topic about one's compound"),
    "deliberation.topic.support": Rule(roles=NEIGHBOURS, description="support a topic of one's compound (我也关心)"),
    "deliberation.topic.manage": Rule(
        roles=DELIBERATORS,
        description="take up topics, turn a request into a topic, record outcomes, mark them done"),
    "deliberation.meeting.view": Rule(public=True, description="see meetings, their notice and minutes"),
    "deliberation.meeting.manage": Rule(
        roles=DELIBERATORS, description="convene meetings, set the agenda, send the notice, record the minutes"),
    "deliberation.review.view": Rule(public=True, description="see half-year reviews, reports and ratings"),
    "deliberation.review.manage": Rule(roles=COMMUNITY, description="open and close a half-year review"),
    "deliberation.report.file": Rule(roles=COMMUNITY, holder_roles=report_roles,
                                     description="file a body's work report (its own body's members)"),
    "deliberation.review.rate": Rule(roles=NEIGHBOURS, description="rate and comment on a work report"),
    "deliberation.project.view": Rule(public=True, description="see fund rounds, projects and their progress"),
    "deliberation.project.propose": Rule(roles=NEIGHBOURS, description="propose a community-fund project"),
    "deliberation.project.support": Rule(roles=NEIGHBOURS, description="support a community-fund project"),
    "deliberation.fund.manage": Rule(
        roles=COMMUNITY,
        description="open fund rounds, review eligibility, choose projects, add milestones, pay and report progress"),
}
