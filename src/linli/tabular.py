"""Reading CSV and XLSX uploads into rows, with headers in Chinese or English.

Shared by every import (places, hotline requests, ledger entries): each import
declares its columns, gets back dicts keyed by column key plus the spreadsheet
row number, and reports every bad row at once.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

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
    message: str

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
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    index: dict[str, int] = {}
    for col in columns:
        for i, h in enumerate(header):
            if h in col.headers or h.lower() == col.key:
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
        record = {"_row": number}
        for col in columns:
            i = index.get(col.key)
            record[col.key] = str(raw[i]).strip() if i is not None and i < len(raw) else ""
        out.append(record)
    if not out:
        raise InvalidInput("import.no_rows", _("The file has a header but no rows."))
    return out
