"""The journal grid: a class journal's page as its teacher and the deputy see it (DESIGN.md §6).

Students down the side, lessons across in date and slot order, marks and attendance in the
cells, each lesson's topic and homework, and each period's marks in the column right after the
period's last lesson (School 117 §6.1). Nothing is hidden that the log holds: a corrected mark
shows the value it replaced, a voided mark stays in its cell marked void, a late entry carries
the deputy's permission, a substitute's lesson names its substitution.

Rows are keyed by natural keys (a mark's id, a lesson and a student, a period and a student)
and written by upserts, so the tables depend only on the events applied, never on how the log
was cut into batches: a rebuild from zero gives exactly the rows the incremental one has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, computed_field

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.database import Cursor, Dialect, Row
from ejournal.errors import NotFoundError
from ejournal.marks import RESULT_PERIOD_IDS, AbsenceReason, Attendance, ResultKind, WorkKind
from ejournal.projections import stints
from ejournal.projections.conventions import (
    REAL,
    Writes,
    alphabetical,
    grades_column,
    late_columns,
    registrar,
)
from ejournal.projections.read_model import ReadModel, Recorded

_ONE_DAY = timedelta(days=1)

# --- tables -------------------------------------------------------------------------------------

# Ids are stored as their text, dates as ISO text: both sort and compare the same on SQLite and
# PostgreSQL. Only the floating-point type differs (PostgreSQL's REAL is single precision).
_DDL = (
    *stints.ddl("grid"),
    """CREATE TABLE IF NOT EXISTS grid_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        year TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        subgroup TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS grid_journals_class ON grid_journals (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS grid_periods (
        year_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        grades TEXT,
        PRIMARY KEY (year_id, period_id)
    )""",
    """CREATE TABLE IF NOT EXISTS grid_student_names (
        student_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS grid_page_students (
        journal_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        since_date TEXT NOT NULL,
        until_date TEXT,
        full_name TEXT,
        PRIMARY KEY (journal_id, student_id, since_date)
    )""",
    """CREATE TABLE IF NOT EXISTS grid_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL,
        slot INTEGER NOT NULL,
        topic TEXT,
        homework TEXT,
        taught_by TEXT NOT NULL,
        substitution_id TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        previous_topic TEXT,
        previous_homework TEXT,
        correction_reason TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS grid_lessons_journal ON grid_lessons (journal_id)",
    """CREATE TABLE IF NOT EXISTS grid_marks (
        mark_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        previous_value TEXT,
        work_kind TEXT NOT NULL,
        weight {real} NOT NULL,
        comment TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        voided BOOLEAN NOT NULL,
        reason TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS grid_marks_journal ON grid_marks (journal_id)",
    """CREATE TABLE IF NOT EXISTS grid_attendance (
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        status TEXT NOT NULL,
        absence_reason TEXT,
        valid BOOLEAN,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS grid_attendance_journal ON grid_attendance (journal_id)",
    """CREATE TABLE IF NOT EXISTS grid_period_marks (
        journal_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        previous_value TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        reason TEXT,
        PRIMARY KEY (journal_id, period_id, student_id)
    )""",
)


class JournalGrid(ReadModel):
    """The journal grid read model: a journal's page, students × lessons, with period marks."""

    name: ClassVar[str] = "journal_grid"
    version: ClassVar[int] = 2
    """2: periods carry the grades of their scheme."""
    tables: ClassVar[tuple[str, ...]] = (
        "grid_journals",
        "grid_periods",
        "grid_class_stints",
        "grid_subgroup_stints",
        "grid_student_names",
        "grid_page_students",
        "grid_lessons",
        "grid_marks",
        "grid_attendance",
        "grid_period_marks",
    )

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for statement in _DDL:
            cursor.execute(statement.replace("{real}", REAL[dialect]))

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        writes = _Writes()
        for recorded in batch:
            handler = _HANDLERS.get(type(recorded.event))
            if handler is not None:
                handler(recorded.event, writes)
        writes.flush(cursor)
        # Who is on a page follows from the class and subgroup stints as they stand after the
        # batch, so it is recomputed once per touched class rather than patched event by event.
        for year_id, class_code in sorted(writes.touched_classes):
            _refresh_pages(cursor, year_id, class_code)


class _Writes(Writes):
    """The statements a batch makes, in log order, and the classes whose pages it touched."""

    def __init__(self) -> None:
        super().__init__()
        self.touched_classes: set[tuple[str, str]] = set()


_Handler = Callable[[Any, _Writes], None]
_HANDLERS: dict[type, _Handler] = {}


_on = registrar(_HANDLERS)


def _id(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


# --- the school year: periods, and who is in which class and subgroup --------------------------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, w: _Writes) -> None:
    for period in e.periods:
        w.add(
            """INSERT INTO grid_periods (year_id, period_id, name, start_date, end_date,
                grades)
            VALUES (%(year_id)s, %(period_id)s, %(name)s, %(start_date)s, %(end_date)s,
                %(grades)s)
            ON CONFLICT (year_id, period_id) DO UPDATE SET name = excluded.name,
                start_date = excluded.start_date, end_date = excluded.end_date,
                grades = excluded.grades""",
            year_id=str(e.originator_id),
            period_id=period.id,
            name=period.name,
            start_date=period.start.isoformat(),
            end_date=period.end.isoformat(),
            grades=grades_column(period.grades),
        )


@_on(SchoolYear.StudentEnrolled)
def _student_enrolled(e: SchoolYear.StudentEnrolled, w: _Writes) -> None:
    for statement, params in stints.enrolled("grid", e):
        w.add(statement, **params)
    w.touched_classes.add((str(e.originator_id), e.class_code))


@_on(SchoolYear.StudentLeftClass)
def _student_left_class(e: SchoolYear.StudentLeftClass, w: _Writes) -> None:
    for statement, params in stints.left_class("grid", e):
        w.add(statement, **params)
    w.touched_classes.add((str(e.originator_id), e.class_code))


@_on(SchoolYear.SubgroupAssigned)
def _subgroup_assigned(e: SchoolYear.SubgroupAssigned, w: _Writes) -> None:
    for statement, params in stints.subgroup_assigned("grid", e):
        w.add(statement, **params)
    w.touched_classes.add((str(e.originator_id), e.class_code))


# --- students' names ----------------------------------------------------------------------------


@_on(Student.Admitted, Student.PersonalDataCorrected)
def _student_named(e: Student.Admitted | Student.PersonalDataCorrected, w: _Writes) -> None:
    params = {"student_id": str(e.originator_id), "full_name": str(e.name)}
    w.add(
        """INSERT INTO grid_student_names (student_id, full_name)
        VALUES (%(student_id)s, %(full_name)s)
        ON CONFLICT (student_id) DO UPDATE SET full_name = excluded.full_name""",
        **params,
    )
    # A page may already list the student: the enrolment can come in an earlier batch.
    w.add(
        "UPDATE grid_page_students SET full_name = %(full_name)s WHERE student_id = %(student_id)s",
        **params,
    )


# --- the journal and its lessons ----------------------------------------------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, w: _Writes) -> None:
    # The journal's year is named by its label; the SchoolYear aggregate's id follows from it.
    year_id = str(school_year_id(e.year))
    w.add(
        """INSERT INTO grid_journals
            (journal_id, year_id, year, class_code, grade, subject, subject_name, subgroup)
        VALUES (%(journal_id)s, %(year_id)s, %(year)s, %(class_code)s, %(grade)s, %(subject)s,
            %(subject_name)s, %(subgroup)s)
        ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
            year = excluded.year, class_code = excluded.class_code, grade = excluded.grade,
            subject = excluded.subject, subject_name = excluded.subject_name,
            subgroup = excluded.subgroup""",
        journal_id=str(e.originator_id),
        year_id=year_id,
        year=e.year,
        class_code=e.class_code,
        grade=e.grade,
        subject=e.subject,
        subject_name=e.subject_name,
        subgroup=e.subgroup,
    )
    w.touched_classes.add((year_id, e.class_code))


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, w: _Writes) -> None:
    lesson = e.lesson
    w.add(
        """INSERT INTO grid_lessons (lesson_id, journal_id, lesson_date, slot, topic, homework,
            taught_by, substitution_id, late, late_permission_id, corrected, previous_topic,
            previous_homework, correction_reason)
        VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s, %(slot)s, %(topic)s,
            %(homework)s, %(taught_by)s, %(substitution_id)s, %(late)s, %(late_permission_id)s,
            FALSE, NULL, NULL, NULL)
        ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_date = excluded.lesson_date, slot = excluded.slot, topic = excluded.topic,
            homework = excluded.homework, taught_by = excluded.taught_by,
            substitution_id = excluded.substitution_id, late = excluded.late,
            late_permission_id = excluded.late_permission_id""",
        lesson_id=str(lesson.id),
        journal_id=str(e.originator_id),
        lesson_date=lesson.on.isoformat(),
        slot=lesson.slot,
        topic=lesson.topic,
        homework=lesson.homework,
        taught_by=str(lesson.taught_by),
        substitution_id=_id(lesson.substitution_id),
        **late_columns(lesson.late),
    )


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(e: ClassJournal.LessonDetailsRecorded, w: _Writes) -> None:
    # Details filled in late make the lesson's entry late too; an earlier flag is never undone.
    w.add(
        """UPDATE grid_lessons SET topic = COALESCE(%(topic)s, topic),
            homework = COALESCE(%(homework)s, homework), late = (late OR %(late)s),
            late_permission_id = COALESCE(late_permission_id, %(late_permission_id)s)
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic,
        homework=e.homework,
        **late_columns(e.late),
    )


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(e: ClassJournal.LessonDetailsCorrected, w: _Writes) -> None:
    w.add(
        """UPDATE grid_lessons SET topic = %(topic)s, homework = %(homework)s, corrected = TRUE,
            previous_topic = %(previous_topic)s, previous_homework = %(previous_homework)s,
            correction_reason = %(reason)s
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic,
        homework=e.homework,
        previous_topic=e.previous_topic,
        previous_homework=e.previous_homework,
        reason=e.reason,
    )


# --- attendance ---------------------------------------------------------------------------------


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, w: _Writes) -> None:
    w.add(
        """INSERT INTO grid_attendance (journal_id, lesson_id, student_id, status, absence_reason,
            valid, late, late_permission_id, corrected)
        VALUES (%(journal_id)s, %(lesson_id)s, %(student_id)s, %(status)s, NULL, NULL, %(late)s,
            %(late_permission_id)s, FALSE)
        ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
            status = excluded.status, late = excluded.late,
            late_permission_id = excluded.late_permission_id""",
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        status=e.status.value,
        **late_columns(e.late),
    )


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, w: _Writes) -> None:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    present = e.status is Attendance.PRESENT
    w.add(
        """UPDATE grid_attendance SET status = %(status)s, corrected = TRUE,
            absence_reason = CASE WHEN %(present)s THEN NULL ELSE absence_reason END,
            valid = CASE WHEN %(present)s THEN NULL ELSE valid END
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        status=e.status.value,
        present=present,
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet, w: _Writes) -> None:
    w.add(
        """UPDATE grid_attendance SET absence_reason = %(absence_reason)s, valid = %(valid)s
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        absence_reason=e.absence_reason.value,
        valid=e.absence_reason.is_valid,
    )


