"""Summary sheets and reports as files: CSV (UTF-8) and XLSX, with Russian headers.

A sheet is first laid out as a table (a title, header cells, rows of cells); both formats write
that same table, so a CSV and a workbook of one sheet never disagree. Every text cell goes through
``spreadsheet.sheet_text``: nothing in a file runs as a formula, and no stored character breaks a
workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ejournal.projections.attendance_report import AttendanceCount, ClassAttendanceView
from ejournal.projections.class_occupancy import ClassOccupancyView, OccupancyCounts
from ejournal.projections.family_activity import (
    FamilyActivityLine,
    FamilyActivityView,
    FamilyCounts,
)
from ejournal.projections.journal_monitoring import (
    JournalKeeping,
    JournalMonitoringView,
    KeepingCounts,
)
from ejournal.projections.marks_accumulation import MarksAccumulationView
from ejournal.projections.spreadsheet import csv_cell, sheet_text
from ejournal.projections.summary_sheets import (
    AttendanceSheetView,
    ClassResultsView,
    MovementSheetView,
    ProgressSheetView,
    ResultsLine,
    SheetView,
)

Cell = str | int | float | None
ReportView = (
    ClassAttendanceView
    | MarksAccumulationView
    | JournalMonitoringView
    | ClassOccupancyView
    | FamilyActivityView
)
"""A report (DESIGN.md §6) as the report modules give it."""

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
    sheet_name: str = "Ведомость"
    """The worksheet's name in a workbook."""


def table(view: SheetView | ReportView) -> Table:
    """The table a sheet or a report is written as."""
    if not isinstance(view, SheetView):
        return _REPORTS[type(view)](view)
    if isinstance(view, ProgressSheetView):
        return _progress(view)
    if isinstance(view, AttendanceSheetView):
        return _attendance(view)
    if isinstance(view, MovementSheetView):
        return _movement(view)
    return _results(view)


