"""The journal grid on both backends: a month and a half of 5А's mathematics through the real
commands shows on the page as a teacher expects it, and a rebuild from zero in batches of any
size gives exactly the rows the incrementally built grid has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from scenario import YEAR, World, build_world, class_teacher_as

from ejournal.aggregates.student import PersonName
from ejournal.clock import MovableClock
from ejournal.commands import (
    attendance,
    lessons,
    marks,
    period_marks,
    students,
    substitutions,
    year,
)
from ejournal.commands.marking import MarkEntry
from ejournal.database import SchoolDatabase, open_database
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.policy.profile import PeriodMarkBasis
from ejournal.projections.journal_grid.projection import JournalGrid
from ejournal.projections.journal_grid.queries import (
    GridRow,
    JournalGridView,
    LessonColumn,
    PeriodColumn,
    grid,
)
from ejournal.projections.projector import Projector
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
TRANSFER_DAY = date(2026, 9, 14)
LAST_Q1_LESSON = date(2026, 10, 23)
FIRST_Q2_LESSON = date(2026, 11, 9)


@dataclass
class Journal:
    """The scenario school with its grid, built as the log grows."""

    world: World
    database: SchoolDatabase
    model: JournalGrid
    projector: Projector

    def catch_up(self) -> None:
        """Apply what the log holds beyond what the read model has, in small batches."""
        self.projector.catch_up()

    def view(self, key: str = "math") -> JournalGridView:
        with self.database.transaction(write=False) as cursor:
            return grid(cursor, self.world.journals[key])


@pytest.fixture
def journal(database_url: str, school_id: str) -> Iterator[Journal]:
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    database = open_database(settings, school_id)
    model = JournalGrid()
    projector = Projector(world.school, database, [model], batch_size=4)
    projector.set_up()
    try:
        yield Journal(world, database, model, projector)
    finally:
        database.close()


@dataclass
class Entries:
    """Ids the scenario's commands returned."""

    monday: UUID
    late_lesson: UUID
    substitute_lesson: UUID
    substitution: UUID
    permission: UUID
    corrected_mark: UUID
    voided_mark: UUID
    late_mark: UUID


def whole_lesson(world: World, on: date, slot: int, **fields: Any) -> dict[str, UUID]:
    teacher = fields.pop("teacher", world.math)
    return lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals["math"], on=on, slot=slot, **fields),
    ).ids


