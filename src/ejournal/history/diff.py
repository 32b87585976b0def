"""What changed on a class journal's page between two moments (DESIGN.md §6): both pages are
replayed from the log (``history.as_of``) and held against each other entry by entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ejournal.application import School
from ejournal.errors import NotFoundError
from ejournal.history.answer import HistoryModel
from ejournal.history.as_of import alphabetical, column_order, journal_as_of
from ejournal.marks import AbsenceReason
from ejournal.projections.journal_grid.queries import (
    AttendanceCell,
    GridCell,
    GridRow,
    JournalGridView,
    LessonColumn,
    PageSpan,
    PeriodColumn,
)

ChangeWhat = Literal["lesson", "mark", "attendance", "period_mark", "student"]
ChangeKind = Literal["added", "changed", "voided"]


class JournalChange(HistoryModel):
    """One difference between a journal's page at two moments."""

    what: ChangeWhat
    change: ChangeKind
    lesson_id: UUID | None = None
    on: date | None = None
    """The lesson's date (or, for a period mark, the period's last day)."""
    slot: int | None = None
    period_id: str | None = None
    student_id: UUID | None = None
    student_name: str | None = None
    mark_id: UUID | None = None
    before: str | None = None
    after: str | None = None
    reason: str | None = None
    late: bool = False


class JournalDiff(HistoryModel):
    """What changed on a journal's page from one moment to another, in the page's order."""

    journal_id: UUID
    start: datetime
    end: datetime
    changes: tuple[JournalChange, ...]


def journal_diff(school: School, journal_id: UUID, start: datetime, end: datetime) -> JournalDiff:
    """The differences between a journal's page at ``start`` and at ``end``: lessons, topics and
    homework, marks added, changed and voided, attendance and absence reasons, period marks,
    and students joining or leaving the page."""
    if end < start:
        raise ValueError("the end of a span of history comes after its start")
    after = journal_as_of(school, journal_id, end)
    try:
        before: JournalGridView | None = journal_as_of(school, journal_id, start)
    except NotFoundError:
        before = None  # opened within the span: everything on the page is new
    changes = sorted(_differences(before, after), key=lambda c: c[0])
    return JournalDiff(
        journal_id=journal_id, start=start, end=end, changes=tuple(c for _, c in changes)
    )


_Keyed = tuple[tuple[date, int, int, str, str], JournalChange]


def _differences(before: JournalGridView | None, after: JournalGridView) -> Iterable[_Keyed]:
    old = _Entries(before)
    new = _Entries(after)
    for lesson_id, column in new.lessons.items():
        was = old.lessons.get(lesson_id)
        details = _details(column.topic, column.homework)
        where = {"lesson_id": lesson_id, "on": column.on, "slot": column.slot}
        key = (column.on, 0, column.slot, "", "")
        if was is None:
            yield (
                key,
                JournalChange(
                    what="lesson", change="added", after=details, late=column.late, **where
                ),
            )
        elif (was.topic, was.homework) != (column.topic, column.homework):
            yield (
                key,
                JournalChange(
                    what="lesson",
                    change="changed",
                    before=_details(was.topic, was.homework),
                    after=details,
                    reason=column.correction_reason,
                    late=column.late and not was.late,
                    **where,
                ),
            )
    for student_id, row in new.rows.items():
        was_row = old.rows.get(student_id)
        spans = _spans(row.on_page)
        if was_row is None or _spans(was_row.on_page) != spans:
            yield (
                (date.min, 0, 0, alphabetical(row.full_name), str(student_id)),
                JournalChange(
                    what="student",
                    change="added" if was_row is None else "changed",
                    student_id=student_id,
                    student_name=row.full_name,
                    before=_spans(was_row.on_page) if was_row is not None else None,
                    after=spans,
                ),
            )
    for (column_id, student_id), (shown, name, cell) in new.cells.items():
        earlier = old.cells.get((column_id, student_id))
        yield from _cell_changes(shown, student_id, name, earlier[2] if earlier else None, cell)


