"""The summary sheets (ведомости) laid out as tables: progress, attendance, movement, and a
class's results."""

from __future__ import annotations

from ejournal.projections.summary_sheets.queries import (
    AttendanceSheetView,
    ClassResultsView,
    MovementSheetView,
    ProgressSheetView,
    ResultsLine,
    SheetView,
)
from ejournal.spreadsheets.tables import MISSED, MONTHS_RU, STUDENT, VALID, Cell, Table

MOVEMENTS_RU = {
    "admitted": "Прибыл(а)",
    "transferred": "Переведён(а) в другой класс",
    "promoted": "Переведён(а) в следующий класс",
    "withdrawn": "Выбыл(а)",
}


def sheet_table(view: SheetView) -> Table:
    """The table a summary sheet is written as."""
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
