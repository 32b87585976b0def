"""The summary sheets on both backends: a term of 5А through the real commands shows on the
progress, attendance and movement sheets and in the class results as the class teacher counts
them by hand, and a rebuild from zero in batches of any size gives exactly the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from scenario import QUARTERS_AND_HALF_YEARS, YEAR, World, add_class, build_world, class_teacher_as

from ejournal.clock import MovableClock
from ejournal.commands import attendance, lessons, period_marks, results, students, year
from ejournal.database import SchoolDatabase, open_database
from ejournal.marks import AbsenceReason, Attendance, ResultKind
from ejournal.projections.projector import Projector
from ejournal.projections.summary_sheets.projection import SummarySheets
from ejournal.projections.summary_sheets.queries import (
    SheetNotProjectedError,
    attendance_sheet,
    class_results,
    movement_sheet,
    progress_sheet,
)
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
TRANSFER_DAY = date(2026, 9, 14)
WITHDRAWAL_DAY = date(2026, 10, 1)
OCTOBER_MONDAY = date(2026, 10, 5)
PERIOD_MARKS_DAY = date(2026, 10, 20)


@dataclass
class Sheets:
    """The scenario school with its summary sheets, built as the log grows."""

    world: World
    database: SchoolDatabase
    model: SummarySheets
    projector: Projector

    def catch_up(self) -> None:
        """Apply what the log holds beyond what the read model has, in small batches."""
        self.projector.catch_up()


@pytest.fixture
def sheets(database_url: str, school_id: str) -> Iterator[Sheets]:
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    database = open_database(settings, school_id)
    model = SummarySheets()
    projector = Projector(world.school, database, [model], batch_size=3)
    projector.set_up()
    try:
        yield Sheets(world, database, model, projector)
    finally:
        database.close()


def lesson(world: World, key: str, on: date, slot: int, **fields: Any) -> UUID:
    teacher = {"math": world.math, "russian": world.russian}[key]
    recorded = lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[key], on=on, slot=slot, **fields),
    )
    lesson_id: UUID = recorded.ids["lesson_id"]
    return lesson_id


def absence_reason(world: World, student: UUID, on: date, reason: AbsenceReason) -> None:
    attendance.set_absence_reason(
        world.school,
        class_teacher_as(world),
        attendance.SetAbsenceReason(
            year=YEAR, class_code="5А", student_id=student, start=on, end=on, absence_reason=reason
        ),
    )


def keep_the_term(sheets: Sheets) -> None:
    """Six weeks of 5А: absences with and without reasons, a transfer, a withdrawal from 1А,
    and the first quarter's marks in mathematics and Russian, one of them corrected."""
    world = sheets.world
    p = world.students
    world.at(MONDAY, 10)
    lesson(world, "math", MONDAY, 1, attendance={p[1]: Attendance.ABSENT, p[2]: Attendance.LATE})
    world.at(MONDAY, 12)
    lesson(world, "russian", MONDAY, 3, attendance={p[1]: Attendance.ABSENT})
    world.at(MONDAY, 16)
    absence_reason(world, p[1], MONDAY, AbsenceReason.ILLNESS)
    sheets.catch_up()
    world.at(TUESDAY, 10)
    tuesday = lesson(
        world, "math", TUESDAY, 1, attendance={p[0]: Attendance.ABSENT, p[3]: Attendance.ABSENT}
    )
    # Дарья was there after all: the teacher corrects the entry the same day.
    attendance.correct_attendance(
        world.school,
        world.math,
        attendance.CorrectAttendance(
            journal_id=world.journals["math"],
            lesson_id=tuesday,
            student_id=p[3],
            status=Attendance.PRESENT,
            reason="ученица опоздала на перемене, отмечена ошибочно",
        ),
    )
    world.at(TUESDAY, 16)
    absence_reason(world, p[0], TUESDAY, AbsenceReason.UNEXCUSED)
    world.at(date(2026, 9, 10), 10)
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    students.transfer_student(
        world.school,
        world.secretary,
        students.TransferStudent(
            year=YEAR,
            student_id=p[4],
            to_class="5Б",
            on=TRANSFER_DAY,
            order="№ 120-у",
            reason="заявление родителей",
        ),
    )
    sheets.catch_up()
    world.at(WITHDRAWAL_DAY, 10)
    students.withdraw_student(
        world.school,
        world.secretary,
        students.WithdrawStudent(
            year=YEAR,
            student_id=world.first_graders[1],
            on=WITHDRAWAL_DAY,
            reason="переезд семьи",
            destination="МБОУ СОШ № 5 г. Самары",
            order="№ 131-у",
        ),
    )
    world.at(OCTOBER_MONDAY, 10)
    lesson(world, "math", OCTOBER_MONDAY, 1, attendance={p[1]: Attendance.ABSENT})
    sheets.catch_up()
    # The current marks Q1's marks rest on (School 77 §5.1–5.2).
    world.give_marks("math", 0, 1, 2, 3, on=date(2026, 10, 6))
    world.give_marks("russian", 0, 1, 2, 3, on=date(2026, 10, 6))
    world.at(PERIOD_MARKS_DAY, 12)
    for key, teacher, values in (
        ("math", world.math, ("5", "4", "3", "4")),
        ("russian", world.russian, ("5", "3", "4", "5")),
    ):
        for student, value in zip(p, values, strict=False):
            period_marks.record_period_mark(
                world.school,
                teacher,
                period_marks.RecordPeriodMark(
                    journal_id=world.journals[key], period_id="Q1", student_id=student, value=value
                ),
            )
    period_marks.correct_period_mark(
        world.school,
        world.math,
        period_marks.CorrectPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1",
            student_id=p[2],
            value="2",
            reason="не учтена контрольная работа",
        ),
    )
    sheets.catch_up()


