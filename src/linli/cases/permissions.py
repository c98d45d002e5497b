"""Actions of the cases app for the one authorisation function (linli.authz)."""
from django.utils.translation import gettext_lazy as _  # noqa: F401

from linli.authz import STAFF_ROLES, Rule
from linli.org.models import Role as R

HANDLERS = frozenset({R.GRID_WORKER, R.MICROGRID_LEADER, R.PROPERTY_STAFF, R.COMMUNITY_STAFF, R.STREET_STAFF})
DISPATCHERS = frozenset({R.GRID_WORKER, R.PROPERTY_STAFF, R.COMMUNITY_STAFF, R.STREET_STAFF})
SUPERVISORS = frozenset({R.PARTY_BRANCH, R.COMMUNITY_STAFF, R.STREET_STAFF})

# The role that handles a request dispatched to each kind of assignee (at the assignee's place).
HANDLER_ROLE = {"property": R.PROPERTY_STAFF, "community": R.COMMUNITY_STAFF, "party_branch": R.PARTY_BRANCH,
                "microgrid_leader": R.MICROGRID_LEADER}


def handler_roles(case) -> list:
    """(role, place) of the people handling a request: the holders of the role it
    is dispatched to, at the assignee's place (a named assignee is the rule's holder)."""
    role = HANDLER_ROLE.get(getattr(case, "assignee_kind", ""))
    node = getattr(case, "assignee_node", None) if role else None
    return [(role, node)] if node is not None else []


RULES: dict = {
    "cases.case.report": Rule(public=True, description="report a problem from a QR code (no login)"),
    "cases.case.support": Rule(public=True, description="say \"me too\" (我也遇到了) on an open request of one's building"),
    "cases.case.track": Rule(public=True, description="follow one's own request by its tracking code"),
    "cases.case.updates": Rule(public=True, description="stop or restart the SMS updates of one's request "
                                                        "(the opt-out link's key is the proof)"),
    "cases.board.view": Rule(public=True, description="see the public board of a place"),
    "cases.case.record": Rule(
        roles=HANDLERS | {R.BUILDING_REP, R.SPECIAL_MICROGRID_MEMBER},
        description="record a request from a snapshot, a phone call or a door-to-door visit",
    ),
    "cases.case.import": Rule(
        roles=frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF}),
        description="import hotline requests with their original received time",
    ),
    "cases.case.view": Rule(roles=STAFF_ROLES, holder="assignee",
                            description="see requests with the reporter's contact"),
    "cases.case.work": Rule(roles=HANDLERS, holder="assignee",
                            description="accept, arrive, give a plan, report progress, finish, return visit, close"),
    "cases.case.dispatch": Rule(roles=DISPATCHERS | {R.MICROGRID_LEADER},
                                description="dispatch, transfer, send back, merge, reclassify, declare unsolvable, reopen"),
    "cases.case.supervise": Rule(roles=SUPERVISORS, description="record supervision 督办 and evaluation"),
    "cases.escalation.view": Rule(roles=STAFF_ROLES, description="see escalations"),
    "cases.queue.view": Rule(roles=STAFF_ROLES, description="see one's queue of next actions"),
    "cases.notification.view": Rule(self_only=True, description="read one's own in-app notifications"),
    "cases.evaluation.view": Rule(roles=SUPERVISORS, description="see the evaluation of grids and micro-grid leaders"),
    "cases.campaign.manage": Rule(roles=frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.PARTY_BRANCH, R.PROPERTY_STAFF}),
                                  description="run inspection campaigns"),
    "cases.campaign.view": Rule(public=True, description="see a campaign's figures"),
    "cases.help.match": Rule(roles=frozenset({R.MICROGRID_LEADER, R.GRID_WORKER, R.COMMUNITY_STAFF}),
                             description="match a volunteer to a mutual-help request"),
    "cases.policy.manage": Rule(roles=frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF}),
                                description="choose the time-limit policy of a compound"),
    "cases.case.contact": Rule(
        roles=frozenset({R.GRID_WORKER, R.COMMUNITY_STAFF, R.STREET_STAFF}), holder="assignee",
        holder_roles=handler_roles,
        description="see a reporter's name, phone and e-mail in full: the people dispatching the request "
                    "in scope and its handlers (others see them masked)",
    ),
}