# --- marks --------------------------------------------------------------------------------------


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(e: ClassJournal.MarkRecorded, w: _Writes) -> None:
    w.add(
        """INSERT INTO grid_marks (mark_id, journal_id, lesson_id, student_id, value,
            previous_value, work_kind, weight, comment, late, late_permission_id, corrected,
            voided, reason)
        VALUES (%(mark_id)s, %(journal_id)s, %(lesson_id)s, %(student_id)s, %(value)s, NULL,
            %(work_kind)s, %(weight)s, %(comment)s, %(late)s, %(late_permission_id)s, FALSE,
            FALSE, NULL)
        ON CONFLICT (mark_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_id = excluded.lesson_id, student_id = excluded.student_id,
            value = excluded.value, work_kind = excluded.work_kind, weight = excluded.weight,
            comment = excluded.comment, late = excluded.late,
            late_permission_id = excluded.late_permission_id""",
        mark_id=str(e.mark_id),
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        value=e.value,
        work_kind=e.work_kind.value,
        weight=e.weight,
        comment=e.comment,
        **late_columns(e.late),
    )


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected, w: _Writes) -> None:
    w.add(
        """UPDATE grid_marks SET value = %(value)s, previous_value = %(previous)s,
            corrected = TRUE, reason = %(reason)s
        WHERE mark_id = %(mark_id)s""",
        mark_id=str(e.mark_id),
        value=e.value,
        previous=e.previous,
        reason=e.reason,
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided, w: _Writes) -> None:
    # The value stays: a voided mark is shown struck out, not erased.
    w.add(
        "UPDATE grid_marks SET voided = TRUE, reason = %(reason)s WHERE mark_id = %(mark_id)s",
        mark_id=str(e.mark_id),
        reason=e.reason,
    )