def _cell_changes(
    column: LessonColumn | PeriodColumn,
    student_id: UUID,
    name: str,
    was: GridCell | None,
    cell: GridCell,
) -> Iterable[_Keyed]:
    key = (*column_order(column), alphabetical(name), str(student_id))
    who: dict[str, Any] = {"student_id": student_id, "student_name": name}
    if isinstance(column, LessonColumn):
        who |= {"lesson_id": column.lesson_id, "on": column.on, "slot": column.slot}
        old_marks = {m.mark_id: m for m in (was.marks if was else ())}
        for mark in cell.marks:
            previous = old_marks.get(mark.mark_id)
            marked = {**who, "mark_id": mark.mark_id}
            if previous is None:
                yield (
                    key,
                    JournalChange(
                        what="mark", change="added", after=mark.value, late=mark.late, **marked
                    ),
                )
            elif previous.value != mark.value:
                yield (
                    key,
                    JournalChange(
                        what="mark",
                        change="changed",
                        before=previous.value,
                        after=mark.value,
                        reason=mark.reason,
                        **marked,
                    ),
                )
            if mark.voided and not (previous is not None and previous.voided):
                yield (
                    key,
                    JournalChange(
                        what="mark",
                        change="voided",
                        before=mark.value,
                        reason=mark.reason,
                        **marked,
                    ),
                )
        before_attendance = _attendance(was.attendance if was else None)
        after_attendance = _attendance(cell.attendance)
        if after_attendance != before_attendance:
            yield (
                key,
                JournalChange(
                    what="attendance",
                    change="added" if before_attendance is None else "changed",
                    before=before_attendance,
                    after=after_attendance,
                    late=cell.attendance is not None and cell.attendance.late,
                    **who,
                ),
            )
    else:
        who |= {"period_id": column.period_id, "on": column.end}
        old_mark = was.period_mark if was else None
        new_mark = cell.period_mark
        if new_mark is not None and (old_mark is None or old_mark.value != new_mark.value):
            yield (
                key,
                JournalChange(
                    what="period_mark",
                    change="added" if old_mark is None else "changed",
                    before=old_mark.value if old_mark else None,
                    after=new_mark.value,
                    reason=new_mark.reason if old_mark else None,
                    late=new_mark.late,
                    **who,
                ),
            )


_ColumnId = tuple[str, str]
"""A column as it is known across moments: a lesson by its id, a period by its id."""


class _Entries:
    """A page's lessons, rows and cells, by what identifies them across moments."""

    def __init__(self, view: JournalGridView | None) -> None:
        self.lessons: dict[UUID, LessonColumn] = {}
        self.rows: dict[UUID, GridRow] = {}
        self.cells: dict[
            tuple[_ColumnId, UUID], tuple[LessonColumn | PeriodColumn, str, GridCell]
        ] = {}
        if view is None:
            return
        for column in view.columns:
            if isinstance(column, LessonColumn):
                self.lessons[column.lesson_id] = column
        for row in view.rows:
            self.rows[row.student_id] = row
            for column, cell in zip(view.columns, row.cells, strict=True):
                identity = (
                    ("lesson", str(column.lesson_id))
                    if isinstance(column, LessonColumn)
                    else ("period", column.period_id)
                )
                self.cells[identity, row.student_id] = (column, row.full_name, cell)


def _details(topic: str | None, homework: str | None) -> str | None:
    parts = [f"тема: {topic}" if topic else None, f"д/з: {homework}" if homework else None]
    return "; ".join(p for p in parts if p) or None


def _attendance(cell: AttendanceCell | None) -> str | None:
    if cell is None:
        return None
    reason: AbsenceReason | None = cell.absence_reason
    return cell.status.value + (f" ({reason.value})" if reason else "")


def _spans(spans: Iterable[PageSpan]) -> str:
    return ", ".join(
        f"{s.since.isoformat()}–{s.until.isoformat() if s.until else ''}" for s in spans
    )
