"""Period marks (quarter, trimester, half-year) and closing a period."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from ejournal.access import (
    require_journal_teacher,
    require_role,
    resolve,
    visible_journal,
)
from ejournal.aggregates.class_journal import ClassJournal, ClosedPeriod, PeriodClosedError
from ejournal.aggregates.school_year import Period, SchoolYear
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.marking import MarkScaleError, check_scale
from ejournal.commands.timing import first_grade_check, period_mark_lateness
from ejournal.errors import Clause, NotFoundError, RuleViolationError
from ejournal.marks import MarkValue, non_mark_entry, parse_mark_value
from ejournal.policy.profile import CorrectionMode, RegulationProfile
from ejournal.roles import Actor, Role
from ejournal.text import Label, Reason


class RecordPeriodMark(Command):
    journal_id: UUID
    period_id: Label
    student_id: UUID
    value: Label = Field(max_length=8)
    """A mark, or «н/а» / «осв.» where the school's regulation allows them. Validated here
    rather than by type, so a banned entry is refused with the clause that bans it (School 77
    §5.3) instead of a bare format error."""


def check_period_value(profile: RegulationProfile, value: str) -> tuple[str, bool]:
    """The period entry, and whether it is a mark (rather than «н/а» / «осв.»). Only the
    regulations that ban these entries refuse them (School 77 §5.3); the others are silent."""
    rule = profile.period_marks
    entry = non_mark_entry(value)
    if (entry or value.strip().lower()) in rule.forbidden_values:
        raise RuleViolationError(
            f"{value!r} is not allowed as a period mark in this school: every student gets a mark",
            rule="period_marks.forbidden_values",
            clause=rule.forbidden_clause
            or Clause(source=profile.school, ref="профиль школы: period_marks"),
        )
    if entry is not None:
        return entry, False
    try:
        return parse_mark_value(value), True
    except ValueError as error:
        raise MarkScaleError(str(error)) from None


def record_period_mark(school: School, actor: Actor, cmd: RecordPeriodMark) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        require_journal_teacher(actor, journal)
        year = school.year_view(journal.year)
        year.check_open()
        value, is_mark = check_period_value(year.profile, cmd.value)
        first_grade_check(year, journal, marks=True, homework=False)
        if is_mark:
            check_scale(year, journal.subject, value)
        # The period of the journal's grade's scheme: a grade 10 journal's H1, never a Q1.
        period = year.period(cmd.period_id, journal.grade)
        check_period_mark_basis(year, journal, period, cmd.student_id)
        late = period_mark_lateness(year, journal, period, actor)
        roster = year.roster(year.journals[journal.id], period.end) | year.roster(
            year.journals[journal.id], period.start
        )
        journal.record_period_mark(cmd.period_id, cmd.student_id, value, late, roster, actor)
        return school.record(journal)

    return school.run(attempt)


def check_period_mark_basis(
    year: SchoolYear, journal: ClassJournal, period: Period, student_id: UUID
) -> None:
    """A period mark rests on the student's current marks of the period (School 77 §5.1–5.2,
    Gymnasium 2 §8.4): at least the number the profile sets."""
    basis = year.profile.period_mark_basis
    if not basis.min_current_marks:
        return
    count = journal.current_marks_of(student_id, period.start, period.end)
    if count < basis.min_current_marks:
        raise RuleViolationError(
            f"a mark for {period.name} rests on at least {basis.min_current_marks} current"
            f" mark(s) of the period ({period.start}–{period.end}); the student has {count}"
            f" in {journal.subject_name}",
            rule="period_mark_basis.min_current_marks",
            clause=basis.clause or Clause(source=year.profile.school, ref="профиль школы"),
        )


class CorrectPeriodMark(Command):
    journal_id: UUID
    period_id: Label
    student_id: UUID
    value: MarkValue
    reason: Reason
    authorization_id: UUID | None = None


def correct_period_mark(school: School, actor: Actor, cmd: CorrectPeriodMark) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        require_journal_teacher(actor, journal)
        year = school.year_view(journal.year)
        year.check_open()
        check_scale(year, journal.subject, cmd.value)
        rule = year.profile.corrections
        # A regulation that forbids changing a mark forbids it for period marks too, whatever a
        # deputy remarks (Lyceum 68 §3.6.8, Gymnasium 2 §8.6).
        if rule.value_change is CorrectionMode.FORBIDDEN:
            raise RuleViolationError(
                "changing a recorded mark's value is not allowed",
                rule="corrections.value_change",
                clause=rule.value_change_clause
                or Clause(source=year.profile.school, ref="профиль школы"),
            )
        journal.correct_period_mark(
            cmd.period_id, cmd.student_id, cmd.value, cmd.reason, cmd.authorization_id, actor
        )
        return school.record(journal)

    return school.run(attempt)


class ClosePeriod(Command):
    """Close a period for some journals (or all of a class, or all of the year): its marks are
    final, and its lessons take nothing new without an approved correction."""

    year: Label
    period_id: Label
    class_code: Label | None = None
    journal_ids: tuple[UUID, ...] = ()


def close_period(school: School, actor: Actor, cmd: ClosePeriod) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.DEPUTY, Role.ADMINISTRATOR, action="closing periods")
        year = school.year_view(cmd.year)
        year.check_open()
        period = year.period(cmd.period_id)
        if cmd.journal_ids:
            ids = list(cmd.journal_ids)
        elif cmd.class_code is not None:
            year.period(cmd.period_id, year.school_class(cmd.class_code).grade)
            ids = list(year.journals_of(cmd.class_code))
        else:
            # The whole year: the journals of the grades whose scheme has this period.
            ids = [
                jid
                for jid, ref in year.journals.items()
                if period.applies_to(year.grade_of(ref.class_code))
            ]
        closed = ClosedPeriod(id=period.id, start=period.start, end=period.end)
        journals = []
        for journal_id in ids:
            if journal_id not in year.journals:
                raise NotFoundError("no such journal")
            journal = school.journal(journal_id)
            year.period(cmd.period_id, journal.grade)
            if period.id not in journal.closed_periods:
                journal.close_period(closed, actor)
                journals.append(journal)
        if not journals:
            raise PeriodClosedError(f"period {period.id} is already closed for these journals")
        return school.record(*journals)

    return school.run(attempt)