@_on(ClassJournal.PeriodMarkRecorded)
def _period_mark_recorded(e: ClassJournal.PeriodMarkRecorded, w: _Writes) -> None:
    w.add(
        """INSERT INTO grid_period_marks (journal_id, period_id, student_id, value,
            previous_value, late, late_permission_id, corrected, reason)
        VALUES (%(journal_id)s, %(period_id)s, %(student_id)s, %(value)s, NULL, %(late)s,
            %(late_permission_id)s, FALSE, NULL)
        ON CONFLICT (journal_id, period_id, student_id) DO UPDATE SET value = excluded.value,
            late = excluded.late, late_permission_id = excluded.late_permission_id""",
        journal_id=str(e.originator_id),
        period_id=e.period_id,
        student_id=str(e.student_id),
        value=e.value,
        **late_columns(e.late),
    )


@_on(ClassJournal.PeriodMarkCorrected)
def _period_mark_corrected(e: ClassJournal.PeriodMarkCorrected, w: _Writes) -> None:
    w.add(
        """UPDATE grid_period_marks SET value = %(value)s, previous_value = %(previous)s,
            corrected = TRUE, reason = %(reason)s
        WHERE journal_id = %(journal_id)s AND period_id = %(period_id)s
            AND student_id = %(student_id)s""",
        journal_id=str(e.originator_id),
        period_id=e.period_id,
        student_id=str(e.student_id),
        value=e.value,
        previous=e.previous,
        reason=e.reason,
    )


