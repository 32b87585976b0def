"""Summary sheets (сводные ведомости) and the class results report (DESIGN.md §6).

A class teacher's and the deputy's documents of a period and a year (School 77 §4.3.10,
§4.6.5): the progress sheet (students × subjects, period and year marks), the attendance sheet
(students × months, lessons missed and of them for a valid reason), the movement sheet
(admitted, transferred, promoted, withdrawn) and the class results for a period (counts of
5/4/3/2, success and quality rates).

Every row is keyed by a natural key (a journal, period and student; a lesson and student; the
log position of a movement) and written by upserts or by statements run in log order, so the
tables depend only on the events applied, never on how the log was cut into batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.database import Cursor, Dialect, Row
from ejournal.errors import NotFoundError
from ejournal.marks import (
    FAIL_MARK,
    NON_MARK_ENTRIES,
    NOT_ATTESTED,
    PASS_MARK,
    RESULT_PERIOD_IDS,
    Attendance,
    ResultKind,
)
from ejournal.projections import stints
from ejournal.projections.conventions import alphabetical, grades_column, registrar
from ejournal.projections.read_model import ReadModel, Recorded

YEAR_MARK_PERIOD = ResultKind.YEAR.period_id
"""The period id a year mark (годовая отметка) is recorded under."""
EXAM_MARK_PERIOD = ResultKind.EXAM.period_id
FINAL_MARK_PERIOD = ResultKind.FINAL.period_id

SCHOOL_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5)
"""The months of a school year, September to May, in the order the attendance sheet shows."""

# --- tables -------------------------------------------------------------------------------------

_DDL = (
    *stints.ddl("sheet", subgroups=False),
    """CREATE TABLE IF NOT EXISTS sheet_years (
        year_id TEXT PRIMARY KEY,
        label TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_periods (
        year_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        grades TEXT,
        PRIMARY KEY (year_id, period_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_classes (
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        PRIMARY KEY (year_id, class_code)
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_students (
        student_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL,
        year TEXT,
        class_code TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sheet_journals_class ON sheet_journals (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS sheet_period_marks (
        journal_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (journal_id, period_id, student_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_attendance (
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        journal_id TEXT NOT NULL,
        status TEXT NOT NULL,
        valid BOOLEAN,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS sheet_attendance_journal ON sheet_attendance (journal_id)",
    """CREATE TABLE IF NOT EXISTS sheet_movements (
        position BIGINT PRIMARY KEY,
        student_id TEXT NOT NULL,
        year TEXT,
        kind TEXT NOT NULL,
        on_date TEXT NOT NULL,
        from_class TEXT,
        to_class TEXT,
        order_number TEXT NOT NULL,
        reason TEXT,
        destination TEXT
    )""",
)


class SummarySheets(ReadModel):
    """The summary sheets read model: marks, attendance and movement per class and year."""

    name: ClassVar[str] = "summary_sheets"
    version: ClassVar[int] = 2
    """2: periods carry the grades of their scheme, and classes their grade."""
    tables: ClassVar[tuple[str, ...]] = (
        "sheet_years",
        "sheet_periods",
        "sheet_classes",
        "sheet_students",
        "sheet_class_stints",
        "sheet_journals",
        "sheet_period_marks",
        "sheet_lessons",
        "sheet_attendance",
        "sheet_movements",
    )

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for statement in _DDL:
            cursor.execute(statement)

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        for recorded in batch:
            handler = _HANDLERS.get(type(recorded.event))
            if handler is not None:
                handler(recorded.event, recorded.position, cursor)


_Handler = Callable[[Any, int, Cursor], None]
_HANDLERS: dict[type, _Handler] = {}


_on = registrar(_HANDLERS)


# --- the year: its periods and who is in which class --------------------------------------------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, _position: int, cursor: Cursor) -> None:
    year_id = str(e.originator_id)
    cursor.execute(
        """INSERT INTO sheet_years (year_id, label) VALUES (%(year_id)s, %(label)s)
        ON CONFLICT (year_id) DO UPDATE SET label = excluded.label""",
        {"year_id": year_id, "label": e.label},
    )
    for period in e.periods:
        cursor.execute(
            """INSERT INTO sheet_periods (year_id, period_id, name, start_date, end_date,
                grades)
            VALUES (%(year_id)s, %(period_id)s, %(name)s, %(start_date)s, %(end_date)s,
                %(grades)s)
            ON CONFLICT (year_id, period_id) DO UPDATE SET name = excluded.name,
                start_date = excluded.start_date, end_date = excluded.end_date,
                grades = excluded.grades""",
            {
                "year_id": year_id,
                "period_id": period.id,
                "name": period.name,
                "start_date": period.start.isoformat(),
                "end_date": period.end.isoformat(),
                "grades": grades_column(period.grades),
            },
        )


@_on(SchoolYear.ClassFormed)
def _class_formed(e: SchoolYear.ClassFormed, _position: int, cursor: Cursor) -> None:
    cursor.execute(
        """INSERT INTO sheet_classes (year_id, class_code, grade)
        VALUES (%(year_id)s, %(class_code)s, %(grade)s)
        ON CONFLICT (year_id, class_code) DO UPDATE SET grade = excluded.grade""",
        {
            "year_id": str(e.originator_id),
            "class_code": e.school_class.code,
            "grade": e.school_class.grade,
        },
    )


@_on(SchoolYear.StudentEnrolled)
def _student_enrolled(e: SchoolYear.StudentEnrolled, _position: int, cursor: Cursor) -> None:
    for statement, params in stints.enrolled("sheet", e):
        cursor.execute(statement, params)


@_on(SchoolYear.StudentLeftClass)
def _student_left_class(e: SchoolYear.StudentLeftClass, _position: int, cursor: Cursor) -> None:
    for statement, params in stints.left_class("sheet", e, subgroups=False):
        cursor.execute(statement, params)


# --- students and their movement (движение учащихся) --------------------------------------------

_MOVEMENT = """INSERT INTO sheet_movements (position, student_id, year, kind, on_date, from_class,
        to_class, order_number, reason, destination)
    VALUES (%(position)s, %(student_id)s, %(year)s, %(kind)s, %(on)s, %(from_class)s,
        %(to_class)s, %(order)s, %(reason)s, %(destination)s)
    ON CONFLICT (position) DO NOTHING"""

# Transfers and withdrawals name no year: they belong to the year the student is in, which the
# students table holds as of this event (statements run in log order).
_MOVEMENT_IN_CURRENT_YEAR = """INSERT INTO sheet_movements (position, student_id, year, kind,
        on_date, from_class, to_class, order_number, reason, destination)
    SELECT %(position)s, student_id, year, %(kind)s, %(on)s, class_code, %(to_class)s,
        %(order)s, %(reason)s, %(destination)s
    FROM sheet_students WHERE student_id = %(student_id)s
    ON CONFLICT (position) DO NOTHING"""


def _movement(position: int, student_id: UUID, kind: str, on: date, order: str) -> dict[str, Any]:
    return {
        "position": position,
        "student_id": str(student_id),
        "kind": kind,
        "on": on.isoformat(),
        "order": order,
        "from_class": None,
        "to_class": None,
        "reason": None,
        "destination": None,
    }


def _place(cursor: Cursor, student_id: UUID, year: str, class_code: str | None) -> None:
    cursor.execute(
        """UPDATE sheet_students SET year = %(year)s, class_code = %(class_code)s
        WHERE student_id = %(student_id)s""",
        {"student_id": str(student_id), "year": year, "class_code": class_code},
    )


@_on(Student.Admitted)
def _admitted(e: Student.Admitted, position: int, cursor: Cursor) -> None:
    cursor.execute(
        """INSERT INTO sheet_students (student_id, full_name, year, class_code)
        VALUES (%(student_id)s, %(full_name)s, %(year)s, %(class_code)s)
        ON CONFLICT (student_id) DO UPDATE SET full_name = excluded.full_name,
            year = excluded.year, class_code = excluded.class_code""",
        {
            "student_id": str(e.originator_id),
            "full_name": str(e.name),
            "year": e.year,
            "class_code": e.class_code,
        },
    )
    params = _movement(position, e.originator_id, "admitted", e.on, e.order)
    cursor.execute(_MOVEMENT, {**params, "year": e.year, "to_class": e.class_code})


@_on(Student.PersonalDataCorrected)
def _renamed(e: Student.PersonalDataCorrected, _position: int, cursor: Cursor) -> None:
    cursor.execute(
        "UPDATE sheet_students SET full_name = %(full_name)s WHERE student_id = %(student_id)s",
        {"student_id": str(e.originator_id), "full_name": str(e.name)},
    )


@_on(Student.Transferred)
def _transferred(e: Student.Transferred, position: int, cursor: Cursor) -> None:
    params = _movement(position, e.originator_id, "transferred", e.on, e.order)
    cursor.execute(
        _MOVEMENT_IN_CURRENT_YEAR, {**params, "to_class": e.to_class, "reason": e.reason}
    )
    cursor.execute(
        "UPDATE sheet_students SET class_code = %(class_code)s WHERE student_id = %(student_id)s",
        {"student_id": str(e.originator_id), "class_code": e.to_class},
    )


@_on(Student.Promoted)
def _promoted(e: Student.Promoted, position: int, cursor: Cursor) -> None:
    # A promotion closes the year it leaves: it is listed in that year's movement sheet.
    params = _movement(position, e.originator_id, "promoted", e.on, e.order)
    cursor.execute(
        _MOVEMENT,
        {**params, "year": e.from_year, "from_class": e.from_class, "to_class": e.to_class},
    )
    _place(cursor, e.originator_id, e.to_year, e.to_class)


@_on(Student.Withdrawn)
def _withdrawn(e: Student.Withdrawn, position: int, cursor: Cursor) -> None:
    params = _movement(position, e.originator_id, "withdrawn", e.on, e.order)
    cursor.execute(
        _MOVEMENT_IN_CURRENT_YEAR,
        {**params, "reason": e.reason, "destination": e.destination},
    )
    cursor.execute(
        "UPDATE sheet_students SET class_code = NULL WHERE student_id = %(student_id)s",
        {"student_id": str(e.originator_id)},
    )


# --- journals: lessons, attendance, period marks ------------------------------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, _position: int, cursor: Cursor) -> None:
    cursor.execute(
        """INSERT INTO sheet_journals (journal_id, year_id, class_code, subject, subject_name)
        VALUES (%(journal_id)s, %(year_id)s, %(class_code)s, %(subject)s, %(subject_name)s)
        ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
            class_code = excluded.class_code, subject = excluded.subject,
            subject_name = excluded.subject_name""",
        {
            "journal_id": str(e.originator_id),
            "year_id": str(school_year_id(e.year)),
            "class_code": e.class_code,
            "subject": e.subject,
            "subject_name": e.subject_name,
        },
    )


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, _position: int, cursor: Cursor) -> None:
    cursor.execute(
        """INSERT INTO sheet_lessons (lesson_id, journal_id, lesson_date)
        VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s)
        ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_date = excluded.lesson_date""",
        {
            "lesson_id": str(e.lesson.id),
            "journal_id": str(e.originator_id),
            "lesson_date": e.lesson.on.isoformat(),
        },
    )


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, _position: int, c: Cursor) -> None:
    c.execute(
        """INSERT INTO sheet_attendance (lesson_id, student_id, journal_id, status, valid)
        VALUES (%(lesson_id)s, %(student_id)s, %(journal_id)s, %(status)s, NULL)
        ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
            status = excluded.status""",
        {
            "lesson_id": str(e.lesson_id),
            "student_id": str(e.student_id),
            "journal_id": str(e.originator_id),
            "status": e.status.value,
        },
    )


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, _position: int, c: Cursor) -> None:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    c.execute(
        """UPDATE sheet_attendance SET status = %(status)s,
            valid = CASE WHEN %(present)s THEN NULL ELSE valid END
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        {
            "lesson_id": str(e.lesson_id),
            "student_id": str(e.student_id),
            "status": e.status.value,
            "present": e.status is Attendance.PRESENT,
        },
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet, _position: int, c: Cursor) -> None:
    c.execute(
        """UPDATE sheet_attendance SET valid = %(valid)s
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        {
            "lesson_id": str(e.lesson_id),
            "student_id": str(e.student_id),
            "valid": e.absence_reason.is_valid,
        },
    )


@_on(ClassJournal.PeriodMarkRecorded, ClassJournal.PeriodMarkCorrected)
def _period_mark(
    e: ClassJournal.PeriodMarkRecorded | ClassJournal.PeriodMarkCorrected,
    _position: int,
    cursor: Cursor,
) -> None:
    # Only the current value matters here; the grid and the audit trail show what it replaced.
    cursor.execute(
        """INSERT INTO sheet_period_marks (journal_id, period_id, student_id, value)
        VALUES (%(journal_id)s, %(period_id)s, %(student_id)s, %(value)s)
        ON CONFLICT (journal_id, period_id, student_id) DO UPDATE SET value = excluded.value""",
        {
            "journal_id": str(e.originator_id),
            "period_id": e.period_id,
            "student_id": str(e.student_id),
            "value": e.value,
        },
    )


# --- rates (pure) -------------------------------------------------------------------------------


def _point(value: str) -> int | None:
    """The whole point of a mark ("4-" is a 4); None for pass/fail, «н/а» and «осв.»."""
    if value in (PASS_MARK, FAIL_MARK) or value in NON_MARK_ENTRIES:
        return None
    return int(value[0])


def is_successful(marks: Iterable[str]) -> bool:
    """Whether a student's period marks make them успевающий: no "2" (nor "1") and no "незач"."""
    # «н/а» (not attested) is an academic debt, as a "2" is.
    return all(
        value not in (FAIL_MARK, NOT_ATTESTED) and (_point(value) or 3) >= 3 for value in marks
    )


def counts_for_quality(marks: Iterable[str]) -> bool | None:
    """Whether a student's period marks are all "4" and "5" (качество знаний).

    "зач" is a pass but no point mark: it neither earns nor spoils quality, so only the point
    marks are judged, and a student with pass/fail marks only is not judged at all (None).
    A "незач" spoils quality, as it spoils success.
    """
    values = list(marks)
    if FAIL_MARK in values or NOT_ATTESTED in values:
        return False
    points = [p for p in (_point(v) for v in values) if p is not None]
    if not points:
        return None
    return all(p >= 4 for p in points)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def success_rate(students: Sequence[Sequence[str]]) -> float | None:
    """Успеваемость, %: the share of students (each given by their period marks) with no "2",
    "1" or "незач"; "зач" counts as passing. None when there are no students with marks."""
    marked = [marks for marks in students if marks]
    return _percent(sum(is_successful(marks) for marks in marked), len(marked))


def quality_rate(students: Sequence[Sequence[str]]) -> float | None:
    """Качество знаний, %: the share of students with only "4" and "5" among those judged.

    "зач" counts as passing but not for quality: it is left out of the judgement, so a student
    whose marks are "5" and "зач" counts as a quality student, and one with only "зач" is not
    counted in either part of the share. None when nobody is judged.
    """
    judged = [
        q for q in (counts_for_quality(marks) for marks in students if marks) if q is not None
    ]
    return _percent(sum(judged), len(judged))


# --- views --------------------------------------------------------------------------------------


class SheetModel(BaseModel):
    """A frozen part of a sheet."""

    model_config = ConfigDict(frozen=True)


class PeriodHeading(SheetModel):
    period_id: str
    name: str


class SubjectHeading(SheetModel):
    subject: str
    subject_name: str


class SubjectMarks(SheetModel):
    """A student's marks in one subject: one per period (None where none is recorded), the
    year mark, and in grades 9 and 11 the exam and final marks."""

    subject: str
    periods: tuple[str | None, ...]
    year_mark: str | None
    exam_mark: str | None = None
    final_mark: str | None = None


class ProgressRow(SheetModel):
    student_id: UUID
    full_name: str
    subjects: tuple[SubjectMarks, ...]


class ProgressSheetView(SheetModel):
    """Сводная ведомость учёта успеваемости: students × subjects, period and year marks."""

    kind: Literal["progress"] = "progress"
    year: str
    class_code: str
    periods: tuple[PeriodHeading, ...]
    """The periods of the class's grade's scheme (half-years in grade 10 beside quarters)."""
    subjects: tuple[SubjectHeading, ...]
    rows: tuple[ProgressRow, ...]
    exams: bool = False
    """Whether the sheet has an exam column (some student of the class has an exam mark)."""
    finals: bool = False
    """Whether it has a final-mark column (some student has a final mark)."""


class MonthAbsences(SheetModel):
    """Lessons missed in a month, and of them for a valid reason (a late arrival is no miss)."""

    month: int
    missed: int
    valid: int


class AttendanceRow(SheetModel):
    student_id: UUID
    full_name: str
    months: tuple[MonthAbsences, ...]
    missed: int
    valid: int


class AttendanceSheetView(SheetModel):
    """Сводная ведомость учёта посещаемости: students × months, September to May."""

    kind: Literal["attendance"] = "attendance"
    year: str
    class_code: str
    months: tuple[int, ...]
    rows: tuple[AttendanceRow, ...]
    totals: tuple[MonthAbsences, ...]
    missed: int
    valid: int


MovementKind = Literal["admitted", "transferred", "promoted", "withdrawn"]


class MovementRow(SheetModel):
    student_id: UUID
    full_name: str
    kind: MovementKind
    on: date
    from_class: str | None
    to_class: str | None
    order: str
    reason: str | None
    destination: str | None


class MovementSheetView(SheetModel):
    """Сводная ведомость учёта движения учащихся: the year's movements, by date."""

    kind: Literal["movement"] = "movement"
    year: str
    rows: tuple[MovementRow, ...]


class ResultsLine(SheetModel):
    """One subject's results (or the whole class's, ``subject`` None) for a period."""

    subject: str | None
    subject_name: str
    students: int
    """Students with a period mark (for the class: with at least one)."""
    fives: int
    fours: int
    threes: int
    twos: int
    """Marks "2" and "1"."""
    passed: int
    """"зач"."""
    failed: int
    """"незач"."""
    success_rate: float | None
    quality_rate: float | None


class ClassResultsView(SheetModel):
    """Итоги успеваемости класса за учебный период (School 77 §4.3.10)."""

    kind: Literal["results"] = "results"
    year: str
    class_code: str
    period_id: str
    period_name: str
    subjects: tuple[ResultsLine, ...]
    total: ResultsLine


SheetView = ProgressSheetView | AttendanceSheetView | MovementSheetView | ClassResultsView


# --- queries ------------------------------------------------------------------------------------


class SheetNotProjectedError(NotFoundError):
    """The sheets hold no such year, class or period (unknown, or not projected yet)."""


def _year_id(cursor: Cursor, year: str) -> str:
    year_id = str(school_year_id(year))
    cursor.execute("SELECT 1 FROM sheet_years WHERE year_id = %(year_id)s", {"year_id": year_id})
    if cursor.fetchone() is None:
        raise SheetNotProjectedError(f"no school year {year} in the sheets")
    return year_id


def _class_students(cursor: Cursor, year_id: str, class_code: str) -> list[tuple[str, str]]:
    """(student id, full name) of everyone in the class at some time of the year, alphabetical."""
    cursor.execute(
        """SELECT DISTINCT s.student_id, n.full_name FROM sheet_class_stints s
        LEFT JOIN sheet_students n ON n.student_id = s.student_id
        WHERE s.year_id = %(year_id)s AND s.class_code = %(class_code)s""",
        {"year_id": year_id, "class_code": class_code},
    )
    students = [(r["student_id"], r["full_name"] or "") for r in cursor.fetchall()]
    return sorted(students, key=lambda s: (alphabetical(s[1]), s[0]))


def _journals(cursor: Cursor, year_id: str, class_code: str) -> list[Row]:
    cursor.execute(
        """SELECT journal_id, subject, subject_name FROM sheet_journals
        WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
        {"year_id": year_id, "class_code": class_code},
    )
    return cursor.fetchall()


def _subjects(journals: list[Row]) -> list[SubjectHeading]:
    # A subject taught in subgroups has a journal per subgroup: one column on the sheet.
    names = {r["subject"]: r["subject_name"] for r in journals}
    return [
        SubjectHeading(subject=s, subject_name=names[s])
        for s in sorted(names, key=lambda s: (alphabetical(names[s]), s))
    ]


def _period_marks(cursor: Cursor, year_id: str, class_code: str) -> dict[tuple[str, str, str], str]:
    """(student, subject, period) -> the current period mark, over the class's journals."""
    cursor.execute(
        """SELECT m.student_id, j.subject, m.period_id, m.value FROM sheet_period_marks m
        JOIN sheet_journals j ON j.journal_id = m.journal_id
        WHERE j.year_id = %(year_id)s AND j.class_code = %(class_code)s""",
        {"year_id": year_id, "class_code": class_code},
    )
    return {(r["student_id"], r["subject"], r["period_id"]): r["value"] for r in cursor.fetchall()}


def _periods(cursor: Cursor, year_id: str, class_code: str | None = None) -> list[Row]:
    """The year's periods; with a class, those of its grade's scheme."""
    cursor.execute(
        "SELECT * FROM sheet_periods WHERE year_id = %(year_id)s ORDER BY start_date, period_id",
        {"year_id": year_id},
    )
    rows = cursor.fetchall()
    if class_code is None:
        return rows
    cursor.execute(
        """SELECT grade FROM sheet_classes
        WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
        {"year_id": year_id, "class_code": class_code},
    )
    found = cursor.fetchone()
    if found is None:
        return rows
    grade = f",{found['grade']},"
    return [r for r in rows if r["grades"] is None or grade in r["grades"]]


def progress_sheet(cursor: Cursor, year: str, class_code: str) -> ProgressSheetView:
    """Students × subjects with each period's current mark and the year mark."""
    year_id = _year_id(cursor, year)
    periods = [
        PeriodHeading(period_id=r["period_id"], name=r["name"])
        for r in _periods(cursor, year_id, class_code)
        if r["period_id"] not in RESULT_PERIOD_IDS
    ]
    subjects = _subjects(_journals(cursor, year_id, class_code))
    marks = _period_marks(cursor, year_id, class_code)
    marked = {period_id for (_, _, period_id) in marks}
    rows = tuple(
        ProgressRow(
            student_id=UUID(student_id),
            full_name=full_name,
            subjects=tuple(
                SubjectMarks(
                    subject=s.subject,
                    periods=tuple(marks.get((student_id, s.subject, p.period_id)) for p in periods),
                    year_mark=marks.get((student_id, s.subject, YEAR_MARK_PERIOD)),
                    exam_mark=marks.get((student_id, s.subject, EXAM_MARK_PERIOD)),
                    final_mark=marks.get((student_id, s.subject, FINAL_MARK_PERIOD)),
                )
                for s in subjects
            ),
        )
        for student_id, full_name in _class_students(cursor, year_id, class_code)
    )
    return ProgressSheetView(
        year=year,
        class_code=class_code,
        periods=tuple(periods),
        subjects=tuple(subjects),
        rows=rows,
        exams=EXAM_MARK_PERIOD in marked,
        finals=FINAL_MARK_PERIOD in marked,
    )


def attendance_sheet(cursor: Cursor, year: str, class_code: str) -> AttendanceSheetView:
    """Students × months: lessons missed in the class's journals, and of them for a valid
    reason. A late arrival is not a missed lesson."""
    year_id = _year_id(cursor, year)
    cursor.execute(
        """SELECT a.student_id, l.lesson_date, a.valid FROM sheet_attendance a
        JOIN sheet_lessons l ON l.lesson_id = a.lesson_id
        JOIN sheet_journals j ON j.journal_id = a.journal_id
        WHERE j.year_id = %(year_id)s AND j.class_code = %(class_code)s
            AND a.status = %(absent)s""",
        {"year_id": year_id, "class_code": class_code, "absent": Attendance.ABSENT.value},
    )
    missed: dict[tuple[str, int], int] = {}
    valid: dict[tuple[str, int], int] = {}
    for r in cursor.fetchall():
        key = (r["student_id"], date.fromisoformat(r["lesson_date"]).month)
        missed[key] = missed.get(key, 0) + 1
        if r["valid"]:
            valid[key] = valid.get(key, 0) + 1
    rows = []
    for student_id, full_name in _class_students(cursor, year_id, class_code):
        months = tuple(
            MonthAbsences(
                month=m, missed=missed.get((student_id, m), 0), valid=valid.get((student_id, m), 0)
            )
            for m in SCHOOL_MONTHS
        )
        rows.append(
            AttendanceRow(
                student_id=UUID(student_id),
                full_name=full_name,
                months=months,
                missed=sum(m.missed for m in months),
                valid=sum(m.valid for m in months),
            )
        )
    totals = tuple(
        MonthAbsences(
            month=m,
            missed=sum(r.months[i].missed for r in rows),
            valid=sum(r.months[i].valid for r in rows),
        )
        for i, m in enumerate(SCHOOL_MONTHS)
    )
    return AttendanceSheetView(
        year=year,
        class_code=class_code,
        months=SCHOOL_MONTHS,
        rows=tuple(rows),
        totals=totals,
        missed=sum(t.missed for t in totals),
        valid=sum(t.valid for t in totals),
    )


def movement_sheet(
    cursor: Cursor, year: str, classes: frozenset[str] | None = None
) -> MovementSheetView:
    """The year's admissions, transfers, promotions and withdrawals, in the order recorded: of
    every class, or (``classes``, a class teacher's scope) only those into or out of them."""
    _year_id(cursor, year)
    cursor.execute(
        """SELECT m.*, n.full_name FROM sheet_movements m
        LEFT JOIN sheet_students n ON n.student_id = m.student_id
        WHERE m.year = %(year)s ORDER BY m.on_date, m.position""",
        {"year": year},
    )
    return MovementSheetView(
        year=year,
        rows=tuple(
            MovementRow(
                student_id=UUID(r["student_id"]),
                full_name=r["full_name"] or "",
                kind=r["kind"],
                on=date.fromisoformat(r["on_date"]),
                from_class=r["from_class"],
                to_class=r["to_class"],
                order=r["order_number"],
                reason=r["reason"],
                destination=r["destination"],
            )
            for r in cursor.fetchall()
            if classes is None
            or _class_of(r["from_class"]) in classes
            or _class_of(r["to_class"]) in classes
        ),
    )


def _class_of(place: str | None) -> str | None:
    """The class a place names ("5А", or a subgroup "5А/english/1")."""
    return place.split("/", 1)[0] if place else None


def results_line(
    subject: str | None, subject_name: str, students: Sequence[Sequence[str]]
) -> ResultsLine:
    """One line of the class results: the counts of marks and the rates, from each student's
    period marks (one mark for a subject's line, all of a student's marks for the class's)."""
    marked = [marks for marks in students if marks]
    every = [value for marks in marked for value in marks]
    points = [_point(v) for v in every]
    return ResultsLine(
        subject=subject,
        subject_name=subject_name,
        students=len(marked),
        fives=points.count(5),
        fours=points.count(4),
        threes=points.count(3),
        twos=sum(1 for p in points if p is not None and p <= 2),
        passed=every.count(PASS_MARK),
        failed=every.count(FAIL_MARK),
        success_rate=success_rate(marked),
        quality_rate=quality_rate(marked),
    )


def class_results(cursor: Cursor, year: str, class_code: str, period_id: str) -> ClassResultsView:
    """Итоги успеваемости класса за период: per subject and for the class as a whole."""
    year_id = _year_id(cursor, year)
    if period_id in RESULT_PERIOD_IDS:
        # The year's results ("Y"), or the exam or final marks of grades 9 and 11.
        period_name = next(k.title_ru for k in ResultKind if k.period_id == period_id)
    else:
        period = next(
            (r for r in _periods(cursor, year_id, class_code) if r["period_id"] == period_id),
            None,
        )
        if period is None:
            raise SheetNotProjectedError(
                f"no period {period_id} in school year {year} for class {class_code}"
            )
        period_name = period["name"]
    subjects = _subjects(_journals(cursor, year_id, class_code))
    marks = _period_marks(cursor, year_id, class_code)
    by_subject: dict[str, dict[str, str]] = {}
    by_student: dict[str, list[str]] = {}
    for (student_id, subject, marked_in), value in sorted(marks.items()):
        if marked_in == period_id:
            by_subject.setdefault(subject, {})[student_id] = value
            by_student.setdefault(student_id, []).append(value)
    lines = tuple(
        results_line(
            s.subject,
            s.subject_name,
            [[value] for value in by_subject.get(s.subject, {}).values()],
        )
        for s in subjects
    )
    return ClassResultsView(
        year=year,
        class_code=class_code,
        period_id=period_id,
        period_name=period_name,
        subjects=lines,
        total=results_line(None, "Класс в целом", list(by_student.values())),
    )
