"""History on both backends: a journal replayed from the log as of a moment is exactly the page
the journal grid read model showed at that moment (the grid built by the real projector over the
log up to that moment's position), before and after a correction; the difference between two
moments and the story of one mark tell who changed what, when and why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from scenario import YEAR, World, build_world, class_teacher_as

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.student import PersonName
from ejournal.application import School
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
from ejournal.errors import NotFoundError
from ejournal.history.as_of import journal_as_of
from ejournal.history.diff import journal_diff
from ejournal.history.story import mark_story
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.projections.journal_grid.projection import JournalGrid
from ejournal.projections.journal_grid.queries import JournalGridView, grid
from ejournal.projections.projector import Projector
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
TRANSFER_DAY = date(2026, 9, 14)
PAGES = ("math", "english2", "russian", "math1")
"""The pages compared at every moment: kept, a subgroup's, untouched, another class's."""


@dataclass
class Moment:
    """A moment between two commands, and the log's position then."""

    label: str
    at: datetime
    position: int


@dataclass
class Timeline:
    """The scenario school, its database, and the moments noted as its journal was kept."""

    world: World
    database: SchoolDatabase
    settings: Settings
    school_id: str
    moments: list[Moment] = field(default_factory=list)

    def note(self, label: str) -> Moment:
        """Note the moment now (nothing is recorded at it: the clock moves on a minute)."""
        moment = Moment(label, self.world.clock.now(), self.world.school.position())
        self.moments.append(moment)
        self.world.clock.advance(timedelta(minutes=1))
        return moment

    def grid_as_it_was(self, projector: Projector, moment: Moment, key: str) -> JournalGridView:
        projector.catch_up(until=moment.position)
        with self.database.transaction(write=False) as cursor:
            return grid(cursor, self.world.journals[key])


@pytest.fixture
def timeline(database_url: str, school_id: str) -> Iterator[Timeline]:
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    database = open_database(settings, school_id)
    try:
        yield Timeline(world, database, settings, school_id)
    finally:
        database.close()


def whole_lesson(world: World, key: str, on: date, slot: int, **fields: Any) -> dict[str, UUID]:
    teacher = fields.pop("teacher", world.math)
    return lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[key], on=on, slot=slot, **fields),
    ).ids


@dataclass
class Kept:
    """Ids the scenario's commands returned."""

    corrected: UUID
    voided: UUID
    authorization: UUID
    monday: UUID


def keep_the_journal(timeline: Timeline) -> Kept:
    """A month and a half of 5А's mathematics and one English group, moments noted between."""
    world = timeline.world
    pupils = world.students
    math = world.journals["math"]
    timeline.note("opened")
    world.at(MONDAY, 10)
    monday = whole_lesson(
        world,
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={pupils[1]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=pupils[0], value="3"),
            MarkEntry(student_id=pupils[2], value="5", work_kind=WorkKind.INDEPENDENT),
            MarkEntry(student_id=pupils[4], value="4", comment="у доски"),
        ),
    )
    whole_lesson(
        world,
        "english2",
        MONDAY,
        4,
        teacher=world.english2,
        topic="Present Simple",
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )
    timeline.note("before the correction")
    world.at(MONDAY, 15)
    authorization = marks.authorize_correction(
        world.school,
        world.deputy,
        marks.AuthorizeCorrection(
            journal_id=math,
            mark_id=monday["mark_0"],
            action="correct",
            remark="отметка выставлена ошибочно, исправить по работе",
        ),
    ).ids["authorization_id"]
    marks.correct_mark(
        world.school,
        world.math,
        marks.CorrectMark(
            journal_id=math,
            mark_id=monday["mark_0"],
            value="4",
            reason="ошибка при выставлении",
            authorization_id=authorization,
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
    timeline.note("after the correction")
    world.at(MONDAY, 16)
    attendance.correct_attendance(
        world.school,
        world.math,
        attendance.CorrectAttendance(
            journal_id=math,
            lesson_id=monday["lesson_id"],
            student_id=pupils[1],
            status=Attendance.LATE,
            reason="пришёл ко второй половине урока",
        ),
    )
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
    timeline.note("attendance corrected")
    world.at(TUESDAY, 7, 30)
    substitutions.assign_substitution(
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
    )
    world.at(TUESDAY, 12)
    whole_lesson(
        world,
        "math",
        TUESDAY,
        1,
        teacher=world.outsider,
        topic="Сравнение чисел",
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )
    whole_lesson(world, "math", TUESDAY, 2)  # held, its topic left for later
    timeline.note("substitute's lesson")
    world.at(date(2026, 9, 9), 10)
    substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=math,
            from_date=MONDAY,
            to_date=TUESDAY,
            teacher_id=world.math.account_id,
            reason="учитель болел, журнал не заполнен",
        ),
    )
    whole_lesson(
        world,
        "math",
        MONDAY,
        2,
        topic="Числовой луч",
        marks=(MarkEntry(student_id=pupils[1], value="5"),),
    )
    whole_lesson(world, "math", TUESDAY, 2, topic="Шкалы")
    timeline.note("late entries")
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
    whole_lesson(world, "math", TRANSFER_DAY, 1, topic="Сложение натуральных чисел")
    timeline.note("transfer and a new surname")
    # Алексеев's and Гусев's current marks, which their Q1 marks rest on (School 77 §5.1).
    world.give_marks("math", 0, 2, on=date(2026, 10, 6))
    world.at(date(2026, 10, 20), 12)
    for student in pupils[:4]:
        period_marks.record_period_mark(
            world.school,
            world.math,
            period_marks.RecordPeriodMark(
                journal_id=math, period_id="Q1", student_id=student, value="4"
            ),
        )
    timeline.note("period marks")
    world.at(date(2026, 10, 21), 12)
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
    timeline.note("period mark corrected")
    return Kept(
        corrected=monday["mark_0"],
        voided=monday["mark_1"],
        authorization=authorization,
        monday=monday["lesson_id"],
    )


