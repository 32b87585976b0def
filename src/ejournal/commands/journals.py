"""Opening class journals, assigning their teachers, and the calendar-thematic plan (KTP)."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from ejournal.access import KTP_AUTHORS, can_set_ktp, require_role, resolve, visible_journal
from ejournal.aggregates.class_journal import ClassJournal, KtpItem
from ejournal.aggregates.school_year import JournalRef
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import AccessDeniedError
from ejournal.roles import Actor, Role
from ejournal.subjects import subject_name
from ejournal.text import Label, Name, Reason, Topic


class OpenJournal(Command):
    """Open the journal of one subject in one class, or in one subgroup of it."""

    year: Label
    class_code: Label
    subject: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    subject_name: Name | None = None
    """For a school's own subject; catalogued subjects have their Russian name already."""
    subgroup: Label | None = Field(default=None, max_length=16)
    teachers: tuple[UUID, ...] = ()


def open_journal(school: School, actor: Actor, cmd: OpenJournal) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, Role.DEPUTY, action="opening journals")
        year = school.year(cmd.year)
        year.check_open()
        school_class = year.school_class(cmd.class_code)
        for teacher in cmd.teachers:
            school.account(teacher).act_as(Role.TEACHER)
        journal = ClassJournal.open(
            year=year.label,
            class_code=cmd.class_code,
            grade=school_class.grade,
            subject=cmd.subject,
            subject_name=cmd.subject_name or subject_name(cmd.subject),
            subgroup=cmd.subgroup,
            teachers=cmd.teachers,
            actor=actor,
        )
        year.register_journal(
            journal.id,
            JournalRef(class_code=cmd.class_code, subject=cmd.subject, subgroup=cmd.subgroup),
            actor,
        )
        return school.record(journal, year, ids={"journal_id": journal.id})

    return school.run(attempt)


class AssignTeacher(Command):
    journal_id: UUID
    account_id: UUID


def assign_teacher(school: School, actor: Actor, cmd: AssignTeacher) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, Role.DEPUTY, action="assigning teachers")
        journal = visible_journal(school, actor, account, cmd.journal_id)
        school.account(cmd.account_id).act_as(Role.TEACHER)
        journal.assign_teacher(cmd.account_id, actor)
        return school.record(journal)

    return school.run(attempt)


class RelieveTeacher(Command):
    journal_id: UUID
    account_id: UUID
    reason: Reason


def relieve_teacher(school: School, actor: Actor, cmd: RelieveTeacher) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, Role.DEPUTY, action="relieving teachers")
        journal = visible_journal(school, actor, account, cmd.journal_id)
        journal.relieve_teacher(cmd.account_id, cmd.reason, actor)
        return school.record(journal)

    return school.run(attempt)


class KtpLine(Command):
    topic: Topic
    hours: int = Field(default=1, ge=1)


class SetKtp(Command):
    """The calendar-thematic plan (School 77 §4.4.7: its hours match the curriculum)."""

    journal_id: UUID
    items: tuple[KtpLine, ...] = Field(min_length=1)
    reason: Reason | None = None


def set_ktp(school: School, actor: Actor, cmd: SetKtp) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        journal = visible_journal(school, actor, account, cmd.journal_id)
        if not can_set_ktp(actor, account, journal):
            raise AccessDeniedError(
                f"the KTP is set by {KTP_AUTHORS} (Lyceum 68 §3.6.2, School 77 §4.4.7,"
                " Gymnasium 2 §8.2, §3.1)"
            )
        items = tuple(
            KtpItem(number=i, topic=line.topic, hours=line.hours)
            for i, line in enumerate(cmd.items, start=1)
        )
        journal.set_ktp(items, cmd.reason, actor)
        return school.record(journal)

    return school.run(attempt)
