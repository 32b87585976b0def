"""History, or time travel (DESIGN.md §6): a class journal as it stood at any moment, what
changed on it between two moments, and the whole story of one mark.

Everything here is replayed from the log, never read from a read model: the journal is its
ClassJournal aggregate as of its last event recorded at or before the moment (the repository
starts from the newest snapshot below that version, so a full-year journal is not replayed from
its first event), the roster is its SchoolYear as of that moment, and the students' names are
their Student aggregates as of it. The page is rendered in exactly the shape the journal grid
read model gives (``JournalGridView``), so a client shows a past page as it shows today's, and a
test can hold the two against each other.

The grid also shows what a correction superseded (a mark's previous value, a lesson's previous
topic, the reason) and entries that were corrected or filled in late; the aggregate keeps only
current values. Those few facts are read from the journal's own correction events up to the same
version: their stored topic picks them out, so only they are decoded, and the application keeps
what it read of a journal's log (append-only, so it stays true) and reads only what came after.

Who may read what is decided by the core's access module (``ejournal.access``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.account import Account
from ejournal.aggregates.base import Aggregate
from ejournal.aggregates.class_journal import ClassJournal, Mark
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.errors import NotFoundError
from ejournal.marks import AbsenceReason, WorkKind
from ejournal.projections.journal_grid import (
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
from ejournal.roles import Role

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


# --- what the aggregate does not keep: superseded values ----------------------------------------

_SUPERSEDING = frozenset(
    get_topic(cls)
    for cls in (
        ClassJournal.MarkCorrected,
        ClassJournal.MarkVoided,
        ClassJournal.LessonDetailsRecorded,
        ClassJournal.LessonDetailsCorrected,
        ClassJournal.AttendanceCorrected,
        ClassJournal.PeriodMarkCorrected,
    )
)
"""The stored topics of the events that supersede or flag what the aggregate keeps."""


@dataclass
class _Superseded:
    """What corrections superseded and which entries were corrected or filled in late, as the
    grid shows them, from a journal's events up to one version."""

    mark_previous: dict[UUID, str] = field(default_factory=dict)
    mark_reason: dict[UUID, str] = field(default_factory=dict)
    lesson_corrections: dict[UUID, ClassJournal.LessonDetailsCorrected] = field(
        default_factory=dict
    )
    late_details: dict[UUID, UUID] = field(default_factory=dict)
    """A lesson's topic or homework filled in late: the first permission it was under."""
    attendance_corrected: set[str] = field(default_factory=set)
    """As the aggregate keys attendance: "<lesson>/<student>"."""
    period_mark_corrections: dict[tuple[str, UUID], ClassJournal.PeriodMarkCorrected] = field(
        default_factory=dict
    )


def _superseded(school: School, journal_id: UUID, version: int) -> _Superseded:
    found = _Superseded()
    for event in _superseding_events(school, journal_id).up_to(school, journal_id, version):
        match event:
            case ClassJournal.MarkCorrected():
                found.mark_previous[event.mark_id] = event.previous
                found.mark_reason[event.mark_id] = event.reason
            case ClassJournal.MarkVoided():
                found.mark_reason[event.mark_id] = event.reason
            case ClassJournal.LessonDetailsRecorded() if event.late is not None:
                found.late_details.setdefault(event.lesson_id, event.late.permission_id)
            case ClassJournal.LessonDetailsCorrected():
                found.lesson_corrections[event.lesson_id] = event
            case ClassJournal.AttendanceCorrected():
                found.attendance_corrected.add(f"{event.lesson_id}/{event.student_id}")
            case ClassJournal.PeriodMarkCorrected():
                found.period_mark_corrections[event.period_id, event.student_id] = event
    return found


class _SupersedingEvents:
    """One journal's superseding events, read from the log once and then only extended as the
    journal grows: the log is append-only, so what was read stays true. A full-year journal's
    log is thousands of events; its corrections a handful."""

    def __init__(self) -> None:
        self.read_to = 0
        self.events: list[Any] = []
        self.lock = threading.Lock()

    def up_to(self, school: School, journal_id: UUID, version: int) -> list[Any]:
        with self.lock:
            if version > self.read_to:
                for stored in school.recorder.select_events(
                    journal_id, gt=self.read_to, lte=version
                ):
                    if stored.topic not in _SUPERSEDING:
                        continue
                    event: Any = school.mapper.to_domain_event(stored)
                    # Details filled in on time change nothing the aggregate does not keep.
                    if not isinstance(event, ClassJournal.LessonDetailsRecorded) or event.late:
                        self.events.append(event)
                self.read_to = version
            return [e for e in self.events if e.originator_version <= version]


JOURNALS_REMEMBERED = 512
"""Journals whose superseding events an application keeps in memory (least recently read go)."""