def keep_the_journal(journal: Journal) -> Entries:
    """Six weeks of 5А's mathematics, the grid catching up as they go."""
    world = journal.world
    pupils = world.students
    math = world.journals["math"]
    world.at(MONDAY, 10)
    monday = whole_lesson(
        world,
        MONDAY,
        1,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={pupils[1]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=pupils[0], value="3"),
            MarkEntry(student_id=pupils[2], value="5", work_kind=WorkKind.INDEPENDENT),
            MarkEntry(student_id=pupils[4], value="4"),
        ),
    )
    journal.catch_up()
    world.at(MONDAY, 15)
    marks.correct_mark(
        world.school,
        world.math,
        marks.CorrectMark(
            journal_id=math, mark_id=monday["mark_0"], value="4", reason="ошибка при выставлении"
        ),
    )
    marks.void_mark(
        world.school,
        world.math,
        marks.VoidMark(
            journal_id=math, mark_id=monday["mark_1"], reason="отметка выставлена не тому ученику"
        ),
    )
    lessons.correct_lesson_details(
        world.school,
        world.math,
        lessons.CorrectLessonDetails(
            journal_id=math, lesson_id=monday["lesson_id"], homework="№ 6–10", reason="опечатка"
        ),
    )
    world.at(MONDAY, 16)
    attendance.set_absence_reason(
        world.school,
        class_teacher_as(world),
        attendance.SetAbsenceReason(
            year=YEAR,
            class_code="5А",
            student_id=pupils[1],
            start=MONDAY,
            end=MONDAY,
            absence_reason=AbsenceReason.ILLNESS,
            note="справка № 12",
        ),
    )
    journal.catch_up()
    world.at(TUESDAY, 7, 30)
    substitution = substitutions.assign_substitution(
        world.school,
        world.deputy,
        substitutions.AssignSubstitution(
            journal_id=math,
            on=TUESDAY,
            slot=1,
            substitute_id=world.outsider.account_id,
            replaced_id=world.math.account_id,
            reason="болезнь учителя (больничный лист)",
        ),
    ).ids["substitution_id"]
    world.at(TUESDAY, 12)
    substitute_lesson = whole_lesson(
        world,
        TUESDAY,
        1,
        teacher=world.outsider,
        topic="Сравнение чисел",
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )["lesson_id"]
    # Monday's second lesson was never entered: past its deadline it needs the deputy's leave.
    world.at(date(2026, 9, 9), 10)
    permission = substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=math,
            from_date=MONDAY,
            to_date=MONDAY,
            teacher_id=world.math.account_id,
            reason="учитель болел, журнал не заполнен",
        ),
    ).ids["permission_id"]
    late = whole_lesson(
        world,
        MONDAY,
        2,
        topic="Числовой луч",
        marks=(MarkEntry(student_id=pupils[1], value="5"),),
    )
    journal.catch_up()
    world.at(date(2026, 9, 10), 10)
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    students.transfer_student(
        world.school,
        world.secretary,
        students.TransferStudent(
            year=YEAR,
            student_id=pupils[4],
            to_class="5Б",
            on=TRANSFER_DAY,
            order="№ 120-у",
            reason="заявление родителей",
        ),
    )
    students.correct_personal_data(
        world.school,
        world.secretary,
        students.CorrectPersonalData(
            student_id=pupils[3],
            name=PersonName(last="Дёмина", first="Дарья", patronymic="Сергеевна"),
            birth_date=date(2015, 3, 14),
            reason="смена фамилии, свидетельство о браке родителей",
        ),
    )
    world.at(TRANSFER_DAY, 10)
    # Gusev's only mark was voided: a period mark rests on a current one (School 77 §5.1).
    whole_lesson(
        world,
        TRANSFER_DAY,
        1,
        topic="Сложение натуральных чисел",
        marks=(MarkEntry(student_id=pupils[2], value="4"),),
    )
    journal.catch_up()
    world.at(date(2026, 10, 20), 12)
    for student in pupils[:4]:
        period_marks.record_period_mark(
            world.school,
            world.math,
            period_marks.RecordPeriodMark(
                journal_id=math, period_id="Q1", student_id=student, value="4"
            ),
        )
    period_marks.correct_period_mark(
        world.school,
        world.math,
        period_marks.CorrectPeriodMark(
            journal_id=math,
            period_id="Q1",
            student_id=pupils[0],
            value="5",
            reason="учтена контрольная работа",
        ),
    )
    world.at(LAST_Q1_LESSON, 12)
    whole_lesson(world, LAST_Q1_LESSON, 1, topic="Повторение")
    world.at(FIRST_Q2_LESSON, 12)
    whole_lesson(world, FIRST_Q2_LESSON, 1, topic="Дроби")
    journal.catch_up()
    return Entries(
        monday=monday["lesson_id"],
        late_lesson=late["lesson_id"],
        substitute_lesson=substitute_lesson,
        substitution=substitution,
        permission=permission,
        corrected_mark=monday["mark_0"],
        voided_mark=monday["mark_1"],
        late_mark=late["mark_0"],
    )


def row_of(view: JournalGridView, student: UUID) -> GridRow:
    (row,) = [r for r in view.rows if r.student_id == student]
    return row


def dump(journal: Journal) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
    """Every row of every grid table, in a fixed order."""
    tables = {}
    with journal.database.transaction(write=False) as cursor:
        for table in JournalGrid.tables:
            cursor.execute(f"SELECT * FROM {table}")
            tables[table] = sorted(
                (tuple(sorted(row.items())) for row in cursor.fetchall()), key=repr
            )
    return tables


