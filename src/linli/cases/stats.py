"""Figures of the public boards and of the evaluation of grids (issue 3 items 10 and 12).

The boards read the roll-ups (``linli.cases.rollups``: per-place counts kept in
the transaction of every change), so a district's board costs what its places
hold, not what its requests hold; ``board_figures_direct`` counts the same
figures afresh from the requests (the tests' oracle). Nothing is cached: a board
is always exactly what the database holds. The evaluation reads the rows the
workflow writes (``Case``, ``Deadline``, ``ReturnVisit``). The pages
(``board_views``), the JSON API and Open311 call these functions and nothing else.

Board contract (``board_figures(*, node, now=None) -> dict``), JSON-serialisable
(ints, floats or None for rates, ISO strings); keep it stable, the API serves it::

    {
      "node": {"code": "LJGG", "name": "丽晶公馆", "kind": "compound"},
      "generated_at": "2026-11-23T16:00:00+08:00",
      "total": 82,                       # requests (merged duplicates excluded)
      "open": 9,                         # not finished yet: status received … in_progress
      "finished": 70,                    # status done, visited or closed
      "me_too": 5,                       # "我也遇到了" rows on these requests (once per caller)
      "counts_by_colour": {"green": 55, "yellow": 15, "red": 12, "grey": 0, "none": 0},
      "counts_by_status": {"received": 1, …, "merged": 2},   # every status; merged counted here only
      "on_time": {"respond": {"due": 80, "met_on_time": 78, "rate": 0.975}, "on_site": …, "plan": …,
                  "finish": …, "return_visit": …, "progress": …},
      "satisfaction": {"rated": 60, "satisfied": 50, "basically": 8, "unsatisfied": 2, "rate": 0.967},
      "median_response_minutes": 4.0,    # received → accepted in whole minutes; None when nothing was accepted
      "monthly": [{"month": "2025-12", "reported": 3, "finished": 2}, … 12 months, oldest first],
      "recent": [{"category": "公共设施报修", "category_code": "repair", "place": "丽晶公馆 1栋",
                  "colour": "green", "status": "closed", "received_on": "2026-11-20", "me_too": 0}, … up to 10],
    }

Definitions (each is a direct count; ``tests/cases/test_boards.py`` checks them
against independent queries):

* The requests of a board are those whose place lies in the node's subtree
  (a compound, or rolled up over a community, street or district). A request
  merged into another is counted once, in the other: merged rows appear only in
  ``counts_by_status["merged"]``.
* A clock "was due" when its outcome is known at ``now``: it was met (at any
  time), or its due time has passed while it was still running (not met, and
  not cancelled before the due time). It was "met on time" when ``met_at <=
  due_at``. ``rate = met_on_time / due`` (None when nothing was due).
* Satisfaction is the request's latest rating: ``(satisfied + basically) /
  rated``.
* Months are calendar months in local time (Asia/Shanghai); "reported" counts
  ``received_at``, "finished" counts ``done_at`` in the month.
* ``recent`` is anonymised: category, a place no finer than the building,
  colour, status and date. No tracking code, name, phone or description
  (descriptions may name people).
"""
from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from linli.cases.models import (
    FIXED_STATUSES,
    ROLLUP_TOTALS,
    UNFIXED_STATUSES,
    BoardMonth,
    BoardResponse,
    BoardTotal,
    Case,
    CaseSupporter,
    Clock,
    Colour,
    Deadline,
    Rating,
    ReturnVisit,
    Status,
)
from linli.org.models import Node, NodeKind, Role, RoleAssignment, path_ids
from linli.org.selectors import public_places

# The places that have an evaluation page (pages and API).
EVALUATION_KINDS = (NodeKind.STREET, NodeKind.COMMUNITY)

BOARD_KINDS = (NodeKind.DISTRICT, NodeKind.STREET, NodeKind.COMMUNITY, NodeKind.COMPOUND)
COLOUR_KEYS = (*Colour.values, "none")
RECENT = 10
MONTHS = 12