NAMES = [
    "Алексеев Артём Игоревич",
    "Белова Варвара Дмитриевна",
    "Гусев Глеб Андреевич",
    "Денисова Дарья Сергеевна",
    "Егоров Егор Павлович",
]


def test_the_progress_sheet(sheets: Sheets) -> None:
    keep_the_term(sheets)
    with sheets.database.transaction(write=False) as cursor:
        view = progress_sheet(cursor, YEAR, "5А")
    assert [p.period_id for p in view.periods] == ["Q1", "Q2", "Q3", "Q4"]
    assert [s.subject_name for s in view.subjects] == [
        "Иностранный язык (английский)",
        "Литература",
        "Математика",
        "Русский язык",
    ]
    # Everyone who was in the class this year, alphabetical; Егоров left for 5Б but stays.
    assert [r.full_name for r in view.rows] == NAMES
    column = {s.subject: i for i, s in enumerate(view.subjects)}
    math = [r.subjects[column["mathematics"]] for r in view.rows]
    assert [m.periods[0] for m in math] == ["5", "4", "2", "4", None]  # the corrected "2"
    assert all(m.periods[1:] == (None, None, None) and m.year_mark is None for m in math)
    russian = [r.subjects[column["russian_language"]].periods[0] for r in view.rows]
    assert russian == ["5", "3", "4", "5", None]
    assert all(
        r.subjects[column["literature"]].periods == (None, None, None, None) for r in view.rows
    )


def test_the_attendance_sheet(sheets: Sheets) -> None:
    keep_the_term(sheets)
    with sheets.database.transaction(write=False) as cursor:
        view = attendance_sheet(cursor, YEAR, "5А")
    assert view.months == (9, 10, 11, 12, 1, 2, 3, 4, 5)
    assert [r.full_name for r in view.rows] == NAMES
    by_month = {r.full_name: [(m.missed, m.valid) for m in r.months if m.missed] for r in view.rows}
    assert by_month == {
        NAMES[0]: [(1, 0)],  # unexcused
        NAMES[1]: [(2, 2), (1, 0)],  # ill for two lessons in September; no reason in October
        NAMES[2]: [],  # late is not missed
        NAMES[3]: [],  # corrected to present
        NAMES[4]: [],
    }
    assert [(r.missed, r.valid) for r in view.rows] == [(1, 0), (3, 2), (0, 0), (0, 0), (0, 0)]
    assert [(m.month, m.missed, m.valid) for m in view.totals if m.missed] == [
        (9, 3, 2),
        (10, 1, 0),
    ]
    assert (view.missed, view.valid) == (4, 2)


def test_the_movement_sheet(sheets: Sheets) -> None:
    keep_the_term(sheets)
    with sheets.database.transaction(write=False) as cursor:
        view = movement_sheet(cursor, YEAR)
    admitted = [r for r in view.rows if r.kind == "admitted"]
    assert [(r.full_name, r.to_class, r.on) for r in admitted[:2]] == [
        (NAMES[0], "5А", date(2026, 9, 1)),
        (NAMES[1], "5А", date(2026, 9, 1)),
    ]
    assert len(admitted) == 7
    assert {r.order for r in admitted} == {"№ 101-у от 28.08.2026", "№ 102-у от 28.08.2026"}
    moved = [
        (r.kind, r.full_name, r.on, r.from_class, r.to_class, r.order, r.reason, r.destination)
        for r in view.rows
        if r.kind != "admitted"
    ]
    assert moved == [
        (
            "transferred",
            NAMES[4],
            TRANSFER_DAY,
            "5А",
            "5Б",
            "№ 120-у",
            "заявление родителей",
            None,
        ),
        (
            "withdrawn",
            "Зайцева Ирина",
            WITHDRAWAL_DAY,
            "1А",
            None,
            "№ 131-у",
            "переезд семьи",
            "МБОУ СОШ № 5 г. Самары",
        ),
    ]


