"""The diary on both backends: two weeks of 5А through the real commands show in each student's
diary as a parent expects (current values, voided marks gone, absences with reasons, period
marks), the averages and forecasts follow the recorded weights, and a rebuild from zero in
batches of any size gives exactly the rows the incrementally built diary has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from scenario import YEAR, World, build_world, class_teacher_as

from ejournal.clock import MovableClock
from ejournal.commands import (
    attendance,
    journals,
    lessons,
    marks,
    period_marks,
    results,
    students,
    year,
)
from ejournal.commands.marking import MarkEntry
from ejournal.database import SchoolDatabase, open_database
from ejournal.marks import AbsenceReason, Attendance, ResultKind, WorkKind
from ejournal.projections.diary.projection import Diary
from ejournal.projections.diary.queries import (
    DiaryDay,
    DiaryView,
    SubjectAverage,
    diary_averages,
    diary_week,
)
from ejournal.projections.projector import Projector
from ejournal.roles import Actor
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
WEDNESDAY = date(2026, 9, 9)
SUNDAY = date(2026, 9, 13)
TRANSFER_DAY = date(2026, 9, 14)
Q1_END = date(2026, 10, 24)


@dataclass
class Diaries:
    """The scenario school with its diary, kept up by a projector as the log grows."""

    world: World
    database: SchoolDatabase
    projector: Projector

    def catch_up(self) -> None:
        self.projector.catch_up()

    def week(self, student: UUID, start: date = MONDAY, end: date = SUNDAY) -> DiaryView:
        with self.database.transaction(write=False) as cursor:
            return diary_week(cursor, student, start, end)

    def averages(self, student: UUID, period_id: str = "Q1") -> dict[str, SubjectAverage]:
        with self.database.transaction(write=False) as cursor:
            return {a.subject: a for a in diary_averages(cursor, student, period_id)}


@pytest.fixture
def diaries(database_url: str, school_id: str) -> Iterator[Diaries]:
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    database = open_database(settings, school_id)
    # Small batches, so the scenario's events are cut across many transactions.
    projector = Projector(world.school, database, [Diary()], batch_size=4)
    projector.set_up()
    try:
        yield Diaries(world, database, projector)
    finally:
        database.close()


@dataclass
class Entries:
    """Ids the scenario's commands returned."""

    monday_math: UUID
    corrected_mark: UUID
    voided_mark: UUID


def lesson(
    world: World, key: str, teacher: Actor, on: date, slot: int, **fields: Any
) -> dict[str, UUID]:
    return lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[key], on=on, slot=slot, **fields),
    ).ids