# --- who is on a page ---------------------------------------------------------------------------


def _refresh_pages(cursor: Cursor, year_id: str, class_code: str) -> None:
    """Recompute the students on every page of one class from its stints."""
    cursor.execute(
        """SELECT journal_id, subject, subgroup FROM grid_journals
        WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
        {"year_id": year_id, "class_code": class_code},
    )
    journals = cursor.fetchall()
    if not journals:
        return
    key = {"year_id": year_id, "class_code": class_code}
    cursor.execute(
        """SELECT s.student_id, s.since_date, s.until_date, n.full_name
        FROM grid_class_stints s LEFT JOIN grid_student_names n ON n.student_id = s.student_id
        WHERE s.year_id = %(year_id)s AND s.class_code = %(class_code)s""",
        key,
    )
    class_stints = cursor.fetchall()
    cursor.execute(
        """SELECT student_id, subject, subgroup, since_date, until_date FROM grid_subgroup_stints
        WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
        key,
    )
    subgroup_stints = cursor.fetchall()
    rows: list[dict[str, Any]] = []
    for journal in journals:
        cursor.execute(
            "DELETE FROM grid_page_students WHERE journal_id = %(journal_id)s",
            {"journal_id": journal["journal_id"]},
        )
        for stint in class_stints:
            if journal["subgroup"] is None:
                spans = [(stint["since_date"], stint["until_date"])]
            else:
                spans = [
                    span
                    for sub in subgroup_stints
                    if sub["student_id"] == stint["student_id"]
                    and (sub["subject"], sub["subgroup"])
                    == (journal["subject"], journal["subgroup"])
                    and (span := stints.overlap(stint, sub)) is not None
                ]
            rows.extend(
                {
                    "journal_id": journal["journal_id"],
                    "student_id": stint["student_id"],
                    "since_date": since,
                    "until_date": until,
                    "full_name": stint["full_name"],
                }
                for since, until in spans
            )
    if rows:
        cursor.executemany(
            """INSERT INTO grid_page_students
                (journal_id, student_id, since_date, until_date, full_name)
            VALUES (%(journal_id)s, %(student_id)s, %(since_date)s, %(until_date)s,
                %(full_name)s)
            ON CONFLICT (journal_id, student_id, since_date) DO UPDATE SET
                until_date = excluded.until_date, full_name = excluded.full_name""",
            rows,
        )


