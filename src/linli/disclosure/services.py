"""Everything that writes a compound's money and its quarterly reports."""
from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from linli import authz, numbers
from linli.disclosure import selectors
from linli.disclosure.accounting import (  # noqa: F401 - quarter_range and MAX_AMOUNT are used through this module
    MAX_AMOUNT,
    amount_message,
    cash_account_code,
    check_amount,
    check_money_date,
    check_year,
    kind_account_code,
    quarter_range,
)
from linli.disclosure.models import (
    Budget,
    DisclosureEvent,
    FeeFigures,
    MoneyEntry,
    MoneyKind,
    Objection,
    Report,
    ReportKind,
    ReportState,
    is_income,
)
from linli.errors import DomainError, InvalidInput
from linli.ledger import selectors as ledger_selectors
from linli.ledger import services as ledger
from linli.org.models import Node, NodeKind
from linli.tabular import Column, ImportRejected, RowError, read_table


def objection_answer_days() -> int:
    return int(getattr(settings, "LINLI_OBJECTION_ANSWER_DAYS", 7))


def _event(compound, event_kind, by=None, **data):
    DisclosureEvent.objects.create(compound=compound, kind=event_kind, by=by if getattr(by, "pk", None) else None, data=data)


def _compound(node: Node) -> Node:
    if node is None or node.kind != NodeKind.COMPOUND:
        raise InvalidInput("disclosure.compound", _("Money is kept per compound."))
    return node


def parse_amount(text) -> int:
    """'1,234.5' yuan -> 123450 fen. Refuses negatives, more than two decimals, words."""
    fen = numbers.yuan_to_fen(text, max_digits=12)
    if fen is None:
        raise InvalidInput("disclosure.amount", _("Write the amount in yuan, e.g. 1234.50 (positive, at most two decimals)."))
    if fen <= 0 or fen > MAX_AMOUNT:
        raise InvalidInput("disclosure.amount", amount_message())
    return fen


# Names people write in spreadsheets, besides the code and the displayed name.
KIND_ALIASES = {
    "fee_received": ("物业费收入", "物业费", "物业服务费"), "parking": ("停车收入", "停车费"),
    "advertising": ("广告收入", "广告"), "telecom": ("通信基站收入", "基站", "通信基站"),
    "compensation": ("赔偿收入", "补偿", "赔偿"), "interest": ("利息收入", "利息"), "other_income": ("其他收入",),
    "donation": ("捐赠", "捐款", "捐赠收入"), "staff": ("人员费用", "人工", "工资"),
    "facilities": ("设施设备运行维护", "设施设备", "维修", "维修养护"), "cleaning": ("保洁", "清洁", "保洁费"),
    "greening": ("绿化", "绿化费"), "security": ("秩序维护", "保安", "安保"), "office": ("办公费", "办公"),
    "insurance": ("保险", "保险费"), "management_fee": ("酬金", "管理费", "物业酬金"), "tax": ("税费", "税金", "税"),
}


def parse_kind(text) -> str:
    s = str(text or "").strip()
    for value in MoneyKind.values:
        if s in (value, kind_label(value), str(MoneyKind(value).label), *KIND_ALIASES.get(value, ())):
            return value
    raise InvalidInput("disclosure.kind", _("Unknown kind of income or expense: %(kind)s") % {"kind": s})


def parse_date(text) -> dt.date:
    s = str(text or "").strip().replace("/", "-").replace(".", "-")
    s = s.split(" ")[0]
    try:
        return dt.date.fromisoformat(s)
    except ValueError as exc:
        raise InvalidInput("disclosure.date", _("Write the date as 2025-03-31.")) from exc


def client_key(scope: str, by, token: str | None) -> str | None:
    """The idempotency key of a client's one-time token (a page form's hidden key or an
    API ``client_token``): sending the same token twice records once; None without one."""
    token = (token or "").strip()[:64]
    return f"form:{scope}:{getattr(by, 'pk', None)}:{token}" if token else None


def compound_by_code(code: str) -> Node | None:
    """The compound with this code, or None (pages answer 404, the API too)."""
    return Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()


# --- ledger accounts of a compound -----------------------------------------------

def cash_account(compound: Node):
    """The compound's public cash account, opened on first use (writes only; reads use
    ``selectors.cash_account_of``)."""
    return ledger.account_open(code=cash_account_code(compound), name=f"{compound.name} 公共资金", kind="asset",
                               node=compound, asset="CNY", no_negative=True, is_public=True)


