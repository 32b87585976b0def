"""A table laid out for a file (a title, header lines, rows of cells) and its CSV and XLSX
writing; the header words the sheets and the reports share."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ejournal.spreadsheets.cells import csv_cell, sheet_text

Cell = str | int | float | None

MONTHS_RU = {
    1: "Январь",
    2: "Февраль",
    3: "Март",
    4: "Апрель",
    5: "Май",
    9: "Сентябрь",
    10: "Октябрь",
    11: "Ноябрь",
    12: "Декабрь",
}
STUDENT = "Ученик"
MISSED = "Всего пропущено"
VALID = "из них по уважительной причине"


@dataclass(frozen=True)
class Table:
    """A sheet laid out for a file: its title, header lines, and rows."""

    title: str
    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    sheet_name: str = "Ведомость"
    """The worksheet's name in a workbook."""


def table_csv(laid_out: Table) -> str:
    """A laid-out table as CSV text (for a report that lays itself out: the табель)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([csv_cell(c) for c in line] for line in laid_out.header)
    writer.writerows(["" if c is None else csv_cell(c) for c in row] for row in laid_out.rows)
    return out.getvalue()


def table_xlsx(laid_out: Table) -> bytes:
    """A laid-out table as an XLSX workbook of one worksheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first worksheet
    sheet.title = laid_out.sheet_name
    _append(sheet, [laid_out.title])
    sheet.cell(row=1, column=1).font = Font(bold=True)
    for line in laid_out.header:
        _append(sheet, line)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for row in laid_out.rows:
        _append(sheet, row)
    sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _append(sheet: Any, values: Sequence[Cell]) -> None:
    """Add a row to a worksheet, every text through ``sheet_text``: a text that would read as a
    formula is a text cell with the apostrophe prefix."""
    texts = [sheet_text(v) if isinstance(v, str) else None for v in values]
    sheet.append([v if t is None else t.text for v, t in zip(values, texts, strict=True)])
    for cell, text in zip(sheet[sheet.max_row], texts, strict=False):
        if text is not None and text.quoted:
            cell.data_type = "s"
            cell.quotePrefix = True
