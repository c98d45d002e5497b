"""Reading CSV and XLSX uploads into rows, with headers in Chinese or English,
and writing every CSV/XLSX export safely (``csv_text``, ``xlsx_bytes``).

Shared by every import (places, hotline requests, ledger entries): each import
declares its columns, gets back dicts keyed by column key plus the spreadsheet
row number, and reports every bad row at once.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.errors import InvalidInput

MAX_ROWS = 20000
MAX_FILE_BYTES = 10 * 1024 * 1024


def read_upload(upload) -> bytes:
    """The bytes of an uploaded CSV/XLSX file, reading at most MAX_FILE_BYTES + 1
    (enough for ``read_table`` to refuse a larger file without holding it whole)."""
    return upload.read(MAX_FILE_BYTES + 1)


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # accepted header texts, Chinese first
    required: bool = True


@dataclass
class RowError:
    row: int
    column: str
    message: str | Promise

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


class ImportRejected(InvalidInput):
    """Some rows are bad; nothing was imported. ``details`` lists every bad row."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            "import.rejected",
            _("%(n)d row(s) have errors; nothing was imported.") % {"n": len({e.row for e in errors})},
            details=[e.as_dict() for e in errors],
        )
        self.errors = errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("import.encoding", _("The file is neither UTF-8 nor GBK text."))


def _raw_rows(data: bytes, filename: str) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        import zipfile

        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InvalidInput("import.xlsx", _("The file is not a readable XLSX workbook.")) from exc
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else _cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        wb.close()
        return rows
    if name.endswith(".csv") or name.endswith(".txt"):
        text = _decode(data)
        try:
            return [row for row in csv.reader(io.StringIO(text))][: MAX_ROWS + 2]
        except csv.Error as exc:
            raise InvalidInput("import.csv", _("The CSV file cannot be read: %(e)s") % {"e": exc}) from exc
    raise InvalidInput("import.type", _("Upload a .csv or .xlsx file."))


def _cell_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_table(data: bytes, filename: str, columns: list[Column]) -> list[dict]:
    """Rows as dicts {key: text, "_row": spreadsheet row number}; blank rows skipped.

    Raises InvalidInput when the file cannot be read or a required column is missing.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("import.too_large", _("A file may be at most %(n)d MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)})
    rows = _raw_rows(data, filename)
    if not rows:
        raise InvalidInput("import.empty", _("The file is empty."))
    # NFKC folds full-width forms, so "金额（元）" as the pages write it matches "金额(元)".
    header = [unicodedata.normalize("NFKC", h.strip().lstrip("\ufeff")) for h in rows[0]]
    index: dict[str, int] = {}
    for col in columns:
        names = {unicodedata.normalize("NFKC", name) for name in col.headers}
        for i, h in enumerate(header):
            if h in names or h.lower() == col.key:
                index[col.key] = i
                break
    missing = [c.headers[0] for c in columns if c.required and c.key not in index]
    if missing:
        raise InvalidInput(
            "import.columns", _("Missing column(s): %(cols)s") % {"cols": "、".join(missing)}
        )
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput("import.too_many", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})
    out = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in raw):
            continue
        record: dict[str, Any] = {"_row": number}
        for col in columns:
            at = index.get(col.key)
            record[col.key] = str(raw[at]).strip() if at is not None and at < len(raw) else ""
        out.append(record)
    if not out:
        raise InvalidInput("import.no_rows", _("The file has a header but no rows."))
    return out


# --- exports -------------------------------------------------------------------------
#
# A cell that starts with = + - @ (or a tab or carriage return, which some
# spreadsheets skip before looking) is read as a formula by Excel, WPS and
# LibreOffice: a title "=HYPERLINK(...)" typed by anyone would become a live
# link in a public report. Every CSV/XLSX the platform writes goes through the
# helpers below, which keep such text as text. Numbers stay numbers: an int is
# written as a number, and text that is only a number ("-1,234.50", "+5", "12%")
# is left as it is.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_number_text_re = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def is_formula_like(value) -> bool:
    """True for text a spreadsheet would take as a formula (numbers are not)."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _number_text_re.match(value))


def safe_cell(value):
    """A value for a CSV cell: formula-like text gets a leading apostrophe (shown
    as text, never run); numbers, dates and other text are unchanged; None is ''."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_text(rows) -> str:
    """Rows as CSV text with a UTF-8 byte-order mark (Excel opens Chinese right),
    every cell passed through ``safe_cell``."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return "\ufeff" + buf.getvalue()


def xlsx_bytes(rows, *, title: str = "Sheet1") -> bytes:
    """Rows as an XLSX workbook. Ints stay numeric cells; every other value is a
    text cell (formula-like text is stored as text with Excel's quote prefix, the
    way a typed-in '=... is kept, so it shows unchanged and never runs)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, int) and not isinstance(value, bool):
                cell.value = value
                continue
            text = str(value)
            cell.value = text
            cell.data_type = "s"  # openpyxl would otherwise take "=..." for a formula
            if is_formula_like(text):
                cell.quotePrefix = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
