"""The deputy's grants: substitutions and late-entry permissions (DESIGN.md §5: only a deputy
assigns them)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from pydantic import Field

from ejournal import clock
from ejournal.access import require_role, resolve, visible_journal
from ejournal.aggregates.class_journal import ClassJournal, LatePermission, Substitution
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import Clause, InvariantError, RuleViolationError
from ejournal.roles import Actor, Role
from ejournal.text import Reason


class AssignSubstitution(Command):
    """A substitute teaches one lesson instead of the journal's teacher (School 77 §4.4.3)."""

    journal_id: UUID
    on: date
    slot: int = Field(ge=0, le=12)
    substitute_id: UUID
    replaced_id: UUID | None = None
    reason: Reason


def assign_substitution(school: School, actor: Actor, cmd: AssignSubstitution) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_role(actor, Role.DEPUTY, action="assigning substitutions")
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = school.year_view(journal.year)
        year.check_open()
        year.check_within(cmd.on, "a substituted lesson's day")
        _check_lesson_in_timetable(year, journal, cmd.on, cmd.slot)
        school.account(cmd.substitute_id).act_as(Role.TEACHER)
        if cmd.replaced_id is not None and cmd.replaced_id not in journal.teachers:
            raise InvariantError(
                "the replaced teacher does not keep this journal",
                invariant="substitution.teacher_not_of_journal",
            )
        substitution = Substitution(
            id=uuid4(),
            on=cmd.on,
            slot=cmd.slot,
            substitute_id=cmd.substitute_id,
            replaced_id=cmd.replaced_id,
            reason=cmd.reason,
        )
        journal.assign_substitution(substitution, actor)
        return school.record(journal, ids={"substitution_id": substitution.id})

    return school.run(attempt)


def _check_lesson_in_timetable(
    year: SchoolYear, journal: ClassJournal, on: date, slot: int
) -> None:
    """A substitute teaches a lesson "вместо основного преподавателя" (Lyceum 68 §5.1): the
    timetable must give this journal a lesson in that slot on a school day of the class. A
    class with no timetable yet is not checked."""
    rule = year.profile.substitution
    clause = rule.clause or Clause(source=year.profile.school, ref="профиль школы: substitution")
    if not year.calendar().is_working_day(on, journal.class_code):
        raise RuleViolationError(
            f"class {journal.class_code} has no lessons on {on.isoformat()}: there is nothing to"
            " substitute",
            rule="substitution.lesson_in_timetable",
            clause=clause,
        )
    timetable = year.timetable.get(journal.class_code, ())
    if timetable and not any(
        e.weekday == on.isoweekday() and e.slot == slot and e.journal_id == journal.id
        for e in timetable
    ):
        raise RuleViolationError(
            f"the timetable of {journal.class_code} gives this journal no lesson {slot} on"
            f" {on.isoformat()}: there is nothing to substitute",
            rule="substitution.lesson_in_timetable",
            clause=clause,
        )


class CancelSubstitution(Command):
    journal_id: UUID
    substitution_id: UUID
    reason: Reason


def cancel_substitution(school: School, actor: Actor, cmd: CancelSubstitution) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_role(actor, Role.DEPUTY, action="cancelling substitutions")
        journal = visible_journal(school, actor, account, cmd.journal_id)
        journal.cancel_substitution(cmd.substitution_id, cmd.reason, actor)
        return school.record(journal)

    return school.run(attempt)


class PermitLateEntry(Command):
    """Let a teacher (or any teacher of the journal) enter records for past dates after their
    deadline, for a few days; every such entry is flagged late."""

    journal_id: UUID
    from_date: date
    to_date: date
    teacher_id: UUID | None = None
    valid_days: int = Field(default=3, ge=1, le=30)
    """How many days, from now, the permission can be used."""
    reason: Reason


def permit_late_entry(school: School, actor: Actor, cmd: PermitLateEntry) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_role(actor, Role.DEPUTY, action="permitting late entries")
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = school.year_view(journal.year)
        year.check_open()
        year.check_within(cmd.from_date, "the first day a late entry is permitted for")
        year.check_within(cmd.to_date, "the last day a late entry is permitted for")
        zone = ZoneInfo(year.timezone)
        today = clock.now().astimezone(zone).date()
        last_day = today + timedelta(days=cmd.valid_days)
        permission = LatePermission(
            id=uuid4(),
            teacher_id=cmd.teacher_id,
            from_date=cmd.from_date,
            to_date=cmd.to_date,
            valid_until=datetime.combine(last_day, time.max, tzinfo=zone),
            reason=cmd.reason,
        )
        journal.permit_late_entry(permission, actor)
        return school.record(journal, ids={"permission_id": permission.id})

    return school.run(attempt)
