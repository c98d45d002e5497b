"""Actions of the disclosure app for the one authorisation function (linli.authz)."""
from linli.authz import Rule
from linli.org.models import Role

R = Role
RULES: dict = {
    "disclosure.money.view": Rule(public=True, description="see a compound's income, expenses, budget and vouchers"),
    "disclosure.money.enter": Rule(roles=frozenset({R.PROPERTY_STAFF}),
                                   description="record, import and correct a compound's income and expenses"),
    "disclosure.budget.edit": Rule(roles=frozenset({R.PROPERTY_STAFF, R.OWNERS_COMMITTEE}),
                                   description="set a compound's yearly budget"),
    "disclosure.report.view": Rule(public=True, description="read published quarterly reports"),
    "disclosure.report.view_draft": Rule(
        roles=frozenset({R.PROPERTY_STAFF, R.OWNERS_COMMITTEE, R.COMMUNITY_STAFF, R.STREET_STAFF}),
        description="read draft reports of compounds in scope"),
    "disclosure.report.draft": Rule(roles=frozenset({R.PROPERTY_STAFF}),
                                    description="draft, fill in and correct quarterly reports"),
    "disclosure.report.review": Rule(roles=frozenset({R.OWNERS_COMMITTEE}),
                                     description="approve a draft report or send it back"),
    "disclosure.report.publish": Rule(roles=frozenset({R.PROPERTY_STAFF}), description="publish a reviewed report"),
    "disclosure.objection.create": Rule(roles=frozenset({R.OWNER}), description="object to a line of a published report"),
    "disclosure.objection.answer": Rule(roles=frozenset({R.PROPERTY_STAFF}), description="answer owners' objections"),
    "disclosure.fund.view": Rule(public=True, description="see funds, their requests, approvals, donations and campaigns"),
    "disclosure.fund.manage": Rule(roles=frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.OWNERS_COMMITTEE}),
                        description="create funds, name supervisors, record donations, run crowdfunding"),
    "disclosure.pledge.offer": Rule(public=True,
                                    description="pledge money to an open campaign (pending until a manager confirms)"),
    "disclosure.fund.spend": Rule(roles=frozenset({R.COMMUNITY_STAFF, R.OWNERS_COMMITTEE, R.PROPERTY_STAFF}),
                               description="ask to spend from a fund (approval by its supervisors follows)"),
    # Asked about a Supervisor row: only the person it names decides, at its level
    # (no role, not even a superuser, approves for a co-managed fund's parties).
    "disclosure.fund.decide": Rule(holder="person",
                                   description="approve or reject a spending request as a named supervisor"),
}
