"""Marks: recording one, and superseding one by a correction or a voiding with a reason.

There is no update or delete of a mark. The profile decides whether a value may be changed or an
entry voided, within how many days, or only after a deputy's remark (DESIGN.md §4).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from ejournal import clock
from ejournal.access import (
    require_role,
    resolve,
    visible_journal,
    writer_of_lesson,
)
from ejournal.aggregates.class_journal import (
    ClassJournal,
    CorrectionAuthorization,
    Mark,
)
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.marking import MarkEntry, add_mark, check_scale
from ejournal.errors import Clause, RuleViolationError
from ejournal.marks import MarkValue
from ejournal.policy.profile import CorrectionMode
from ejournal.roles import Actor, Role
from ejournal.text import Label, Reason


class RecordMark(MarkEntry):
    """Record one mark for one student at a held lesson."""

    journal_id: UUID
    lesson_id: UUID


def record_mark(school: School, actor: Actor, cmd: RecordMark) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = school.year_view(journal.year)
        year.check_open()
        lesson = journal.lesson(cmd.lesson_id)
        writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
        roster = year.roster(year.journals[journal.id], lesson.on)
        entry = MarkEntry.model_validate(cmd.model_dump(include=set(MarkEntry.model_fields)))
        mark_id = add_mark(year, journal, lesson, entry, roster, actor)
        return school.record(journal, ids={"mark_id": mark_id})

    return school.run(attempt)


def _profile_clause(year: SchoolYear, clause: Clause | None) -> Clause:
    return clause or Clause(source=year.profile.school, ref="профиль школы")


def _check_change_allowed(
    year: SchoolYear,
    journal: ClassJournal,
    mark: Mark,
    *,
    mode: CorrectionMode,
    days: int | None,
    clause: Clause | None,
    what: str,
    rule: str,
    authorization_id: UUID | None,
    on_remark_days: int | None = None,
) -> None:
    """Apply the profile's correction rule for this kind of change."""
    cited = _profile_clause(year, clause)
    if mode is CorrectionMode.FORBIDDEN:
        raise RuleViolationError(f"{what} is not allowed", rule=rule, clause=cited)
    if mode is CorrectionMode.WITHIN_DAYS and days is not None:
        now = clock.now()
        if now > mark.recorded_at + timedelta(days=days):
            _check_on_remark(
                year,
                journal,
                authorization_id,
                on_remark_days,
                now,
                cited,
                rule,
                f"{what} is allowed only within {days} days of the entry"
                f" (recorded {_local(year, mark.recorded_at)})",
            )
    if mode is CorrectionMode.WITH_APPROVAL and authorization_id is None:
        raise RuleViolationError(
            f"{what} needs a deputy's remark authorising it first", rule=rule, clause=cited
        )


def _check_on_remark(
    year: SchoolYear,
    journal: ClassJournal,
    authorization_id: UUID | None,
    on_remark_days: int | None,
    now: datetime,
    cited: Clause,
    rule: str,
    refusal: str,
) -> None:
    """Past its window a change is accepted only on a remark, acted on within the days the
    profile gives (Gymnasium 2 §8.6); the aggregate checks the remark is for this change."""
    if on_remark_days is None:
        raise RuleViolationError(refusal, rule=rule, clause=cited)
    remark = journal.authorizations.get(authorization_id) if authorization_id else None
    if remark is None or remark.recorded_at is None:
        raise RuleViolationError(
            f"{refusal}; past that, only on a remark of "
            + " or ".join(sorted(year.profile.corrections.remark_by_roles))
            + f" authorising it, within {on_remark_days} days of the remark",
            rule=rule,
            clause=cited,
        )
    if now > remark.recorded_at + timedelta(days=on_remark_days):
        raise RuleViolationError(
            f"{refusal}; the remark authorising it ({_local(year, remark.recorded_at)}) is acted"
            f" on within {on_remark_days} days",
            rule=f"{rule}.on_remark",
            clause=cited,
        )


def _local(year: SchoolYear, moment: datetime) -> str:
    """A recorded time as the school reads it."""
    return f"{moment.astimezone(ZoneInfo(year.timezone)):%Y-%m-%d %H:%M} ({year.timezone})"


class CorrectMark(Command):
    """Supersede a mark's value by another, with the reason."""

    journal_id: UUID
    mark_id: UUID
    value: MarkValue
    reason: Reason
    authorization_id: UUID | None = None