_remembered: weakref.WeakKeyDictionary[School, OrderedDict[UUID, _SupersedingEvents]] = (
    weakref.WeakKeyDictionary()
)
_remembered_lock = threading.Lock()


def _superseding_events(school: School, journal_id: UUID) -> _SupersedingEvents:
    with _remembered_lock:
        journals = _remembered.setdefault(school, OrderedDict())
        known = journals.get(journal_id)
        if known is None:
            known = journals[journal_id] = _SupersedingEvents()
            while len(journals) > JOURNALS_REMEMBERED:
                journals.popitem(last=False)
        journals.move_to_end(journal_id)
        return known


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
    return _page(journal, year, spans, names, _superseded(school, journal_id, journal.version))


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
    superseded: _Superseded,
) -> JournalGridView:
    """The page in the grid's shape. A full-year page is thousands of cells: the many empty
    ones are one shared value, and the rest are looked up by key, never searched for."""
    lessons = [_lesson_column(lesson, superseded) for lesson in journal.lessons.values()]
    marked = {mark.period_id for mark in journal.period_marks.values()}
    periods = [
        PeriodColumn(period_id=p.id, name=p.name, start=p.start, end=p.end)
        for p in year.periods_for(journal.grade)
        if p.id in marked or any(p.start <= c.on <= p.end for c in lessons)
    ]
    columns: list[LessonColumn | PeriodColumn] = sorted([*lessons, *periods], key=_column_order)
    marks_at: dict[tuple[UUID, UUID], list[MarkCell]] = {}
    for mark in sorted(journal.marks.values(), key=lambda m: str(m.id)):
        marks_at.setdefault((mark.lesson_id, mark.student_id), []).append(
            _mark_cell(mark, superseded)
        )
    # The aggregate keys attendance by "<lesson>/<student>".
    attendance_at = {
        key: AttendanceCell(
            status=entry.status,
            absence_reason=entry.reason,
            valid=entry.reason.is_valid if entry.reason else None,
            late=entry.late is not None,
            corrected=key in superseded.attendance_corrected,
        )
        for key, entry in journal.attendance.items()
    }
    empty = {flag: GridCell(on_page=flag) for flag in (True, False)}
    # Most students share their days on the page: which columns those days cover is worked
    # out once per distinct set of spans.
    presence: dict[tuple[PageSpan, ...], list[bool]] = {}
    prefixes = [f"{c.lesson_id}/" if isinstance(c, LessonColumn) else "" for c in columns]
    rows = []
    for student_id in sorted(spans, key=lambda s: (_alphabetical(names[s]), str(s))):
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
                given = _period_mark_cell(journal, column.period_id, student_id, superseded)
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


def _lesson_column(lesson: Any, superseded: _Superseded) -> LessonColumn:
    correction = superseded.lesson_corrections.get(lesson.id)
    late_details = superseded.late_details.get(lesson.id)
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


def _mark_cell(mark: Mark, superseded: _Superseded) -> MarkCell:
    return MarkCell(
        mark_id=mark.id,
        value=mark.value,
        previous_value=superseded.mark_previous.get(mark.id),
        work_kind=mark.work_kind,
        weight=mark.weight,
        comment=mark.comment,
        late=mark.late is not None,
        late_permission_id=mark.late.permission_id if mark.late else None,
        corrected=mark.corrected,
        voided=mark.voided,
        reason=superseded.mark_reason.get(mark.id),
    )


def _period_mark_cell(
    journal: ClassJournal, period_id: str, student_id: UUID, superseded: _Superseded
) -> PeriodMarkCell | None:
    mark = journal.period_mark(period_id, student_id)
    if mark is None:
        return None
    correction = superseded.period_mark_corrections.get((period_id, student_id))
    return PeriodMarkCell(
        value=mark.value,
        previous_value=correction.previous if correction else None,
        late=mark.late is not None,
        corrected=mark.corrected,
        reason=correction.reason if correction else None,
    )


def _column_order(column: LessonColumn | PeriodColumn) -> tuple[date, int, int]:
    # As on the grid: a period's column after every lesson of its last day.
    if isinstance(column, LessonColumn):
        return (column.on, 0, column.slot)
    return (column.end, 1, 0)


def _alphabetical(name: str) -> str:
    # As on the grid: ё sorts with е.
    return name.casefold().replace("ё", "е")


# --- what changed between two moments -----------------------------------------------------------


class HistoryModel(BaseModel):
    """A frozen part of the history API."""

    model_config = ConfigDict(frozen=True)


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
                (date.min, 0, 0, _alphabetical(row.full_name), str(student_id)),
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
    key = (*_column_order(column), _alphabetical(name), str(student_id))
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


# --- the story of one mark ----------------------------------------------------------------------

StepKind = Literal["recorded", "correction_authorized", "corrected", "voided"]


