"""Summary sheets and reports as files: CSV (UTF-8) and XLSX, with Russian headers.

A sheet is first laid out as a table (a title, header cells, rows of cells); both formats write
that same table, so a CSV and a workbook of one sheet never disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from ejournal.projections.summary_sheets import (
    AttendanceSheetView,
    ClassResultsView,
    MovementSheetView,
    ProgressSheetView,
    ResultsLine,
    SheetView,
)

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
MOVEMENTS_RU = {
    "admitted": "Прибыл(а)",
    "transferred": "Переведён(а) в другой класс",
    "promoted": "Переведён(а) в следующий класс",
    "withdrawn": "Выбыл(а)",
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


def table(view: SheetView) -> Table:
    """The table a sheet is written as."""
    if isinstance(view, ProgressSheetView):
        return _progress(view)
    if isinstance(view, AttendanceSheetView):
        return _attendance(view)
    if isinstance(view, MovementSheetView):
        return _movement(view)
    return _results(view)


def _progress(view: ProgressSheetView) -> Table:
    columns = [p.name for p in view.periods] + ["Год"]
    top = [STUDENT]
    second = [""]
    for subject in view.subjects:
        top.extend([subject.subject_name] + [""] * (len(columns) - 1))
        second.extend(columns)
    rows = tuple(
        (
            row.full_name,
            *(cell for marks in row.subjects for cell in (*marks.periods, marks.year_mark)),
        )
        for row in view.rows
    )
    return Table(
        title=f"Сводная ведомость успеваемости {view.class_code} {view.year}",
        header=(tuple(top), tuple(second)),
        rows=rows,
    )


def _attendance(view: AttendanceSheetView) -> Table:
    top = [STUDENT]
    second = [""]
    for month in view.months:
        top.extend([MONTHS_RU[month], ""])
        second.extend([MISSED, VALID])
    top.extend(["Итого за год", ""])
    second.extend([MISSED, VALID])
    rows: list[tuple[Cell, ...]] = [
        (
            row.full_name,
            *(n for m in row.months for n in (m.missed, m.valid)),
            row.missed,
            row.valid,
        )
        for row in view.rows
    ]
    rows.append(
        ("Итого", *(n for m in view.totals for n in (m.missed, m.valid)), view.missed, view.valid)
    )
    return Table(
        title=f"Сводная ведомость посещаемости {view.class_code} {view.year}",
        header=(tuple(top), tuple(second)),
        rows=tuple(rows),
    )


def _movement(view: MovementSheetView) -> Table:
    header = (
        STUDENT,
        "Движение",
        "Дата",
        "Из класса",
        "В класс",
        "Приказ",
        "Причина",
        "Куда выбыл(а)",
    )
    rows = tuple(
        (
            r.full_name,
            MOVEMENTS_RU[r.kind],
            r.on.strftime("%d.%m.%Y"),
            r.from_class,
            r.to_class,
            r.order,
            r.reason,
            r.destination,
        )
        for r in view.rows
    )
    return Table(
        title=f"Сводная ведомость движения учащихся {view.year}",
        header=(header,),
        rows=rows,
    )


def _results(view: ClassResultsView) -> Table:
    header = (
        "Предмет",
        "Аттестовано учащихся",
        "«5»",
        "«4»",
        "«3»",
        "«2»",
        "«зач»",
        "«незач»",
        "Успеваемость, %",
        "Качество, %",
    )
    return Table(
        title=f"Итоги успеваемости класса {view.class_code} за {view.period_name} {view.year}",
        header=(header,),
        rows=tuple(_results_row(line) for line in (*view.subjects, view.total)),
    )


def _results_row(line: ResultsLine) -> tuple[Cell, ...]:
    return (
        line.subject_name,
        line.students,
        line.fives,
        line.fours,
        line.threes,
        line.twos,
        line.passed,
        line.failed,
        line.success_rate,
        line.quality_rate,
    )


def to_csv(view: SheetView) -> str:
    """The sheet as CSV text: header lines, then one line per row (an empty cell for none)."""
    laid_out = table(view)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(laid_out.header)
    writer.writerows(["" if c is None else c for c in row] for row in laid_out.rows)
    return out.getvalue()


def to_xlsx(view: SheetView) -> bytes:
    """The sheet as an XLSX workbook of one worksheet: the title, the header lines in bold,
    the rows."""
    laid_out = table(view)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first worksheet
    sheet.title = "Ведомость"
    sheet.append([laid_out.title])
    sheet.cell(row=1, column=1).font = Font(bold=True)
    for line in laid_out.header:
        sheet.append(list(line))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for row in laid_out.rows:
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
