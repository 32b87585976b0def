"""What every mark entry goes through, whether alone or in a whole-lesson submission: the
school's mark scale, grade 1, the deadline for its kind of work, and its weight."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from pydantic import Field

from ejournal.aggregates.class_journal import ClassJournal, Lesson
from ejournal.aggregates.school_year import SchoolYear
from ejournal.commands.command import Command
from ejournal.commands.timing import first_grade_check, lateness, local_today
from ejournal.errors import Clause, InvariantError, RuleViolationError
from ejournal.marks import (
    FAIL_MARK,
    PASS_MARK,
    Attendance,
    MarkValue,
    WorkKind,
    has_modifier,
    is_pass_fail,
)
from ejournal.policy.deadlines import EntryKind, mark_rule
from ejournal.policy.profile import WithinDays
from ejournal.roles import Actor
from ejournal.text import Comment


class MarkScaleError(InvariantError):
    """The value is not on this school's mark scale."""

    slug = "mark-not-on-scale"
    title = "The mark is not on the school's scale"
    status = 422


class AbsentStudentMarkError(InvariantError):
    """A mark for work done in the lesson, for a student recorded absent from it."""

    slug = "absent-student-marked"
    title = "The student was absent from this lesson"


def check_presence(
    year: SchoolYear,
    journal: ClassJournal,
    lesson: Lesson,
    entry: MarkEntry,
) -> None:
    """An oral answer or classwork is given in the lesson: a student recorded absent from it
    cannot have one (Lyceum 68 §5.3: "устных заданий в ходе урока"). Written works may be
    written later and are marked then (§5.4)."""
    rule = year.profile.presence
    if entry.work_kind not in rule.work_kinds:
        return
    recorded = journal.attendance_of(lesson.id, entry.student_id)
    if recorded is None or recorded.status is not Attendance.ABSENT:
        return
    detail = (
        f"the student is recorded absent from the lesson on {lesson.on}: a {entry.work_kind.value}"
        " mark is for work done in the lesson (a written work may be marked when it is written)"
    )
    if rule.clause is not None:
        raise RuleViolationError(detail, rule="presence.work_kinds", clause=rule.clause)
    raise AbsentStudentMarkError(detail)


def check_absence(
    year: SchoolYear, journal: ClassJournal, lesson: Lesson, student_id: UUID
) -> None:
    """The other way round: a student who answered in the lesson was not absent from it."""
    rule = year.profile.presence
    for mark in journal.marks.values():
        if (
            mark.lesson_id == lesson.id
            and mark.student_id == student_id
            and not mark.voided
            and mark.work_kind in rule.work_kinds
        ):
            detail = (
                f"the student has a {mark.work_kind.value} mark from the lesson on {lesson.on}:"
                " void it before recording the student absent"
            )
            if rule.clause is not None:
                raise RuleViolationError(detail, rule="presence.work_kinds", clause=rule.clause)
            raise AbsentStudentMarkError(detail)


class MarkEntry(Command):
    """One mark given at a lesson."""

    student_id: UUID
    value: MarkValue
    work_kind: WorkKind = WorkKind.ORAL
    results_date: date | None = None
    """For results that arrive from outside (external diagnostics, state exams): the day the
    results were received or announced, from which their deadline counts."""
    comment: Comment | None = Field(default=None, max_length=500)


def check_scale(year: SchoolYear, subject: str, value: str) -> None:
    """A current, period or corrected mark is on the subject's scale (DESIGN.md §3): "зач" or
    "незач" in the subjects the profile assesses pass/fail, points in every other, "+"/"-" only
    where the profile allows them."""
    profile = year.profile
    if subject in profile.pass_fail_subjects:
        if not is_pass_fail(value):
            raise MarkScaleError(
                f"{value!r} is not a mark in {subject}: it is assessed {PASS_MARK!r} or"
                f" {FAIL_MARK!r} in this school ({profile.school})"
            )
        return
    if is_pass_fail(value):
        raise MarkScaleError(
            f"{value!r} is not a mark in {subject}: it is marked 1–5 in this school"
            f" ({profile.school}); {PASS_MARK!r}/{FAIL_MARK!r} are for the subjects assessed"
            f" pass/fail ({', '.join(sorted(profile.pass_fail_subjects)) or 'none'})"
        )
    if has_modifier(value) and not profile.allow_mark_modifiers:
        raise MarkScaleError(
            f"{value!r}: this school's profile ({profile.school}) has no '+'/'-' marks"
        )


def check_results_date(
    year: SchoolYear, journal: ClassJournal, lesson: Lesson, entry: MarkEntry
) -> None:
    """A results date is a real day, not after today in the school's zone and not before the
    work was done, and only the kinds of work whose results come from outside carry one: a
    teacher cannot reopen an old lesson by calling its mark an external result received today."""
    profile = year.profile
    rule = mark_rule(profile, entry.work_kind, journal.subject)
    counts_from_results = isinstance(rule, WithinDays) and rule.counted_from == "results"
    rule_clause = rule.clause
    results_clause = profile.deadlines.results_clause or rule_clause
    day = entry.results_date
    if day is None:
        if counts_from_results:
            raise RuleViolationError(
                f"{entry.work_kind.value} marks are due counted from the day their results were"
                " announced: give results_date",
                rule="results_date.missing",
                clause=_cited(year, rule_clause),
            )
        return
    if entry.work_kind not in profile.deadlines.results_work_kinds:
        raise RuleViolationError(
            f"{entry.work_kind.value} marks are timed from their lesson, not from results received"
            " from outside; a results date is only for "
            + ", ".join(sorted(k.value for k in profile.deadlines.results_work_kinds)),
            rule="results_date.not_for_this_kind",
            clause=_cited(year, rule_clause or results_clause),
        )
    today = local_today(year)
    if day > today:
        raise RuleViolationError(
            f"the results date {day} has not come yet (today is {today} in {year.timezone})",
            rule="results_date.in_future",
            clause=_cited(year, results_clause),
        )
    if day < lesson.on:
        raise RuleViolationError(
            f"the results date {day} is before the work was done on {lesson.on}",
            rule="results_date.before_lesson",
            clause=_cited(year, results_clause),
        )


def _cited(year: SchoolYear, clause: Clause | None) -> Clause:
    return clause or Clause(source=year.profile.school, ref="профиль школы: deadlines.results")


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
    check_scale(year, journal.subject, entry.value)
    check_results_date(year, journal, lesson, entry)
    check_presence(year, journal, lesson, entry)
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
