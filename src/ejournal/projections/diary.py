"""The diary (электронный дневник): a student's school days as they and their parents see them
(DESIGN.md §6).

Per student and day: the lessons of the journals the student is on that day (subject, slot,
topic, homework), their marks with kind and weight, absences with their reasons, and the period
marks given for a period ending that day. Per student, subject and period: the weighted average
of the current marks and a forecast of the period mark (School 77 §9.3: students and parents are
to be told the forecast of their results for the period).

Unlike the journal grid, the diary shows only what stands now: a corrected mark shows its
current value, a voided mark is hidden (its row is kept, flagged, so a rebuild and the
incremental build agree row for row).

The model keeps its own copy of the periods, journals and class and subgroup stints: a read model
rebuilds on its own and never reads another's tables. Rows are keyed by natural keys and written
by upserts, so the tables depend only on the events applied, never on how the log was cut into
batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, computed_field

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.database import Cursor, Dialect, Row
from ejournal.marks import AbsenceReason, Attendance, ResultKind, WorkKind, points
from ejournal.projections import stints
from ejournal.projections.conventions import REAL, registrar
from ejournal.projections.read_model import ReadModel, Recorded

_ONE_DAY = timedelta(days=1)

FORECAST_MIN_MARKS = 3
"""Fewer marks than this give no forecast: too few to say anything about the period."""

# --- the formulas -------------------------------------------------------------------------------


def weighted_average(marks: Iterable[tuple[str, float]]) -> float | None:
    """The weighted average (средневзвешенный балл) of (value, weight) marks; None when no mark
    counts.

    A "+" or "-" moves a mark by a quarter (ejournal.marks.points); pass/fail marks do not count.
    """
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        worth = points(value)
        if worth is None:
            continue
        # Decimal, so that 4.5 stays 4.5 and the forecast's half-up rounding is exact.
        w = Decimal(str(weight))
        total += Decimal(str(worth)) * w
        weights += w
    if weights == 0:
        return None
    return float(total / weights)


def forecast(average: float | None, count: int) -> str | None:
    """The forecast period mark: the weighted average rounded half up (4.5 → "5", 4.49 → "4"),
    or None with fewer than three counted marks."""
    if average is None or count < FORECAST_MIN_MARKS:
        return None
    return str(Decimal(str(average)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def counted(values: Iterable[str]) -> int:
    """How many marks count towards the average (pass/fail marks do not)."""
    return sum(1 for value in values if points(value) is not None)


# --- tables -------------------------------------------------------------------------------------

# Ids as their text, dates as ISO text: both sort and compare the same on SQLite and PostgreSQL.
_DDL = (
    *stints.ddl("diary"),
    """CREATE TABLE IF NOT EXISTS diary_periods (
        year_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        PRIMARY KEY (year_id, period_id)
    )""",
    """CREATE TABLE IF NOT EXISTS diary_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        year TEXT NOT NULL,
        class_code TEXT NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        subgroup TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS diary_journals_class ON diary_journals (year_id, class_code)",
    "CREATE INDEX IF NOT EXISTS diary_class_stints_student ON diary_class_stints (student_id)",
    "CREATE INDEX IF NOT EXISTS diary_subgroup_stints_student"
    " ON diary_subgroup_stints (student_id)",
    """CREATE TABLE IF NOT EXISTS diary_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL,
        slot INTEGER NOT NULL,
        topic TEXT,
        homework TEXT,
        homework_due TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS diary_lessons_journal ON diary_lessons (journal_id, lesson_date)",
    "CREATE INDEX IF NOT EXISTS diary_lessons_due ON diary_lessons (journal_id, homework_due)",
    """CREATE TABLE IF NOT EXISTS diary_marks (
        mark_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        work_kind TEXT NOT NULL,
        weight {real} NOT NULL,
        comment TEXT,
        voided BOOLEAN NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS diary_marks_student ON diary_marks (student_id)",
    """CREATE TABLE IF NOT EXISTS diary_attendance (
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        journal_id TEXT NOT NULL,
        status TEXT NOT NULL,
        absence_reason TEXT,
        valid BOOLEAN,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS diary_attendance_student ON diary_attendance (student_id)",
    """CREATE TABLE IF NOT EXISTS diary_period_marks (
        journal_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (journal_id, period_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS diary_period_marks_student ON diary_period_marks (student_id)",
)


class Diary(ReadModel):
    """The diary read model: each student's days, marks, averages and forecasts."""

    name: ClassVar[str] = "diary"
    version: ClassVar[int] = 3
    """2: the year's results (year, exam, final marks) show as periods of the whole year.
    3: homework carries the day it is due."""
    tables: ClassVar[tuple[str, ...]] = (
        "diary_periods",
        "diary_journals",
        "diary_class_stints",
        "diary_subgroup_stints",
        "diary_lessons",
        "diary_marks",
        "diary_attendance",
        "diary_period_marks",
    )

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for statement in _DDL:
            cursor.execute(statement.replace("{real}", REAL[dialect]))

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        statements: list[tuple[str, dict[str, Any]]] = []
        for recorded in batch:
            handler = _HANDLERS.get(type(recorded.event))
            if handler is not None:
                statements.extend(handler(recorded.event))
        # Consecutive runs of one statement (a lesson's marks, a class's enrolments) go in one
        # executemany; the order of the log is kept across runs.
        for statement, run in groupby(statements, key=lambda s: s[0]):
            params = [p for _, p in run]
            if len(params) == 1:
                cursor.execute(statement, params[0])
            else:
                cursor.executemany(statement, params)


_Statements = list[tuple[str, dict[str, Any]]]
_Handler = Callable[[Any], _Statements]
_HANDLERS: dict[type, _Handler] = {}


_on = registrar(_HANDLERS)


# --- the school year: periods, and who is in which class and subgroup --------------------------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started) -> _Statements:
    # The year's results (year, exam and final marks: "Y", "E", "F") stand as periods of the
    # whole year ending on its last day, so a family sees them in the diary (School 77 §9.4).
    first = min(p.start for p in e.periods)
    rows = [(p.id, p.name, p.start, p.end) for p in e.periods] + [
        (kind.period_id, kind.title_ru, first, e.ends_on) for kind in ResultKind
    ]
    return [
        (
            """INSERT INTO diary_periods (year_id, period_id, name, start_date, end_date)
            VALUES (%(year_id)s, %(period_id)s, %(name)s, %(start_date)s, %(end_date)s)
            ON CONFLICT (year_id, period_id) DO UPDATE SET name = excluded.name,
                start_date = excluded.start_date, end_date = excluded.end_date""",
            {
                "year_id": str(e.originator_id),
                "period_id": period_id,
                "name": name,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
            },
        )
        for period_id, name, start, end in rows
    ]


@_on(SchoolYear.StudentEnrolled)
def _student_enrolled(e: SchoolYear.StudentEnrolled) -> _Statements:
    return stints.enrolled("diary", e)


@_on(SchoolYear.StudentLeftClass)
def _student_left_class(e: SchoolYear.StudentLeftClass) -> _Statements:
    return stints.left_class("diary", e)


@_on(SchoolYear.SubgroupAssigned)
def _subgroup_assigned(e: SchoolYear.SubgroupAssigned) -> _Statements:
    return stints.subgroup_assigned("diary", e)


# --- journals and lessons -----------------------------------------------------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened) -> _Statements:
    return [
        (
            """INSERT INTO diary_journals
                (journal_id, year_id, year, class_code, subject, subject_name, subgroup)
            VALUES (%(journal_id)s, %(year_id)s, %(year)s, %(class_code)s, %(subject)s,
                %(subject_name)s, %(subgroup)s)
            ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
                year = excluded.year, class_code = excluded.class_code,
                subject = excluded.subject, subject_name = excluded.subject_name,
                subgroup = excluded.subgroup""",
            {
                "journal_id": str(e.originator_id),
                # The journal names its year by label; the SchoolYear's id follows from it.
                "year_id": str(school_year_id(e.year)),
                "year": e.year,
                "class_code": e.class_code,
                "subject": e.subject,
                "subject_name": e.subject_name,
                "subgroup": e.subgroup,
            },
        )
    ]


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld) -> _Statements:
    lesson = e.lesson
    return [
        (
            """INSERT INTO diary_lessons (lesson_id, journal_id, lesson_date, slot, topic,
                homework, homework_due)
            VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s, %(slot)s, %(topic)s,
                %(homework)s, %(homework_due)s)
            ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
                lesson_date = excluded.lesson_date, slot = excluded.slot,
                topic = excluded.topic, homework = excluded.homework,
                homework_due = excluded.homework_due""",
            {
                "lesson_id": str(lesson.id),
                "journal_id": str(e.originator_id),
                "lesson_date": lesson.on.isoformat(),
                "slot": lesson.slot,
                "topic": lesson.topic,
                "homework": lesson.homework,
                "homework_due": _iso(lesson.homework_due),
            },
        )
    ]


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(e: ClassJournal.LessonDetailsRecorded) -> _Statements:
    return [
        (
            """UPDATE diary_lessons SET topic = COALESCE(%(topic)s, topic),
                homework = COALESCE(%(homework)s, homework),
                homework_due = CASE WHEN %(set_homework)s THEN %(homework_due)s
                    ELSE homework_due END
            WHERE lesson_id = %(lesson_id)s""",
            {
                "lesson_id": str(e.lesson_id),
                "topic": e.topic,
                "homework": e.homework,
                "set_homework": e.homework is not None,
                "homework_due": _iso(e.homework_due),
            },
        )
    ]


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(e: ClassJournal.LessonDetailsCorrected) -> _Statements:
    return [
        (
            """UPDATE diary_lessons SET topic = %(topic)s, homework = %(homework)s,
                homework_due = %(homework_due)s
            WHERE lesson_id = %(lesson_id)s""",
            {
                "lesson_id": str(e.lesson_id),
                "topic": e.topic,
                "homework": e.homework,
                "homework_due": _iso(e.homework_due),
            },
        )
    ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# --- attendance ---------------------------------------------------------------------------------


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded) -> _Statements:
    return [
        (
            """INSERT INTO diary_attendance (lesson_id, student_id, journal_id, status,
                absence_reason, valid)
            VALUES (%(lesson_id)s, %(student_id)s, %(journal_id)s, %(status)s, NULL, NULL)
            ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
                status = excluded.status""",
            {
                "lesson_id": str(e.lesson_id),
                "student_id": str(e.student_id),
                "journal_id": str(e.originator_id),
                "status": e.status.value,
            },
        )
    ]


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected) -> _Statements:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    return [
        (
            """UPDATE diary_attendance SET status = %(status)s,
                absence_reason = CASE WHEN %(present)s THEN NULL ELSE absence_reason END,
                valid = CASE WHEN %(present)s THEN NULL ELSE valid END
            WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
            {
                "lesson_id": str(e.lesson_id),
                "student_id": str(e.student_id),
                "status": e.status.value,
                "present": e.status is Attendance.PRESENT,
            },
        )
    ]


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet) -> _Statements:
    return [
        (
            """UPDATE diary_attendance SET absence_reason = %(absence_reason)s, valid = %(valid)s
            WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
            {
                "lesson_id": str(e.lesson_id),
                "student_id": str(e.student_id),
                "absence_reason": e.absence_reason.value,
                "valid": e.absence_reason.is_valid,
            },
        )
    ]