def keep_the_journals(diaries: Diaries) -> Entries:
    """A week of 5А's lessons, a transfer, and Q1's period marks, the diary catching up."""
    world = diaries.world
    pupils = world.students
    math = world.journals["math"]
    world.at(MONDAY, 10)
    monday = lesson(
        world,
        "math",
        world.math,
        MONDAY,
        1,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={pupils[1]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=pupils[0], value="3"),
            MarkEntry(student_id=pupils[2], value="5", work_kind=WorkKind.INDEPENDENT),
        ),
    )
    russian = lesson(
        world,
        "russian",
        world.russian,
        MONDAY,
        3,
        topic="Звуки и буквы",
        attendance={pupils[1]: Attendance.ABSENT, pupils[2]: Attendance.ABSENT},
        marks=(MarkEntry(student_id=pupils[0], value="5", work_kind=WorkKind.DICTATION),),
    )["lesson_id"]
    lesson(world, "english1", world.english1, MONDAY, 4, topic="Greetings")
    lesson(world, "english2", world.english2, MONDAY, 4, topic="Colours")
    diaries.catch_up()
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
    # Homework given after the lesson; Гусев was there after all.
    lessons.record_lesson_details(
        world.school,
        world.russian,
        lessons.RecordLessonDetails(
            journal_id=world.journals["russian"], lesson_id=russian, homework="упр. 12"
        ),
    )
    attendance.correct_attendance(
        world.school,
        world.russian,
        attendance.CorrectAttendance(
            journal_id=world.journals["russian"],
            lesson_id=russian,
            student_id=pupils[2],
            status=Attendance.PRESENT,
            reason="пришёл ко второй половине урока, отмечен ошибочно",
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
    diaries.catch_up()
    # A subject taught without marks: its "зач" shows in the diary and counts in no average.
    world.journals["odnknr"] = journals.open_journal(
        world.school,
        world.admin,
        journals.OpenJournal(
            year=YEAR, class_code="5А", subject="odnknr", teachers=(world.math.account_id,)
        ),
    ).ids["journal_id"]
    world.at(TUESDAY, 10)
    lesson(
        world,
        "math",
        world.math,
        TUESDAY,
        1,
        topic="Сравнение чисел",
        marks=(MarkEntry(student_id=pupils[0], value="5", work_kind=WorkKind.CONTROL),),
    )
    lesson(
        world,
        "odnknr",
        world.math,
        TUESDAY,
        2,
        topic="Введение в курс",
        marks=(MarkEntry(student_id=pupils[0], value="зач"),),
    )
    diaries.catch_up()
    return Entries(
        monday_math=monday["lesson_id"],
        corrected_mark=monday["mark_0"],
        voided_mark=monday["mark_1"],
    )


def more_marks_a_transfer_and_period_marks(diaries: Diaries) -> None:
    """The third mathematics mark, Егоров's move to 5Б, and Q1's period marks."""
    world = diaries.world
    pupils = world.students
    world.at(WEDNESDAY, 10)
    lesson(
        world,
        "math",
        world.math,
        WEDNESDAY,
        1,
        topic="Сложение",
        marks=(MarkEntry(student_id=pupils[0], value="4", work_kind=WorkKind.WRITTEN),),
    )
    voided = lesson(
        world,
        "math",
        world.math,
        WEDNESDAY,
        2,
        topic="Вычитание",
        marks=(MarkEntry(student_id=pupils[0], value="2"),),
    )["mark_0"]
    marks.void_mark(
        world.school,
        world.math,
        marks.VoidMark(journal_id=world.journals["math"], mark_id=voided, reason="не тот урок"),
    )
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
    world.at(TRANSFER_DAY, 10)
    lesson(world, "math", world.math, TRANSFER_DAY, 1, topic="Сложение натуральных чисел")
    diaries.catch_up()
    world.at(date(2026, 10, 20), 12)
    math = world.journals["math"]
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=math, period_id="Q1", student_id=pupils[0], value="4"
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
    diaries.catch_up()


def day(view: DiaryView, on: date) -> DiaryDay:
    (found,) = [d for d in view.days if d.on == on]
    return found


def dump(diaries: Diaries) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
    """Every row of every diary table, in a fixed order."""
    tables = {}
    with diaries.database.transaction(write=False) as cursor:
        for table in Diary.tables:
            cursor.execute(f"SELECT * FROM {table}")
            tables[table] = sorted(
                (tuple(sorted(row.items())) for row in cursor.fetchall()), key=repr
            )
    return tables


def test_the_diary_shows_a_students_days(diaries: Diaries) -> None:
    entries = keep_the_journals(diaries)
    pupils = diaries.world.students

    week = diaries.week(pupils[0])
    assert [d.on for d in week.days] == [MONDAY + timedelta(days=n) for n in range(7)]
    monday = day(week, MONDAY)
    # Lessons of his journals in slot order: English of his own subgroup only.
    assert [(x.slot, x.subject, x.topic) for x in monday.lessons] == [
        (1, "mathematics", "Натуральные числа"),
        (3, "russian_language", "Звуки и буквы"),
        (4, "foreign_language", "Greetings"),
    ]
    math = monday.lessons[0]
    assert (math.lesson_id, math.homework, math.attendance) == (entries.monday_math, "№ 6–10", None)
    (corrected,) = math.marks
    assert (corrected.mark_id, corrected.value, corrected.work_kind, corrected.weight) == (
        entries.corrected_mark,
        "4",
        WorkKind.ORAL,
        1.0,
    )
    (dictation,) = monday.lessons[1].marks
    assert (dictation.value, dictation.work_kind, dictation.weight) == (
        "5",
        WorkKind.DICTATION,
        2.0,
    )
    assert [m.value for m in day(week, TUESDAY).lessons[1].marks] == ["зач"]
    assert (monday.lessons[1].homework, day(week, SUNDAY).lessons) == ("упр. 12", ())

    # Гусев's only mark was voided: the lesson is there, the mark is not; his absence was
    # corrected to presence.
    (gusev_math, gusev_russian, _) = day(diaries.week(pupils[2]), MONDAY).lessons
    assert (gusev_math.subject, gusev_math.marks) == ("mathematics", ())
    assert gusev_russian.attendance is not None
    assert (gusev_russian.attendance.status, gusev_russian.attendance.absence_reason) == (
        Attendance.PRESENT,
        None,
    )

    # Белова was absent from two lessons, both with the reason the class teacher gave.
    belova = day(diaries.week(pupils[1]), MONDAY).lessons
    absences = [(x.subject, x.attendance) for x in belova if x.attendance is not None]
    assert [(s, a.status, a.absence_reason, a.valid) for s, a in absences if a] == [
        ("mathematics", Attendance.ABSENT, AbsenceReason.ILLNESS, True),
        ("russian_language", Attendance.ABSENT, AbsenceReason.ILLNESS, True),
    ]

    # Денисова is in English's second subgroup.
    denisova = day(diaries.week(pupils[3]), MONDAY).lessons
    assert [(x.slot, x.topic) for x in denisova if x.subject == "foreign_language"] == [
        (4, "Colours")
    ]

    # Two mathematics marks: an average but no forecast yet.
    averages = diaries.averages(pupils[0])
    # (4·1 + 5·2) / 3
    assert (averages["mathematics"].marks, averages["mathematics"].forecast) == (2, None)
    assert averages["mathematics"].average == pytest.approx(14 / 3)
    assert (averages["odnknr"].marks, averages["odnknr"].average) == (0, None)
    assert (averages["russian_language"].average, averages["russian_language"].marks) == (5.0, 1)

    more_marks_a_transfer_and_period_marks(diaries)
    math_q1 = diaries.averages(pupils[0])["mathematics"]
    # (4·1 + 5·2 + 4·1.5) / 4.5 = 20 / 4.5 = 4.44…: forecast 4; the voided 2 does not count.
    assert (math_q1.marks, math_q1.forecast, math_q1.period_mark) == (3, "4", "5")
    assert math_q1.average == pytest.approx(20 / 4.5)
    assert (math_q1.year, math_q1.period_id, math_q1.subject_name) == (YEAR, "Q1", "Математика")
    assert [m.value for x in day(diaries.week(pupils[0]), WEDNESDAY).lessons for m in x.marks] == [
        "4"
    ]
    assert diaries.averages(pupils[0], "Q2") == {}

    # The period mark stands on the period's last day, at its corrected value.
    closing = diaries.week(pupils[0], date(2026, 10, 19), date(2026, 10, 25))
    assert [(p.period_id, p.subject, p.value) for p in day(closing, Q1_END).period_marks] == [
        ("Q1", "mathematics", "5")
    ]

    # Егоров left 5А on 13 September: its lessons are no longer in his diary.
    next_week = (TRANSFER_DAY, TRANSFER_DAY + timedelta(days=6))
    assert [x.topic for x in day(diaries.week(pupils[0], *next_week), TRANSFER_DAY).lessons] == [
        "Сложение натуральных чисел"
    ]
    assert day(diaries.week(pupils[4], *next_week), TRANSFER_DAY).lessons == ()
    assert [x.slot for x in day(diaries.week(pupils[4]), MONDAY).lessons] == [1, 3, 4]


def test_a_rebuild_from_zero_gives_the_same_rows(diaries: Diaries) -> None:
    keep_the_journals(diaries)
    more_marks_a_transfer_and_period_marks(diaries)
    built = dump(diaries)
    assert all(built[table] for table in Diary.tables)
    for batch_size in (1, 7, 500):
        projector = Projector(diaries.world.school, diaries.database, [Diary()], batch_size)
        projector.rebuild("diary")
        assert dump(diaries) == built, f"rebuilt in batches of {batch_size}"


def test_year_marks_show_in_the_diary_on_the_years_last_day(diaries: Diaries) -> None:
    """The year's results reach the family (School 77 §9.4): a year mark shows on the year's
    last day, beside the last quarter's mark on its own."""
    world = diaries.world
    student = world.students[0]
    world.give_marks("math", 0, on=date(2027, 5, 17))
    world.at(date(2027, 5, 20), 12)
    period_marks.record_period_mark(
        world.school,
        world.math,
        period_marks.RecordPeriodMark(
            journal_id=world.journals["math"], period_id="Q4", student_id=student, value="5"
        ),
    )
    results.record_result_mark(
        world.school,
        world.math,
        results.RecordResultMark(
            journal_id=world.journals["math"], kind=ResultKind.YEAR, student_id=student, value="5"
        ),
    )
    diaries.catch_up()
    view = diaries.week(student, date(2027, 5, 24), date(2027, 5, 31))
    shown = {(d.on, m.period_id, m.period_name, m.value) for d in view.days for m in d.period_marks}
    assert shown == {
        (date(2027, 5, 26), "Q4", "4 четверть", "5"),
        (date(2027, 5, 31), "Y", "Год", "5"),
    }