# ---------------------------------------------------------------------------
# Building blocks (shared by the board and the evaluation)


def under(node: Node, prefix: str = "") -> Q:
    """Requests whose place lies in the node's subtree. Every request below a
    compound records that compound (``Case.compound``), so a compound's board
    goes through that indexed key rather than a LIKE on paths (which SQLite
    cannot serve from an index): it costs what the compound holds, not what
    its district holds (bench/board.py). Boards above compounds match by path
    (they read most of what the path matches anyway)."""
    if node.kind == NodeKind.COMPOUND:
        return Q(**{f"{prefix}compound": node})
    return Q(**{f"{prefix}node__path__startswith": node.path})


def requests_under(node: Node) -> QuerySet[Case]:
    """The requests of a board: place in the node's subtree, merged duplicates excluded."""
    return Case.objects.filter(under(node)).exclude(status=Status.MERGED)


def _due_q(now: dt.datetime) -> Q:
    running_at_due = Q(due_at__lte=now) & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=F("due_at")))
    return Q(met_at__isnull=False) | running_at_due


def _on_time_q() -> Q:
    return Q(met_at__isnull=False, met_at__lte=F("due_at"))


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def on_time_by_clock(deadlines: QuerySet[Deadline], now: dt.datetime) -> dict:
    rows: dict[str, Any] = {
        r["clock"]: r
        for r in deadlines.values("clock").annotate(
            due=Count("id", filter=_due_q(now)), met=Count("id", filter=_on_time_q())
        ).order_by()
    }
    out = {}
    for clock in Clock.values:
        due = rows.get(clock, {}).get("due", 0)
        met = rows.get(clock, {}).get("met", 0)
        out[clock] = {"due": due, "met_on_time": met, "rate": _rate(met, due)}
    return out


def satisfaction_of(cases: QuerySet[Case]) -> dict:
    agg = cases.aggregate(
        satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)),
        basically=Count("id", filter=Q(rating=Rating.BASICALLY)),
        unsatisfied=Count("id", filter=Q(rating=Rating.UNSATISFIED)),
    )
    rated = agg["satisfied"] + agg["basically"] + agg["unsatisfied"]
    return {"rated": rated, **agg, "rate": _rate(agg["satisfied"] + agg["basically"], rated)}


def _median_response_minutes(cases: QuerySet[Case]) -> float | None:
    """Received → accepted in whole minutes (rounded down), the median of those."""
    pairs = cases.filter(accepted_at__isnull=False).values_list("received_at", "accepted_at")
    minutes = [(accepted - received) // dt.timedelta(minutes=1) for received, accepted in pairs]  # type: ignore[operator]
    return round(float(statistics.median(minutes)), 1) if minutes else None


def month_starts(now: dt.datetime, months: int = MONTHS) -> list[dt.date]:
    """The first days of the last ``months`` calendar months (local time), oldest first."""
    today = timezone.localtime(now).date()
    y, m = today.year, today.month
    out = []
    for _i in range(months):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _monthly(cases: QuerySet[Case], now: dt.datetime) -> list[dict]:
    tz = timezone.get_current_timezone()
    starts = month_starts(now)
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time(0)), tz)

    def per_month(field: str) -> dict[str, int]:
        rows = (
            cases.filter(**{f"{field}__gte": since, f"{field}__lte": now})
            .annotate(m=TruncMonth(field, tzinfo=tz)).values("m").annotate(n=Count("id")).order_by()
        )
        out: dict[str, int] = {}
        for r in rows:
            key = timezone.localtime(r["m"], tz).strftime("%Y-%m") if isinstance(r["m"], dt.datetime) \
                else r["m"].strftime("%Y-%m")
            out[key] = out.get(key, 0) + r["n"]
        return out

    reported, finished = per_month("received_at"), per_month("done_at")
    return [
        {"month": s.strftime("%Y-%m"), "reported": reported.get(s.strftime("%Y-%m"), 0),
         "finished": finished.get(s.strftime("%Y-%m"), 0)}
        for s in starts
    ]