# --- marks --------------------------------------------------------------------------------------


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(e: ClassJournal.MarkRecorded) -> _Statements:
    return [
        (
            """INSERT INTO diary_marks (mark_id, journal_id, lesson_id, student_id, value,
                work_kind, weight, comment, voided)
            VALUES (%(mark_id)s, %(journal_id)s, %(lesson_id)s, %(student_id)s, %(value)s,
                %(work_kind)s, %(weight)s, %(comment)s, FALSE)
            ON CONFLICT (mark_id) DO UPDATE SET journal_id = excluded.journal_id,
                lesson_id = excluded.lesson_id, student_id = excluded.student_id,
                value = excluded.value, work_kind = excluded.work_kind,
                weight = excluded.weight, comment = excluded.comment""",
            {
                "mark_id": str(e.mark_id),
                "journal_id": str(e.originator_id),
                "lesson_id": str(e.lesson_id),
                "student_id": str(e.student_id),
                "value": e.value,
                "work_kind": e.work_kind.value,
                "weight": e.weight,
                "comment": e.comment,
            },
        )
    ]


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected) -> _Statements:
    return [
        (
            "UPDATE diary_marks SET value = %(value)s WHERE mark_id = %(mark_id)s",
            {"mark_id": str(e.mark_id), "value": e.value},
        )
    ]


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided) -> _Statements:
    # The row stays, flagged: the diary hides it, the log still holds it.
    return [
        (
            "UPDATE diary_marks SET voided = TRUE WHERE mark_id = %(mark_id)s",
            {"mark_id": str(e.mark_id)},
        )
    ]