# --- the query API ------------------------------------------------------------------------------


class GridModel(BaseModel):
    """A frozen part of the grid's view."""

    model_config = ConfigDict(frozen=True)


class LessonColumn(GridModel):
    """A lesson's column: its date and slot, topic and homework, who taught it."""

    kind: Literal["lesson"] = "lesson"
    lesson_id: UUID
    on: date
    slot: int
    topic: str | None
    homework: str | None
    taught_by: UUID
    substitution_id: UUID | None
    """Set when a substitute taught the lesson under a deputy's substitution."""
    late: bool
    late_permission_id: UUID | None
    corrected: bool
    """The topic or homework was corrected; the superseded values follow."""
    previous_topic: str | None
    previous_homework: str | None
    correction_reason: str | None


class PeriodColumn(GridModel):
    """A period's marks, right after the period's last lesson (School 117 §6.1)."""

    kind: Literal["period"] = "period"
    period_id: str
    name: str
    start: date
    end: date


GridColumn = Annotated[LessonColumn | PeriodColumn, Field(discriminator="kind")]


class MarkCell(GridModel):
    """One mark in a cell, with what superseded or voided it."""

    mark_id: UUID
    value: str
    previous_value: str | None
    work_kind: WorkKind
    weight: float
    comment: str | None
    late: bool
    late_permission_id: UUID | None
    corrected: bool
    voided: bool
    reason: str | None
    """The reason of the last correction or of the voiding."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def work_kind_name(self) -> str:
        """The kind of work in Russian, for display: "Контрольная работа"."""
        return self.work_kind.title_ru


class AttendanceCell(GridModel):
    """A student's attendance at a lesson: "н" for an absence, "оп" for coming late."""

    status: Attendance
    absence_reason: AbsenceReason | None
    valid: bool | None
    """Whether the absence has a valid reason (уважительная причина); None until one is set."""
    late: bool
    corrected: bool

    @property
    def symbol(self) -> str:
        return {Attendance.ABSENT: "н", Attendance.LATE: "оп", Attendance.PRESENT: ""}[self.status]


class PeriodMarkCell(GridModel):
    """A student's period mark."""

    value: str
    previous_value: str | None
    late: bool
    corrected: bool
    reason: str | None


class GridCell(GridModel):
    """A student's entries under one column; ``on_page`` is False outside their days on it."""

    on_page: bool
    marks: tuple[MarkCell, ...] = ()
    attendance: AttendanceCell | None = None
    period_mark: PeriodMarkCell | None = None


