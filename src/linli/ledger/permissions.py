"""Actions of the ledger app for the one authorisation function (linli.authz)."""
from linli.authz import STAFF_ROLES, Rule

RULES: dict = {
    "ledger.public.view": Rule(public=True, description="see public accounts, their entries and downloads"),
    "ledger.account.view": Rule(roles=STAFF_ROLES, description="see the non-public accounts of places in scope"),
}
