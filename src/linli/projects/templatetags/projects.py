"""Template helpers of the projects app: money in yuan, and the "施工监督" button the
stairwell QR pages of a compound show while one of its projects is under
construction (the cases template loads this library; cases imports nothing of
projects)."""
from __future__ import annotations

from django import template

from linli import authz
from linli.projects import selectors
from linli.projects.models import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    return _yuan(fen if isinstance(fen, int) else 0)


@register.inclusion_tag("projects/_supervise_button.html", takes_context=True)
def supervision_button(context, node):
    project = selectors.running_project(node)
    if project is None or not authz.can(context.get("user"), "projects.problem.report", project):
        return {"project": None}
    return {"project": project, "node": node}
