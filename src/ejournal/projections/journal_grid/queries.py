"""A journal's page as the grid read model holds it: the view and the query."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, computed_field

from ejournal.database import Cursor, Row
from ejournal.errors import NotFoundError
from ejournal.marks import RESULT_PERIOD_IDS, AbsenceReason, Attendance, ResultKind, WorkKind
from ejournal.projections.conventions import alphabetical


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