def _recent(cases: QuerySet[Case]) -> list[dict]:
    """The latest requests (a LIMIT on the index of ``received_at``); their "我也遇到了"
    counts in a second query, so that no count runs over the whole board."""
    rows = list(
        cases.select_related("category", "node").only(
            "id", "colour", "status", "received_at", "category__name", "category__code", "node__path", "node__name",
            "node__kind",
        ).order_by("-received_at", "-id")[:RECENT]
    )
    me_too = dict(CaseSupporter.objects.filter(case_id__in=[c.id for c in rows]).values("case_id")
                  .annotate(n=Count("id")).order_by().values_list("case_id", "n"))
    places = public_places([c.node for c in rows])
    return [
        {"category": c.category.name, "category_code": c.category.code, "place": places[c.node.id].name,
         "colour": c.colour or None, "status": c.status,
         "received_on": timezone.localtime(c.received_at).date().isoformat(), "me_too": me_too.get(c.id, 0)}
        for c in rows
    ]


def node_info(node: Node) -> dict:
    return {"code": node.code, "name": node.name, "kind": node.kind}


# ---------------------------------------------------------------------------
# The board


def board_figures(*, node: Node, now: dt.datetime | None = None) -> dict:
    """All figures of the public board of ``node`` (see the module docstring for the
    contract), read from the roll-ups (``linli.cases.rollups``): a few rows per
    place under the node, whatever the number of requests. Equal to
    ``board_figures_direct`` for any ``now`` not before the last change."""
    now = now or timezone.now()
    if node.kind == NodeKind.COMPOUND:
        totals_qs = BoardTotal.objects.filter(place_id=node.pk)
        months_qs = BoardMonth.objects.filter(place_id=node.pk)
    else:
        totals_qs = BoardTotal.objects.filter(path__startswith=node.path)
        months_qs = BoardMonth.objects.filter(path__startswith=node.path)
    row = totals_qs.aggregate(**{c: Sum(c) for c in ROLLUP_TOTALS})
    t = {c: row[c] or 0 for c in ROLLUP_TOTALS}

    by_status = {s: t[f"st_{s}"] for s in Status.values}
    by_colour = {k: t[f"col_{k}"] for k in COLOUR_KEYS}
    total = sum(n for s, n in by_status.items() if s != Status.MERGED)

    # Settled clocks from the roll-ups; running clocks past their due time (not yet swept) live.
    running = (
        Deadline.objects.filter(met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now)
        .filter(under(node, "case__")).exclude(case__status=Status.MERGED)
        .values("clock").annotate(n=Count("id")).order_by()
    )
    live = {r["clock"]: r["n"] for r in running}
    on_time = {}
    for clock in Clock.values:
        due, met = t[f"due_{clock}"] + live.get(clock, 0), t[f"met_{clock}"]
        on_time[clock] = {"due": due, "met_on_time": met, "rate": _rate(met, due)}

    ratings = {r: t[f"rt_{r}"] for r in Rating.values}
    rated = sum(ratings.values())
    satisfaction = {"rated": rated, **ratings, "rate": _rate(ratings["satisfied"] + ratings["basically"], rated)}

    starts = month_starts(now)
    per_month: dict[dt.date, Any] = {
        r["month"]: r for r in months_qs.filter(month__gte=starts[0], month__lte=starts[-1])
        .values("month").annotate(reported=Sum("reported"), finished=Sum("finished")).order_by()
    }
    monthly = [{"month": s.strftime("%Y-%m"), "reported": per_month.get(s, {}).get("reported") or 0,
                "finished": per_month.get(s, {}).get("finished") or 0} for s in starts]

    return {
        "node": node_info(node),
        "generated_at": timezone.localtime(now).isoformat(),
        "total": total,
        "open": sum(by_status[s] for s in UNFIXED_STATUSES),
        "finished": sum(by_status[s] for s in FIXED_STATUSES),
        "me_too": t["me_too"],
        "counts_by_colour": by_colour,
        "counts_by_status": by_status,
        "on_time": on_time,
        "satisfaction": satisfaction,
        "median_response_minutes": _median_of_histogram(
            BoardResponse.objects.filter(node_id=node.pk, n__gt=0).order_by("minute").values_list("minute", "n")),
        "monthly": monthly,
        "recent": _recent(requests_under(node)),
    }


