"""The reports (DESIGN.md §6) laid out as tables: a class's attendance, marks accumulation,
journal monitoring, class occupancy, families' activity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

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
from ejournal.spreadsheets.tables import MISSED, MONTHS_RU, STUDENT, VALID, Cell, Table

ReportView = (
    ClassAttendanceView
    | MarksAccumulationView
    | JournalMonitoringView
    | ClassOccupancyView
    | FamilyActivityView
)
"""A report (DESIGN.md §6) as the report modules give it."""

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


def report_table(view: ReportView) -> Table:
    """The table a report is written as."""
    return _REPORTS[type(view)](view)
