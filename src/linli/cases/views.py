"""Pages of resident requests. Thin: parse, call one service or selector, render."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from linli.org import selectors as org_selectors
from linli.org.models import NodeKind

INTAKE_KINDS = {NodeKind.UNIT, NodeKind.BUILDING, NodeKind.HOUSEHOLD, NodeKind.COMPOUND}


def _intake_node(code: str):
    node = org_selectors.node_by_code(code)
    if node is None or node.kind not in INTAKE_KINDS:
        raise Http404
    return node


def qr_entry(request, code: str):
    """The page a resident's phone opens from the QR code in the stairwell."""
    node = _intake_node(code)
    return render(request, "cases/intake.html", {"node": node, "compound": node.ancestor_of_kind(NodeKind.COMPOUND)})


def case_track(request, code: str):
    """The resident's tracking page (placeholder until the pages land)."""
    from linli.cases import selectors

    case = selectors.case_by_tracking_code(code)
    return render(request, "cases/track.html", {"case": case})


def case_detail(request, pk: int):
    from linli.cases import selectors

    case = selectors.case_get(viewer=request.user, pk=pk)
    return render(request, "cases/detail.html", {"case": case})