def test_a_journal_as_of_a_moment_is_the_grid_as_it_was_then(timeline: Timeline) -> None:
    kept = keep_the_journal(timeline)
    world = timeline.world
    projector = Projector(world.school, timeline.database, [JournalGrid()], batch_size=5)
    projector.set_up()
    for moment in timeline.moments:
        for key in PAGES:
            expected = timeline.grid_as_it_was(projector, moment, key)
            replayed = journal_as_of(world.school, world.journals[key], moment.at)
            assert replayed == expected, (moment.label, key)

    # Before and after the correction, as a reader sees it.
    moments = {m.label: m for m in timeline.moments}
    before, after = moments["before the correction"], moments["after the correction"]
    first = journal_as_of(world.school, world.journals["math"], before.at).rows[0]
    (mark,) = first.cells[0].marks
    assert (mark.value, mark.corrected, mark.previous_value) == ("3", False, None)
    first = journal_as_of(world.school, world.journals["math"], after.at).rows[0]
    (mark,) = first.cells[0].marks
    assert (mark.mark_id, mark.value, mark.corrected) == (kept.corrected, "4", True)
    assert (mark.previous_value, mark.reason) == ("3", "ошибка при выставлении")


def test_a_journal_did_not_exist_before_it_was_opened(timeline: Timeline) -> None:
    world = timeline.world
    with pytest.raises(NotFoundError):
        journal_as_of(world.school, world.journals["math"], datetime(2026, 8, 1, tzinfo=UTC))
    with pytest.raises(NotFoundError):
        journal_as_of(world.school, UUID(int=7), world.clock.now())


def test_replayed_cold_from_snapshots_it_is_still_the_grid_as_it_was(
    timeline: Timeline,
) -> None:
    """Past a snapshot (every 200 events), in a fresh application with nothing cached: the
    journal is rebuilt from the snapshot below the moment and the events after it."""
    world = timeline.world
    pupils = world.students
    day = MONDAY
    for week in range(5):
        for _ in range(5):
            world.at(day, 10)
            for slot in (1, 2):
                whole_lesson(
                    world,
                    "math",
                    day,
                    slot,
                    topic=f"Тема {day:%d.%m} урок {slot}",
                    attendance={pupils[(day.day + slot) % 5]: Attendance.ABSENT},
                    # An absent pupil gives no oral answer (Lyceum 68 §5.3, profile presence).
                    marks=tuple(
                        MarkEntry(student_id=p, value=str(3 + (day.day + slot + i) % 3))
                        for i, p in enumerate(pupils)
                        if i != (day.day + slot) % 5
                    ),
                )
            day += timedelta(days=1)
        day += timedelta(days=2)
        timeline.note(f"week {week + 1}")
    world.at(day, 10)
    journal = world.school.journal(world.journals["math"])
    first_mark = next(iter(journal.marks))
    marks.correct_mark(
        world.school,
        world.math,
        marks.CorrectMark(
            journal_id=journal.id, mark_id=first_mark, value="2", reason="пересмотр работы"
        ),
    )
    timeline.note("corrected after a snapshot")
    assert world.school.snapshots is not None
    snapshot = list(world.school.snapshots.get(journal.id, desc=True, limit=1))
    assert snapshot, "the journal is long enough to have a snapshot"
    assert any(m.position > 200 for m in timeline.moments)

    cold = School(
        timeline.school_id,
        env=world.school.env,
        clock=world.clock,
    )
    try:
        projector = Projector(world.school, timeline.database, [JournalGrid()], batch_size=97)
        projector.set_up()
        for moment in timeline.moments:
            expected = timeline.grid_as_it_was(projector, moment, "math")
            assert journal_as_of(cold, world.journals["math"], moment.at) == expected, moment.label
    finally:
        cold.close()


