"""Everything that writes resident requests, one module per topic.

Each transition is one ``@transaction.atomic`` service: it locks the request
(``locks.case_lock``), asks the authorisation function, checks the status,
writes the change and one ``CaseEvent``, meets/starts clocks, and queues
notifications after commit. Pages, the JSON API and Open311 call these and
nothing else.

- ``intake``: ``case_create`` and the contact-phone rule;
- ``transitions``: what every transition shares (lock, the check against the
  action table ``cases/actions.py``, the event);
- ``workflow``: accept, dispatch, plan, finish, visit, close, reopen, merge, …;
- ``deadlines``: starting, meeting and cancelling clocks;
- ``escalation``: the chain, ``breach`` (the worker's one write) and acknowledging;
- ``policies``: a place's compound, micro-grid and time-limit policy;
- ``photos``, ``campaigns``, ``notifications``.

Clocks: ``respond``, ``on_site`` and ``plan`` start at ``received_at``;
``finish`` starts when a colour is chosen and counts from ``received_at`` (a
green request is finished within 3 days of the report); ``progress`` (red and
grey) from the plan, again after each report; ``return_visit`` from done.
A clock met late is breached in the same transaction as it is met, by the
same code the worker uses, so each breach is recorded exactly once.
"""
from __future__ import annotations

from linli.cases.services.campaigns import campaign_add_problem, campaign_create, campaign_participant_add
from linli.cases.services.escalation import ChainLevel, breach, escalation_acknowledge, escalation_chain
from linli.cases.services.intake import (
    EARLIEST_RECEIVED,
    MOBILE_RE,
    PHONE_RE,
    case_create,
    check_due_at,
    check_received_at,
    clean_text,
    client_scope,
    normalise_phone,
)
from linli.cases.services.notifications import case_updates_set, notification_mark_read, notifications_mark_all_read
from linli.cases.services.photos import AFTER_PHOTO_STATUSES, case_add_photos
from linli.cases.services.policies import place_of, policy_assign, policy_for
from linli.cases.services.privacy import case_contacts_erase
from linli.cases.services.supporters import AlreadySupported, case_support
from linli.cases.services.transitions import CaseStateError, action_spec, transition_possible
from linli.cases.services.workflow import (
    case_accept,
    case_arrive,
    case_close,
    case_declare_unsolvable,
    case_dispatch,
    case_finish,
    case_match_helper,
    case_merge,
    case_plan,
    case_progress,
    case_reclassify,
    case_reopen,
    case_send_back,
    case_supervise,
    case_transfer,
    case_visit,
)

__all__ = [
    "AFTER_PHOTO_STATUSES", "AlreadySupported", "case_support", "EARLIEST_RECEIVED", "MOBILE_RE", "PHONE_RE",
    "CaseStateError", "ChainLevel", "action_spec", "breach",
    "campaign_add_problem", "campaign_create", "campaign_participant_add", "case_accept", "case_add_photos",
    "case_arrive", "case_close", "case_contacts_erase", "case_create", "case_declare_unsolvable", "case_dispatch",
    "case_finish", "case_match_helper", "case_merge", "case_plan", "case_progress", "case_reclassify", "case_reopen",
    "case_send_back", "case_supervise", "case_updates_set", "case_transfer", "case_visit", "check_due_at",
    "check_received_at", "clean_text", "client_scope",
    "escalation_acknowledge", "escalation_chain",
    "normalise_phone", "notification_mark_read", "notifications_mark_all_read", "place_of", "policy_assign",
    "policy_for", "transition_possible",
]