def test_the_grid_shows_the_page_as_kept(journal: Journal) -> None:
    entries = keep_the_journal(journal)
    world = journal.world
    pupils = world.students
    view = journal.view()
    assert (view.class_code, view.subject_name, view.subgroup) == ("5А", "Математика", None)

    # Lessons in date and slot order; Q1's marks right after its last lesson, before Q2's first.
    shown = [(c.on, c.slot) if isinstance(c, LessonColumn) else c.period_id for c in view.columns]
    assert shown == [
        (MONDAY, 1),
        (MONDAY, 2),
        (TUESDAY, 1),
        (TRANSFER_DAY, 1),
        (LAST_Q1_LESSON, 1),
        "Q1",
        (FIRST_Q2_LESSON, 1),
        "Q2",  # the current period's column waits at the end for its marks
    ]
    lessons_by_id = {c.lesson_id: c for c in view.columns if isinstance(c, LessonColumn)}
    monday = lessons_by_id[entries.monday]
    assert (monday.homework, monday.previous_homework, monday.corrected) == (
        "№ 6–10",
        "№ 1–5",
        True,
    )
    assert (monday.topic, monday.late, monday.substitution_id) == ("Натуральные числа", False, None)
    substitute = lessons_by_id[entries.substitute_lesson]
    assert substitute.substitution_id == entries.substitution
    assert substitute.taught_by == world.outsider.account_id
    late = lessons_by_id[entries.late_lesson]
    assert (late.late, late.late_permission_id) == (True, entries.permission)

    # Alphabetical, the corrected surname in its place; the transferred student stays listed.
    assert [r.full_name for r in view.rows] == [
        "Алексеев Артём Игоревич",
        "Белова Варвара Дмитриевна",
        "Гусев Глеб Андреевич",
        "Дёмина Дарья Сергеевна",
        "Егоров Егор Павлович",
    ]
    column = {
        (c.on, c.slot) if isinstance(c, LessonColumn) else c.period_id: i
        for i, c in enumerate(view.columns)
    }

    first = row_of(view, pupils[0]).cells
    (corrected,) = first[column[MONDAY, 1]].marks
    assert (corrected.mark_id, corrected.value, corrected.previous_value) == (
        entries.corrected_mark,
        "4",
        "3",
    )
    assert (corrected.corrected, corrected.voided, corrected.reason) == (
        True,
        False,
        "ошибка при выставлении",
    )
    q1 = first[column["Q1"]].period_mark
    assert q1 is not None
    assert (q1.value, q1.previous_value, q1.corrected) == ("5", "4", True)

    absent = row_of(view, pupils[1]).cells
    monday_attendance = absent[column[MONDAY, 1]].attendance
    assert monday_attendance is not None
    assert monday_attendance.symbol == "н"
    assert (monday_attendance.absence_reason, monday_attendance.valid) == (
        AbsenceReason.ILLNESS,
        True,
    )
    assert absent[column[MONDAY, 1]].marks == ()
    (late_mark,) = absent[column[MONDAY, 2]].marks
    assert (late_mark.mark_id, late_mark.value, late_mark.late) == (entries.late_mark, "5", True)
    assert late_mark.late_permission_id == entries.permission

    (voided,) = row_of(view, pupils[2]).cells[column[MONDAY, 1]].marks
    assert (voided.mark_id, voided.value, voided.voided) == (entries.voided_mark, "5", True)
    assert voided.reason == "отметка выставлена не тому ученику"
    assert voided.work_kind is WorkKind.INDEPENDENT

    (substitutes_mark,) = row_of(view, pupils[3]).cells[column[TUESDAY, 1]].marks
    assert substitutes_mark.value == "5"

    # Егоров left for 5Б on 14 September: on the page until the day before, not after.
    transferred = row_of(view, pupils[4])
    assert [(s.since, s.until) for s in transferred.on_page] == [
        (date(2026, 9, 1), date(2026, 9, 13))
    ]
    assert [cell.on_page for cell in transferred.cells] == [
        True,
        True,
        True,
        False,
        False,
        True,  # Q1 began while he was in 5А
        False,
        False,
    ]
    assert [m.value for m in transferred.cells[column[MONDAY, 1]].marks] == ["4"]
    assert transferred.cells[column["Q1"]].period_mark is None

    # A subgroup's page lists its own students only; the transferred one until he left.
    english = journal.view("english2")
    assert [(r.student_id, r.on_page[0].until) for r in english.rows] == [
        (pupils[3], None),
        (pupils[4], date(2026, 9, 13)),
    ]
    assert english.columns == ()
    assert [r.full_name for r in journal.view("math1").rows] == [
        "Жаров Захар",
        "Зайцева Ирина",
    ]


def test_a_rebuild_from_zero_gives_the_same_rows(journal: Journal) -> None:
    keep_the_journal(journal)
    built = dump(journal)
    assert all(built[table] for table in JournalGrid.tables)
    for batch_size in (1, 7, 500):
        rebuilder = Projector(journal.world.school, journal.database, [journal.model], batch_size)
        rebuilder.rebuild(journal.model.name)
        assert dump(journal) == built, f"rebuilt in batches of {batch_size}"


def test_events_the_grid_does_not_show_change_nothing(journal: Journal) -> None:
    world = journal.world
    journal.catch_up()
    before = dump(journal)
    world.at(MONDAY, 10)
    substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=world.journals["math"],
            from_date=MONDAY,
            to_date=MONDAY,
            reason="сбой сети в школе",
        ),
    )
    journal.catch_up()
    assert dump(journal) == before


def test_period_column_stands_without_lessons_of_its_own(journal: Journal) -> None:
    """Period marks given before any lesson of the period was entered still get their column
    (under a profile that sets no number of current marks a period mark rests on)."""
    world = journal.world
    profile = world.school.year_view(YEAR).profile
    year.adopt_profile(
        world.school,
        world.admin,
        year.AdoptProfile(
            year=YEAR,
            profile=profile.model_copy(update={"period_mark_basis": PeriodMarkBasis()}),
            reason="приказ: отметки за четверть без минимума текущих",
        ),
    )
    world.at(date(2026, 10, 20), 12)
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals["math"],
            period_id="Q1",
            student_id=world.students[0],
            value="5",
        ),
    )
    journal.catch_up()
    view = journal.view()
    assert [c.period_id for c in view.columns if isinstance(c, PeriodColumn)] == ["Q1"]
    mark = view.rows[0].cells[0].period_mark
    assert mark is not None
    assert (mark.value, mark.late, mark.corrected) == ("5", False, False)