def _median_of_histogram(rows) -> float | None:
    """The median of a histogram ``(minute, count)`` in minute order (as ``statistics.median``)."""
    counts = list(rows)
    n = sum(c for _m, c in counts)
    if not n:
        return None
    lo, hi = (n - 1) // 2, n // 2
    low = high = None
    seen = 0
    for minute, c in counts:
        if low is None and lo < seen + c:
            low = minute
        if hi < seen + c:
            high = minute
            break
        seen += c
    return round((low + high) / 2, 1)  # type: ignore[operator]


def board_figures_direct(*, node: Node, now: dt.datetime | None = None) -> dict:
    """The board counted afresh from every request under the node (what the roll-ups
    replace): the oracle of the roll-up tests and of ``linli rollups --check``."""
    now = now or timezone.now()
    subtree = under(node)
    everything = Case.objects.filter(subtree)
    cases = everything.exclude(status=Status.MERGED)

    by_status = {s: 0 for s in Status.values}
    for r in everything.values("status").annotate(n=Count("id")).order_by():
        by_status[r["status"]] = r["n"]
    by_colour = {k: 0 for k in COLOUR_KEYS}
    for rc in cases.values("colour").annotate(n=Count("id")).order_by():
        by_colour[rc["colour"] or "none"] += rc["n"]

    total = sum(n for s, n in by_status.items() if s != Status.MERGED)
    deadlines = Deadline.objects.filter(under(node, "case__")).exclude(case__status=Status.MERGED)
    return {
        "node": node_info(node),
        "generated_at": timezone.localtime(now).isoformat(),
        "total": total,
        "open": sum(by_status[s] for s in UNFIXED_STATUSES),
        "finished": sum(by_status[s] for s in FIXED_STATUSES),
        # "我也遇到了": neighbours who joined a request instead of reporting it again.
        "me_too": CaseSupporter.objects.filter(case__in=cases).count(),
        "counts_by_colour": by_colour,
        "counts_by_status": by_status,
        "on_time": on_time_by_clock(deadlines, now),
        "satisfaction": satisfaction_of(cases),
        "median_response_minutes": _median_response_minutes(cases),
        "monthly": _monthly(cases, now),
        "recent": _recent(cases),
    }


def overall_on_time(on_time: dict) -> dict:
    """All clocks together (the headline figure of a board)."""
    due = sum(v["due"] for v in on_time.values())
    met = sum(v["met_on_time"] for v in on_time.values())
    return {"due": due, "met_on_time": met, "rate": _rate(met, due)}


def children_totals(node: Node) -> list[dict]:
    """The boards one level down (communities of a street, compounds of a community …)
    with their request totals and open counts, in two queries (the second over the roll-ups)."""
    below: dict[str, str] = {
        NodeKind.DISTRICT: NodeKind.STREET, NodeKind.STREET: NodeKind.COMMUNITY, NodeKind.COMMUNITY: NodeKind.COMPOUND,
    }
    child_kind = below.get(node.kind)
    if child_kind is None:
        return []
    children = list(Node.objects.filter(parent=node, kind=child_kind).order_by("name", "id"))
    if not children:
        return []
    totals = {c.id: {"total": 0, "open": 0} for c in children}
    depth = len(path_ids(node.path))
    cols = [f"st_{st}" for st in Status.values if st != Status.MERGED]
    for path, *counts in BoardTotal.objects.filter(path__startswith=node.path).values_list("path", *cols):
        ids = path_ids(path)
        child = ids[depth] if len(ids) > depth else None
        if child in totals:
            row = dict(zip(cols, counts, strict=True))
            totals[child]["total"] += sum(counts)
            totals[child]["open"] += sum(row[f"st_{st}"] for st in UNFIXED_STATUSES)
    return [{"node": c, **totals[c.id]} for c in children]


