"""Actions of the questionnaire app for the one authorisation function (linli.authz).

A survey belongs to a place (a compound or a community): its audience is the
residents and owners of the households under it, its organisers the staff of
that place or above it. Answering is asked about the respondent's household (a
resident's role is held at the household), so only people living under the
survey's place can answer.
"""
from linli.authz import STAFF_ROLES, Rule
from linli.org.models import Role

R = Role
ORGANISERS = frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.PARTY_BRANCH, R.GOVERNANCE_COMMITTEE,
                        R.OWNERS_COMMITTEE})

RULES: dict = {
    "surveys.survey.view": Rule(public=True, description="see a questionnaire and its questions"),
    "surveys.survey.answer": Rule(roles=frozenset({R.RESIDENT, R.OWNER}),
                                  description="answer a questionnaire for one's household or oneself"),
    "surveys.survey.manage": Rule(roles=ORGANISERS, description="create questionnaires of a compound or community"),
    "surveys.results.view_public": Rule(public=True,
                                        description="see the results of a questionnaire that publishes them"),
    "surveys.results.view": Rule(roles=STAFF_ROLES,
                                 description="see the results of any questionnaire in scope"),
    "surveys.results.export": Rule(roles=ORGANISERS,
                                   description="download the answers as CSV or XLSX (never identities of anonymous ones)"),
}
