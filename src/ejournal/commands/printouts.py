"""Printed documents for people outside the electronic journal: a student's progress printout
for a family without electronic access, and the notice that ends the service to an applicant.

School 77 §4.3.5 and §9.2: the class teacher informs parents who said they cannot or will not use
the electronic diary of their child's results at least once every two weeks, by a printout;
Gymnasium 2 §7.6–7.7: class teachers inform parents by reports formed from the journal's data,
and hand them the results by subject when the student moves to another school. So the printout is
made by the class teacher of the student's class (of that school year) and by the
administration; each one made is recorded on the student (``Student.ProgressPrintoutIssued``),
which is how the school shows the two-weekly printouts were given. A parent or a student with
an account reads the diary itself: the printout is for those who have none.

School 117 §10.1–10.2: when the service ends, the applicant is sent a notice on the school's
letterhead, signed by its head and registered; ``Account.Annulled`` records its content, and
the administration prints it from that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from ejournal.access import account_can_read_class, require_role, resolve
from ejournal.aggregates.account import Account, AnnulmentNotice
from ejournal.aggregates.student import Student
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import EjournalError, NotFoundError
from ejournal.roles import ADMINISTRATION, Actor, Role

PRINTOUT_MAKERS = (*sorted(ADMINISTRATION), Role.CLASS_TEACHER)
"""Who makes a progress printout (School 77 §4.3.5: the class teacher; the administration),
in the order a person holding several acts in: the widest scope first."""

LONGEST_PRINTOUT_DAYS = 366
"""The most days one printout spans: a school year (a two-weekly one spans 14)."""


class PrintoutSpanError(EjournalError):
    """A printout's days end before they start, or span more than a year."""

    slug = "invalid-span"
    title = "Invalid span of days"
    status = 422


class IssueProgressPrintout(Command):
    """Record that a printout of a student's results for some days was made for the family."""

    student_id: UUID
    start: date
    end: date


def check_printout_span(start: date, end: date) -> None:
    if end < start:
        raise PrintoutSpanError(f"the printout's days end ({end}) before they start ({start})")
    if (end - start).days >= LONGEST_PRINTOUT_DAYS:
        raise PrintoutSpanError(f"a printout spans at most {LONGEST_PRINTOUT_DAYS} days")


def printable_student(school: School, actor: Actor, student_id: UUID) -> Student:
    """The student whose printout the actor may make; anyone else's is not found.

    The administration prints any student's; a class teacher those of the class they lead in
    the student's school year (School 77 §4.3.5, Gymnasium 2 §7.6). The one scope check of
    printouts: it belongs with the core's other read-access rules.
    """
    account = resolve(school, actor)
    require_role(actor, *PRINTOUT_MAKERS, action="making progress printouts")
    student = school.view(Student, student_id, "student")
    if actor.role is Role.SYSTEM or actor.role in ADMINISTRATION:
        return student
    if (
        account is not None
        and student.year is not None
        and student.class_code is not None
        and account_can_read_class(account, student.year, student.class_code)
    ):
        return student
    raise NotFoundError("no such student")


def issue_progress_printout(school: School, actor: Actor, cmd: IssueProgressPrintout) -> Recorded:
    """Record the printout as made, by whom and for which days (the time is the server's)."""

    def attempt() -> Recorded:
        printable_student(school, actor, cmd.student_id)
        check_printout_span(cmd.start, cmd.end)
        student = school.student(cmd.student_id)
        student.issue_progress_printout(cmd.start, cmd.end, actor)
        return school.record(student)

    return school.run(attempt)


@dataclass(frozen=True)
class Annulment:
    """An ended service as the log records it: the notice, when, and by whom."""

    account_id: UUID
    login: str
    notice: AnnulmentNotice
    annulled_at: datetime
    annulled_by: str | None
    """The full name of the school's officer who ended it (None: the service itself)."""


def annulment(school: School, actor: Actor, account_id: UUID) -> Annulment:
    """The recorded annulment of an account, for the administration to print its notice
    (School 117 §10.2); an account that was not annulled has none (not found)."""
    resolve(school, actor)
    require_role(actor, *sorted(ADMINISTRATION), action="printing annulment notices")
    account = school.view(Account, account_id, "account")
    if not account.annulled:
        raise NotFoundError("this account was not annulled: there is no notice")
    annulled = next(
        e
        for e in school.repository.event_store.get(account_id, desc=True)
        if isinstance(e, Account.Annulled)
    )
    by: str | None = None
    if annulled.actor.role is not Role.SYSTEM:
        try:
            by = school.view(Account, annulled.actor.account_id, "account").full_name
        except NotFoundError:
            by = None
    return Annulment(
        account_id=account_id,
        login=account.login,
        notice=annulled.notice,
        annulled_at=annulled.timestamp,
        annulled_by=by,
    )
