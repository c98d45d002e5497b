"""Everything that writes in the deliberation app, by topic (topics, meetings,
half-year reviews, community-fund projects)."""
from linli.deliberation.services._common import DeliberationRefused, home_in
from linli.deliberation.services.meetings import (
    agenda_add,
    meeting_convene,
    meeting_minutes,
    meeting_notify,
    participants,
)
from linli.deliberation.services.projects import (
    fund_account_of,
    knapsack,
    milestone_add,
    milestone_done,
    project_progress,
    project_propose,
    project_review,
    project_support,
    round_advance,
    round_open,
    round_select,
)
from linli.deliberation.services.reviews import report_file, report_rate, review_close, review_open
from linli.deliberation.services.topics import (
    possible,
    topic_decide,
    topic_done,
    topic_from_case,
    topic_raise,
    topic_support,
    topic_take_up,
)

__all__ = [
    "DeliberationRefused", "agenda_add", "fund_account_of", "home_in", "knapsack", "meeting_convene",
    "meeting_minutes", "meeting_notify", "milestone_add", "milestone_done", "participants", "possible",
    "project_progress", "project_propose", "project_review", "project_support", "report_file", "report_rate",
    "review_close", "review_open", "round_advance", "round_open", "round_select", "topic_decide", "topic_done",
    "topic_from_case", "topic_raise", "topic_support", "topic_take_up",
]