@_on(ClassJournal.PeriodMarkRecorded, ClassJournal.PeriodMarkCorrected)
def _period_mark(
    e: ClassJournal.PeriodMarkRecorded | ClassJournal.PeriodMarkCorrected,
) -> _Statements:
    return [
        (
            """INSERT INTO diary_period_marks (journal_id, period_id, student_id, value)
            VALUES (%(journal_id)s, %(period_id)s, %(student_id)s, %(value)s)
            ON CONFLICT (journal_id, period_id, student_id) DO UPDATE SET value = excluded.value""",
            {
                "journal_id": str(e.originator_id),
                "period_id": e.period_id,
                "student_id": str(e.student_id),
                "value": e.value,
            },
        )
    ]


# --- the query API ------------------------------------------------------------------------------


class DiaryModel(BaseModel):
    """A frozen part of the diary's view."""

    model_config = ConfigDict(frozen=True)


class DiaryMark(DiaryModel):
    """A mark as it stands now: its current value, what it was for and its weight."""

    mark_id: UUID
    value: str
    work_kind: WorkKind
    weight: float
    """The weight recorded with the mark, from the school's profile at the time."""
    comment: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def work_kind_name(self) -> str:
        """The kind of work in Russian, for display: "Контрольная работа"."""
        return self.work_kind.title_ru