def kind_label(kind: str) -> str:
    """The Chinese name of a kind, whatever the request's language: it is written into the public ledger."""
    with translation.override("zh-hans"):
        return str(MoneyKind(kind).label)


def kind_account(compound: Node, kind: str):
    income = is_income(kind)
    return ledger.account_open(
        code=kind_account_code(compound, kind, income),
        name=f"{compound.name} {kind_label(kind)}", kind="income" if income else "expense", node=compound,
        asset="CNY", is_public=True,
    )


# --- money entries --------------------------------------------------------------

def _post_entry(*, compound, kind, date, amount, memo, key, by, voucher=None) -> MoneyEntry:
    cash, other = cash_account(compound), kind_account(compound, kind)
    legs = [(other, -amount), (cash, amount)] if is_income(kind) else [(cash, -amount), (other, amount)]
    tx = ledger.ledger_post(legs=legs, idempotency_key=key, memo=f"{kind_label(kind)} {memo}".strip(), by=by,
                            value_date=date)
    existing = MoneyEntry.objects.filter(transaction=tx).first()
    if existing is not None:
        return existing
    entry = MoneyEntry(compound=compound, kind=kind, date=date, amount=amount, memo=memo, transaction=tx,
                       created_by=by)
    if voucher is not None:
        entry.voucher = voucher
    entry.save()
    _event(compound, "money.entered", by, entry=entry.pk, kind=kind, amount=amount)
    return entry


VOUCHER_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
VOUCHER_MAX = 10 * 1024 * 1024


def check_voucher(voucher) -> None:
    if voucher is None:
        return
    if not voucher.name.lower().endswith(VOUCHER_TYPES) or voucher.size > VOUCHER_MAX:
        raise InvalidInput("disclosure.voucher", _("A voucher is a PDF, JPG or PNG of at most 10 MB."))


@transaction.atomic
def money_entry_create(*, compound: Node, kind: str, date, amount: int, memo: str = "", voucher=None,
                       key: str | None = None, by) -> MoneyEntry:
    """Record one income or expense; posts it to the compound's public ledger."""
    compound = _compound(compound)
    authz.require(by, "disclosure.money.enter", compound)
    if kind not in MoneyKind.values:
        raise InvalidInput("disclosure.kind", _("Unknown kind of income or expense: %(kind)s") % {"kind": kind})
    check_amount(amount)
    check_money_date(date)
    check_voucher(voucher)
    memo = (memo or "").strip()[:200]
    key = key or f"money:{compound.code}:{timezone.now().timestamp()}:{by.pk}:{kind}:{amount}"
    return _post_entry(compound=compound, kind=kind, date=date, amount=amount, memo=memo, key=key, by=by,
                       voucher=voucher)


@transaction.atomic
def money_entry_voucher_attach(*, entry: MoneyEntry, voucher, by) -> MoneyEntry:
    """Attach the scan of a voucher to an entry recorded without one (it is never replaced)."""
    authz.require(by, "disclosure.money.enter", entry.compound)
    entry = MoneyEntry.objects.select_for_update().get(pk=entry.pk)
    if voucher is None:
        raise InvalidInput("disclosure.voucher", _("A voucher is a PDF, JPG or PNG of at most 10 MB."))
    check_voucher(voucher)
    if entry.voucher:
        raise DomainError("disclosure.voucher_exists", _("This entry already has a voucher; it is never replaced."))
    if entry.corrects_id:
        raise DomainError("disclosure.voucher_correction", _("A reversal carries no voucher; attach it to the original entry."))
    entry.voucher = voucher
    entry.save(update_fields=["voucher"])
    _event(entry.compound, "money.voucher_attached", by, entry=entry.pk)
    return entry


