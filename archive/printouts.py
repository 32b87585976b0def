"""Printouts and notices from the command line: ``ejournal archive printout`` and
``ejournal archive annulment-notice`` (for a school office printing on paper).

A printout is made for one student or for every student of a class, for a period of the year or
for given days (by default the two weeks up to today: School 77 §4.3.5, §9.2 ask for one at least
every two weeks). Each one written is recorded on the student (``Student.ProgressPrintoutIssued``)
in the name of ``--by LOGIN`` (the class teacher or an administrator handing it out) or of the
service itself. The same scope rule as the API's decides whose printout a person may make.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

from archive.printing import PdfPrinter
from ejournal.access import system_actor
from ejournal.aggregates.student import Student
from ejournal.commands.printouts import (
    PRINTOUT_MAKERS,
    IssueProgressPrintout,
    annulment,
    check_printout_span,
    issue_progress_printout,
    printable_student,
)
from ejournal.commands.timing import local_today
from ejournal.errors import EjournalError, NotFoundError
from ejournal.integrity.notary import Notary
from ejournal.roles import Actor

TWO_WEEKS = timedelta(days=13)
"""A two-weekly printout's first day before its last (14 days, both included)."""


class PrintoutRequestError(EjournalError):
    """The printout's options do not name one student or class and one span of days."""

    slug = "invalid-printout-request"
    title = "Invalid printout request"
    status = 422


@dataclass(frozen=True)
class Written:
    """A document written to a file."""

    path: Path
    title: str


def year_of(day: date) -> str:
    """The school year a day falls in (September to August), as "2026/2027"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"


def acting(notary: Notary, login: str | None) -> Actor:
    """Who hands the printouts out: the account of ``login`` in the widest role it may print
    in (as the API picks it), or the service itself."""
    if login is None:
        return system_actor()
    account = notary.school.account_by_login(login)
    for role in PRINTOUT_MAKERS:
        if account.holds(role):
            return account.act_as(role)
    raise PrintoutRequestError(f"{login} holds no role that makes printouts")


def print_progress(
    notary: Notary,
    out: Path,
    *,
    actor: Actor,
    student_id: UUID | None,
    class_code: str | None,
    year: str | None,
    period: str | None,
    start: date | None,
    end: date | None,
    build_time: datetime,
) -> list[Written]:
    """Write the printouts asked for into ``out``, recording each as issued."""
    school = notary.school
    if (student_id is None) == (class_code is None):
        raise PrintoutRequestError("name one student (--student) or one class (--class)")
    if student_id is not None:
        label = year or printable_student(school, actor, student_id).year
    else:
        label = year or year_of(build_time.date())
    if label is None:
        raise PrintoutRequestError("name the school year (--year)")
    school_year = school.year_view(label)
    if period is not None:
        if start is not None or end is not None:
            raise PrintoutRequestError("give a period or days (--from/--to), not both")
        grade = school_year.grade_of(class_code) if class_code else None
        chosen = school_year.period(period, grade)
        start, end = chosen.start, chosen.end
    else:
        end = end or local_today(school_year, build_time)
        start = start or end - TWO_WEEKS
    check_printout_span(start, end)
    if student_id is not None:
        students = [student_id]
    else:
        assert class_code is not None
        school_year.school_class(class_code)
        roster = school_year.class_roster(class_code, min(end, school_year.ends_on))
        students = sorted(roster, key=lambda s: str(school.view(Student, s, "student").name))
    printer = PdfPrinter()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for one in students:  # all of them checked before anything is written
        printable_student(school, actor, one)
    for one in students:
        document = printer.progress_printout(
            school, notary.database, student_id=one, start=start, end=end, build_time=build_time
        )
        path = out / document.filename
        path.write_bytes(document.content)
        issue_progress_printout(
            school, actor, IssueProgressPrintout(student_id=one, start=start, end=end)
        )
        written.append(Written(path=path, title=document.title))
    if not written:
        raise NotFoundError(f"class {class_code} has no students on {end}")
    return written


def print_annulment_notice(
    notary: Notary, out: Path, *, actor: Actor, account_id: UUID, build_time: datetime
) -> Written:
    """Write the annulment notice of an account into ``out``."""
    ended = annulment(notary.school, actor, account_id)
    document = PdfPrinter().annulment_notice(notary.school, ended, build_time=build_time)
    out.mkdir(parents=True, exist_ok=True)
    path = out / document.filename
    path.write_bytes(document.content)
    return Written(path=path, title=document.title)