class DiaryAttendance(DiaryModel):
    """The student's attendance at a lesson and, for an absence, its reason once known."""

    status: Attendance
    absence_reason: AbsenceReason | None
    valid: bool | None
    """Whether the absence has a valid reason (уважительная причина); None until one is set."""


class DiaryLesson(DiaryModel):
    """One lesson of the student's day."""

    lesson_id: UUID
    journal_id: UUID
    slot: int
    subject: str
    subject_name: str
    topic: str | None
    homework: str | None
    homework_due: date | None
    """The school day the homework is due (None for homework set before due dates were kept)."""
    marks: tuple[DiaryMark, ...]
    attendance: DiaryAttendance | None


class DiaryPeriodMark(DiaryModel):
    """A period mark, shown on the period's last day."""

    period_id: str
    period_name: str
    subject: str
    subject_name: str
    value: str


class DiaryDay(DiaryModel):
    """A day of the diary: its lessons in slot order and the period marks it closes."""

    on: date
    lessons: tuple[DiaryLesson, ...]
    period_marks: tuple[DiaryPeriodMark, ...]


class DiaryView(DiaryModel):
    """A student's diary over some days, every day of the range listed."""

    student_id: UUID
    start: date
    end: date
    days: tuple[DiaryDay, ...]


class SubjectAverage(DiaryModel):
    """A subject's marks in a period: how many count, their weighted average, the forecast."""

    year: str
    period_id: str
    subject: str
    subject_name: str
    marks: int
    """Marks that count towards the average (pass/fail marks do not)."""
    average: float | None
    forecast: str | None
    """The expected period mark (School 77 §9.3); None with fewer than three marks."""
    period_mark: str | None
    """The period mark once given."""


