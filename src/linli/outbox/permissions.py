"""Actions of the outbox app for the one authorisation function (linli.authz)."""
from linli.authz import Rule
from linli.org.models import Role as R

RULES: dict = {
    "outbox.message.view": Rule(
        roles=frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF}),
        description="see the outgoing messages (e-mail, SMS) about places in scope and whether they were sent",
    ),
}
