"""Reads of compound money and reports that depend on the viewer."""
from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.disclosure.accounting import cash_account_code, quarter_range
from linli.disclosure.models import (
    EXPENSE_KINDS,
    INCOME_KINDS,
    Budget,
    FeeFigures,
    MoneyEntry,
    MoneyKind,
    Report,
    ReportKind,
    ReportState,
)
from linli.disclosure.models import yuan as fmt


def totals_by_kind(compound, start=None, end=None) -> dict[str, int]:
    qs = MoneyEntry.objects.filter(compound=compound)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lt=end)
    return {row["kind"]: row["t"] for row in qs.values("kind").annotate(t=Sum("amount"))}


def _net(totals: dict[str, int]) -> int:
    return sum(v for k, v in totals.items() if k in INCOME_KINDS) - sum(v for k, v in totals.items() if k in EXPENSE_KINDS)


def finance_data(compound, year: int, quarter: int) -> dict:
    """The figures of a 收支季报: every income and expense line of the quarter,
    fee collection, and the balance carried forward."""
    start, end = quarter_range(year, quarter)
    totals = totals_by_kind(compound, start, end)
    opening = _net(totals_by_kind(compound, None, start))
    # Lines carry codes, never labels: a label is rendered in the reader's language
    # (``line_label``), so a report frozen from an English browser still reads in Chinese.
    lines = []
    for section, kinds in (("income", INCOME_KINDS), ("expense", EXPENSE_KINDS)):
        for kind in kinds:
            lines.append({"key": kind, "section": section, "value": totals.get(kind, 0)})
    income = sum(totals.get(k, 0) for k in INCOME_KINDS)
    expense = sum(totals.get(k, 0) for k in EXPENSE_KINDS)
    fig = FeeFigures.objects.filter(compound=compound, year=year, quarter=quarter).first()
    fees = None
    if fig:
        fees = {"due": fig.due, "received": fig.received, "prepaid": fig.prepaid, "owed": fig.owed,
                "rate": fig.collection_rate}
        for key in ("due", "prepaid", "owed"):
            lines.append({"key": f"fees_{key}", "section": "fees", "value": fees[key]})
    return {"lines": lines, "income": income, "expense": expense, "opening": opening,
            "closing": opening + income - expense, "fees": fees}


def service_data(report) -> dict:
    """Works done: the requests of the compound finished in the quarter (drawn from
    the cases app, named by category and building only), then manual entries."""
    from linli.cases import selectors as case_selectors
    from linli.org import selectors as org_selectors

    start, end = quarter_range(report.year, report.quarter)
    lines = []
    cases = list(case_selectors.finished_between(compound=report.compound, start=start, end=end))
    places = org_selectors.public_places([c.node for c in cases], within=report.compound)
    for case in cases:
        done = timezone.localtime(case.done_at).date()
        lines.append({"key": f"case-{case.tracking_code}", "section": "cases",
                      "label": f"{case.category.name} · {places[case.node.pk].name}",
                      "value": str(done), "note": (case.plan or "")[:200]})
    lines += [{"key": f"work-{i}", "section": "works", "label": w["title"], "value": w.get("date", ""),
               "note": w.get("note", "")} for i, w in enumerate(report.works, start=1)]
    return {"lines": lines, "cases_finished": sum(1 for line in lines if line["section"] == "cases")}


def report_live_data(report) -> dict:
    if report.kind == ReportKind.FINANCE:
        return finance_data(report.compound, report.year, report.quarter)
    return service_data(report)


def report_data(report) -> dict:
    """Frozen figures of a published report; live figures of a draft."""
    return report.data if report.state == ReportState.PUBLISHED else report_live_data(report)


def reports_visible(*, viewer, compound):
    qs = Report.objects.filter(compound=compound).select_related("compound")
    if authz.can(viewer, "disclosure.report.view_draft", compound):
        return qs
    return qs.filter(state=ReportState.PUBLISHED)


def can_see_report(viewer, report) -> bool:
    if report.state == ReportState.PUBLISHED:
        return authz.can(viewer, "disclosure.report.view", report)
    return authz.can(viewer, "disclosure.report.view_draft", report.compound)


def latest_version(report) -> bool:
    return not Report.objects.filter(previous=report).exists()