_Span = tuple[str, str | None]
"""Days as ISO dates, since and until inclusive; until None while still open."""


def diary_week(cursor: Cursor, student_id: UUID, start: date, end: date) -> DiaryView:
    """A student's diary from ``start`` to ``end`` (inclusive), as the diary read model holds it.

    Lessons are those of the journals the student was on that day; a lesson the student has a
    mark or attendance entry on is shown even so (the journal accepted it for them).
    """
    student = str(student_id)
    span = {"student_id": student, "start": start.isoformat(), "end": end.isoformat()}
    journals = _journals_on(cursor, student, start, end)
    lessons: dict[str, Row] = {}
    for journal_id, spans in sorted(journals.items()):
        cursor.execute(
            """SELECT * FROM diary_lessons WHERE journal_id = %(journal_id)s
                AND lesson_date BETWEEN %(start)s AND %(end)s""",
            {**span, "journal_id": journal_id},
        )
        for row in cursor.fetchall():
            if any(_covers(s, row["lesson_date"]) for s in spans):
                lessons[row["lesson_id"]] = row
    cursor.execute(
        """SELECT m.*, l.lesson_date FROM diary_marks m
            JOIN diary_lessons l ON l.lesson_id = m.lesson_id
        WHERE m.student_id = %(student_id)s AND m.voided = FALSE
            AND l.lesson_date BETWEEN %(start)s AND %(end)s""",
        span,
    )
    marks: dict[str, list[DiaryMark]] = {}
    for row in sorted(cursor.fetchall(), key=lambda r: r["mark_id"]):
        marks.setdefault(row["lesson_id"], []).append(_mark(row))
    cursor.execute(
        """SELECT a.*, l.lesson_date FROM diary_attendance a
            JOIN diary_lessons l ON l.lesson_id = a.lesson_id
        WHERE a.student_id = %(student_id)s AND l.lesson_date BETWEEN %(start)s AND %(end)s""",
        span,
    )
    attendance = {row["lesson_id"]: _attendance(row) for row in cursor.fetchall()}
    missing = (set(marks) | set(attendance)) - set(lessons)
    for lesson_id in sorted(missing):
        cursor.execute(
            "SELECT * FROM diary_lessons WHERE lesson_id = %(lesson_id)s", {"lesson_id": lesson_id}
        )
        found = cursor.fetchone()
        if found is not None:
            lessons[lesson_id] = found
    subjects = _subjects(cursor, {row["journal_id"] for row in lessons.values()})
    by_day: dict[str, list[DiaryLesson]] = {}
    for row in lessons.values():
        subject, subject_name = subjects[row["journal_id"]]
        by_day.setdefault(row["lesson_date"], []).append(
            DiaryLesson(
                lesson_id=UUID(row["lesson_id"]),
                journal_id=UUID(row["journal_id"]),
                slot=row["slot"],
                subject=subject,
                subject_name=subject_name,
                topic=row["topic"],
                homework=row["homework"],
                homework_due=date.fromisoformat(row["homework_due"])
                if row["homework_due"]
                else None,
                marks=tuple(marks.get(row["lesson_id"], ())),
                attendance=attendance.get(row["lesson_id"]),
            )
        )
    period_marks = _period_marks_ending(cursor, span)
    days = []
    day = start
    while day <= end:
        key = day.isoformat()
        days.append(
            DiaryDay(
                on=day,
                lessons=tuple(sorted(by_day.get(key, ()), key=lambda x: (x.slot, x.subject_name))),
                period_marks=tuple(period_marks.get(key, ())),
            )
        )
        day += _ONE_DAY
    return DiaryView(student_id=student_id, start=start, end=end, days=tuple(days))