class MarkStep(HistoryModel):
    """One event in a mark's life."""

    kind: StepKind
    recorded_at: datetime
    """Server time (UTC)."""
    journal_version: int
    request_id: str | None
    actor_id: UUID
    actor_role: Role
    actor_name: str | None
    value: str | None
    """The value from this step on (none once voided; the remark's action for an
    authorisation)."""
    previous: str | None = None
    reason: str | None = None
    authorization_id: UUID | None = None
    approved_by: UUID | None = None
    approved_by_name: str | None = None
    approval_remark: str | None = None
    late: bool = False
    late_permission_id: UUID | None = None


class MarkStory(HistoryModel):
    """A mark from its recording to now: every value it had, who changed it, why, approved by
    whom."""

    journal_id: UUID
    mark_id: UUID
    student_id: UUID
    student_name: str
    lesson_id: UUID
    lesson_date: date
    slot: int
    work_kind: WorkKind
    weight: float
    value: str
    """Its value now (the last one, for a voided mark)."""
    voided: bool
    steps: tuple[MarkStep, ...]


_STORY = frozenset(
    get_topic(cls)
    for cls in (
        ClassJournal.MarkRecorded,
        ClassJournal.MarkCorrected,
        ClassJournal.MarkVoided,
        ClassJournal.CorrectionAuthorized,
    )
)


def mark_story(school: School, journal_id: UUID, mark_id: UUID) -> MarkStory:
    """Every event of one mark's life, in order: recorded, a deputy's authorisation, corrected,
    voided; each with its value, actor and role, reason, approval, time and late flag."""
    journal = school.view(ClassJournal, journal_id, "journal")
    mark = journal.mark(mark_id)
    lesson = journal.lessons[mark.lesson_id]
    names = _Names(school)
    # Without a cipher or a compressor the stored bytes are the event's JSON: an event that does
    # not name the mark need not be decoded.
    needle = (
        str(mark_id).encode() if not (school.mapper.cipher or school.mapper.compressor) else b""
    )
    remarks: dict[UUID, tuple[UUID, str]] = {}
    steps: list[MarkStep] = []
    for stored in school.recorder.select_events(journal_id, lte=journal.version):
        if stored.topic not in _STORY or needle not in stored.state:
            continue
        event: Any = school.mapper.to_domain_event(stored)
        common: dict[str, Any] = {
            "recorded_at": event.timestamp,
            "journal_version": event.originator_version,
            "request_id": event.request_id,
            "actor_id": event.actor.account_id,
            "actor_role": event.actor.role,
            "actor_name": names.of(event.actor.account_id),
        }
        match event:
            case ClassJournal.MarkRecorded() if event.mark_id == mark_id:
                late = event.late
                steps.append(
                    MarkStep(
                        kind="recorded",
                        value=event.value,
                        late=late is not None,
                        late_permission_id=late.permission_id if late else None,
                        **common,
                    )
                )
            case ClassJournal.CorrectionAuthorized() if event.authorization.mark_id == mark_id:
                auth = event.authorization
                remarks[auth.id] = (event.actor.account_id, auth.remark)
                steps.append(
                    MarkStep(
                        kind="correction_authorized",
                        value=auth.action,
                        reason=auth.remark,
                        authorization_id=auth.id,
                        approved_by=event.actor.account_id,
                        approved_by_name=names.of(event.actor.account_id),
                        approval_remark=auth.remark,
                        **common,
                    )
                )
            case ClassJournal.MarkCorrected() | ClassJournal.MarkVoided() if (
                event.mark_id == mark_id
            ):
                approver, remark = (
                    remarks.get(event.authorization_id, (None, None))
                    if event.authorization_id is not None
                    else (None, None)
                )
                steps.append(
                    MarkStep(
                        kind="corrected"
                        if isinstance(event, ClassJournal.MarkCorrected)
                        else "voided",
                        value=getattr(event, "value", None),
                        previous=event.previous,
                        reason=event.reason,
                        authorization_id=event.authorization_id,
                        approved_by=approver,
                        approved_by_name=names.of(approver),
                        approval_remark=remark,
                        **common,
                    )
                )
    student = school.view(Student, mark.student_id, "student")
    return MarkStory(
        journal_id=journal_id,
        mark_id=mark_id,
        student_id=mark.student_id,
        student_name=str(student.name),
        lesson_id=lesson.id,
        lesson_date=lesson.on,
        slot=lesson.slot,
        work_kind=mark.work_kind,
        weight=mark.weight,
        value=mark.value,
        voided=mark.voided,
        steps=tuple(steps),
    )


class _Names:
    """People's names by account, each looked up once."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.known: dict[UUID, str | None] = {}

    def of(self, account_id: UUID | None) -> str | None:
        if account_id is None:
            return None
        if account_id not in self.known:
            try:
                self.known[account_id] = self.school.view(Account, account_id, "account").full_name
            except NotFoundError:
                self.known[account_id] = None  # the service itself, acting in the system role
        return self.known[account_id]