def test_the_difference_between_two_moments(timeline: Timeline) -> None:
    kept = keep_the_journal(timeline)
    world = timeline.world
    moments = {m.label: m for m in timeline.moments}
    diff = journal_diff(
        world.school,
        world.journals["math"],
        moments["before the correction"].at,
        moments["after the correction"].at,
    )
    found = {(c.what, c.change, c.mark_id or c.lesson_id): c for c in diff.changes}
    assert set(found) == {
        ("mark", "changed", kept.corrected),
        ("mark", "voided", kept.voided),
        ("lesson", "changed", kept.monday),
    }
    corrected = found["mark", "changed", kept.corrected]
    assert (corrected.before, corrected.after, corrected.reason) == (
        "3",
        "4",
        "ошибка при выставлении",
    )
    assert corrected.student_name == "Алексеев Артём Игоревич"
    voided = found["mark", "voided", kept.voided]
    assert (voided.before, voided.after) == ("5", None)
    lesson = found["lesson", "changed", kept.monday]
    assert (lesson.before, lesson.after, lesson.reason) == (
        "тема: Натуральные числа; д/з: № 1–5",
        "тема: Натуральные числа; д/з: № 6–10",
        "опечатка",
    )

    later = journal_diff(
        world.school,
        world.journals["math"],
        moments["substitute's lesson"].at,
        moments["transfer and a new surname"].at,
    )
    kinds = [(c.what, c.change, c.on) for c in later.changes]
    assert ("lesson", "added", MONDAY) in kinds  # the late lesson, entered on 9 September
    assert ("lesson", "changed", TUESDAY) in kinds  # its topic filled in late
    assert ("lesson", "added", TRANSFER_DAY) in kinds
    (left,) = [c for c in later.changes if c.what == "student"]
    assert (left.student_name, left.change) == ("Егоров Егор Павлович", "changed")
    assert (left.before, left.after) == ("2026-09-01–", "2026-09-01–2026-09-13")
    late = [c for c in later.changes if c.what == "mark"]
    assert [(c.after, c.late, c.on) for c in late] == [("5", True, MONDAY)]

    nothing = journal_diff(
        world.school, world.journals["math"], moments["opened"].at, moments["opened"].at
    )
    assert nothing.changes == ()


def test_the_story_of_a_mark(timeline: Timeline) -> None:
    kept = keep_the_journal(timeline)
    world = timeline.world
    story = mark_story(world.school, world.journals["math"], kept.corrected)
    assert (story.student_name, story.lesson_date, story.value, story.voided) == (
        "Алексеев Артём Игоревич",
        MONDAY,
        "4",
        False,
    )
    recorded, authorized, corrected = story.steps
    assert (recorded.kind, recorded.value, recorded.actor_id, recorded.actor_role) == (
        "recorded",
        "3",
        world.math.account_id,
        Role.TEACHER,
    )
    assert recorded.actor_name == "Иванова Мария Петровна"
    assert recorded.recorded_at == datetime(2026, 9, 7, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    assert (authorized.kind, authorized.actor_role, authorized.authorization_id) == (
        "correction_authorized",
        Role.DEPUTY,
        kept.authorization,
    )
    assert authorized.reason == "отметка выставлена ошибочно, исправить по работе"
    assert (corrected.kind, corrected.previous, corrected.value, corrected.reason) == (
        "corrected",
        "3",
        "4",
        "ошибка при выставлении",
    )
    assert (corrected.actor_id, corrected.approved_by, corrected.approved_by_name) == (
        world.math.account_id,
        world.deputy.account_id,
        "Смирнова Ольга Ивановна",
    )
    assert corrected.approval_remark == authorized.reason
    assert recorded.journal_version < authorized.journal_version < corrected.journal_version

    voided = mark_story(world.school, world.journals["math"], kept.voided)
    assert [(s.kind, s.value, s.previous) for s in voided.steps] == [
        ("recorded", "5", None),
        ("voided", None, "5"),
    ]
    assert voided.voided
    assert voided.steps[1].reason == "отметка выставлена не тому ученику"

    late = next(
        m for m in world.school.journal(world.journals["math"]).marks.values() if m.late is not None
    )
    assert late.late is not None
    (step,) = mark_story(world.school, world.journals["math"], late.id).steps
    assert (step.late, step.late_permission_id) == (True, late.late.permission_id)
    with pytest.raises(NotFoundError):
        mark_story(world.school, world.journals["russian"], kept.corrected)


def test_the_story_reads_the_log_not_the_state(timeline: Timeline) -> None:
    """The story holds the values the aggregate no longer does: the original of a corrected
    mark stays in the log and in the story."""
    kept = keep_the_journal(timeline)
    journal: ClassJournal = timeline.world.school.journal(timeline.world.journals["math"])
    assert journal.marks[kept.corrected].value == "4"
    story = mark_story(timeline.world.school, journal.id, kept.corrected)
    assert story.steps[0].value == "3"