class HomeworkDue(DiaryModel):
    """Homework as the day it is due shows it: what, in which subject, set at which lesson."""

    due: date
    lesson_id: UUID
    journal_id: UUID
    subject: str
    subject_name: str
    set_on: date
    homework: str


def homework_due_between(
    cursor: Cursor, student_id: UUID, start: date, end: date
) -> list[HomeworkDue]:
    """The homework a student has due from ``start`` to ``end`` (inclusive): set at lessons of
    the journals the student was on the day it was set, in due date and subject order."""
    student = str(student_id)
    # Homework is set before it is due, at any time before: every journal the student was on
    # up to ``end`` may have some due within the range.
    journals = _journals_on(cursor, student, date.min, end)
    due: list[HomeworkDue] = []
    subjects = _subjects(cursor, set(journals))
    for journal_id, spans in sorted(journals.items()):
        cursor.execute(
            """SELECT * FROM diary_lessons WHERE journal_id = %(journal_id)s
                AND homework IS NOT NULL
                AND homework_due BETWEEN %(start)s AND %(end)s""",
            {"journal_id": journal_id, "start": start.isoformat(), "end": end.isoformat()},
        )
        subject, subject_name = subjects[journal_id]
        for row in cursor.fetchall():
            if not any(_covers(s, row["lesson_date"]) for s in spans):
                continue
            due.append(
                HomeworkDue(
                    due=date.fromisoformat(row["homework_due"]),
                    lesson_id=UUID(row["lesson_id"]),
                    journal_id=UUID(journal_id),
                    subject=subject,
                    subject_name=subject_name,
                    set_on=date.fromisoformat(row["lesson_date"]),
                    homework=row["homework"],
                )
            )
    return sorted(due, key=lambda h: (h.due, h.subject_name, h.set_on, str(h.lesson_id)))


def diary_averages(cursor: Cursor, student_id: UUID, period_id: str) -> list[SubjectAverage]:
    """Per subject, the student's current marks in a period (by lesson date): their count, the
    weighted average and the forecast; in every year that has such a period and marks for them.
    """
    key = {"student_id": str(student_id), "period_id": period_id}
    cursor.execute(
        """SELECT j.year, j.subject, j.subject_name, m.value, m.weight
        FROM diary_marks m
            JOIN diary_lessons l ON l.lesson_id = m.lesson_id
            JOIN diary_journals j ON j.journal_id = m.journal_id
            JOIN diary_periods p ON p.year_id = j.year_id AND p.period_id = %(period_id)s
        WHERE m.student_id = %(student_id)s AND m.voided = FALSE
            AND l.lesson_date BETWEEN p.start_date AND p.end_date""",
        key,
    )
    marks: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for row in cursor.fetchall():
        group = (row["year"], row["subject"], row["subject_name"])
        marks.setdefault(group, []).append((row["value"], float(row["weight"])))
    cursor.execute(
        """SELECT j.year, j.subject, pm.value FROM diary_period_marks pm
            JOIN diary_journals j ON j.journal_id = pm.journal_id
        WHERE pm.student_id = %(student_id)s AND pm.period_id = %(period_id)s""",
        key,
    )
    given = {(row["year"], row["subject"]): row["value"] for row in cursor.fetchall()}
    averages = []
    for (year, subject, subject_name), entries in marks.items():
        count = counted(value for value, _ in entries)
        average = weighted_average(entries)
        averages.append(
            SubjectAverage(
                year=year,
                period_id=period_id,
                subject=subject,
                subject_name=subject_name,
                marks=count,
                average=average,
                forecast=forecast(average, count),
                period_mark=given.get((year, subject)),
            )
        )
    return sorted(averages, key=lambda a: (a.year, a.subject_name, a.subject))


