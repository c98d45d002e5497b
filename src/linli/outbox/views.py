"""The staff page of outgoing messages. Thin: ask authz, read through the selectors, render."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from linli import authz
from linli.outbox import selectors
from linli.outbox.channels import channels, mask_email
from linli.outbox.models import MessageState


@login_required
def message_list(request):
    authz.require(request.user, selectors.VIEW)
    state = request.GET.get("state", "")
    state = state if state in MessageState.values else ""
    known = channels()
    rows = []
    for m in selectors.message_list(viewer=request.user, state=state):
        channel = known.get(m.channel)
        rows.append({"message": m, "address": channel.mask(m.address) if channel else mask_email(m.address)})
    counts = selectors.message_counts(viewer=request.user)
    states = [{"value": value, "label": label, "n": counts[value]} for value, label in MessageState.choices]
    return render(request, "outbox/list.html", {"rows": rows, "states": states, "state": state})
