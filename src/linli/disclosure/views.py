"""Compound money pages and quarterly reports. Thin: parse, call one service or
selector, render; permissions are decided by linli.authz."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.disclosure import forms, selectors, services
from linli.disclosure.models import MoneyEntry, Objection, Report, ReportState
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.org.models import Node
from linli.tabular import ImportRejected, csv_text, read_upload, xlsx_bytes


def _compound(code: str) -> Node:
    node = services.compound_by_code(code)
    if node is None:
        raise Http404
    return node


def refuse_nul(request) -> None:
    """A NUL character in a form field cannot be stored (PostgreSQL refuses it): bad input, not a 500."""
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        raise InvalidInput("disclosure.nul", _("The request contains a NUL character."))


def _action(back):
    """POST-only action: a refused request (bad input, wrong state) comes back as a
    message on the page it was sent from; NotAllowed stays a 403."""
    def deco(view):
        @require_POST
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                refuse_nul(request)
                view(request, *args, **kwargs)
            except NotAllowed:
                raise
            except DomainError as exc:
                messages.error(request, str(exc.message))
            return redirect(back(*args, **kwargs))
        return wrapper
    return deco


def _form_key(request, scope: str) -> str | None:
    """The form's one-time key (a hidden field): sending the same form twice
    records it once; None when the form has none."""
    return services.client_key(scope, request.user, request.POST.get("key"))


def new_form_key() -> str:
    import uuid

    return uuid.uuid4().hex


# --- money ------------------------------------------------------------------------

def money_page(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.money.view", compound)
    try:
        asked = int(request.GET.get("year") or 0)
    except ValueError:
        asked = None
    money = selectors.money_overview(compound, asked)  # reads only: no account is opened here
    year = money["year"]
    may_enter = authz.can(request.user, "disclosure.money.enter", compound)
    may_budget = authz.can(request.user, "disclosure.budget.edit", compound)
    return render(request, "disclosure/money.html", {
        "compound": compound, "year": year, "years": money["years"], "entries": money["entries"],
        "balance": selectors.fmt(money["balance"]), "cash": money["cash"],
        "budget_rows": money["budget_rows"], "fees": money["fees"],
        "may_enter": may_enter, "may_budget": may_budget,
        "entry_form": forms.EntryForm() if may_enter else None,
        "import_form": forms.ImportForm() if may_enter else None,
        "fees_form": forms.FeesForm(initial={"year": year}) if may_enter else None,
        "budget_form": forms.BudgetForm(initial={"year": year}) if may_budget else None,
        "columns": services.IMPORT_COLUMNS, "form_key": new_form_key(),
    })


def _money(code, *args, **kwargs):
    from django.urls import reverse

    return reverse("disclosure_money", args=[code])


@_action(_money)
def money_entry_add(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.money.enter", compound)
    form = forms.EntryForm(request.POST, request.FILES)
    if not form.is_valid():
        raise services.InvalidInput("form", "；".join(str(e) for errs in form.errors.values() for e in errs))
    d = form.cleaned_data
    services.money_entry_create(compound=compound, kind=d["kind"], date=d["date"], amount=services.parse_amount(d["amount"]),
                                memo=d["memo"], voucher=d.get("voucher"), by=request.user,
                                key=_form_key(request, compound.code))
    messages.success(request, _("Entry recorded and posted to the public ledger."))


def money_import(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.money.enter", compound)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    rejected = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.money_import(compound=compound, data=read_upload(upload), filename=upload.name, by=request.user)
        except ImportRejected as exc:
            rejected = exc
        except DomainError as exc:
            if isinstance(exc, NotAllowed):
                raise
            form.add_error("file", str(exc.message))
    status = 422 if rejected or (request.method == "POST" and form.errors) else 200
    return render(request, "disclosure/import.html", {"compound": compound, "form": form, "rejected": rejected,
                                                      "result": result, "columns": services.IMPORT_COLUMNS},
                  status=status)


@_action(_money)
def fee_figures(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.money.enter", compound)
    form = forms.FeesForm(request.POST)
    if not form.is_valid():
        raise services.InvalidInput("form", _("Give a year, a quarter from 1 to 4 and the four amounts."))
    d = form.cleaned_data
    amounts = {}
    for key in ("due", "received", "prepaid", "owed"):
        amounts[key] = 0 if d[key].strip() in ("0", "0.00") else services.parse_amount(d[key])
    services.fee_figures_set(compound=compound, year=d["year"], quarter=d["quarter"], by=request.user, **amounts)
    messages.success(request, _("Fee figures saved."))


@_action(_money)
def budget_set(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.budget.edit", compound)
    form = forms.BudgetForm(request.POST)
    if not form.is_valid():
        raise services.InvalidInput("form", _("Give a year, a kind and an amount."))
    d = form.cleaned_data
    services.budget_set(compound=compound, year=d["year"], kind=d["kind"], amount=services.parse_amount(d["amount"]),
                        by=request.user)
    messages.success(request, _("Budget saved."))


def _entry_money(pk, *a, **k):
    entry = get_object_or_404(MoneyEntry, pk=pk)
    return _money(entry.compound.code)


@_action(_entry_money)
def money_entry_correct(request, pk: int):
    entry = get_object_or_404(MoneyEntry, pk=pk)
    services.money_entry_correct(entry=entry, reason=request.POST.get("reason", ""), by=request.user)
    messages.success(request, _("The entry was reversed; both stay in the public ledger."))


def voucher(request, pk: int):
    entry = get_object_or_404(MoneyEntry, pk=pk)
    authz.require(request.user, "disclosure.money.view", entry.compound)
    if not entry.voucher:
        raise Http404
    return FileResponse(entry.voucher.open("rb"), filename=entry.voucher.name.rsplit("/", 1)[-1])  # type: ignore[union-attr]


def money_export(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.money.view", compound)
    rows = [["日期", "类别", "金额(元)", "摘要", "交易"]]
    for e in MoneyEntry.objects.filter(compound=compound).order_by("date", "id"):
        rows.append([e.date.isoformat(), e.get_kind_display(), selectors.fmt(e.amount if e.income else -e.amount),
                     e.memo, str(e.transaction_id)])
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="money-{compound.code}.csv"'
    return response


# --- reports ------------------------------------------------------------------------

def reports_page(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "disclosure.report.view", compound)
    may_draft = authz.can(request.user, "disclosure.report.draft", compound)
    form = forms.DraftForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        authz.require(request.user, "disclosure.report.draft", compound)
        if form.is_valid():
            try:
                report = services.report_draft(compound=compound, by=request.user, **form.cleaned_data)
                return redirect("disclosure_report", report.pk)
            except NotAllowed:
                raise
            except DomainError as exc:
                form.add_error(None, str(exc.message))
    reports = list(selectors.reports_visible(viewer=request.user, compound=compound).prefetch_related("objections"))
    for r in reports:
        r.open_count = sum(1 for o in r.objections.all() if not o.answered_at)
        r.overdue_count = sum(1 for o in r.objections.all() if o.overdue)
    return render(request, "disclosure/reports.html", {"compound": compound, "reports": reports,
                                                       "form": form if may_draft else None},
                  status=422 if form.errors else 200)


def _report(request, pk: int) -> Report:
    report = get_object_or_404(Report.objects.select_related("compound", "previous"), pk=pk)
    if not selectors.can_see_report(request.user, report):
        raise NotAllowed("forbidden", _("You may not do this here."))
    return report


def report_detail(request, pk: int):
    report = _report(request, pk)
    user, compound = request.user, report.compound
    data = selectors.present(report, selectors.report_data(report))
    objections = list(report.objections.select_related("by"))
    labels = selectors.line_labels(data)
    for o in objections:
        o.line_label = labels.get(o.line, o.line)  # type: ignore[attr-defined]
    draft = report.state == ReportState.DRAFT
    return render(request, "disclosure/report.html", {
        "report": report, "data": data, "objections": objections, "changes": selectors.present_changes(report),
        "open_objections": [o for o in objections if not o.answered_at],
        "overdue": [o for o in objections if o.overdue],
        "may_edit": draft and authz.can(user, "disclosure.report.draft", compound),
        "may_review": draft and authz.can(user, "disclosure.report.review", compound),
        "may_publish": report.state == ReportState.REVIEWED and authz.can(user, "disclosure.report.publish", compound),
        "may_correct": report.state == ReportState.PUBLISHED and selectors.latest_version(report)
        and authz.can(user, "disclosure.report.draft", compound),
        "may_object": report.state == ReportState.PUBLISHED and authz.can(user, "disclosure.objection.create",
                                                                  services.owner_place(user, compound)),
        "may_answer": authz.can(user, "disclosure.objection.answer", compound),
        "work_form": forms.WorkForm() if draft else None,
        "newer": Report.objects.filter(previous=report, state=ReportState.PUBLISHED).first(),
        "answer_days": services.objection_answer_days(),
    })


def report_print(request, pk: int):
    report = _report(request, pk)
    return render(request, "disclosure/report_print.html", {
        "report": report, "data": selectors.present(report, selectors.report_data(report)),
        "open_objections": [o for o in report.objections.all() if not o.answered_at],
    })


def _export_rows(report) -> list[list]:
    data = selectors.labelled(selectors.report_data(report))
    rows = [["报告", report.title], ["版本", report.version], ["状态", report.get_state_display()]]
    if report.chain_head:
        rows.append(["账本链头", report.chain_head["hash"]])
    rows.append([])
    rows.append(["项目", "类别", "金额(元)" if report.kind == "finance" else "日期", "说明"])
    for line in data["lines"]:
        value = selectors.fmt(line["value"]) if report.kind == "finance" else line["value"]
        rows.append([line["label"], line["section"], value, line.get("note", "")])
    if report.kind == "finance":
        rows += [[], ["上期结余", "", selectors.fmt(data["opening"])], ["本期收入合计", "", selectors.fmt(data["income"])],
                 ["本期支出合计", "", selectors.fmt(data["expense"])], ["期末结余", "", selectors.fmt(data["closing"])]]
        if data.get("fees") and data["fees"]["rate"] is not None:
            rows.append(["物业费收缴率", "", data["fees"]["rate"] + "%"])
    return rows


def report_export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    report = _report(request, pk)
    rows = _export_rows(report)
    name = f"report-{report.compound.code}-{report.year}Q{report.quarter}-{report.kind}-v{report.version}"
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(rows, title=f"{report.year}Q{report.quarter}"),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _report_url(pk, *a, **k):
    from django.urls import reverse

    return reverse("disclosure_report", args=[pk])


@_action(_report_url)
def report_add_work(request, pk: int):
    report = get_object_or_404(Report.objects.select_related("compound"), pk=pk)
    authz.require(request.user, "disclosure.report.draft", report.compound)
    form = forms.WorkForm(request.POST)
    if not form.is_valid():
        raise services.InvalidInput("form", _("Describe the work in 1 to 200 characters."))
    services.report_add_work(report=report, by=request.user, **form.cleaned_data)


@_action(_report_url)
def report_review(request, pk: int):
    report = get_object_or_404(Report, pk=pk)
    services.report_review(report=report, approve=request.POST.get("decision") == "approve",
                           note=request.POST.get("note", ""), by=request.user)
    messages.success(request, _("Review recorded."))


@_action(_report_url)
def report_publish(request, pk: int):
    services.report_publish(report=get_object_or_404(Report, pk=pk), by=request.user)
    messages.success(request, _("Published. The report is now frozen and public."))


@require_POST
def report_correct(request, pk: int):
    report = get_object_or_404(Report, pk=pk)
    try:
        refuse_nul(request)
        new = services.report_correct(report=report, reason=request.POST.get("reason", ""), by=request.user)
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("disclosure_report", pk)
    return redirect("disclosure_report", new.pk)


@_action(_report_url)
def objection_add(request, pk: int):
    services.objection_create(report=get_object_or_404(Report, pk=pk), line=request.POST.get("line", ""),
                              text=request.POST.get("text", ""), by=request.user)
    messages.success(request, _("Your objection is recorded and shown publicly until it is answered."))


def _objection_report(pk, *a, **k):
    return _report_url(get_object_or_404(Objection, pk=pk).report_id)


@_action(_objection_report)
def objection_answer(request, pk: int):
    services.objection_answer(objection=get_object_or_404(Objection, pk=pk), answer=request.POST.get("answer", ""),
                              by=request.user)
    messages.success(request, _("Answer published."))