@transaction.atomic
def money_entry_correct(*, entry: MoneyEntry, reason: str, by) -> MoneyEntry:
    """Correct a wrong entry by reversing it (the original stays visible). Locks the
    entry before the ledger accounts: of two corrections sent at once, the second
    waits, then is told the entry is corrected already (409), never a database error."""
    authz.require(by, "disclosure.money.enter", entry.compound)
    entry = MoneyEntry.objects.select_for_update().select_related("compound", "transaction").get(pk=entry.pk)
    if entry.corrects_id or MoneyEntry.objects.filter(corrects=entry).exists():
        raise DomainError("disclosure.corrected", _("This entry has already been corrected."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("disclosure.reason", _("Say why the entry is corrected."))
    tx = ledger.ledger_reverse(transaction=entry.transaction, idempotency_key=f"money-correct:{entry.pk}",
                               memo=f"冲正: {reason}"[:300], by=by)
    fix = MoneyEntry.objects.create(compound=entry.compound, kind=entry.kind, date=timezone.localdate(),
                                    amount=-entry.amount, memo=f"冲正: {reason}"[:200], transaction=tx,
                                    corrects=entry, created_by=by)
    _event(entry.compound, "money.corrected", by, entry=entry.pk, reason=reason)
    return fix


IMPORT_COLUMNS = [
    Column("date", ("日期", "date")),
    Column("kind", ("类别", "kind")),
    Column("amount", ("金额(元)", "金额", "amount")),
    Column("memo", ("摘要", "说明", "memo"), required=False),
]


def money_import(*, compound: Node, data: bytes, filename: str, by) -> list[MoneyEntry]:
    """Import income/expense rows from CSV/XLSX: every row is right, or nothing is written."""
    compound = _compound(compound)
    authz.require(by, "disclosure.money.enter", compound)
    rows = read_table(data, filename, IMPORT_COLUMNS)
    digest = hashlib.sha256(data).hexdigest()[:24]
    errors: list[RowError] = []
    parsed = []
    for row in rows:
        item = {"row": row["_row"], "memo": row.get("memo", "")[:200]}
        nul = next((key for key in ("date", "kind", "amount", "memo") if "\x00" in str(row.get(key, ""))), None)
        if nul:  # PostgreSQL cannot store it: refused like any other bad cell
            errors.append(RowError(row["_row"], nul, _("The cell contains a NUL character.")))
            continue
        for key, parse in (("date", parse_date), ("kind", parse_kind), ("amount", parse_amount)):
            try:
                item[key] = parse(row[key])
            except InvalidInput as exc:
                errors.append(RowError(row["_row"], key, exc.message))
        if "date" in item:
            try:
                check_money_date(item["date"])
            except InvalidInput as exc:
                errors.append(RowError(row["_row"], "date", exc.message))
        parsed.append(item)
    if errors:
        raise ImportRejected(errors)
    if ledger.Transaction.objects.filter(idempotency_key__startswith=f"import:{compound.code}:{digest}:").exists():
        raise DomainError("disclosure.import_again", _("This file has already been imported."))
    with transaction.atomic():  # one bad row (e.g. an overdraft) undoes every row
        entries = []
        for item in parsed:
            try:
                entries.append(_post_entry(
                    compound=compound, kind=item["kind"], date=item["date"], amount=item["amount"],
                    memo=item["memo"], key=f"import:{compound.code}:{digest}:{item['row']}", by=by,
                ))
            except DomainError as exc:
                raise ImportRejected([RowError(item["row"], "amount", exc.message)]) from exc
    _event(compound, "money.imported", by, rows=len(entries), file=(filename or "").replace("\x00", "")[:200])
    return entries


@transaction.atomic
def fee_figures_set(*, compound: Node, year: int, quarter: int, due: int, received: int, prepaid: int, owed: int,
                    by) -> FeeFigures:
    compound = _compound(compound)
    authz.require(by, "disclosure.money.enter", compound)
    _check_quarter(year, quarter)
    for v in (due, received, prepaid, owed):
        check_amount(v, zero_ok=True)
    fig, _created = FeeFigures.objects.update_or_create(
        compound=compound, year=year, quarter=quarter,
        defaults={"due": due, "received": received, "prepaid": prepaid, "owed": owed},
    )
    _event(compound, "fees.set", by, year=year, quarter=quarter, due=due, received=received, prepaid=prepaid, owed=owed)
    return fig


@transaction.atomic
def budget_set(*, compound: Node, year: int, kind: str, amount: int, by) -> Budget:
    compound = _compound(compound)
    authz.require(by, "disclosure.budget.edit", compound)
    if kind not in MoneyKind.values:
        raise InvalidInput("disclosure.kind", _("Unknown kind of income or expense: %(kind)s") % {"kind": kind})
    check_year(year)
    check_amount(amount, zero_ok=True)
    budget, _created = Budget.objects.update_or_create(compound=compound, year=year, kind=kind,
                                                       defaults={"amount": amount})
    _event(compound, "budget.set", by, year=year, kind=kind, amount=amount)
    return budget


# --- quarterly reports ---------------------------------------------------------------

def _check_quarter(year, quarter):
    if not (isinstance(year, int) and 2000 <= year <= 2100 and quarter in (1, 2, 3, 4)):
        raise InvalidInput("disclosure.quarter", _("Give a year between 2000 and 2100 and a quarter from 1 to 4."))


def _not_draft():
    return DomainError("disclosure.frozen", _("Only a draft can be changed; a published report is corrected by a new version."))


@transaction.atomic
def report_draft(*, compound: Node, kind: str, year: int, quarter: int, by) -> Report:
    compound = _compound(compound)
    authz.require(by, "disclosure.report.draft", compound)
    if kind not in ReportKind.values:
        raise InvalidInput("disclosure.report_kind", _("Unknown kind of report."))
    _check_quarter(year, quarter)
    if Report.objects.filter(compound=compound, kind=kind, year=year, quarter=quarter).exists():
        raise DomainError("disclosure.report_exists",
                          _("This report already exists; open it, or correct the published version."))
    report = Report.objects.create(compound=compound, kind=kind, year=year, quarter=quarter, drafted_by=by)
    _event(compound, "report.drafted", by, report=report.pk)
    return report


@transaction.atomic
def report_add_work(*, report: Report, title: str, date, note: str = "", by) -> Report:
    authz.require(by, "disclosure.report.draft", report.compound)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.DRAFT:
        raise _not_draft()
    if report.kind != ReportKind.SERVICE:
        raise InvalidInput("disclosure.works", _("Works done belong in the property service report."))
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput("disclosure.work_title", _("Describe the work in 1 to 200 characters."))
    report.works = [*report.works, {"title": title, "date": str(date or ""), "note": (note or "").strip()[:500]}]
    report.save(update_fields=["works"])
    _event(report.compound, "report.work_added", by, report=report.pk, title=title)
    return report


@transaction.atomic
def report_review(*, report: Report, approve: bool, note: str = "", by) -> Report:
    """The owners' committee approves a draft (ready to publish) or sends it back with a note."""
    authz.require(by, "disclosure.report.review", report.compound)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.DRAFT:
        raise DomainError("disclosure.not_draft", _("Only a draft can be reviewed."))
    note = (note or "").strip()[:300]
    if not approve and not note:
        raise InvalidInput("disclosure.note", _("Say what must change when sending a report back."))
    report.review_note = note
    report.reviewed_by = by
    if approve:
        report.state = ReportState.REVIEWED
    report.save(update_fields=["state", "review_note", "reviewed_by"])
    _event(report.compound, "report.reviewed" if approve else "report.sent_back", by, report=report.pk, note=note)
    return report


@transaction.atomic
def report_publish(*, report: Report, by) -> Report:
    """Freeze a reviewed report: its figures, works and the chain head at this moment."""
    authz.require(by, "disclosure.report.publish", report.compound)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == ReportState.PUBLISHED:
        raise DomainError("disclosure.published", _("This report is already published."))
    if report.state != ReportState.REVIEWED:
        raise DomainError("disclosure.not_reviewed", _("The owners' committee must review the report before it is published."))
    now = timezone.now()
    report.data = selectors.report_live_data(report)
    report.chain_head = ledger_selectors.chain_head(cash_account(report.compound), at=now)
    report.changes = diff_lines(report.previous.data, report.data) if report.previous_id else []  # type: ignore[union-attr]
    report.state, report.published_at, report.published_by = ReportState.PUBLISHED, now, by
    report.save()
    _event(report.compound, "report.published", by, report=report.pk, version=report.version,
           chain_head=report.chain_head["hash"])
    return report


@transaction.atomic
def report_correct(*, report: Report, reason: str, by) -> Report:
    """Start a corrected version of a published report (published versions never change)."""
    authz.require(by, "disclosure.report.draft", report.compound)
    if report.state != ReportState.PUBLISHED:
        raise DomainError("disclosure.not_published", _("Only a published report is corrected; change the draft instead."))
    if Report.objects.filter(previous=report).exists():
        raise DomainError("disclosure.has_next", _("A newer version of this report exists; correct that one."))
    reason = (reason or "").strip()[:300]
    if not reason:
        raise InvalidInput("disclosure.reason", _("Say why the report is corrected."))
    new = Report.objects.create(
        compound=report.compound, kind=report.kind, year=report.year, quarter=report.quarter,
        version=report.version + 1, previous=report, works=list(report.works), correction_reason=reason, drafted_by=by,
    )
    _event(report.compound, "report.correction_started", by, report=new.pk, previous=report.pk, reason=reason)
    return new


def diff_lines(before: dict | None, after: dict) -> list[dict]:
    """What changed between two frozen reports, line by line."""
    old = {line["key"]: line for line in (before or {}).get("lines", [])}
    new = {line["key"]: line for line in after.get("lines", [])}
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        a, b = old.get(key), new.get(key)
        if a is None or b is None or a.get("value") != b.get("value"):
            change = {"key": key, "section": (b or a).get("section"), "before": a and a.get("value"),  # type: ignore[union-attr]
                      "after": b and b.get("value")}
            if "label" in (b or a):  # type: ignore[operator]  # a line's own text (service reports); money lines have codes only
                change["label"] = (b or a)["label"]  # type: ignore[index]
            changes.append(change)
    return changes


# --- objections -----------------------------------------------------------------------

def owner_place(person, compound: Node) -> Node:
    """Where in the compound ``person`` may speak as an owner: a household of
    theirs inside it (roles reach down, not up), else the compound itself, for
    which authz then answers for staff roles and administrators."""
    for role in authz.RULES["disclosure.objection.create"].roles:
        for path in authz.role_scopes(person, [role]):
            if path.startswith(compound.path):
                return Node.objects.get(path=path)
    return compound


@transaction.atomic
def objection_create(*, report: Report, line: str, text: str, by) -> Objection:
    authz.require(by, "disclosure.objection.create", owner_place(by, report.compound))
    if report.state != ReportState.PUBLISHED:
        raise DomainError("disclosure.not_published", _("Objections are raised against a published report."))
    keys = {ln["key"] for ln in (report.data or {}).get("lines", [])}
    if line not in keys:
        raise InvalidInput("disclosure.line", _("Choose the line of the report you object to."))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise InvalidInput("disclosure.text", _("Write your objection in 1 to 2000 characters."))
    now = timezone.now()
    obj = Objection.objects.create(report=report, line=line, text=text, by=by, created_at=now,
                                   due_at=now + dt.timedelta(days=objection_answer_days()))
    _event(report.compound, "objection.raised", by, report=report.pk, objection=obj.pk, line=line)
    _objection_tell(obj)
    return obj


def objection_answerers(compound: Node) -> list:
    """Who must answer an objection to a compound's report: the holders of the roles of
    ``disclosure.objection.answer`` at the compound; if nobody holds one, the community's
    staff (who then see that the compound has nobody to answer)."""
    from linli.org.models import Person, Role

    roles = authz.RULES["disclosure.objection.answer"].roles
    people = list(Person.objects.filter(roles__node=compound, roles__role__in=roles, is_active=True)
                  .distinct().order_by("pk"))
    community = compound.ancestor_of_kind(NodeKind.COMMUNITY)
    if not people and community is not None:
        people = list(Person.objects.filter(roles__node=community, roles__role=Role.COMMUNITY_STAFF, is_active=True)
                      .distinct().order_by("pk"))
    return people


def _objection_tell(objection: Objection) -> None:
    """In-app notification (and its outbox messages) to whoever must answer, with the deadline."""
    from django.urls import reverse

    from linli.cases import notify

    report = objection.report
    with translation.override(settings.LANGUAGE_CODE):
        due = timezone.localtime(objection.due_at).strftime("%Y-%m-%d %H:%M")
        title = str(_("An owner objects to %(report)s: answer by %(due)s") % {"report": report.title, "due": due})
        body = str(_("Answer by %(due)s on the report's page. The objection: %(text)s")
                   % {"due": due, "text": objection.text[:300]})
    notify.people_tell(objection_answerers(report.compound), kind="disclosure.objection", title=title, body=body,
                       url=reverse("disclosure_report", args=[report.pk]), node=report.compound)


@transaction.atomic
def objection_answer(*, objection: Objection, answer: str, by) -> Objection:
    authz.require(by, "disclosure.objection.answer", objection.report.compound)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at:
        raise DomainError("disclosure.answered", _("This objection has already been answered."))
    answer = (answer or "").strip()
    if not answer or len(answer) > 2000:
        raise InvalidInput("disclosure.answer", _("Write the answer in 1 to 2000 characters."))
    objection.answer, objection.answered_at, objection.answered_by = answer, timezone.now(), by
    objection.save(update_fields=["answer", "answered_at", "answered_by"])
    _event(objection.report.compound, "objection.answered", by, objection=objection.pk)
    return objection