def budget_vs_actual(compound, year: int) -> list[dict]:
    import datetime as dt

    budgets = {b.kind: b.amount for b in Budget.objects.filter(compound=compound, year=year)}
    actual = totals_by_kind(compound, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    rows = []
    for kind in list(INCOME_KINDS) + list(EXPENSE_KINDS):
        b, a = budgets.get(kind), actual.get(kind, 0)
        if b is None and not a:
            continue
        pct = None if not b else (a * 100 + b // 2) // b
        rows.append({"kind": kind, "label": MoneyKind(kind).label, "income": kind in INCOME_KINDS, "budget": b,
                     "actual": a, "pct": pct, "budget_yuan": fmt(b), "actual_yuan": fmt(a), "over": kind in EXPENSE_KINDS and b is not None and a > b})
    return rows


def objections_open(report):
    return report.objections.filter(answered_at__isnull=True)


def money_years(compound) -> list[int]:
    years = {d.year for d in MoneyEntry.objects.filter(compound=compound).dates("date", "year")}
    years |= set(Budget.objects.filter(compound=compound).values_list("year", flat=True))
    return sorted(years, reverse=True)


MONEY_YEARS = (2000, 2100)


def money_year(compound, year: int | None = None) -> int:
    """The year a money page shows: the one asked for (2000 to 2100), else the latest
    with entries or a budget, else this year."""
    if year and MONEY_YEARS[0] <= year <= MONEY_YEARS[1]:
        return year
    years = money_years(compound)
    return years[0] if years else timezone.localdate().year


def cash_account_of(compound):
    """The compound's public cash account, or None before its first entry: reading
    never opens it (services.cash_account does, when money is recorded)."""
    from linli.ledger.models import Account

    return Account.objects.filter(code=cash_account_code(compound)).first()


def money_overview(compound, year: int | None = None) -> dict:
    """What the money page and GET /compounds/{code}/money show, to anyone who may
    see the compound's money: the year's entries (at most 300), the balance of every
    entry, the totals per kind, budget against actual, fee figures and the cash account.
    Reads only."""
    year = money_year(compound, year)
    totals = totals_by_kind(compound)
    entries = MoneyEntry.objects.filter(compound=compound, date__year=year).select_related("corrects", "corrected_by")
    return {
        "year": year, "years": money_years(compound), "entries": list(entries[:300]), "totals": totals,
        "balance": _net(totals), "cash": cash_account_of(compound),
        "budget_rows": budget_vs_actual(compound, year),
        "fees": list(FeeFigures.objects.filter(compound=compound, year=year).order_by("quarter")),
    }


def compound_money_visible(viewer, compound) -> bool:
    return authz.can(viewer, "disclosure.money.view", compound)


FEE_LINE_LABELS = {
    "fees_due": _("Property fees due"),
    "fees_prepaid": _("Property fees prepaid"),
    "fees_owed": _("Property fees owed"),
}


def line_label(line: dict) -> str:
    """The label of a report line in the active language: from its code for the money
    and fee lines of a finance report; a service report's lines (works, finished
    requests) carry their own text."""
    key = line.get("key", "")
    if key in MoneyKind.values:  # service lines are keyed case-… and work-…
        return str(MoneyKind(key).label)
    if key in FEE_LINE_LABELS:
        return str(FEE_LINE_LABELS[key])
    return line.get("label", key)


def labelled(data: dict) -> dict:
    """A copy of report figures whose lines carry labels in the reader's language (pages, API, exports)."""
    return dict(data, lines=[dict(ln, label=line_label(ln)) for ln in data.get("lines", [])])


def present(report, data: dict) -> dict:
    """The report figures with labels and yuan texts for templates (a copy; frozen data is untouched)."""
    finance = report.kind == ReportKind.FINANCE
    out = labelled(data)
    out["lines"] = [dict(ln, yuan=fmt(ln["value"]) if finance else ln["value"]) for ln in out["lines"]]
    if finance:
        for key in ("income", "expense", "opening", "closing"):
            out[f"{key}_yuan"] = fmt(data[key])
        if data.get("fees"):
            out["fees_received_yuan"] = fmt(data["fees"]["received"])
    return out


def present_changes(report) -> list[dict]:
    finance = report.kind == ReportKind.FINANCE
    show = (lambda v: fmt(v) if v is not None else "") if finance else (lambda v: v or "")
    return [dict(c, label=line_label(c), before_text=show(c["before"]), after_text=show(c["after"]))
            for c in report.changes or []]


def line_labels(data: dict) -> dict[str, str]:
    return {ln["key"]: line_label(ln) for ln in data.get("lines", [])}


def funds_supervised(*, viewer) -> list:
    """The funds whose spending the viewer approves (one row per fund and level),
    for the start page. Fund pages are public: listing one's own rows needs no rule."""
    from linli.disclosure.models import Supervisor

    if viewer is None or not viewer.is_authenticated:
        return []
    return list(Supervisor.objects.filter(person=viewer).select_related("fund", "fund__node")
                .order_by("fund__node__path", "fund__code", "level"))