def _mark_to_change(
    school: School, actor: Actor, journal_id: UUID, mark_id: UUID
) -> tuple[ClassJournal, SchoolYear, Mark]:
    """The journal, year and mark a correction or voiding works on, once the actor may."""
    account = resolve(school, actor)
    journal = visible_journal(school, actor, account, journal_id)
    year = school.year_view(journal.year)
    year.check_open()
    mark = journal.mark(mark_id)
    lesson = journal.lessons[mark.lesson_id]
    writer_of_lesson(actor, journal, lesson.on, lesson.slot, year.profile)
    return journal, year, mark


def correct_mark(school: School, actor: Actor, cmd: CorrectMark) -> Recorded:
    def attempt() -> Recorded:
        journal, year, mark = _mark_to_change(school, actor, cmd.journal_id, cmd.mark_id)
        check_scale(year, journal.subject, cmd.value)
        rule = year.profile.corrections
        _check_change_allowed(
            year,
            journal,
            mark,
            mode=rule.value_change,
            days=rule.value_change_days,
            clause=rule.value_change_clause,
            what="changing a recorded mark's value",
            rule="corrections.value_change",
            authorization_id=cmd.authorization_id,
        )
        journal.correct_mark(cmd.mark_id, cmd.value, cmd.reason, cmd.authorization_id, actor)
        return school.record(journal, ids={"mark_id": cmd.mark_id})

    return school.run(attempt)


class VoidMark(Command):
    """Void a mark entered in error (wrong student, wrong lesson), with the reason."""

    journal_id: UUID
    mark_id: UUID
    reason: Reason
    authorization_id: UUID | None = None


def void_mark(school: School, actor: Actor, cmd: VoidMark) -> Recorded:
    def attempt() -> Recorded:
        journal, year, mark = _mark_to_change(school, actor, cmd.journal_id, cmd.mark_id)
        rule = year.profile.corrections
        _check_change_allowed(
            year,
            journal,
            mark,
            mode=rule.voiding,
            days=rule.voiding_days,
            clause=rule.voiding_clause,
            what="voiding a recorded mark",
            rule="corrections.voiding",
            authorization_id=cmd.authorization_id,
            on_remark_days=rule.voiding_on_remark_days,
        )
        journal.void_mark(cmd.mark_id, cmd.reason, cmd.authorization_id, actor)
        return school.record(journal, ids={"mark_id": cmd.mark_id})

    return school.run(attempt)


class AuthorizeCorrection(Command):
    """A deputy's remark that authorises one correction or voiding (Lyceum 68 §3.6.7)."""

    journal_id: UUID
    mark_id: UUID | None = None
    period_id: Label | None = None
    student_id: UUID | None = None
    action: Literal["correct", "void"]
    remark: Reason


def _check_authorizable(year: SchoolYear, action: Literal["correct", "void"]) -> None:
    """A deputy's remark cannot authorise what the profile never accepts: a change of a mark's
    value where the regulation forbids it (Lyceum 68 §3.6.8, Gymnasium 2 §8.6)."""
    rule = year.profile.corrections
    if action == "correct" and rule.value_change is CorrectionMode.FORBIDDEN:
        raise RuleViolationError(
            "changing a recorded mark's value is not allowed in this school, so no remark can"
            " authorise it",
            rule="corrections.value_change",
            clause=_profile_clause(year, rule.value_change_clause),
        )
    if action == "void" and rule.voiding is CorrectionMode.FORBIDDEN:
        raise RuleViolationError(
            "voiding a recorded mark is not allowed in this school, so no remark can authorise it",
            rule="corrections.voiding",
            clause=_profile_clause(year, rule.voiding_clause),
        )


def authorize_correction(school: School, actor: Actor, cmd: AuthorizeCorrection) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        year = school.year_view(journal.year)
        remark_roles = sorted(Role(r) for r in year.profile.corrections.remark_by_roles)
        require_role(actor, *remark_roles, action="authorising corrections")
        _check_authorizable(year, cmd.action)
        period_mark = (
            f"{cmd.period_id}/{cmd.student_id}"
            if cmd.period_id is not None and cmd.student_id is not None
            else None
        )
        authorization = CorrectionAuthorization(
            id=uuid4(),
            mark_id=cmd.mark_id,
            period_mark=period_mark,
            action=cmd.action,
            remark=cmd.remark,
        )
        journal.authorize_correction(authorization, actor)
        return school.record(journal, ids={"authorization_id": authorization.id})

    return school.run(attempt)
