"""Reads of the outbox, with the viewer's scope applied once here."""
from __future__ import annotations

from django.db.models import Count

from linli import authz
from linli.outbox.models import MessageState, OutboxMessage

VIEW = "outbox.message.view"


def messages_visible(*, viewer):
    """The messages about places where ``viewer`` may see outgoing messages (superusers: all)."""
    return authz.filter_visible(OutboxMessage.objects.all(), viewer, VIEW, node_field="node")


def message_list(*, viewer, state: str = "", limit: int = 200) -> list[OutboxMessage]:
    qs = messages_visible(viewer=viewer).select_related("node")
    if state in MessageState.values:
        qs = qs.filter(state=state)
    return list(qs.order_by("-created_at", "-id")[:limit])


def message_counts(*, viewer) -> dict[str, int]:
    """How many visible messages are in each state (every state present, 0 if none)."""
    counts = dict.fromkeys(MessageState.values, 0)
    for row in messages_visible(viewer=viewer).values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts
