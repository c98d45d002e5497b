"""Actions of the ledger app for the one authorisation function (linli.authz)."""
from linli.authz import Rule  # noqa: F401

RULES: dict = {}
