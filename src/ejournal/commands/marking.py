"""What every mark entry goes through, whether alone or in a whole-lesson submission: the
school's mark scale, grade 1, the deadline for its kind of work, and its weight."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from pydantic import Field

from ejournal.aggregates.class_journal import ClassJournal, Lesson
from ejournal.aggregates.school_year import SchoolYear
from ejournal.commands.command import Command
from ejournal.commands.timing import first_grade_check, lateness
from ejournal.errors import InvariantError
from ejournal.marks import MarkValue, WorkKind, has_modifier
from ejournal.policy.deadlines import EntryKind
from ejournal.roles import Actor
from ejournal.text import Comment


class MarkScaleError(InvariantError):
    """The value is not on this school's mark scale."""

    slug = "mark-not-on-scale"
    title = "The mark is not on the school's scale"
    status = 422


class MarkEntry(Command):
    """One mark given at a lesson."""

    student_id: UUID
    value: MarkValue
    work_kind: WorkKind = WorkKind.ORAL
    results_date: date | None = None
    """For results that arrive from outside (external diagnostics, state exams): the day the
    results were received or announced, from which their deadline counts."""
    comment: Comment | None = Field(default=None, max_length=500)


def check_scale(year: SchoolYear, value: str) -> None:
    if has_modifier(value) and not year.profile.allow_mark_modifiers:
        raise MarkScaleError(
            f"{value!r}: this school's profile ({year.profile.school}) has no '+'/'-' marks"
        )


def add_mark(
    year: SchoolYear,
    journal: ClassJournal,
    lesson: Lesson,
    entry: MarkEntry,
    roster: frozenset[UUID],
    actor: Actor,
) -> UUID:
    """Check one mark against the profile and record it on the journal (not yet saved)."""
    first_grade_check(year, journal, marks=True, homework=False)
    check_scale(year, entry.value)
    late = lateness(
        year,
        journal,
        entry=EntryKind.MARK,
        on=lesson.on,
        slot=lesson.slot,
        actor=actor,
        work_kind=entry.work_kind,
        results_date=entry.results_date,
    )
    mark_id = uuid4()
    journal.record_mark(
        mark_id,
        lesson.id,
        entry.student_id,
        entry.value,
        entry.work_kind,
        year.profile.weight(entry.work_kind),
        late,
        roster,
        actor,
        entry.comment,
    )
    return mark_id