def _progress(view: ProgressSheetView) -> Table:
    columns = (
        [p.name for p in view.periods]
        + ["Год"]
        + (["Экзамен"] if view.exams else [])
        + (["Итоговая"] if view.finals else [])
    )
    top = [STUDENT]
    second = [""]
    for subject in view.subjects:
        top.extend([subject.subject_name] + [""] * (len(columns) - 1))
        second.extend(columns)
    rows = tuple(
        (
            row.full_name,
            *(
                cell
                for marks in row.subjects
                for cell in (
                    *marks.periods,
                    marks.year_mark,
                    *((marks.exam_mark,) if view.exams else ()),
                    *((marks.final_mark,) if view.finals else ()),
                )
            ),
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


# --- reports ------------------------------------------------------------------------------------

REPORT = "Отчёт"


def _day(on: date) -> str:
    return on.strftime("%d.%m.%Y")


def _month(month: date) -> str:
    return f"{MONTHS_RU[month.month]} {month.year}"


def _class_attendance(view: ClassAttendanceView) -> Table:
    columns = ("Уроков", MISSED, VALID, "Посещаемость, %")
    top = [STUDENT]
    second = [""]
    for month in (*(_month(m.month) for m in view.months), "Итого за год"):
        top.extend([month, "", "", ""])
        second.extend(columns)

    def counts(count: AttendanceCount) -> tuple[Cell, ...]:
        return (count.student_lessons, count.missed, count.valid, count.rate)

    held: list[Cell] = ["Проведено уроков"]
    for lessons in (*(m.lessons for m in view.months), view.lessons):
        held.extend([lessons, None, None, None])
    rows: list[tuple[Cell, ...]] = [tuple(held)]
    rows.extend(
        (
            row.full_name,
            *(cell for m in row.months for cell in counts(m)),
            *counts(row.total),
        )
        for row in view.students
    )
    rows.append(
        (
            "Класс в целом (ученико-уроки)",
            *(cell for m in view.months for cell in counts(m)),
            *counts(view.total),
        )
    )
    return Table(
        title=f"Отчёт о посещаемости класса {view.class_code} по месяцам {view.year}",
        header=(tuple(top), tuple(second)),
        rows=tuple(rows),
        sheet_name=REPORT,
    )


def _marks_accumulation(view: MarksAccumulationView) -> Table:
    top = [STUDENT]
    second = [""]
    for subject in view.subjects:
        top.extend([subject.subject_name, ""])
        second.extend(["Отметок", "Средний балл"])
    rows: list[tuple[Cell, ...]] = [
        ("Часов в неделю", *(c for s in view.subjects for c in (s.weekly_hours, None)))
    ]
    rows.extend(
        (
            row.full_name,
            *(
                cell
                for c in row.cells
                for cell in ((c.marks, c.average) if c.on_page else (None, None))
            ),
        )
        for row in view.rows
    )
    rows.append(("Без отметок", *(c for s in view.subjects for c in (s.without_marks, None))))
    rows.append(("С одной отметкой", *(c for s in view.subjects for c in (s.one_mark, None))))
    return Table(
        title=f"Накопляемость отметок {view.class_code} за {view.period_name} {view.year}",
        header=(tuple(top), tuple(second)),
        rows=tuple(rows),
        sheet_name=REPORT,
    )


_KEEPING_HEADER = (
    "Учащихся",
    "Без отметок",
    "Без отметок, %",
    "С одной отметкой",
    "С одной отметкой, %",
    "Уроков проведено",
    "Без темы",
    "Без домашнего задания",
    "Поздних записей",
    "Уроков с поздними записями",
)
_KTP_HEADER = (
    "Часов по КТП",
    "По расписанию на дату",
    "По КТП на дату",
    "Проведено на дату",
    "Выполнение КТП на дату, %",
    "Выполнение КТП, %",
)


def _keeping(line: KeepingCounts) -> tuple[Cell, ...]:
    return (
        line.students,
        line.without_marks,
        line.without_marks_share,
        line.one_mark,
        line.one_mark_share,
        line.lessons,
        line.without_topic,
        line.without_homework,
        line.late_entries,
        line.late_lessons,
    )


def _ktp(line: JournalKeeping) -> tuple[Cell, ...]:
    return (
        line.ktp_hours,
        line.timetabled_to_date,
        line.ktp_planned_to_date,
        line.held_to_date,
        line.ktp_done_to_date,
        line.ktp_done_total,
    )


def _journal_monitoring(view: JournalMonitoringView) -> Table:
    header = ("Класс", "Предмет", "Группа", "Учитель", *_KEEPING_HEADER, *_KTP_HEADER)
    no_ktp: tuple[Cell, ...] = (None,) * len(_KTP_HEADER)
    rows: list[tuple[Cell, ...]] = [
        (
            line.class_code,
            line.subject_name,
            line.subgroup,
            ", ".join(t.full_name for t in line.teachers),
            *_keeping(line),
            *_ktp(line),
        )
        for line in view.journals
    ]
    rows.extend(
        (None, "Все журналы учителя", None, t.full_name, *_keeping(t), *no_ktp)
        for t in view.teachers
    )
    rows.extend(
        (c.class_code, "Все журналы класса", None, None, *_keeping(c), *no_ktp)
        for c in view.classes
    )
    rows.append(("Итого", None, None, None, *_keeping(view.total), *no_ktp))
    return Table(
        title=(
            f"Анализ ведения электронного журнала {view.year}:"
            f" {_day(view.start)}–{_day(view.end)} (на {_day(view.as_of)})"
        ),
        header=(header,),
        rows=tuple(rows),
        sheet_name=REPORT,
    )


def _class_occupancy(view: ClassOccupancyView) -> Table:
    months = [f"На {_day(m.month)}" for m in view.total.month_starts]
    header = (
        "Класс",
        f"На {_day(view.start)}",
        "Прибыло",
        "Переведено из других классов",
        "Переведено в другие классы",
        "Выбыло",
        f"На {_day(view.end)}",
        *months,
        "Группы",
    )

    def counts(line: OccupancyCounts) -> tuple[Cell, ...]:
        return (
            line.at_start,
            line.admitted,
            line.transferred_in,
            line.transferred_out,
            line.withdrawn,
            line.at_end,
            *(m.students for m in line.month_starts),
        )

    rows: list[tuple[Cell, ...]] = [
        (
            c.class_code,
            *counts(c),
            "; ".join(f"{g.subject_name}, группа {g.subgroup}: {g.students}" for g in c.subgroups),
        )
        for c in view.classes
    ]
    rows.append(("Итого", *counts(view.total), None))
    return Table(
        title=f"Наполняемость классов {view.year}: {_day(view.start)}–{_day(view.end)}",
        header=(header,),
        rows=tuple(rows),
        sheet_name=REPORT,
    )


def _family_activity(view: FamilyActivityView) -> Table:
    header = (
        "Класс",
        "Месяц",
        "Родителей с доступом",
        "Родителей входили",
        "Родителей входили, %",
        "Входов родителей",
        "Учащихся с доступом",
        "Учащихся входили",
        "Учащихся входили, %",
        "Входов учащихся",
    )

    def counts(line: FamilyCounts) -> tuple[Cell, ...]:
        return (
            line.parents,
            line.parents_signed_in,
            line.parents_share,
            line.parent_sign_ins,
            line.students,
            line.students_signed_in,
            line.students_share,
            line.student_sign_ins,
        )

    def lines(line: FamilyActivityLine) -> list[tuple[Cell, ...]]:
        name = line.class_code or "Школа"
        found: list[tuple[Cell, ...]] = [(name, _month(m.month), *counts(m)) for m in line.months]
        found.append((name, "За год", *counts(line.year_total)))
        return found

    rows = [row for line in view.classes for row in lines(line)]
    if view.school is not None:
        rows.extend(lines(view.school))
    return Table(
        title=f"Активность родителей и учащихся в электронном журнале {view.year}",
        header=(header,),
        rows=tuple(rows),
        sheet_name=REPORT,
    )


_REPORTS: dict[type[ReportView], Callable[[Any], Table]] = {
    ClassAttendanceView: _class_attendance,
    MarksAccumulationView: _marks_accumulation,
    JournalMonitoringView: _journal_monitoring,
    ClassOccupancyView: _class_occupancy,
    FamilyActivityView: _family_activity,
}


def to_csv(view: SheetView | ReportView) -> str:
    """The sheet as CSV text: header lines, then one line per row (an empty cell for none)."""
    return table_csv(table(view))


def table_csv(laid_out: Table) -> str:
    """A laid-out table as CSV text (for a report that lays itself out: the табель)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([csv_cell(c) for c in line] for line in laid_out.header)
    writer.writerows(["" if c is None else csv_cell(c) for c in row] for row in laid_out.rows)
    return out.getvalue()


def to_xlsx(view: SheetView | ReportView) -> bytes:
    """The sheet as an XLSX workbook of one worksheet: the title, the header lines in bold,
    the rows."""
    return table_xlsx(table(view))


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