class PageSpan(GridModel):
    """Days a student is on the page (``until`` inclusive; None while still there)."""

    since: date
    until: date | None

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def overlaps(self, start: date, end: date) -> bool:
        return self.since <= end and (self.until is None or start <= self.until)


class GridRow(GridModel):
    """A student's line of the page, one cell per column."""

    student_id: UUID
    full_name: str
    on_page: tuple[PageSpan, ...]
    cells: tuple[GridCell, ...]


class JournalGridView(GridModel):
    """A class journal's page: which journal, its columns, and a row per student on it."""

    journal_id: UUID
    year: str
    class_code: str
    grade: int
    subject: str
    subject_name: str
    subgroup: str | None
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]


class JournalNotProjectedError(NotFoundError):
    """The grid holds no such journal (unknown, or the projection has not reached it yet)."""


def grid(cursor: Cursor, journal_id: UUID) -> JournalGridView:
    """A journal's page as the grid read model holds it."""
    key = {"journal_id": str(journal_id)}
    cursor.execute("SELECT * FROM grid_journals WHERE journal_id = %(journal_id)s", key)
    journal = cursor.fetchone()
    if journal is None:
        raise JournalNotProjectedError(f"no journal {journal_id} in the grid")
    lessons = _select(cursor, "grid_lessons", key)
    columns = _columns(
        [_lesson_column(r) for r in lessons],
        _select_periods(cursor, journal["year_id"], journal["grade"]),
        {r["period_id"] for r in _select(cursor, "grid_period_marks", key)},
    )
    marks: dict[tuple[str, str], list[MarkCell]] = {}
    for r in sorted(_select(cursor, "grid_marks", key), key=lambda r: r["mark_id"]):
        marks.setdefault((r["lesson_id"], r["student_id"]), []).append(_mark_cell(r))
    attendance = {
        (r["lesson_id"], r["student_id"]): _attendance_cell(r)
        for r in _select(cursor, "grid_attendance", key)
    }
    period_marks = {
        (r["period_id"], r["student_id"]): _period_mark_cell(r)
        for r in _select(cursor, "grid_period_marks", key)
    }
    spans: dict[str, list[PageSpan]] = {}
    names: dict[str, str] = {}
    for r in _select(cursor, "grid_page_students", key):
        spans.setdefault(r["student_id"], []).append(
            PageSpan(since=_date(r["since_date"]), until=_optional_date(r["until_date"]))
        )
        names[r["student_id"]] = r["full_name"] or ""
    rows = []
    for student_id in sorted(names, key=lambda s: (alphabetical(names[s]), s)):
        student_spans = tuple(sorted(spans[student_id], key=lambda s: s.since))
        cells = []
        for column in columns:
            if isinstance(column, LessonColumn):
                lesson_key = (str(column.lesson_id), student_id)
                cells.append(
                    GridCell(
                        on_page=any(s.covers(column.on) for s in student_spans),
                        marks=tuple(marks.get(lesson_key, ())),
                        attendance=attendance.get(lesson_key),
                    )
                )
            else:
                cells.append(
                    GridCell(
                        on_page=any(s.overlaps(column.start, column.end) for s in student_spans),
                        period_mark=period_marks.get((column.period_id, student_id)),
                    )
                )
        rows.append(
            GridRow(
                student_id=UUID(student_id),
                full_name=names[student_id],
                on_page=student_spans,
                cells=tuple(cells),
            )
        )
    return JournalGridView(
        journal_id=journal_id,
        year=journal["year"],
        class_code=journal["class_code"],
        grade=journal["grade"],
        subject=journal["subject"],
        subject_name=journal["subject_name"],
        subgroup=journal["subgroup"],
        columns=tuple(columns),
        rows=tuple(rows),
    )


