"""Public boards 诉求公示 and the evaluation of grids. Thin: the figures come from
``linli.cases.stats`` (the same functions the JSON API serves); this module only
arranges them for the page and draws the monthly chart as inline SVG."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import stats
from linli.cases.models import Campaign, Category, Clock, Status
from linli.org.models import Node, NodeKind

COLOUR_NAMES = {
    "green": _("Green"), "yellow": _("Yellow"), "red": _("Red"), "grey": _("Grey"), "none": _("No colour yet"),
}
COLOUR_HINTS = {
    "green": _("within 3 days"), "yellow": _("within a month"), "red": _("within 6 months"),
    "grey": _("longer, or cannot be solved"), "none": _("waiting for a plan"),
}
EVALUATION_KINDS = stats.EVALUATION_KINDS


def _board_node(code: str) -> Node:
    node = Node.objects.filter(code=code, kind__in=stats.BOARD_KINDS).first()
    if node is None:
        raise Http404
    return node


def _percent(rate) -> int | None:
    return None if rate is None else round(rate * 100)


def _nice_steps():
    scale = 1
    while True:
        for base in (1, 2, 5):
            yield base * scale
        scale *= 10


def trend_chart(monthly: list[dict]) -> dict:
    """Geometry of the monthly bar chart (reported vs finished), drawn by the template as SVG.
    Sized in a 320×180 viewBox so that labels stay legible on a 390 px phone."""
    width, height, left, right, top, bottom = 320, 180, 26, 4, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([m["reported"] for m in monthly] + [m["finished"] for m in monthly] + [1])
    step = next(s for s in _nice_steps() if -(-peak // s) <= 4)  # at most five gridlines
    ceiling = -(-peak // step) * step
    slot = plot_w / len(monthly)
    bar = slot * 0.36
    ticks = [{"y": round(top + plot_h - plot_h * v / ceiling, 1), "value": v} for v in range(0, ceiling + 1, step)]
    groups = []
    for i, m in enumerate(monthly):
        x0 = left + i * slot + (slot - 2 * bar - 2) / 2
        year, month = m["month"].split("-")
        groups.append({
            "month": m["month"], "label": str(int(month)),
            # The year under January, and under the first month unless January follows closely.
            "year": year if month == "01" or (i == 0 and int(month) <= 10) else "",
            "x_label": round(left + i * slot + slot / 2, 1),
            "reported": m["reported"], "finished": m["finished"],
            "r_x": round(x0, 1), "r_h": round(plot_h * m["reported"] / ceiling, 1),
            "f_x": round(x0 + bar + 2, 1), "f_h": round(plot_h * m["finished"] / ceiling, 1),
        })
    for g in groups:
        g["r_y"] = round(top + plot_h - g["r_h"], 1)
        g["f_y"] = round(top + plot_h - g["f_h"], 1)
    return {"width": width, "height": height, "left": left, "right": width - right, "base": top + plot_h,
            "bar": round(bar, 1), "ticks": ticks, "groups": groups, "label_y": top + plot_h + 13,
            "year_y": top + plot_h + 25, "empty": all(m["reported"] == 0 and m["finished"] == 0 for m in monthly)}


def _category_names() -> dict[str, str]:
    if (get_language() or "").startswith("en"):
        return {c: en or name for c, name, en in Category.objects.values_list("code", "name", "name_en")}
    return {}


def board_index(request):
    """Where to start: the districts, their streets, communities and compounds."""
    authz.require(request.user, "cases.board.view")
    nodes = list(Node.objects.filter(kind__in=stats.BOARD_KINDS).only("id", "code", "name", "kind", "parent_id", "path")
                 .order_by("path"))
    districts = []
    by_id = {}
    for n in nodes:
        n.below = []  # type: ignore[attr-defined]  # read by the template
        by_id[n.id] = n
        if n.kind == NodeKind.DISTRICT:
            districts.append(n)
        elif n.parent_id in by_id:
            by_id[n.parent_id].below.append(n)  # type: ignore[attr-defined]
    return render(request, "cases/board/index.html", {"districts": districts})


def board(request, code: str):
    """The public board of a compound, community, street or district (no login)."""
    node = _board_node(code)
    authz.require(request.user, "cases.board.view", node)
    figures = stats.board_figures(node=node)
    policy = None
    if node.kind == NodeKind.COMPOUND:
        from linli.cases.services import policy_for

        policy = policy_for(node)
    total = figures["total"]
    colours = []
    for key in stats.COLOUR_KEYS:
        n = figures["counts_by_colour"][key]
        label = COLOUR_NAMES[key]
        if policy is not None and key != "none" and getattr(policy, f"label_{key}", None):
            label = getattr(policy, f"label_{key}")
        # The durations hold for one policy: shown on a compound's board only.
        hint = COLOUR_HINTS[key] if policy is not None and not getattr(policy, f"label_{key}", None) else ""
        if key == "none":
            hint = COLOUR_HINTS[key]
        colours.append({"key": key, "label": label, "hint": hint, "n": n,
                        "share": round(100 * n / total, 1) if total else 0})
    offset = 0.0  # where each colour's stretch of the bar starts (an SVG rect's x)
    for c in colours:
        c["offset"], offset = offset, round(offset + c["share"], 1)
    statuses = [{"key": s, "label": Status(s).label, "n": figures["counts_by_status"][s]}
                for s in Status.values if figures["counts_by_status"][s]]
    clocks = [{"key": c, "label": Clock(c).label, **figures["on_time"][c], "percent": _percent(figures["on_time"][c]["rate"])}
              for c in Clock.values if figures["on_time"][c]["due"]]
    overall = stats.overall_on_time(figures["on_time"])
    names = _category_names()
    labels = {c["key"]: c["label"] for c in colours}
    recent = [{**r, "category": names.get(r["category_code"], r["category"]),
               "colour_label": labels[r["colour"] or "none"], "status_label": Status(r["status"]).label}
              for r in figures["recent"]]
    campaigns = list(Campaign.objects.filter(node__path__startswith=node.path).select_related("node")[:5])
    return render(request, "cases/board/board.html", {
        "node": node, "figures": figures, "ancestors": node.ancestors(), "children": stats.children_totals(node),
        "colours": colours, "statuses": statuses, "clocks": clocks, "overall": overall,
        "overall_percent": _percent(overall["rate"]),
        "satisfaction_percent": _percent(figures["satisfaction"]["rate"]),
        "chart": trend_chart(figures["monthly"]), "recent": recent, "policy": policy, "campaigns": campaigns,
        "may_evaluate": node.kind in EVALUATION_KINDS and authz.can(request.user, "cases.evaluation.view", node),
        "may_run_campaigns": authz.can(request.user, "cases.campaign.manage", node),
        "as_of": dt.datetime.fromisoformat(figures["generated_at"]),
    })


@login_required
def evaluation(request, code: str):
    """Ranking of grids and micro-grids of a street (or community) for supervisors."""
    node = Node.objects.filter(code=code, kind__in=EVALUATION_KINDS).first()
    if node is None:
        raise Http404
    authz.require(request.user, "cases.evaluation.view", node)
    period = request.GET.get("period", "")
    period = period if period in stats.EVALUATION_PERIODS else ""
    result = stats.evaluation(street=node, period=period or None)
    periods = [("", _("All time")), ("month", _("This month")), ("quarter", _("This quarter")),
               ("year", pgettext_lazy("period", "This year"))]
    for rows in (result["grids"], result["microgrids"]):
        for r in rows:
            r["on_time_percent"] = _percent(r["on_time"]["rate"])
            r["satisfaction_percent"] = _percent(r["satisfaction"]["rate"])
    tables = [(_("Grids"), result["grids"], _("Grid workers")),
              (_("Micro-grids"), result["microgrids"], _("Micro-grid leaders"))]
    return render(request, "cases/board/evaluation.html", {
        "node": node, "ancestors": node.ancestors(), "result": result, "tables": tables,
        "periods": periods, "period": period,
    })