def test_the_class_results(sheets: Sheets) -> None:
    keep_the_term(sheets)
    with sheets.database.transaction(write=False) as cursor:
        view = class_results(cursor, YEAR, "5А", "Q1")
        with pytest.raises(SheetNotProjectedError):
            class_results(cursor, YEAR, "5А", "Z9")
        with pytest.raises(SheetNotProjectedError):
            progress_sheet(cursor, "2031/2032", "5А")
    assert view.period_name == "1 четверть"
    lines = {
        line.subject: (
            line.students,
            line.fives,
            line.fours,
            line.threes,
            line.twos,
            line.success_rate,
            line.quality_rate,
        )
        for line in view.subjects
    }
    assert lines == {
        "mathematics": (4, 1, 2, 0, 1, 75.0, 75.0),  # 5, 4, 2, 4
        "russian_language": (4, 2, 1, 1, 0, 100.0, 75.0),  # 5, 3, 4, 5
        "literature": (0, 0, 0, 0, 0, None, None),
        "foreign_language": (0, 0, 0, 0, 0, None, None),
    }
    total = view.total
    # Алексеев 5/5 and Денисова 4/5 are on 4 and 5; Белова has a 3; Гусев a 2.
    assert (total.students, total.fives, total.fours, total.threes, total.twos) == (4, 3, 3, 1, 1)
    assert (total.success_rate, total.quality_rate) == (75.0, 50.0)


def dump(sheets: Sheets) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
    """Every row of every sheet table, in a fixed order."""
    tables = {}
    with sheets.database.transaction(write=False) as cursor:
        for table in SummarySheets.tables:
            cursor.execute(f"SELECT * FROM {table}")
            tables[table] = sorted(
                (tuple(sorted(row.items())) for row in cursor.fetchall()), key=repr
            )
    return tables


def test_a_rebuild_from_zero_gives_the_same_rows(sheets: Sheets) -> None:
    keep_the_term(sheets)
    built = dump(sheets)
    assert all(built[table] for table in SummarySheets.tables)
    for batch_size in (1, 7, 500):
        rebuilder = Projector(sheets.world.school, sheets.database, [sheets.model], batch_size)
        rebuilder.rebuild(sheets.model.name)
        assert dump(sheets) == built, f"rebuilt in batches of {batch_size}"


def test_the_progress_sheet_shows_the_years_results_in_each_grades_scheme(
    database_url: str, school_id: str
) -> None:
    """Year marks in the year column (Lyceum 68 §6.3, School 77 §6.5), exam and final marks
    where grade 9 has them; grade 10's half-years beside the quarters of grades 5 and 9."""
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(
        open_school(settings, school_id, clock=clock),
        clock,
        "school117",
        schemes=QUARTERS_AND_HALF_YEARS,
    )
    ninth = add_class(world, 9)
    tenth = add_class(world, 10, pupils=1)
    world.at(date(2027, 5, 20), 12)
    for journal, period, student, value in (
        ("math9", "Q4", ninth[0], "4"),
        ("math9", "Q4", ninth[1], "3"),
        ("math10", "H2", tenth[0], "5"),
    ):
        period_marks.record_period_mark(
            world.school,
            world.math,
            period_marks.RecordPeriodMark(
                journal_id=world.journals[journal],
                period_id=period,
                student_id=student,
                value=value,
            ),
        )
    for journal, kind, student, value in (
        ("math9", ResultKind.YEAR, ninth[0], "4"),
        ("math9", ResultKind.YEAR, ninth[1], "3"),
        ("math9", ResultKind.EXAM, ninth[0], "5"),
        ("math9", ResultKind.FINAL, ninth[0], "5"),
        ("math10", ResultKind.YEAR, tenth[0], "5"),
    ):
        results.record_result_mark(
            world.school,
            world.math,
            results.RecordResultMark(
                journal_id=world.journals[journal],
                kind=kind,
                student_id=student,
                value=value,
                results_date=date(2027, 5, 20) if kind is ResultKind.EXAM else None,
            ),
        )
    database = open_database(settings, school_id)
    try:
        projector = Projector(world.school, database, [SummarySheets()], batch_size=3)
        projector.set_up()
        projector.catch_up()
        with database.transaction(write=False) as cursor:
            grade9 = progress_sheet(cursor, YEAR, "9А")
            grade10 = progress_sheet(cursor, YEAR, "10А")
            grade5 = progress_sheet(cursor, YEAR, "5А")
            year_results = class_results(cursor, YEAR, "9А", "Y")
    finally:
        database.close()
    assert [p.period_id for p in grade9.periods] == ["Q1", "Q2", "Q3", "Q4"]
    assert (grade9.exams, grade9.finals) == (True, True)
    assert [
        (m.periods[3], m.year_mark, m.exam_mark, m.final_mark)
        for m in (row.subjects[0] for row in grade9.rows)
    ] == [("4", "4", "5", "5"), ("3", "3", None, None)]
    assert [p.period_id for p in grade10.periods] == ["H1", "H2"]
    assert (grade10.exams, grade10.finals) == (False, False)
    assert grade10.rows[0].subjects[0].periods == (None, "5")
    assert grade10.rows[0].subjects[0].year_mark == "5"
    assert [p.period_id for p in grade5.periods] == ["Q1", "Q2", "Q3", "Q4"]
    assert year_results.period_name == "Год"
    assert (year_results.total.students, year_results.total.fours, year_results.total.threes) == (
        2,
        1,
        1,
    )