def _journals_on(cursor: Cursor, student: str, start: date, end: date) -> dict[str, list[_Span]]:
    """The journals a student was on at some time in [start, end], with the days they were."""
    key = {"student_id": student, "start": start.isoformat(), "end": end.isoformat()}
    cursor.execute(
        """SELECT year_id, class_code, since_date, until_date FROM diary_class_stints
        WHERE student_id = %(student_id)s AND since_date <= %(end)s
            AND (until_date IS NULL OR until_date >= %(start)s)""",
        key,
    )
    class_stints = cursor.fetchall()
    if not class_stints:
        return {}
    cursor.execute(
        """SELECT year_id, class_code, subject, subgroup, since_date, until_date
        FROM diary_subgroup_stints WHERE student_id = %(student_id)s""",
        key,
    )
    subgroup_stints = cursor.fetchall()
    journals: dict[str, list[_Span]] = {}
    for stint in class_stints:
        cursor.execute(
            """SELECT journal_id, subject, subgroup FROM diary_journals
            WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
            {"year_id": stint["year_id"], "class_code": stint["class_code"]},
        )
        for journal in cursor.fetchall():
            if journal["subgroup"] is None:
                spans = [(stint["since_date"], stint["until_date"])]
            else:
                spans = [
                    span
                    for sub in subgroup_stints
                    if (sub["year_id"], sub["class_code"], sub["subject"], sub["subgroup"])
                    == (
                        stint["year_id"],
                        stint["class_code"],
                        journal["subject"],
                        journal["subgroup"],
                    )
                    and (span := stints.overlap(stint, sub)) is not None
                ]
            journals.setdefault(journal["journal_id"], []).extend(spans)
    return journals


def _covers(span: _Span, day: str) -> bool:
    since, until = span
    return since <= day and (until is None or day <= until)


def _subjects(cursor: Cursor, journal_ids: set[str]) -> dict[str, tuple[str, str]]:
    subjects = {}
    for journal_id in sorted(journal_ids):
        cursor.execute(
            "SELECT subject, subject_name FROM diary_journals WHERE journal_id = %(journal_id)s",
            {"journal_id": journal_id},
        )
        row = cursor.fetchone()
        # A lesson of a journal whose opening the model has not seen yet cannot happen in log
        # order; an empty subject keeps the view whole should it ever.
        subjects[journal_id] = (row["subject"], row["subject_name"]) if row else ("", "")
    return subjects


def _period_marks_ending(cursor: Cursor, span: dict[str, str]) -> dict[str, list[DiaryPeriodMark]]:
    """The student's period marks of periods that end within the range, by end date."""
    cursor.execute(
        """SELECT p.end_date, p.period_id, p.name, j.subject, j.subject_name, pm.value
        FROM diary_period_marks pm
            JOIN diary_journals j ON j.journal_id = pm.journal_id
            JOIN diary_periods p ON p.year_id = j.year_id AND p.period_id = pm.period_id
        WHERE pm.student_id = %(student_id)s AND p.end_date BETWEEN %(start)s AND %(end)s""",
        span,
    )
    marks: dict[str, list[DiaryPeriodMark]] = {}
    for row in sorted(cursor.fetchall(), key=lambda r: (r["subject_name"], r["subject"])):
        marks.setdefault(row["end_date"], []).append(
            DiaryPeriodMark(
                period_id=row["period_id"],
                period_name=row["name"],
                subject=row["subject"],
                subject_name=row["subject_name"],
                value=row["value"],
            )
        )
    return marks


def _mark(row: Row) -> DiaryMark:
    return DiaryMark(
        mark_id=UUID(row["mark_id"]),
        value=row["value"],
        work_kind=WorkKind(row["work_kind"]),
        weight=float(row["weight"]),
        comment=row["comment"],
    )


def _attendance(row: Row) -> DiaryAttendance:
    return DiaryAttendance(
        status=Attendance(row["status"]),
        absence_reason=AbsenceReason(row["absence_reason"]) if row["absence_reason"] else None,
        valid=bool(row["valid"]) if row["valid"] is not None else None,
    )
