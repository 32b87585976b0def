"""Lessons: holding one, filling in its topic and homework, and recording a whole lesson at once
(topic, homework, attendance and marks of every student in one save, as a journal grid sends)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from pydantic import Field

from ejournal.access import resolve, visible_journal, writer_of_lesson
from ejournal.aggregates.class_journal import ClassJournal, LateEntry, Lesson
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.marking import MarkEntry, add_mark, check_absence
from ejournal.commands.timing import (
    check_correction_window,
    check_lesson_day,
    first_grade_check,
    is_school_day,
    lateness,
)
from ejournal.errors import InvariantError
from ejournal.marks import Attendance
from ejournal.policy.deadlines import EntryKind
from ejournal.roles import Actor
from ejournal.text import Homework, Reason, Topic


class HomeworkDueError(InvariantError):
    """A due date the teacher gave is not a school day of the class after the lesson."""

    slug = "homework-due-not-a-school-day"
    title = "Homework is due on a school day after the lesson"
    status = 422


class HoldLesson(Command):
    """Record that a lesson was held: its date and slot, topic and homework (due by default at
    the journal's next lesson in the class's timetable, or on the school day the teacher gives)."""

    journal_id: UUID
    on: date
    slot: int = Field(ge=0, le=12)
    topic: Topic | None = None
    homework: Homework | None = None
    homework_due: date | None = None
    ktp_item: int | None = Field(default=None, ge=1)


def next_lesson_day(year: SchoolYear, journal: ClassJournal, after: date) -> date | None:
    """The next school day after ``after`` on which the class's timetable has a lesson of the
    journal (the same subject, and subgroup), or None when the year has none left."""
    weekdays = {
        e.weekday for e in year.timetable.get(journal.class_code, ()) if e.journal_id == journal.id
    }
    day = after + timedelta(days=1)
    while weekdays and day <= year.ends_on:
        if day.isoweekday() in weekdays and is_school_day(year, journal.class_code, day):
            return day
        day += timedelta(days=1)
    return None


def homework_due(
    year: SchoolYear,
    journal: ClassJournal,
    on: date,
    homework: str | None,
    given: date | None,
) -> date | None:
    """When homework set at a lesson on ``on`` is due: the day the teacher gives, which must be
    a school day of the class after the lesson, or else the journal's next lesson."""
    if homework is None:
        if given is not None:
            raise HomeworkDueError("a due date goes with homework")
        return None
    if given is None:
        return next_lesson_day(year, journal, on)
    if given <= on or not is_school_day(year, journal.class_code, given):
        raise HomeworkDueError(
            f"homework set on {on.isoformat()} is due on a school day of class"
            f" {journal.class_code} after the lesson; {given.isoformat()} is not one"
        )
    return given


def _year_of(school: School, journal: ClassJournal) -> SchoolYear:
    year = school.year_view(journal.year)
    year.check_open()
    return year


def _new_lesson(
    year: SchoolYear,
    journal: ClassJournal,
    actor: Actor,
    *,
    on: date,
    slot: int,
    topic: str | None,
    homework: str | None,
    ktp_item: int | None,
    due: date | None = None,
) -> Lesson:
    substitution = writer_of_lesson(actor, journal, on, slot, year.profile)
    check_lesson_day(year, journal.class_code, on)
    first_grade_check(year, journal, marks=False, homework=homework is not None)
    late = _details_lateness(year, journal, actor, on, slot, topic, homework)
    return Lesson(
        id=uuid4(),
        on=on,
        slot=slot,
        topic=topic,
        homework=homework,
        homework_due=homework_due(year, journal, on, homework, due),
        taught_by=actor.account_id,
        substitution_id=substitution.id if substitution else None,
        ktp_item=ktp_item,
        late=late,
    )


def _details_lateness(
    year: SchoolYear,
    journal: ClassJournal,
    actor: Actor,
    on: date,
    slot: int,
    topic: str | None,
    homework: str | None,
) -> LateEntry | None:
    """The lesson record is due by the topic rule (Lyceum 68 §5.1); homework by its own."""
    late = lateness(year, journal, entry=EntryKind.TOPIC, on=on, slot=slot, actor=actor)
    if homework is not None:
        late = (
            lateness(year, journal, entry=EntryKind.HOMEWORK, on=on, slot=slot, actor=actor) or late
        )
    return late


def hold_lesson(school: School, actor: Actor, cmd: HoldLesson) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = _year_of(school, journal)
        lesson = _new_lesson(
            year,
            journal,
            actor,
            on=cmd.on,
            slot=cmd.slot,
            topic=cmd.topic,
            homework=cmd.homework,
            ktp_item=cmd.ktp_item,
            due=cmd.homework_due,
        )
        journal.hold_lesson(lesson, actor)
        return school.record(journal, ids={"lesson_id": lesson.id})

    return school.run(attempt)


class RecordLessonDetails(Command):
    """Fill in a held lesson's topic or homework where none is recorded yet."""

    journal_id: UUID
    lesson_id: UUID
    topic: Topic | None = None
    homework: Homework | None = None
    homework_due: date | None = None


