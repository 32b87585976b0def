"""A class journal as it stood at any moment (DESIGN.md §6), and any aggregate as of a moment.

Replayed from the log, never read from a read model: the journal is its ClassJournal aggregate as
of its last event recorded at or before the moment (the repository starts from the newest snapshot
below that version, so a full-year journal is not replayed from its first event), the roster is
its SchoolYear as of that moment, and the students' names are their Student aggregates as of it.
The page is rendered in exactly the shape the journal grid read model gives (``JournalGridView``),
so a client shows a past page as it shows today's, and a test can hold the two against each other;
what the aggregate does not keep but the grid shows comes from ``history.superseded``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ejournal.aggregates.base import Aggregate
from ejournal.aggregates.class_journal import ClassJournal, Mark
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.errors import NotFoundError
from ejournal.history.superseded import Superseded, superseded
from ejournal.projections.journal_grid.queries import (
    AttendanceCell,
    GridCell,
    GridRow,
    JournalGridView,
    LessonColumn,
    MarkCell,
    PageSpan,
    PeriodColumn,
    PeriodMarkCell,
)

A = TypeVar("A", bound=Aggregate)

# --- aggregates as of a moment ------------------------------------------------------------------


def version_at(school: School, aggregate_id: UUID, at: datetime, newest: int) -> int:
    """The version an aggregate had at a moment: that of its last event recorded at or before
    it (0 if it did not exist yet). ``newest`` is its current version, recorded after ``at``.

    A binary search over its events' recorded times, each probe one event read and decoded:
    an aggregate's events are recorded one after another on the server's clock (each save
    follows a load of the version before), so their times rise with their versions.
    """
    low, high = 0, newest  # low: at or before the moment (0: none); high: after it
    while high - low > 1:
        middle = (low + high) // 2
        (probe,) = school.recorder.select_events(aggregate_id, gt=middle - 1, lte=middle)
        if _recorded_at(school, probe) <= at:
            low = middle
        else:
            high = middle
    return low


def _recorded_at(school: School, stored: StoredEvent) -> datetime:
    event: Any = school.mapper.to_domain_event(stored)
    moment: datetime = event.timestamp
    return moment


def as_of(
    school: School,
    cls: type[A],
    aggregate_id: UUID,
    at: datetime,
    what: str,
    *,
    often_changed: bool = False,
) -> A | None:
    """An aggregate as it stood at a moment (None if it did not exist yet); a missing one is
    not found. Unchanged since then, it is the shared current one: no replay at all.

    A school year or a student rarely changes: its current state, shared and usually cached,
    is looked at first. A journal that changes every day (``often_changed``) is asked of the
    log first instead: its current state is seldom the one wanted, and loading it only to find
    that out would cost as much as the replay.
    """
    if often_changed:
        newest = school.recorder.select_events(aggregate_id, desc=True, limit=1)
        if not newest:
            raise NotFoundError(f"no such {what}")
        if _recorded_at(school, newest[0]) <= at:
            return school.view(cls, aggregate_id, what)
        version = version_at(school, aggregate_id, at, newest[0].originator_version)
    else:
        current = school.view(cls, aggregate_id, what)
        if current.modified_on <= at:
            return current
        version = version_at(school, aggregate_id, at, current.version)
    if version == 0:
        return None
    past: object = school.repository.get(aggregate_id, version=version)
    if not isinstance(past, cls):
        raise NotFoundError(f"no such {what}")
    return past


# --- a journal as of a moment -------------------------------------------------------------------


def journal_as_of(school: School, journal_id: UUID, at: datetime) -> JournalGridView:
    """A journal's page as it stood at a moment, in the journal grid's shape; a journal that
    did not exist yet is not found."""
    # Run as one attempt: the application's cache is brought up to the log once, and every
    # aggregate this read loads shares that one view of it.
    return school.run(lambda: _journal_as_of(school, journal_id, at))


def _journal_as_of(school: School, journal_id: UUID, at: datetime) -> JournalGridView:
    journal = as_of(school, ClassJournal, journal_id, at, "journal", often_changed=True)
    if journal is None:
        raise NotFoundError("no such journal at that time")
    year = as_of(school, SchoolYear, school_year_id(journal.year), at, "school year")
    if year is None:
        raise NotFoundError("no such school year at that time")
    spans = _page_spans(year, journal)
    names = {}
    for student_id in spans:
        student = as_of(school, Student, student_id, at, "student")
        names[student_id] = str(student.name) if student is not None else ""
    return _page(journal, year, spans, names, superseded(school, journal_id, journal.version))


def _page_spans(year: SchoolYear, journal: ClassJournal) -> dict[UUID, list[PageSpan]]:
    """The days each student is on the journal's page, from the year's class and subgroup
    stints (as the grid derives them: a span per stint, a subgroup's only where it overlaps the
    class's)."""
    place = f"{journal.class_code}/{journal.subject}/{journal.subgroup}"
    spans: dict[UUID, dict[date, date | None]] = {}
    for student_id, stints in year.class_stints.items():
        for stint in stints:
            if stint.place != journal.class_code:
                continue
            if journal.subgroup is None:
                spans.setdefault(student_id, {})[stint.since] = stint.until
                continue
            for sub in year.subgroup_stints.get(student_id, ()):
                if sub.place != place:
                    continue
                since = max(stint.since, sub.since)
                ends = [u for u in (stint.until, sub.until) if u is not None]
                until = min(ends) if ends else None
                if until is None or since <= until:
                    spans.setdefault(student_id, {})[since] = until
    return {
        student_id: [PageSpan(since=since, until=until) for since, until in sorted(days.items())]
        for student_id, days in spans.items()
    }


def _page(
    journal: ClassJournal,
    year: SchoolYear,
    spans: dict[UUID, list[PageSpan]],
    names: dict[UUID, str],
    corrections: Superseded,
) -> JournalGridView:
    """The page in the grid's shape. A full-year page is thousands of cells: the many empty
    ones are one shared value, and the rest are looked up by key, never searched for."""
    lessons = [_lesson_column(lesson, corrections) for lesson in journal.lessons.values()]
    marked = {mark.period_id for mark in journal.period_marks.values()}
    periods = [
        PeriodColumn(period_id=p.id, name=p.name, start=p.start, end=p.end)
        for p in year.periods_for(journal.grade)
        if p.id in marked or any(p.start <= c.on <= p.end for c in lessons)
    ]
    columns: list[LessonColumn | PeriodColumn] = sorted([*lessons, *periods], key=column_order)
    marks_at: dict[tuple[UUID, UUID], list[MarkCell]] = {}
    for mark in sorted(journal.marks.values(), key=lambda m: str(m.id)):
        marks_at.setdefault((mark.lesson_id, mark.student_id), []).append(
            _mark_cell(mark, corrections)
        )
    # The aggregate keys attendance by "<lesson>/<student>".
    attendance_at = {
        key: AttendanceCell(
            status=entry.status,
            absence_reason=entry.reason,
            valid=entry.reason.is_valid if entry.reason else None,
            late=entry.late is not None,
            corrected=key in corrections.attendance_corrected,
        )
        for key, entry in journal.attendance.items()
    }
    empty = {flag: GridCell(on_page=flag) for flag in (True, False)}
    # Most students share their days on the page: which columns those days cover is worked
    # out once per distinct set of spans.
    presence: dict[tuple[PageSpan, ...], list[bool]] = {}
    prefixes = [f"{c.lesson_id}/" if isinstance(c, LessonColumn) else "" for c in columns]
    rows = []
    for student_id in sorted(spans, key=lambda s: (alphabetical(names[s]), str(s))):
        student_spans = tuple(spans[student_id])
        if student_spans not in presence:
            presence[student_spans] = [_on_page(column, student_spans) for column in columns]
        student = str(student_id)
        cells = []
        for column, prefix, on_page in zip(columns, prefixes, presence[student_spans], strict=True):
            if isinstance(column, LessonColumn):
                found = marks_at.get((column.lesson_id, student_id))
                attendance = attendance_at.get(prefix + student)
                cells.append(
                    GridCell(on_page=on_page, marks=tuple(found or ()), attendance=attendance)
                    if found or attendance
                    else empty[on_page]
                )
            else:
                given = _period_mark_cell(journal, column.period_id, student_id, corrections)
                cells.append(
                    GridCell(on_page=on_page, period_mark=given) if given else empty[on_page]
                )
        rows.append(
            GridRow(
                student_id=student_id,
                full_name=names[student_id],
                on_page=student_spans,
                cells=tuple(cells),
            )
        )
    return JournalGridView(
        journal_id=journal.id,
        year=journal.year,
        class_code=journal.class_code,
        grade=journal.grade,
        subject=journal.subject,
        subject_name=journal.subject_name,
        subgroup=journal.subgroup,
        columns=tuple(columns),
        rows=tuple(rows),
    )


def _on_page(column: LessonColumn | PeriodColumn, spans: tuple[PageSpan, ...]) -> bool:
    if isinstance(column, LessonColumn):
        return any(s.covers(column.on) for s in spans)
    return any(s.overlaps(column.start, column.end) for s in spans)


def _lesson_column(lesson: Any, corrections: Superseded) -> LessonColumn:
    correction = corrections.lesson_corrections.get(lesson.id)
    late_details = corrections.late_details.get(lesson.id)
    return LessonColumn(
        lesson_id=lesson.id,
        on=lesson.on,
        slot=lesson.slot,
        topic=lesson.topic,
        homework=lesson.homework,
        taught_by=lesson.taught_by,
        substitution_id=lesson.substitution_id,
        # Details filled in late make the lesson's entry late too.
        late=lesson.late is not None or late_details is not None,
        late_permission_id=lesson.late.permission_id if lesson.late else late_details,
        corrected=correction is not None,
        previous_topic=correction.previous_topic if correction else None,
        previous_homework=correction.previous_homework if correction else None,
        correction_reason=correction.reason if correction else None,
    )


def _mark_cell(mark: Mark, corrections: Superseded) -> MarkCell:
    return MarkCell(
        mark_id=mark.id,
        value=mark.value,
        previous_value=corrections.mark_previous.get(mark.id),
        work_kind=mark.work_kind,
        weight=mark.weight,
        comment=mark.comment,
        late=mark.late is not None,
        late_permission_id=mark.late.permission_id if mark.late else None,
        corrected=mark.corrected,
        voided=mark.voided,
        reason=corrections.mark_reason.get(mark.id),
    )


def _period_mark_cell(
    journal: ClassJournal, period_id: str, student_id: UUID, corrections: Superseded
) -> PeriodMarkCell | None:
    mark = journal.period_mark(period_id, student_id)
    if mark is None:
        return None
    correction = corrections.period_mark_corrections.get((period_id, student_id))
    return PeriodMarkCell(
        value=mark.value,
        previous_value=correction.previous if correction else None,
        late=mark.late is not None,
        corrected=mark.corrected,
        reason=correction.reason if correction else None,
    )


def column_order(column: LessonColumn | PeriodColumn) -> tuple[date, int, int]:
    """Where a column stands on the page, as on the grid: a period's column after every lesson
    of its last day."""
    if isinstance(column, LessonColumn):
        return (column.on, 0, column.slot)
    return (column.end, 1, 0)


def alphabetical(name: str) -> str:
    """A student's name as the page orders it, as on the grid: ё sorts with е."""
    return name.casefold().replace("ё", "е")
