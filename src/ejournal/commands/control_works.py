"""The schedule of control, laboratory and other frontal works of a journal, which the deputy
agrees, and the check that the results of agreed works are entered (Gymnasium 2 §6.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from ejournal.access import require_role, resolve, visible_journal
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.control_works import (
    ControlWorkError,
    ControlWorkSchedule,
    PlannedWork,
    schedule_id,
)
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.timing import local_today
from ejournal.errors import AccessDeniedError, NotFoundError
from ejournal.marks import WorkKind
from ejournal.roles import ADMINISTRATION, Actor, Role
from ejournal.text import Reason, Topic

AGREED_BY = Role.DEPUTY
"""Gymnasium 2 §6.3: the deputy director agrees the schedule and checks its results."""


def require_schedule_scope(school: School, actor: Actor, journal_id: UUID) -> ClassJournal:
    """A journal's schedule is seen by whoever sees the journal (a journal out of scope looks
    missing); it is written by the journal's teacher, and by the deputy who agrees it."""
    account = resolve(school, actor)
    return visible_journal(school, actor, account, journal_id)


def _writer(actor: Actor, journal: ClassJournal, *, deputy: bool, action: str) -> None:
    if actor.role is Role.TEACHER and actor.account_id in journal.teachers:
        return
    if deputy and actor.role is AGREED_BY:
        return
    who = "the journal's teacher or the deputy" if deputy else "the journal's teacher"
    raise AccessDeniedError(f"{action} is for {who}")


def _schedule(school: School, journal_id: UUID) -> ControlWorkSchedule:
    if not school.exists(schedule_id(journal_id)):
        raise NotFoundError("no such work on the schedule")
    return school.load(ControlWorkSchedule, schedule_id(journal_id), "schedule of works")


class PlanWork(Command):
    journal_id: UUID
    on: date
    kind: WorkKind
    topic: Topic


def plan_work(school: School, actor: Actor, cmd: PlanWork) -> Recorded:
    def attempt() -> Recorded:
        journal = require_schedule_scope(school, actor, cmd.journal_id)
        _writer(actor, journal, deputy=False, action="planning a work")
        year = school.year_view(journal.year)
        year.check_within(cmd.on, "the day of a planned work")
        if cmd.on < local_today(year):
            raise ControlWorkError(
                "a work is planned ahead, not for a day already past",
                invariant="control_work.in_past",
            )
        if school.exists(schedule_id(journal.id)):
            schedule = _schedule(school, journal.id)
        else:
            schedule = ControlWorkSchedule.open(journal.id, actor)
        work_id = uuid4()
        schedule.plan(work_id, cmd.on, cmd.kind, cmd.topic, actor)
        return school.record(schedule, ids={"work_id": work_id})

    return school.run(attempt)


class AgreeWork(Command):
    journal_id: UUID
    work_id: UUID


def agree_work(school: School, actor: Actor, cmd: AgreeWork) -> Recorded:
    def attempt() -> Recorded:
        require_schedule_scope(school, actor, cmd.journal_id)
        require_role(actor, AGREED_BY, action="agreeing a schedule of works (Gymnasium 2 §6.3)")
        schedule = _schedule(school, cmd.journal_id)
        schedule.agree(cmd.work_id, actor)
        return school.record(schedule)

    return school.run(attempt)


class CancelWork(Command):
    journal_id: UUID
    work_id: UUID
    reason: Reason


def cancel_work(school: School, actor: Actor, cmd: CancelWork) -> Recorded:
    def attempt() -> Recorded:
        journal = require_schedule_scope(school, actor, cmd.journal_id)
        _writer(actor, journal, deputy=True, action="taking a work off the schedule")
        schedule = _schedule(school, cmd.journal_id)
        schedule.cancel(cmd.work_id, cmd.reason, actor)
        return school.record(schedule)

    return school.run(attempt)


# --- reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledWork:
    """A work of a schedule, and how many results (marks of its kind on its day) are entered."""

    journal_id: UUID
    class_code: str
    subject: str
    subgroup: str | None
    work: PlannedWork
    results: int


def _results(journal: ClassJournal, work: PlannedWork) -> int:
    return sum(
        1
        for mark in journal.marks.values()
        if not mark.voided
        and mark.work_kind is work.kind
        and journal.lessons[mark.lesson_id].on == work.on
    )


def _scheduled(journal: ClassJournal, work: PlannedWork) -> ScheduledWork:
    return ScheduledWork(
        journal_id=journal.id,
        class_code=journal.class_code,
        subject=journal.subject,
        subgroup=journal.subgroup,
        work=work,
        results=_results(journal, work),
    )


def schedule_of(school: School, actor: Actor, journal_id: UUID) -> list[ScheduledWork]:
    """A journal's schedule of works by day, each with the results entered for it."""
    journal = require_schedule_scope(school, actor, journal_id)
    if not school.exists(schedule_id(journal_id)):
        return []
    schedule = school.view(ControlWorkSchedule, schedule_id(journal_id), "schedule of works")
    return [_scheduled(journal, w) for w in sorted(schedule.works.values(), key=lambda w: w.on)]


def agreed_without_results(
    school: School, actor: Actor, year_label: str, before: date
) -> list[ScheduledWork]:
    """The monitoring of Gymnasium 2 §6.3: agreed works of a year dated before a day whose
    results are not entered (no mark of the work's kind on its day in its journal)."""
    resolve(school, actor)
    require_role(actor, *sorted(ADMINISTRATION), action="monitoring the schedules of works")
    year = school.year_view(year_label)
    missing: list[ScheduledWork] = []
    for journal_id in year.journals:
        if not school.exists(schedule_id(journal_id)):
            continue
        schedule = school.view(ControlWorkSchedule, schedule_id(journal_id), "schedule of works")
        journal = school.view(ClassJournal, journal_id, "journal")
        for work in sorted(schedule.works.values(), key=lambda w: w.on):
            if work.agreed and not work.cancelled and work.on < before:
                line = _scheduled(journal, work)
                if line.results == 0:
                    missing.append(line)
    return sorted(missing, key=lambda line: (line.work.on, line.class_code, line.subject))