def record_lesson_details(school: School, actor: Actor, cmd: RecordLessonDetails) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = _year_of(school, journal)
        lesson = journal.lesson(cmd.lesson_id)
        writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
        first_grade_check(year, journal, marks=False, homework=cmd.homework is not None)
        late = _details_lateness(
            year, journal, actor, lesson.on, lesson.slot, cmd.topic, cmd.homework
        )
        due = homework_due(year, journal, lesson.on, cmd.homework, cmd.homework_due)
        journal.record_lesson_details(
            cmd.lesson_id, cmd.topic, cmd.homework, late, actor, homework_due=due
        )
        return school.record(journal)

    return school.run(attempt)


class CorrectLessonDetails(Command):
    """Correct a recorded topic or homework; the superseded text stays in the log. A field left
    out keeps its recorded value."""

    journal_id: UUID
    lesson_id: UUID
    topic: Topic | None = None
    homework: Homework | None = None
    homework_due: date | None = None
    """A new due date for the homework; left out, it stays (or, for changed homework, is the
    journal's next lesson)."""
    reason: Reason


def correct_lesson_details(school: School, actor: Actor, cmd: CorrectLessonDetails) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = _year_of(school, journal)
        lesson = journal.lesson(cmd.lesson_id)
        writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
        first_grade_check(year, journal, marks=False, homework=cmd.homework is not None)
        topic = cmd.topic if cmd.topic is not None else lesson.topic
        homework = cmd.homework if cmd.homework is not None else lesson.homework
        windows = year.profile.corrections
        if topic != lesson.topic:
            check_correction_window(year, windows.topic_window, lesson.on, record="topic")
        if homework != lesson.homework:
            check_correction_window(year, windows.homework_window, lesson.on, record="homework")
        if cmd.homework_due is None and homework == lesson.homework:
            due = lesson.homework_due
        else:
            due = homework_due(year, journal, lesson.on, homework, cmd.homework_due)
        if due != lesson.homework_due and homework == lesson.homework:
            check_correction_window(year, windows.homework_window, lesson.on, record="homework")
        journal.correct_lesson_details(
            cmd.lesson_id, topic, homework, cmd.reason, actor, homework_due=due
        )
        return school.record(journal)

    return school.run(attempt)


class RecordWholeLesson(Command):
    """One submission of a journal grid's column: the lesson, its topic and homework, the
    attendance of the students not present, and every mark given, saved together or not at all.
    A lesson already held at that date and slot is filled in rather than held twice."""

    journal_id: UUID
    on: date
    slot: int = Field(ge=0, le=12)
    topic: Topic | None = None
    homework: Homework | None = None
    homework_due: date | None = None
    ktp_item: int | None = Field(default=None, ge=1)
    attendance: dict[UUID, Attendance] = {}
    marks: tuple[MarkEntry, ...] = ()


def record_whole_lesson(school: School, actor: Actor, cmd: RecordWholeLesson) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = _year_of(school, journal)
        lesson = journal.lesson_at(cmd.on, cmd.slot)
        if lesson is None:
            lesson = _new_lesson(
                year,
                journal,
                actor,
                on=cmd.on,
                slot=cmd.slot,
                topic=cmd.topic,
                homework=cmd.homework,
                ktp_item=cmd.ktp_item,
                due=cmd.homework_due,
            )
            journal.hold_lesson(lesson, actor)
        else:
            writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
            topic = cmd.topic if cmd.topic != lesson.topic else None
            homework = cmd.homework if cmd.homework != lesson.homework else None
            if topic is not None or homework is not None:
                first_grade_check(year, journal, marks=False, homework=homework is not None)
                late = _details_lateness(
                    year, journal, actor, lesson.on, lesson.slot, topic, homework
                )
                due = homework_due(year, journal, lesson.on, homework, cmd.homework_due)
                journal.record_lesson_details(
                    lesson.id, topic, homework, late, actor, homework_due=due
                )
        roster = year.roster(year.journals[journal.id], lesson.on)
        if cmd.attendance:
            late = lateness(
                year,
                journal,
                entry=EntryKind.ATTENDANCE,
                on=lesson.on,
                slot=lesson.slot,
                actor=actor,
            )
            for student_id, status in cmd.attendance.items():
                if status is Attendance.ABSENT:
                    check_absence(year, journal, lesson, student_id)
                journal.record_attendance(lesson.id, student_id, status, late, roster, actor)
        mark_ids = [add_mark(year, journal, lesson, entry, roster, actor) for entry in cmd.marks]
        ids = {"lesson_id": lesson.id}
        ids.update({f"mark_{i}": mark_id for i, mark_id in enumerate(mark_ids)})
        if not journal.pending_events:
            raise InvariantError(
                "the submission records nothing new", invariant="lesson.nothing_new"
            )
        return school.record(journal, ids=ids)

    return school.run(attempt)