# ---------------------------------------------------------------------------
# Evaluation of grids and micro-grid leaders (seed 004: 示范网格, 优秀微网格长)

MIN_HANDLED = 5


def _score(on_time_rate, satisfaction_rate) -> float | None:
    rates = [r for r in (on_time_rate, satisfaction_rate) if r is not None]
    return round(100 * sum(rates) / len(rates), 1) if rates else None


def _rank(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["handled"], r["node"]["name"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def _empty_row() -> dict:
    return {"received": 0, "handled": 0, "return_visits": 0, "due": 0, "met_on_time": 0,
            "satisfied": 0, "basically": 0, "unsatisfied": 0}


def _finish_row(node: Node, people: list[str], counts: dict, community: str) -> dict:
    rated = counts["satisfied"] + counts["basically"] + counts["unsatisfied"]
    on_time = {"due": counts["due"], "met_on_time": counts["met_on_time"],
               "rate": _rate(counts["met_on_time"], counts["due"])}
    satisfaction = {"rated": rated, "satisfied": counts["satisfied"], "basically": counts["basically"],
                    "unsatisfied": counts["unsatisfied"],
                    "rate": _rate(counts["satisfied"] + counts["basically"], rated)}
    return {
        "node": node_info(node), "community": community, "people": people,
        "received": counts["received"], "handled": counts["handled"], "return_visits": counts["return_visits"],
        "on_time": on_time, "satisfaction": satisfaction, "score": _score(on_time["rate"], satisfaction["rate"]),
    }


EVALUATION_PERIODS = ("month", "quarter", "year")


def period_start(period: str, now: dt.datetime) -> dt.datetime:
    """The local midnight starting the month, quarter or year that holds ``now``."""
    local = timezone.localtime(now)
    month = {"month": local.month, "quarter": 3 * ((local.month - 1) // 3) + 1, "year": 1}[period]
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def evaluation(*, street: Node, now: dt.datetime | None = None, min_handled: int = MIN_HANDLED,
               period: str | None = None) -> dict:
    """Per grid and per micro-grid under ``street`` (a street, or a community):
    requests received, handled (done, visited or closed), on-time rate over all
    clocks, satisfaction, return visits made; ranked by score.

    A request belongs to the micro-grid recorded on it when it was created
    (``Case.microgrid``) and, through it, to that micro-grid's grid. The score
    is the mean of the on-time rate and the satisfaction rate (× 100; the one
    that exists when the other does not). Ranking: score, then handled, then
    name. The demonstration grid 示范网格 and the excellent micro-grid leader
    优秀微网格长 are the top of each ranking among those with at least
    ``min_handled`` handled requests and a named person (grid worker, micro-grid
    leader) to honour; None when nobody qualifies. ``period`` ("month",
    "quarter", "year") counts only the requests received since the start of
    the current one; None counts all.
    """
    now = now or timezone.now()
    microgrids = list(Node.objects.filter(path__startswith=street.path, kind=NodeKind.MICROGRID).order_by("path"))
    grids = list(Node.objects.filter(path__startswith=street.path, kind=NodeKind.GRID).order_by("path"))
    communities = {n.id: n.name for n in Node.objects.filter(path__startswith=street.path, kind=NodeKind.COMMUNITY)}
    counts: dict[int | None, dict[str, Any]] = {m.id: _empty_row() for m in microgrids}

    cases = Case.objects.filter(microgrid__in=[m.id for m in microgrids]).exclude(status=Status.MERGED)
    since = period_start(period, now) if period else None
    if since is not None:
        cases = cases.filter(received_at__gte=since, received_at__lte=now)
    for r in cases.values("microgrid").annotate(
        received=Count("id"), handled=Count("id", filter=Q(status__in=FIXED_STATUSES)),
        satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)),
        basically=Count("id", filter=Q(rating=Rating.BASICALLY)),
        unsatisfied=Count("id", filter=Q(rating=Rating.UNSATISFIED)),
    ).order_by():
        counts[r["microgrid"]].update({k: r[k] for k in ("received", "handled", "satisfied", "basically", "unsatisfied")})
    deadlines = Deadline.objects.filter(case__in=cases)
    for rd in deadlines.values("case__microgrid").annotate(
        due=Count("id", filter=_due_q(now)), met=Count("id", filter=_on_time_q())
    ).order_by():
        counts[rd["case__microgrid"]].update({"due": rd["due"], "met_on_time": rd["met"]})
    for rv in ReturnVisit.objects.filter(case__in=cases).values("case__microgrid").annotate(n=Count("id")).order_by():
        counts[rv["case__microgrid"]]["return_visits"] = rv["n"]

    people: dict[int, list[str]] = {}
    for ra in RoleAssignment.objects.filter(
        node__path__startswith=street.path, role__in=(Role.MICROGRID_LEADER, Role.GRID_WORKER), person__is_active=True,
    ).select_related("person").order_by("person__real_name", "person__username"):
        people.setdefault(ra.node_id, []).append(str(ra.person))

    def community_of(n: Node) -> str:
        return next((communities[i] for i in n.ancestor_ids() if i in communities), "")

    micro_rows = [_finish_row(m, people.get(m.id, []), counts[m.id], community_of(m)) for m in microgrids]
    grid_rows = []
    for g in grids:
        total = _empty_row()
        for m in microgrids:
            if m.parent_id == g.id:
                for k in total:
                    total[k] += counts[m.id][k]
        grid_rows.append(_finish_row(g, people.get(g.id, []), total, community_of(g)))
    grid_rows, micro_rows = _rank(grid_rows), _rank(micro_rows)

    def top(rows):
        # Only a place with a named person can win: a title goes to someone.
        return next((r for r in rows if r["handled"] >= min_handled and r["score"] is not None and r["people"]),
                    None)

    return {
        "node": node_info(street),
        "generated_at": timezone.localtime(now).isoformat(),
        "min_handled": min_handled,
        "period": period or "",
        "since": timezone.localtime(since).isoformat() if since else None,
        "grids": grid_rows,
        "microgrids": micro_rows,
        "demonstration_grid": top(grid_rows),
        "excellent_microgrid": top(micro_rows),
    }


# ---------------------------------------------------------------------------
# Inspection campaigns 问题大家找·整改我来办 (seed 000)


def campaign_problems(campaign, now: dt.datetime | None = None) -> list[dict]:
    """The problems found in a campaign, for its public page: category, place (no
    finer than the building), responsible party, measure, deadline, status,
    whether fixed and whether overdue. Two queries."""
    now = now or timezone.now()
    cases = list(
        Case.objects.filter(campaign=campaign).exclude(status=Status.MERGED).select_related("category", "node")
        .order_by("received_at", "id")
    )
    # The deadline promised when the problem was registered (the first finish clock).
    due: dict[int, dt.datetime] = {}
    for d in Deadline.objects.filter(case__in=[c.id for c in cases], clock=Clock.FINISH, cancelled_at__isnull=True) \
            .order_by("started_at", "id"):
        due.setdefault(d.case_id, d.due_at)
    places = public_places([c.node for c in cases])
    out = []
    for c in cases:
        fixed = c.status in FIXED_STATUSES
        due_at = due.get(c.id)
        out.append({
            "category": c.category.name, "category_code": c.category.code, "place": places[c.node.id].name,
            "responsible": c.responsible, "measure": c.plan, "status": c.status, "fixed": fixed,
            "due_on": timezone.localtime(due_at).date().isoformat() if due_at else None,
            "fixed_on": timezone.localtime(c.done_at).date().isoformat() if fixed and c.done_at else None,
            "overdue": bool(due_at and not fixed and due_at < now),
            "found_on": timezone.localtime(c.received_at).date().isoformat(),
        })
    return out
