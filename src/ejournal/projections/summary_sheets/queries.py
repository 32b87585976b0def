"""The summary sheets and the class results as the read model holds them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.identity import school_year_id
from ejournal.database import Cursor, Row
from ejournal.errors import NotFoundError
from ejournal.marks import FAIL_MARK, PASS_MARK, RESULT_PERIOD_IDS, Attendance, ResultKind
from ejournal.projections.conventions import alphabetical
from ejournal.projections.summary_sheets.rates import (
    quality_rate,
    success_rate,
    whole_point,
)

YEAR_MARK_PERIOD = ResultKind.YEAR.period_id
"""The period id a year mark (годовая отметка) is recorded under."""
EXAM_MARK_PERIOD = ResultKind.EXAM.period_id
FINAL_MARK_PERIOD = ResultKind.FINAL.period_id

SCHOOL_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5)
"""The months of a school year, September to May, in the order the attendance sheet shows."""

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
    points = [whole_point(v) for v in every]
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
