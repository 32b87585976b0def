"""The reporting read model (отчётность): the facts the reports of DESIGN.md §6 are worked out
from, and what the report modules share to read them.

One read model serves five reports — monthly attendance (``attendance_report``), accumulation
of marks (``marks_accumulation``), journal-keeping monitoring (``journal_monitoring``), class
occupancy (``class_occupancy``) and the activity of parents and students
(``family_activity``) — because they rest on the same facts: who is in which class and subgroup
on which days, the journals with their teachers, KTP and timetable, the lessons with their
topic and homework, attendance, marks, late entries, movements, family accounts and their
sign-ins. Kept once, each event costs one write however many reports read it, and the reports
cannot disagree about who was in a class. Each report is a query over these tables in its own
module; what they compute is worked out when asked (a page's students on a day, a month's
student-lessons), so a report never goes stale when a stint changes after the fact.

Every row is keyed by a natural key (a lesson, a mark, a lesson and a student, a grant) or by the
log position of the event that made it, and written by upserts or by statements run in log
order: the tables depend only on the events applied, never on how the log was cut into batches,
so a rebuild from zero gives exactly the rows the incremental build has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal, LateEntry
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import PersonName, Student
from ejournal.database import Cursor, Dialect, Row
from ejournal.errors import NotFoundError
from ejournal.marks import Attendance
from ejournal.policy.calendar import Closure, SchoolCalendar
from ejournal.policy.profile import RegulationProfile
from ejournal.projections import stints
from ejournal.projections.read_model import ReadModel, Recorded
from ejournal.roles import Role

_ONE_DAY = timedelta(days=1)
FAMILY_ROLES = (Role.PARENT, Role.STUDENT)

# --- tables -------------------------------------------------------------------------------------

# Ids as their text, dates as ISO text, instants as UTC text of one fixed width: all sort and
# compare the same on SQLite and PostgreSQL.
_DDL = (
    *stints.ddl("rpt"),
    """CREATE TABLE IF NOT EXISTS rpt_years (
        year_id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        timezone TEXT NOT NULL,
        week_length INTEGER NOT NULL,
        first_grade_no_marks BOOLEAN NOT NULL,
        first_grade_no_homework BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_periods (
        year_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        grades TEXT,
        PRIMARY KEY (year_id, period_id)
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_closures (
        closure_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        classes TEXT,
        lifted BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_classes (
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        PRIMARY KEY (year_id, class_code)
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_students (
        student_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL,
        year TEXT,
        class_code TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_movements (
        position BIGINT PRIMARY KEY,
        student_id TEXT NOT NULL,
        year TEXT,
        kind TEXT NOT NULL,
        on_date TEXT NOT NULL,
        from_class TEXT,
        to_class TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_accounts (
        account_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        subgroup TEXT,
        ktp_hours INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_journals_class ON rpt_journals (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS rpt_journal_teachers (
        journal_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        PRIMARY KEY (journal_id, account_id)
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_timetables (
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        set_position BIGINT NOT NULL,
        set_at TEXT NOT NULL,
        weekday INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        journal_id TEXT NOT NULL,
        PRIMARY KEY (set_position, weekday, slot, journal_id)
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_timetables_class ON rpt_timetables (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS rpt_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL,
        has_topic BOOLEAN NOT NULL,
        has_homework BOOLEAN NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_lessons_journal ON rpt_lessons (journal_id, lesson_date)",
    """CREATE TABLE IF NOT EXISTS rpt_marks (
        mark_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        weight {real} NOT NULL,
        voided BOOLEAN NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_marks_journal ON rpt_marks (journal_id)",
    """CREATE TABLE IF NOT EXISTS rpt_attendance (
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        journal_id TEXT NOT NULL,
        status TEXT NOT NULL,
        valid BOOLEAN,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_attendance_journal ON rpt_attendance (journal_id)",
    """CREATE TABLE IF NOT EXISTS rpt_late_entries (
        position BIGINT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        teacher_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        lesson_id TEXT,
        period_id TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_late_entries_journal ON rpt_late_entries (journal_id)",
    """CREATE TABLE IF NOT EXISTS rpt_family_grants (
        grant_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        student_id TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_sign_ins (
        position BIGINT PRIMARY KEY,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        signed_in_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_sign_ins_account ON rpt_sign_ins (account_id)",
)

# PostgreSQL's REAL is single precision: a weight of 1.1 would come back as 1.100000023841858.
_REAL: dict[Dialect, str] = {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"}


class Reporting(ReadModel):
    """The reporting read model: the facts every report of the school is worked out from."""

    name: ClassVar[str] = "reporting"
    version: ClassVar[int] = 2
    """2: periods carry the grades of their scheme."""
    tables: ClassVar[tuple[str, ...]] = (
        "rpt_years",
        "rpt_periods",
        "rpt_closures",
        "rpt_classes",
        "rpt_class_stints",
        "rpt_subgroup_stints",
        "rpt_students",
        "rpt_movements",
        "rpt_accounts",
        "rpt_journals",
        "rpt_journal_teachers",
        "rpt_timetables",
        "rpt_lessons",
        "rpt_marks",
        "rpt_attendance",
        "rpt_late_entries",
        "rpt_family_grants",
        "rpt_sign_ins",
    )

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for statement in _DDL:
            cursor.execute(statement.replace("{real}", _REAL[dialect]))

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        writes = _Writes()
        for recorded in batch:
            handler = _HANDLERS.get(type(recorded.event))
            if handler is not None:
                handler(recorded.event, recorded.position, writes)
        writes.flush(cursor)


class _Writes:
    """The statements a batch makes, in log order; nothing is read back mid-batch, so
    PostgreSQL's pipeline never has to wait."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def add(self, statement: str, **params: Any) -> None:
        self.statements.append((statement, params))

    def flush(self, cursor: Cursor) -> None:
        # Consecutive runs of one statement (a lesson's marks, a class's enrolments) go in one
        # executemany; the order of the log is kept across runs.
        for statement, run in groupby(self.statements, key=lambda s: s[0]):
            params = [p for _, p in run]
            if len(params) == 1:
                cursor.execute(statement, params[0])
            else:
                cursor.executemany(statement, params)
        self.statements.clear()


_Handler = Callable[[Any, int, _Writes], None]
_HANDLERS: dict[type, _Handler] = {}


def _on(*event_types: type) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        for event_type in event_types:
            _HANDLERS[event_type] = handler
        return handler

    return register


def instant(moment: datetime) -> str:
    """An event's time as stored: UTC, always with microseconds, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _full_name(name: PersonName) -> str:
    return " ".join(part for part in (name.last, name.first, name.patronymic) if part)


def _first_grade(profile: RegulationProfile) -> dict[str, bool]:
    # As the commands apply it (timing.first_grade_check): a rule without its clause binds
    # nobody.
    rule = profile.first_grade
    return {
        "no_marks": rule.no_marks and rule.clause is not None,
        "no_homework": rule.no_homework and rule.clause is not None,
    }


# --- the school year: periods, calendar, classes, timetable, who is where ----------------------


@_on(SchoolYear.Started)
def _year_started(e: SchoolYear.Started, _position: int, w: _Writes) -> None:
    year_id = str(e.originator_id)
    w.add(
        """INSERT INTO rpt_years (year_id, label, starts_on, ends_on, timezone, week_length,
            first_grade_no_marks, first_grade_no_homework)
        VALUES (%(year_id)s, %(label)s, %(starts_on)s, %(ends_on)s, %(timezone)s,
            %(week_length)s, %(no_marks)s, %(no_homework)s)
        ON CONFLICT (year_id) DO UPDATE SET label = excluded.label,
            starts_on = excluded.starts_on, ends_on = excluded.ends_on,
            timezone = excluded.timezone, week_length = excluded.week_length,
            first_grade_no_marks = excluded.first_grade_no_marks,
            first_grade_no_homework = excluded.first_grade_no_homework""",
        year_id=year_id,
        label=e.label,
        starts_on=e.starts_on.isoformat(),
        ends_on=e.ends_on.isoformat(),
        timezone=e.timezone,
        week_length=e.week_length,
        **_first_grade(e.profile),
    )
    for period in e.periods:
        w.add(
            """INSERT INTO rpt_periods (year_id, period_id, name, start_date, end_date,
                grades)
            VALUES (%(year_id)s, %(period_id)s, %(name)s, %(start_date)s, %(end_date)s,
                %(grades)s)
            ON CONFLICT (year_id, period_id) DO UPDATE SET name = excluded.name,
                start_date = excluded.start_date, end_date = excluded.end_date,
                grades = excluded.grades""",
            year_id=year_id,
            period_id=period.id,
            name=period.name,
            start_date=period.start.isoformat(),
            end_date=period.end.isoformat(),
            grades=(
                None
                if period.grades is None
                else "," + ",".join(map(str, sorted(period.grades))) + ","
            ),
        )


@_on(SchoolYear.ProfileAdopted)
def _profile_adopted(e: SchoolYear.ProfileAdopted, _position: int, w: _Writes) -> None:
    w.add(
        """UPDATE rpt_years SET first_grade_no_marks = %(no_marks)s,
            first_grade_no_homework = %(no_homework)s
        WHERE year_id = %(year_id)s""",
        year_id=str(e.originator_id),
        **_first_grade(e.profile),
    )


@_on(SchoolYear.ClosureDeclared)
def _closure_declared(e: SchoolYear.ClosureDeclared, _position: int, w: _Writes) -> None:
    closure = e.closure
    if closure.in_calendar() is None:
        return  # an old closure of no class: stored as "", it would read back as the school
    w.add(
        """INSERT INTO rpt_closures (closure_id, year_id, start_date, end_date, classes, lifted)
        VALUES (%(closure_id)s, %(year_id)s, %(start_date)s, %(end_date)s, %(classes)s, FALSE)
        ON CONFLICT (closure_id) DO UPDATE SET year_id = excluded.year_id,
            start_date = excluded.start_date, end_date = excluded.end_date,
            classes = excluded.classes, lifted = FALSE""",
        closure_id=str(closure.id),
        year_id=str(e.originator_id),
        start_date=closure.start.isoformat(),
        end_date=closure.end.isoformat(),
        # Class codes hold no spaces ("5А"): one space-separated list, None for the school.
        classes=" ".join(sorted(closure.classes)) if closure.classes is not None else None,
    )


@_on(SchoolYear.ClosureLifted)
def _closure_lifted(e: SchoolYear.ClosureLifted, _position: int, w: _Writes) -> None:
    w.add(
        "UPDATE rpt_closures SET lifted = TRUE WHERE closure_id = %(closure_id)s",
        closure_id=str(e.closure_id),
    )


@_on(SchoolYear.ClassFormed)
def _class_formed(e: SchoolYear.ClassFormed, _position: int, w: _Writes) -> None:
    w.add(
        """INSERT INTO rpt_classes (year_id, class_code, grade)
        VALUES (%(year_id)s, %(class_code)s, %(grade)s)
        ON CONFLICT (year_id, class_code) DO UPDATE SET grade = excluded.grade""",
        year_id=str(e.originator_id),
        class_code=e.school_class.code,
        grade=e.school_class.grade,
    )


@_on(SchoolYear.TimetableSet)
def _timetable_set(e: SchoolYear.TimetableSet, position: int, w: _Writes) -> None:
    # Every version is kept with the time it was set: a report lays over each day the
    # timetable in force then.
    for entry in e.entries:
        w.add(
            """INSERT INTO rpt_timetables (year_id, class_code, set_position, set_at, weekday,
                slot, journal_id)
            VALUES (%(year_id)s, %(class_code)s, %(position)s, %(set_at)s, %(weekday)s,
                %(slot)s, %(journal_id)s)
            ON CONFLICT (set_position, weekday, slot, journal_id) DO NOTHING""",
            year_id=str(e.originator_id),
            class_code=e.class_code,
            position=position,
            set_at=instant(e.timestamp),
            weekday=entry.weekday,
            slot=entry.slot,
            journal_id=str(entry.journal_id),
        )


@_on(SchoolYear.StudentEnrolled)
def _student_enrolled(e: SchoolYear.StudentEnrolled, _position: int, w: _Writes) -> None:
    for statement, params in stints.enrolled("rpt", e):
        w.add(statement, **params)


@_on(SchoolYear.StudentLeftClass)
def _student_left_class(e: SchoolYear.StudentLeftClass, _position: int, w: _Writes) -> None:
    for statement, params in stints.left_class("rpt", e):
        w.add(statement, **params)


@_on(SchoolYear.SubgroupAssigned)
def _subgroup_assigned(e: SchoolYear.SubgroupAssigned, _position: int, w: _Writes) -> None:
    for statement, params in stints.subgroup_assigned("rpt", e):
        w.add(statement, **params)


# --- students and their movement (движение учащихся) --------------------------------------------

_MOVEMENT = """INSERT INTO rpt_movements (position, student_id, year, kind, on_date, from_class,
        to_class)
    VALUES (%(position)s, %(student_id)s, %(year)s, %(kind)s, %(on)s, %(from_class)s,
        %(to_class)s)
    ON CONFLICT (position) DO NOTHING"""

# Transfers and withdrawals name no year nor the class left: they are the student's as of this
# event, which the students table holds (statements run in log order).
_MOVEMENT_FROM_CURRENT_CLASS = """INSERT INTO rpt_movements (position, student_id, year, kind,
        on_date, from_class, to_class)
    SELECT %(position)s, student_id, year, %(kind)s, %(on)s, class_code, %(to_class)s
    FROM rpt_students WHERE student_id = %(student_id)s
    ON CONFLICT (position) DO NOTHING"""


@_on(Student.Admitted)
def _admitted(e: Student.Admitted, position: int, w: _Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        """INSERT INTO rpt_students (student_id, full_name, year, class_code)
        VALUES (%(student_id)s, %(full_name)s, %(year)s, %(class_code)s)
        ON CONFLICT (student_id) DO UPDATE SET full_name = excluded.full_name,
            year = excluded.year, class_code = excluded.class_code""",
        student_id=student_id,
        full_name=_full_name(e.name),
        year=e.year,
        class_code=e.class_code,
    )
    w.add(
        _MOVEMENT,
        position=position,
        student_id=student_id,
        year=e.year,
        kind="admitted",
        on=e.on.isoformat(),
        from_class=None,
        to_class=e.class_code,
    )


@_on(Student.PersonalDataCorrected)
def _renamed(e: Student.PersonalDataCorrected, _position: int, w: _Writes) -> None:
    w.add(
        "UPDATE rpt_students SET full_name = %(full_name)s WHERE student_id = %(student_id)s",
        student_id=str(e.originator_id),
        full_name=_full_name(e.name),
    )


@_on(Student.Transferred)
def _transferred(e: Student.Transferred, position: int, w: _Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        _MOVEMENT_FROM_CURRENT_CLASS,
        position=position,
        student_id=student_id,
        kind="transferred",
        on=e.on.isoformat(),
        to_class=e.to_class,
    )
    w.add(
        "UPDATE rpt_students SET class_code = %(class_code)s WHERE student_id = %(student_id)s",
        student_id=student_id,
        class_code=e.to_class,
    )


@_on(Student.Promoted)
def _promoted(e: Student.Promoted, position: int, w: _Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        _MOVEMENT,
        position=position,
        student_id=student_id,
        year=e.from_year,
        kind="promoted",
        on=e.on.isoformat(),
        from_class=e.from_class,
        to_class=e.to_class,
    )
    w.add(
        """UPDATE rpt_students SET year = %(year)s, class_code = %(class_code)s
        WHERE student_id = %(student_id)s""",
        student_id=student_id,
        year=e.to_year,
        class_code=e.to_class,
    )


@_on(Student.Withdrawn)
def _withdrawn(e: Student.Withdrawn, position: int, w: _Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        _MOVEMENT_FROM_CURRENT_CLASS,
        position=position,
        student_id=student_id,
        kind="withdrawn",
        on=e.on.isoformat(),
        to_class=None,
    )
    w.add(
        "UPDATE rpt_students SET class_code = NULL WHERE student_id = %(student_id)s",
        student_id=student_id,
    )


# --- accounts: names, family access, sign-ins ---------------------------------------------------


@_on(Account.Registered)
def _account_registered(e: Account.Registered, _position: int, w: _Writes) -> None:
    w.add(
        """INSERT INTO rpt_accounts (account_id, full_name) VALUES (%(account_id)s, %(full_name)s)
        ON CONFLICT (account_id) DO UPDATE SET full_name = excluded.full_name""",
        account_id=str(e.originator_id),
        full_name=e.full_name,
    )


@_on(Account.RoleGranted)
def _role_granted(e: Account.RoleGranted, _position: int, w: _Writes) -> None:
    grant = e.grant
    if grant.role not in FAMILY_ROLES or grant.student_id is None:
        return
    w.add(
        """INSERT INTO rpt_family_grants (grant_id, account_id, role, student_id, granted_at,
            revoked_at)
        VALUES (%(grant_id)s, %(account_id)s, %(role)s, %(student_id)s, %(granted_at)s, NULL)
        ON CONFLICT (grant_id) DO UPDATE SET account_id = excluded.account_id,
            role = excluded.role, student_id = excluded.student_id,
            granted_at = excluded.granted_at""",
        grant_id=str(grant.id),
        account_id=str(e.originator_id),
        role=grant.role.value,
        student_id=str(grant.student_id),
        granted_at=instant(e.timestamp),
    )


@_on(Account.RoleRevoked)
def _role_revoked(e: Account.RoleRevoked, _position: int, w: _Writes) -> None:
    w.add(
        """UPDATE rpt_family_grants SET revoked_at = %(at)s
        WHERE grant_id = %(grant_id)s AND revoked_at IS NULL""",
        grant_id=str(e.grant_id),
        at=instant(e.timestamp),
    )


@_on(Account.Annulled)
def _annulled(e: Account.Annulled, _position: int, w: _Writes) -> None:
    # An annulled account has no access any more (School 117 §10): its family grants end.
    w.add(
        """UPDATE rpt_family_grants SET revoked_at = %(at)s
        WHERE account_id = %(account_id)s AND revoked_at IS NULL""",
        account_id=str(e.originator_id),
        at=instant(e.timestamp),
    )


@_on(Account.SignedIn)
def _signed_in(e: Account.SignedIn, position: int, w: _Writes) -> None:
    w.add(
        """INSERT INTO rpt_sign_ins (position, account_id, role, signed_in_at)
        VALUES (%(position)s, %(account_id)s, %(role)s, %(at)s)
        ON CONFLICT (position) DO NOTHING""",
        position=position,
        account_id=str(e.originator_id),
        role=e.actor.role.value,
        at=instant(e.timestamp),
    )


# --- journals: teachers, plan, lessons, attendance, marks, late entries -------------------------


@_on(ClassJournal.Opened)
def _journal_opened(e: ClassJournal.Opened, _position: int, w: _Writes) -> None:
    journal_id = str(e.originator_id)
    w.add(
        """INSERT INTO rpt_journals (journal_id, year_id, class_code, grade, subject,
            subject_name, subgroup, ktp_hours)
        VALUES (%(journal_id)s, %(year_id)s, %(class_code)s, %(grade)s, %(subject)s,
            %(subject_name)s, %(subgroup)s, NULL)
        ON CONFLICT (journal_id) DO UPDATE SET year_id = excluded.year_id,
            class_code = excluded.class_code, grade = excluded.grade,
            subject = excluded.subject, subject_name = excluded.subject_name,
            subgroup = excluded.subgroup""",
        journal_id=journal_id,
        # The journal names its year by label; the SchoolYear's id follows from it.
        year_id=str(school_year_id(e.year)),
        class_code=e.class_code,
        grade=e.grade,
        subject=e.subject,
        subject_name=e.subject_name,
        subgroup=e.subgroup,
    )
    for teacher in e.teachers:
        _teacher(w, journal_id, teacher)


def _teacher(w: _Writes, journal_id: str, account_id: UUID) -> None:
    w.add(
        """INSERT INTO rpt_journal_teachers (journal_id, account_id)
        VALUES (%(journal_id)s, %(account_id)s)
        ON CONFLICT (journal_id, account_id) DO NOTHING""",
        journal_id=journal_id,
        account_id=str(account_id),
    )


@_on(ClassJournal.TeacherAssigned)
def _teacher_assigned(e: ClassJournal.TeacherAssigned, _position: int, w: _Writes) -> None:
    _teacher(w, str(e.originator_id), e.account_id)


@_on(ClassJournal.TeacherRelieved)
def _teacher_relieved(e: ClassJournal.TeacherRelieved, _position: int, w: _Writes) -> None:
    w.add(
        """DELETE FROM rpt_journal_teachers
        WHERE journal_id = %(journal_id)s AND account_id = %(account_id)s""",
        journal_id=str(e.originator_id),
        account_id=str(e.account_id),
    )


@_on(ClassJournal.KtpSet)
def _ktp_set(e: ClassJournal.KtpSet, _position: int, w: _Writes) -> None:
    w.add(
        "UPDATE rpt_journals SET ktp_hours = %(hours)s WHERE journal_id = %(journal_id)s",
        journal_id=str(e.originator_id),
        hours=sum(item.hours for item in e.items),
    )


def _late(
    w: _Writes,
    position: int,
    e: Any,
    late: LateEntry | None,
    kind: str,
    *,
    lesson_id: UUID | None = None,
    period_id: str | None = None,
) -> None:
    """An entry made after its deadline under a deputy's permission, for the teacher who made
    it (DESIGN.md §4: flagged late everywhere, monitoring included)."""
    if late is None:
        return
    w.add(
        """INSERT INTO rpt_late_entries (position, journal_id, teacher_id, kind, lesson_id,
            period_id)
        VALUES (%(position)s, %(journal_id)s, %(teacher_id)s, %(kind)s, %(lesson_id)s,
            %(period_id)s)
        ON CONFLICT (position) DO NOTHING""",
        position=position,
        journal_id=str(e.originator_id),
        teacher_id=str(e.actor.account_id),
        kind=kind,
        lesson_id=str(lesson_id) if lesson_id is not None else None,
        period_id=period_id,
    )


@_on(ClassJournal.LessonHeld)
def _lesson_held(e: ClassJournal.LessonHeld, position: int, w: _Writes) -> None:
    lesson = e.lesson
    w.add(
        """INSERT INTO rpt_lessons (lesson_id, journal_id, lesson_date, has_topic, has_homework)
        VALUES (%(lesson_id)s, %(journal_id)s, %(lesson_date)s, %(has_topic)s, %(has_homework)s)
        ON CONFLICT (lesson_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_date = excluded.lesson_date, has_topic = excluded.has_topic,
            has_homework = excluded.has_homework""",
        lesson_id=str(lesson.id),
        journal_id=str(e.originator_id),
        lesson_date=lesson.on.isoformat(),
        has_topic=lesson.topic is not None,
        has_homework=lesson.homework is not None,
    )
    _late(w, position, e, lesson.late, "lesson", lesson_id=lesson.id)


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(
    e: ClassJournal.LessonDetailsRecorded, position: int, w: _Writes
) -> None:
    w.add(
        """UPDATE rpt_lessons SET has_topic = (has_topic OR %(topic)s),
            has_homework = (has_homework OR %(homework)s)
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic is not None,
        homework=e.homework is not None,
    )
    _late(w, position, e, e.late, "lesson_details", lesson_id=e.lesson_id)


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(
    e: ClassJournal.LessonDetailsCorrected, _position: int, w: _Writes
) -> None:
    w.add(
        """UPDATE rpt_lessons SET has_topic = %(topic)s, has_homework = %(homework)s
        WHERE lesson_id = %(lesson_id)s""",
        lesson_id=str(e.lesson_id),
        topic=e.topic is not None,
        homework=e.homework is not None,
    )


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(e: ClassJournal.AttendanceRecorded, position: int, w: _Writes) -> None:
    w.add(
        """INSERT INTO rpt_attendance (lesson_id, student_id, journal_id, status, valid)
        VALUES (%(lesson_id)s, %(student_id)s, %(journal_id)s, %(status)s, NULL)
        ON CONFLICT (lesson_id, student_id) DO UPDATE SET journal_id = excluded.journal_id,
            status = excluded.status""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        journal_id=str(e.originator_id),
        status=e.status.value,
    )
    _late(w, position, e, e.late, "attendance", lesson_id=e.lesson_id)


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(e: ClassJournal.AttendanceCorrected, _position: int, w: _Writes) -> None:
    # As in the aggregate: a student corrected to present keeps no absence reason.
    w.add(
        """UPDATE rpt_attendance SET status = %(status)s,
            valid = CASE WHEN %(present)s THEN NULL ELSE valid END
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        status=e.status.value,
        present=e.status is Attendance.PRESENT,
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(e: ClassJournal.AbsenceReasonSet, _position: int, w: _Writes) -> None:
    w.add(
        """UPDATE rpt_attendance SET valid = %(valid)s
        WHERE lesson_id = %(lesson_id)s AND student_id = %(student_id)s""",
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        valid=e.absence_reason.is_valid,
    )


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(e: ClassJournal.MarkRecorded, position: int, w: _Writes) -> None:
    w.add(
        """INSERT INTO rpt_marks (mark_id, journal_id, lesson_id, student_id, value, weight,
            voided)
        VALUES (%(mark_id)s, %(journal_id)s, %(lesson_id)s, %(student_id)s, %(value)s,
            %(weight)s, FALSE)
        ON CONFLICT (mark_id) DO UPDATE SET journal_id = excluded.journal_id,
            lesson_id = excluded.lesson_id, student_id = excluded.student_id,
            value = excluded.value, weight = excluded.weight""",
        mark_id=str(e.mark_id),
        journal_id=str(e.originator_id),
        lesson_id=str(e.lesson_id),
        student_id=str(e.student_id),
        value=e.value,
        weight=e.weight,
    )
    _late(w, position, e, e.late, "mark", lesson_id=e.lesson_id)


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(e: ClassJournal.MarkCorrected, _position: int, w: _Writes) -> None:
    w.add(
        "UPDATE rpt_marks SET value = %(value)s WHERE mark_id = %(mark_id)s",
        mark_id=str(e.mark_id),
        value=e.value,
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(e: ClassJournal.MarkVoided, _position: int, w: _Writes) -> None:
    # The row stays, flagged: a voided mark counts nowhere, but the log still holds it.
    w.add("UPDATE rpt_marks SET voided = TRUE WHERE mark_id = %(mark_id)s", mark_id=str(e.mark_id))


@_on(ClassJournal.PeriodMarkRecorded)
def _period_mark_recorded(e: ClassJournal.PeriodMarkRecorded, position: int, w: _Writes) -> None:
    _late(w, position, e, e.late, "period_mark", period_id=e.period_id)


# --- reading: what every report needs -----------------------------------------------------------


class ReportModel(BaseModel):
    """A frozen part of a report."""

    model_config = ConfigDict(frozen=True)


class ReportNotProjectedError(NotFoundError):
    """The reports hold no such year, class, period or journal (unknown, or not projected
    yet)."""


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, rounded to a tenth (as the summary sheets round);
    None of nothing."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class YearFacts:
    """A school year as the reports need it."""

    year_id: str
    label: str
    starts_on: date
    ends_on: date
    timezone: str
    week_length: int
    first_grade_no_marks: bool
    """School 77 §3.7, School 117 §5.5: grade 1 gets no marks, where the profile says so."""
    first_grade_no_homework: bool
    """School 77 §3.7: grade 1 gets no homework, where the profile says so."""

    def marks_expected(self, grade: int) -> bool:
        return not (grade == 1 and self.first_grade_no_marks)

    def homework_expected(self, grade: int) -> bool:
        return not (grade == 1 and self.first_grade_no_homework)


@dataclass(frozen=True)
class PeriodFacts:
    period_id: str
    name: str
    start: date
    end: date
    grades: frozenset[int] | None = None
    """The grades of the period's scheme; None for every grade."""

    def applies_to(self, grade: int) -> bool:
        return self.grades is None or grade in self.grades


@dataclass(frozen=True)
class JournalFacts:
    journal_id: str
    class_code: str
    grade: int
    subject: str
    subject_name: str
    subgroup: str | None
    ktp_hours: int | None


Span = tuple[date, date | None]
"""Days someone is somewhere: since and until, both inclusive; until None while still there."""


def covers(spans: Iterable[Span], day: date) -> bool:
    """Whether any of the spans holds the day."""
    return any(since <= day and (until is None or day <= until) for since, until in spans)


def overlaps(spans: Iterable[Span], start: date, end: date) -> bool:
    """Whether any of the spans shares a day with [start, end]."""
    return any(since <= end and (until is None or start <= until) for since, until in spans)


def school_timezone(cursor: Cursor) -> str | None:
    """The school's time zone: its latest year's, fixed when that year was set up (None before
    any year is)."""
    cursor.execute("SELECT timezone FROM rpt_years ORDER BY starts_on DESC LIMIT 1")
    row = cursor.fetchone()
    return None if row is None else str(row["timezone"])


def year_facts(cursor: Cursor, label: str) -> YearFacts:
    """A school year by its label ("2026/2027"); not found if the reports hold none."""
    year_id = str(school_year_id(label))
    cursor.execute("SELECT * FROM rpt_years WHERE year_id = %(year_id)s", {"year_id": year_id})
    row = cursor.fetchone()
    if row is None:
        raise ReportNotProjectedError(f"no school year {label} in the reports")
    return YearFacts(
        year_id=year_id,
        label=row["label"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        timezone=row["timezone"],
        week_length=int(row["week_length"]),
        first_grade_no_marks=bool(row["first_grade_no_marks"]),
        first_grade_no_homework=bool(row["first_grade_no_homework"]),
    )


def periods(cursor: Cursor, year: YearFacts, grade: int | None = None) -> list[PeriodFacts]:
    """The year's reporting periods in order; with a grade, those of its scheme."""
    cursor.execute(
        "SELECT * FROM rpt_periods WHERE year_id = %(year_id)s ORDER BY start_date, period_id",
        {"year_id": year.year_id},
    )
    found = [
        PeriodFacts(
            period_id=r["period_id"],
            name=r["name"],
            start=date.fromisoformat(r["start_date"]),
            end=date.fromisoformat(r["end_date"]),
            grades=(
                frozenset(int(g) for g in r["grades"].strip(",").split(","))
                if r["grades"]
                else None
            ),
        )
        for r in cursor.fetchall()
    ]
    return [p for p in found if grade is None or p.applies_to(grade)]


def period(
    cursor: Cursor, year: YearFacts, period_id: str, grade: int | None = None
) -> PeriodFacts:
    """A period by id; with a grade, one of that grade's scheme."""
    found = next((p for p in periods(cursor, year, grade) if p.period_id == period_id), None)
    if found is None:
        where = f" for grade {grade}" if grade is not None else ""
        raise ReportNotProjectedError(f"no period {period_id} in school year {year.label}{where}")
    return found


def classes(cursor: Cursor, year: YearFacts) -> dict[str, int]:
    """The year's classes and their grades, in the order a school lists them (1А, 1Б, 5А…)."""
    cursor.execute(
        "SELECT class_code, grade FROM rpt_classes WHERE year_id = %(year_id)s",
        {"year_id": year.year_id},
    )
    grades = {r["class_code"]: int(r["grade"]) for r in cursor.fetchall()}
    return {code: grades[code] for code in sorted(grades, key=lambda c: (grades[c], c))}


def journals(cursor: Cursor, year: YearFacts, class_code: str | None = None) -> list[JournalFacts]:
    """The year's journals (of one class, if given), by class, subject and subgroup."""
    params = {"year_id": year.year_id, "class_code": class_code}
    cursor.execute(
        """SELECT * FROM rpt_journals WHERE year_id = %(year_id)s
            AND (CAST(%(class_code)s AS TEXT) IS NULL OR class_code = %(class_code)s)""",
        params,
    )
    found = [
        JournalFacts(
            journal_id=r["journal_id"],
            class_code=r["class_code"],
            grade=int(r["grade"]),
            subject=r["subject"],
            subject_name=r["subject_name"],
            subgroup=r["subgroup"],
            ktp_hours=int(r["ktp_hours"]) if r["ktp_hours"] is not None else None,
        )
        for r in cursor.fetchall()
    ]
    return sorted(
        found,
        key=lambda j: (j.grade, j.class_code, alphabetical(j.subject_name), j.subgroup or ""),
    )


@dataclass(frozen=True)
class Roster:
    """Who is in which class and subgroup on which days of a year."""

    classes: dict[str, dict[str, list[Span]]]
    """class code -> student id -> days in the class."""
    subgroups: dict[tuple[str, str, str], dict[str, list[Span]]]
    """(class code, subject, subgroup) -> student id -> days in the subgroup."""

    def page(self, journal: JournalFacts) -> dict[str, list[Span]]:
        """The students on a journal's page and their days on it (DESIGN.md §3: a subgroup's
        journal holds the days a student is both in the class and in the subgroup)."""
        in_class = self.classes.get(journal.class_code, {})
        if journal.subgroup is None:
            return in_class
        in_group = self.subgroups.get((journal.class_code, journal.subject, journal.subgroup), {})
        page: dict[str, list[Span]] = {}
        for student_id, group_spans in in_group.items():
            shared = [
                found
                for a in in_class.get(student_id, ())
                for b in group_spans
                if (found := _shared(a, b)) is not None
            ]
            if shared:
                page[student_id] = shared
        return page


def _shared(a: Span, b: Span) -> Span | None:
    since = max(a[0], b[0])
    ends = [u for u in (a[1], b[1]) if u is not None]
    until = min(ends) if ends else None
    if until is not None and until < since:
        return None
    return since, until


def roster(cursor: Cursor, year: YearFacts, class_code: str | None = None) -> Roster:
    """The year's class and subgroup stints (of one class, if given)."""
    params = {"year_id": year.year_id, "class_code": class_code}
    where = """WHERE year_id = %(year_id)s
        AND (CAST(%(class_code)s AS TEXT) IS NULL OR class_code = %(class_code)s)"""
    cursor.execute(f"SELECT * FROM rpt_class_stints {where}", params)  # noqa: S608
    in_classes: dict[str, dict[str, list[Span]]] = {}
    for r in cursor.fetchall():
        in_classes.setdefault(r["class_code"], {}).setdefault(r["student_id"], []).append(_span(r))
    cursor.execute(f"SELECT * FROM rpt_subgroup_stints {where}", params)  # noqa: S608
    in_groups: dict[tuple[str, str, str], dict[str, list[Span]]] = {}
    for r in cursor.fetchall():
        key = (r["class_code"], r["subject"], r["subgroup"])
        in_groups.setdefault(key, {}).setdefault(r["student_id"], []).append(_span(r))
    return Roster(classes=in_classes, subgroups=in_groups)


def _span(row: Row) -> Span:
    until = row["until_date"]
    return date.fromisoformat(row["since_date"]), date.fromisoformat(until) if until else None


def student_names(cursor: Cursor) -> dict[str, str]:
    """Every student's full name, by id."""
    cursor.execute("SELECT student_id, full_name FROM rpt_students")
    return {r["student_id"]: r["full_name"] for r in cursor.fetchall()}


def account_names(cursor: Cursor) -> dict[str, str]:
    """Every account's full name, by id."""
    cursor.execute("SELECT account_id, full_name FROM rpt_accounts")
    return {r["account_id"]: r["full_name"] for r in cursor.fetchall()}


def alphabetical(name: str) -> str:
    """A sort key for Russian names: neither SQLite's nor a "C"-collated PostgreSQL's ORDER BY
    knows that ё sorts with е."""
    return name.casefold().replace("ё", "е")


def months_of(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def month_end(month: date) -> date:
    """The last day of the month that begins on ``month``."""
    return (month + timedelta(days=32)).replace(day=1) - _ONE_DAY


# --- the calendar and the timetable -------------------------------------------------------------

TimetableEntry = tuple[int, int, str]
"""(weekday, 1 = Monday; slot; journal id)."""


@dataclass(frozen=True)
class Timetable:
    """A class's timetable versions, each with the day it came into force."""

    versions: tuple[tuple[date, tuple[TimetableEntry, ...]], ...]
    """(in force from, entries), in the order set."""

    def on(self, day: date) -> tuple[TimetableEntry, ...]:
        """The timetable in force on a day: the last one set by then; before the first was set,
        the first (it describes the days before it too)."""
        if not self.versions:
            return ()
        chosen = self.versions[0][1]
        for since, entries in self.versions:
            if since <= day:
                chosen = entries
        return chosen

    def weekly_hours(self, journal_id: str, day: date) -> int:
        """Lessons a week a journal has in the timetable in force on a day."""
        return sum(1 for _, _, jid in self.on(day) if jid == journal_id)


def timetables(cursor: Cursor, year: YearFacts) -> dict[str, Timetable]:
    """Every class's timetable versions; a version is in force from the school's local day it
    was set on."""
    zone = ZoneInfo(year.timezone)
    cursor.execute(
        """SELECT class_code, set_position, set_at, weekday, slot, journal_id FROM rpt_timetables
        WHERE year_id = %(year_id)s""",
        {"year_id": year.year_id},
    )
    sets: dict[str, dict[int, tuple[date, list[TimetableEntry]]]] = {}
    for r in cursor.fetchall():
        since = parse_instant(r["set_at"]).astimezone(zone).date()
        versions = sets.setdefault(r["class_code"], {})
        _, entries = versions.setdefault(int(r["set_position"]), (since, []))
        entries.append((int(r["weekday"]), int(r["slot"]), r["journal_id"]))
    return {
        code: Timetable(
            versions=tuple(
                (since, tuple(sorted(entries))) for _, (since, entries) in sorted(versions.items())
            )
        )
        for code, versions in sets.items()
    }


def parse_instant(text: str) -> datetime:
    """An instant as stored (``instant``), back as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def school_calendar(cursor: Cursor, year: YearFacts) -> SchoolCalendar:
    """The year's working-day calendar: the school week, the state's days off and transfers,
    and the closures in force (holidays, quarantines: Gymnasium 2 §6.6)."""
    cursor.execute(
        "SELECT * FROM rpt_closures WHERE year_id = %(year_id)s AND lifted = FALSE",
        {"year_id": year.year_id},
    )
    closures = [
        Closure(
            start=date.fromisoformat(r["start_date"]),
            end=date.fromisoformat(r["end_date"]),
            kind="other",
            classes=frozenset(r["classes"].split()) if r["classes"] else None,
        )
        for r in cursor.fetchall()
    ]
    return SchoolCalendar(week_length=5 if year.week_length == 5 else 6, closures=closures)


def scheduled_lessons(
    calendar: SchoolCalendar,
    terms: Sequence[PeriodFacts],
    timetable: Timetable,
    class_code: str,
    start: date,
    end: date,
) -> dict[str, int]:
    """Per journal, the lessons the timetable gives a class from ``start`` to ``end``: on each
    day that lies in a reporting period and is a working day of the class (no weekend, public
    holiday, school holidays or quarantine), the timetable in force that day."""
    counts: dict[str, int] = {}
    day = start
    while day <= end:
        in_term = any(p.start <= day <= p.end for p in terms)
        if in_term and calendar.is_working_day(day, class_code):
            weekday = day.isoweekday()
            for entry_day, _slot, journal_id in timetable.on(day):
                if entry_day == weekday:
                    counts[journal_id] = counts.get(journal_id, 0) + 1
        day += _ONE_DAY
    return counts
