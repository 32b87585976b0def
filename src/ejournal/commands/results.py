"""The year's results in a journal: the year mark, the exam mark and the final mark.

Each is kept among the journal's period marks under the id of its kind (``ResultKind``), so a
correction, a deputy's authorisation and every read model treat it as they treat a period mark.
The rules come from the profile (``RegulationProfile.results``):

- the year mark comes after the student's mark for the last period of their grade's scheme
  (School 117 §6.1: in the column after the last lesson; School 77 §4.4.6, Belogorsk Instr. 4.2:
  "за четверть, полугодие, год … по завершении учебного периода"), within that last period's
  window for marks (Lyceum 68 §3.6.5, School 77 §5.4);
- exam marks exist in the grades that sit the state final attestation (9 and 11), timed from the
  day its results were announced (Lyceum 68 §5.5);
- final marks exist in grades 9 and 11 (the certificate: Gymnasium 2 §2.2, §6.10), rest on the
  year mark, and where the student sat an exam in the subject come after the exam mark, within
  the term the profile sets (Lyceum 68 §5.6: 3 working days for grade 9).

The journal's teacher records them (School 77 §4.4.6, Belogorsk Instr. 4.2); "н/а" and "осв."
are refused as for any period mark (School 77 §5.3 names year and final marks too).
"""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import Field

from ejournal.access import require_journal_teacher, resolve, visible_journal
from ejournal.aggregates.class_journal import ClassJournal, LateEntry
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.marking import check_scale
from ejournal.commands.period_marks import check_period_value
from ejournal.commands.timing import (
    deadline_lateness,
    first_grade_check,
    lateness,
    local_today,
    period_mark_lateness,
)
from ejournal.errors import Clause, InvariantError, RuleViolationError
from ejournal.marks import ResultKind, WorkKind
from ejournal.policy.deadlines import Deadline, EntryKind
from ejournal.roles import Actor
from ejournal.text import Label


class RecordResultMark(Command):
    """Record a student's year, exam or final mark in a journal."""

    journal_id: UUID
    kind: ResultKind
    student_id: UUID
    value: Label = Field(max_length=8)
    results_date: date | None = None
    """For an exam mark: the day the exam's results were officially announced."""


def _clause(year: SchoolYear, clause: Clause | None) -> Clause:
    return clause or Clause(source=year.profile.school, ref="профиль школы")


def record_result_mark(school: School, actor: Actor, cmd: RecordResultMark) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        require_journal_teacher(actor, journal)
        year = school.year_view(journal.year)
        year.check_open()
        # «н/а» / «осв.» where the regulation allows them (School 77 §5.3 bans them).
        value, is_mark = check_period_value(year.profile, cmd.value)
        first_grade_check(year, journal, marks=True, homework=False)
        if is_mark:
            check_scale(year, journal.subject, value)
        periods = year.periods_for(journal.grade)
        first, last = periods[0], periods[-1]
        ref = year.journals[journal.id]
        roster = year.roster(ref, last.end) | year.roster(ref, last.start)
        if cmd.kind is ResultKind.YEAR:
            late = _year_mark(year, journal, cmd, actor)
        elif cmd.kind is ResultKind.EXAM:
            late = _exam_mark(year, journal, cmd, actor)
        else:
            late = _final_mark(year, journal, cmd, actor)
        if cmd.kind is not ResultKind.YEAR:
            roster |= year.roster(ref, first.start)
        journal.record_period_mark(cmd.kind.period_id, cmd.student_id, value, late, roster, actor)
        return school.record(journal)

    return school.run(attempt)


def _year_mark(
    year: SchoolYear, journal: ClassJournal, cmd: RecordResultMark, actor: Actor
) -> LateEntry | None:
    rule = year.profile.results
    last = year.periods_for(journal.grade)[-1]
    if journal.period_mark(last.id, cmd.student_id) is None:
        raise RuleViolationError(
            f"the year mark comes after the mark for the last period of the year ({last.name}),"
            " which the student does not have in this journal",
            rule="results.year_after_last_period",
            clause=_clause(year, rule.year_clause or year.profile.period_marks.clause),
        )
    return period_mark_lateness(year, journal, last, actor)


def _exam_mark(
    year: SchoolYear, journal: ClassJournal, cmd: RecordResultMark, actor: Actor
) -> LateEntry | None:
    rule = year.profile.results
    if journal.grade not in rule.exam_grades:
        raise RuleViolationError(
            f"exam marks are recorded in grades {', '.join(map(str, sorted(rule.exam_grades)))},"
            f" not in grade {journal.grade}",
            rule="results.exam_grades",
            clause=_clause(year, rule.exam_clause),
        )
    if cmd.results_date is None:
        raise InvariantError(
            "an exam mark names the day its results were announced",
            invariant="exam.results_date_missing",
        )
    if not year.starts_on <= cmd.results_date <= local_today(year):
        # Results of the state exams come in June, after the last lessons: no upper bound but
        # today.
        raise InvariantError(
            f"the exam's results date ({cmd.results_date}) falls after the year's start"
            f" ({year.starts_on}) and not in the future",
            invariant="exam.results_date_outside",
        )
    # Timed as the profile times state-exam results (Lyceum 68 §5.5: 3 working days).
    return lateness(
        year,
        journal,
        entry=EntryKind.MARK,
        on=cmd.results_date,
        slot=0,
        actor=actor,
        work_kind=WorkKind.STATE_EXAM,
        results_date=cmd.results_date,
    )


def _final_mark(
    year: SchoolYear, journal: ClassJournal, cmd: RecordResultMark, actor: Actor
) -> LateEntry | None:
    rule = year.profile.results
    clause = _clause(year, rule.final_clause)
    if journal.grade not in rule.final_grades:
        raise RuleViolationError(
            f"final marks are recorded in grades"
            f" {', '.join(map(str, sorted(rule.final_grades)))}, not in grade {journal.grade}",
            rule="results.final_grades",
            clause=clause,
        )
    if journal.period_mark(ResultKind.YEAR.period_id, cmd.student_id) is None:
        raise RuleViolationError(
            "the final mark rests on the year mark, which the student does not have in this"
            " journal yet",
            rule="results.final_after_year_mark",
            clause=clause,
        )
    exam = journal.period_mark(ResultKind.EXAM.period_id, cmd.student_id)
    days = rule.final_after_exam_days
    if (
        exam is None
        or exam.recorded_at is None
        or days is None
        or journal.grade not in rule.final_after_exam_grades
    ):
        return None
    zone = ZoneInfo(year.timezone)
    entered = exam.recorded_at.astimezone(zone).date()
    last_day = year.calendar().add_working_days(entered, days, journal.class_code)
    deadline = Deadline(
        closes_at=datetime.combine(last_day, time.max, zone),
        rule="results.final_after_exam",
        clause=clause,
        description=(
            f"the final mark is due within {days} working days after the exam mark was entered"
            f" on {entered.isoformat()} (by {last_day.isoformat()})"
        ),
    )
    return deadline_lateness(year, deadline, journal, entered, actor)