def _columns(
    lessons: list[LessonColumn], periods: list[PeriodColumn], marked: set[str]
) -> list[LessonColumn | PeriodColumn]:
    """Lessons in date and slot order, each period's column after the last lesson it holds.

    A period appears once it has a lesson or a mark; with marks but no lessons of its own it
    stands after the last lesson before its end. A column of the year's results (year, exam,
    final) appears once it has a mark.
    """
    shown: list[LessonColumn | PeriodColumn] = list(lessons)
    shown.extend(
        p
        for p in periods
        if p.period_id in marked
        or (p.period_id not in RESULT_PERIOD_IDS and any(p.start <= c.on <= p.end for c in lessons))
    )
    return sorted(shown, key=_column_order)


def _column_order(column: LessonColumn | PeriodColumn) -> tuple[date, int, int]:
    # A period's column sorts after every lesson of its last day.
    if isinstance(column, LessonColumn):
        return (column.on, 0, column.slot)
    return (column.end, 1, 0)


def _select(cursor: Cursor, table: str, key: dict[str, str]) -> list[Row]:
    cursor.execute(f"SELECT * FROM {table} WHERE journal_id = %(journal_id)s", key)  # noqa: S608
    return cursor.fetchall()


def _select_periods(cursor: Cursor, year_id: str, grade: int) -> list[PeriodColumn]:
    """The periods of the journal's grade's scheme, then the year's results (year, exam and
    final marks), which stand after the last period's column (School 117 §6.1)."""
    cursor.execute("SELECT * FROM grid_periods WHERE year_id = %(year_id)s", {"year_id": year_id})
    periods = [
        PeriodColumn(
            period_id=r["period_id"],
            name=r["name"],
            start=_date(r["start_date"]),
            end=_date(r["end_date"]),
        )
        for r in cursor.fetchall()
        if r["grades"] is None or f",{grade}," in r["grades"]
    ]
    if not periods:
        return periods
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    return periods + [
        PeriodColumn(period_id=kind.period_id, name=kind.title_ru, start=first, end=last)
        for kind in ResultKind
    ]


def _lesson_column(r: Row) -> LessonColumn:
    return LessonColumn(
        lesson_id=UUID(r["lesson_id"]),
        on=_date(r["lesson_date"]),
        slot=r["slot"],
        topic=r["topic"],
        homework=r["homework"],
        taught_by=UUID(r["taught_by"]),
        substitution_id=_optional_uuid(r["substitution_id"]),
        late=bool(r["late"]),
        late_permission_id=_optional_uuid(r["late_permission_id"]),
        corrected=bool(r["corrected"]),
        previous_topic=r["previous_topic"],
        previous_homework=r["previous_homework"],
        correction_reason=r["correction_reason"],
    )


def _mark_cell(r: Row) -> MarkCell:
    return MarkCell(
        mark_id=UUID(r["mark_id"]),
        value=r["value"],
        previous_value=r["previous_value"],
        work_kind=WorkKind(r["work_kind"]),
        weight=r["weight"],
        comment=r["comment"],
        late=bool(r["late"]),
        late_permission_id=_optional_uuid(r["late_permission_id"]),
        corrected=bool(r["corrected"]),
        voided=bool(r["voided"]),
        reason=r["reason"],
    )


def _attendance_cell(r: Row) -> AttendanceCell:
    return AttendanceCell(
        status=Attendance(r["status"]),
        absence_reason=AbsenceReason(r["absence_reason"]) if r["absence_reason"] else None,
        valid=bool(r["valid"]) if r["valid"] is not None else None,
        late=bool(r["late"]),
        corrected=bool(r["corrected"]),
    )


def _period_mark_cell(r: Row) -> PeriodMarkCell:
    return PeriodMarkCell(
        value=r["value"],
        previous_value=r["previous_value"],
        late=bool(r["late"]),
        corrected=bool(r["corrected"]),
        reason=r["reason"],
    )


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _optional_uuid(value: str | None) -> UUID | None:
    return UUID(value) if value is not None else None
