"""Everything that writes in the mutual-aid app, by topic (accounts, volunteers,
tasks and completion, the till and settlement, the alliance)."""
from linli.mutualaid.services._common import AidRefused
from linli.mutualaid.services.accounts import (
    issued_account,
    merchant_account,
    person_account,
    pool_account,
    pool_fund,
)
from linli.mutualaid.services.alliance import covenant_publish, criterion_add, merchant_score
from linli.mutualaid.services.tasks import (
    checkin_scan,
    completion_confirm,
    signup_create,
    signup_withdraw,
    slot_by_token,
    task_post,
    task_set_status,
)
from linli.mutualaid.services.till import (
    Quote,
    discount_points,
    may_till,
    merchant_create,
    merchant_settle,
    merchant_staff_add,
    points_expire,
    redemption_confirm,
    redemption_quote,
    require_till,
    rule_for,
    rule_set,
    tillcode_issue,
)
from linli.mutualaid.services.volunteers import (
    home_communities,
    volunteer_decide,
    volunteer_leave,
    volunteer_register,
)

__all__ = [
    "AidRefused", "Quote", "checkin_scan", "completion_confirm", "covenant_publish", "criterion_add",
    "discount_points", "home_communities", "issued_account", "may_till", "merchant_account", "merchant_create",
    "merchant_score", "merchant_settle", "merchant_staff_add", "person_account", "points_expire", "pool_account",
    "pool_fund", "redemption_confirm", "redemption_quote", "require_till", "rule_for", "rule_set", "signup_create",
    "signup_withdraw", "slot_by_token", "task_post", "task_set_status", "tillcode_issue", "volunteer_decide",
    "volunteer_leave", "volunteer_register",
]
