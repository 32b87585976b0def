"""Setting up a school year: periods, the profile, calendar changes, bells, classes, timetable."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import AfterValidator, Field, field_validator

from ejournal.access import require_role, resolve
from ejournal.aggregates.account import Account, Grant
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_record import SchoolRecord, school_record_id
from ejournal.aggregates.school_year import (
    BellSlot,
    ClosureRecord,
    Period,
    SchoolClass,
    SchoolYear,
    TimetableEntry,
    check_label,
)
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import InvariantError
from ejournal.policy.profile import RegulationProfile, check_timezone, shipped_profile
from ejournal.roles import Actor, Role
from ejournal.text import Label, Name, Reason, TextWithin

SETUP_ROLES = (Role.ADMINISTRATOR, Role.DEPUTY)


class PeriodSpec(Command):
    id: str = Field(pattern=r"^[A-Z][0-9]$")
    name: Label
    start: date
    end: date


class SchemeSpec(Command):
    """The periods of some grades: half-years for grades 10–11 beside quarters or trimesters
    for the rest (School 117, School 77, Belogorsk, Gymnasium 2)."""

    grades: frozenset[Annotated[int, Field(ge=1, le=11)]] = Field(min_length=1)
    periods: tuple[PeriodSpec, ...] = Field(min_length=1)


class StartSchoolYear(Command):
    """Set up a school year with its reporting periods and the regulation profile in force.

    ``periods`` are for every grade; ``schemes`` give each set of grades its own periods. One
    of the two is given."""

    label: Annotated[Label, AfterValidator(check_label)]
    starts_on: date
    ends_on: date
    periods: tuple[PeriodSpec, ...] = ()
    schemes: tuple[SchemeSpec, ...] = ()
    profile: Label | Annotated[RegulationProfile, TextWithin(4000)] | None = None
    """A shipped profile's id, or the school's own profile; None: the one the school was created
    with (``ejournal school create``)."""
    timezone: Label | None = None
    """None: the zone the school was created with, else the profile's."""
    week_length: Literal[5, 6] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return check_timezone(value) if value is not None else None


def start_school_year(school: School, actor: Actor, cmd: StartSchoolYear) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, action="setting up a school year")
        if school.exists(school_year_id(cmd.label)):
            raise InvariantError(
                f"school year {cmd.label} is already set up", invariant="year.already_set_up"
            )
        record = (
            school.view(SchoolRecord, school_record_id(), "school")
            if school.exists(school_record_id())
            else None
        )
        chosen = cmd.profile
        if chosen is None and record is not None:
            chosen = record.profile
        if chosen is None:
            raise InvariantError(
                "name the year's regulation profile: this school was not created with one",
                invariant="year.profile_missing",
            )
        profile = shipped_profile(chosen) if isinstance(chosen, str) else chosen
        zone = cmd.timezone or (record.timezone if record is not None else None)
        if zone:
            # Deadlines are computed in the school's own zone, whatever the shipped profile says:
            # the zone given, else the one the school was created with.
            profile = profile.model_copy(update={"timezone": zone})
        if cmd.week_length:
            profile = profile.model_copy(update={"week_length": cmd.week_length})
        year = SchoolYear.start(
            label=cmd.label,
            starts_on=cmd.starts_on,
            ends_on=cmd.ends_on,
            periods=_periods(cmd),
            profile=profile,
            actor=actor,
        )
        return school.record(year, ids={"year_id": year.id})

    return school.run(attempt)


def _periods(cmd: StartSchoolYear) -> tuple[Period, ...]:
    if cmd.periods and cmd.schemes:
        raise InvariantError(
            "give periods for every grade or schemes for some grades, not both",
            invariant="year.periods_and_schemes",
        )
    every = tuple(Period(**p.model_dump()) for p in cmd.periods)
    return every + tuple(
        Period(**p.model_dump(), grades=scheme.grades)
        for scheme in cmd.schemes
        for p in scheme.periods
    )


class AdoptProfile(Command):
    year: Label
    profile: Label | Annotated[RegulationProfile, TextWithin(4000)]
    reason: Reason


def adopt_profile(school: School, actor: Actor, cmd: AdoptProfile) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, action="adopting a regulation profile")
        year = school.year(cmd.year)
        profile = shipped_profile(cmd.profile) if isinstance(cmd.profile, str) else cmd.profile
        profile = profile.model_copy(
            update={"timezone": year.timezone, "week_length": year.week_length}
        )
        year.adopt_profile(profile, cmd.reason, actor)
        return school.record(year)

    return school.run(attempt)


class SetPeriodMarksDue(Command):
    """A school order sets when period marks are due (profiles that time them "by order")."""

    year: Label
    period_id: Label
    due: date
    order: Name


def set_period_marks_due(school: School, actor: Actor, cmd: SetPeriodMarksDue) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="setting the period-mark date")
        year = school.year(cmd.year)
        year.set_period_marks_due(cmd.period_id, cmd.due, cmd.order, actor)
        return school.record(year)

    return school.run(attempt)


class DeclareClosure(Command):
    """School holidays, a quarantine or another schedule change (Gymnasium 2 §6.6)."""

    year: Label
    start: date
    end: date
    kind: Literal["holidays", "quarantine", "other"]
    classes: frozenset[Label] | None = Field(default=None, min_length=1)
    """The classes it keeps home; None (never an empty set) for the whole school."""
    reason: Reason


def declare_closure(school: School, actor: Actor, cmd: DeclareClosure) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="changing the school calendar")
        year = school.year(cmd.year)
        closure = ClosureRecord(
            id=uuid4(),
            start=cmd.start,
            end=cmd.end,
            kind=cmd.kind,
            classes=cmd.classes,
            reason=cmd.reason,
        )
        year.declare_closure(closure, actor)
        return school.record(year, ids={"closure_id": closure.id})

    return school.run(attempt)


class LiftClosure(Command):
    year: Label
    closure_id: UUID
    reason: Reason


def lift_closure(school: School, actor: Actor, cmd: LiftClosure) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="changing the school calendar")
        year = school.year(cmd.year)
        year.lift_closure(cmd.closure_id, cmd.reason, actor)
        return school.record(year)

    return school.run(attempt)


class BellSpec(Command):
    slot: int = Field(ge=0, le=12)
    start: time
    end: time


class SetBellSchedule(Command):
    year: Label
    slots: tuple[BellSpec, ...]
    reason: Reason | None = None
    """Why a bell schedule already set is replaced."""


def set_bell_schedule(school: School, actor: Actor, cmd: SetBellSchedule) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="setting the bell schedule")
        year = school.year(cmd.year)
        year.set_bells(tuple(BellSlot(**s.model_dump()) for s in cmd.slots), actor, cmd.reason)
        return school.record(year)

    return school.run(attempt)


class FormClass(Command):
    year: Label
    grade: int = Field(ge=1, le=11)
    letter: Label = Field(max_length=3)
    class_teacher_id: UUID | None = None


def form_class(school: School, actor: Actor, cmd: FormClass) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="forming a class")
        year = school.year(cmd.year)
        code = f"{cmd.grade}{cmd.letter.upper()}"
        year.form_class(SchoolClass(code=code, grade=cmd.grade, letter=cmd.letter.upper()), actor)
        granted: list[Account] = []
        if cmd.class_teacher_id is not None:
            account = school.account(cmd.class_teacher_id)
            year.assign_class_teacher(code, cmd.class_teacher_id, actor)
            granted = _class_teacher_grant(account, cmd.year, code, actor)
        return school.record(year, *granted)

    return school.run(attempt)


class AssignClassTeacher(Command):
    year: Label
    class_code: Label
    account_id: UUID
    reason: Reason | None = None
    """Why the class teacher already assigned is replaced."""


def assign_class_teacher(school: School, actor: Actor, cmd: AssignClassTeacher) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="assigning a class teacher")
        year = school.year(cmd.year)
        account = school.account(cmd.account_id)
        year.assign_class_teacher(cmd.class_code, cmd.account_id, actor, cmd.reason)
        return school.record(year, *_class_teacher_grant(account, cmd.year, cmd.class_code, actor))

    return school.run(attempt)


class TimetableSpec(Command):
    weekday: int = Field(ge=1, le=6)
    slot: int = Field(ge=0, le=12)
    journal_id: UUID


class SetTimetable(Command):
    """The weekly timetable of one class (School 77 §4.6.2: the deputy forms it)."""

    year: Label
    class_code: Label
    entries: tuple[TimetableSpec, ...]
    reason: Reason | None = None
    """Why a timetable already set is replaced."""


class TeacherDoubleBookedError(InvariantError):
    """A timetable puts one teacher in two classes at the same lesson."""

    slug = "teacher-double-booked"
    title = "A teacher would teach two classes at once"


def _check_teachers_free(
    school: School, year: SchoolYear, class_code: str, entries: tuple[TimetableEntry, ...]
) -> None:
    """No teacher of a journal in this class's timetable already teaches another class in the
    same weekday and slot: nobody is in two classrooms at once."""
    teachers: dict[UUID, frozenset[UUID]] = {}

    def teachers_of(journal_id: UUID) -> frozenset[UUID]:
        if journal_id not in teachers:
            journal = school.view(ClassJournal, journal_id, "journal")
            teachers[journal_id] = frozenset(journal.teachers)
        return teachers[journal_id]

    wanted = {(e.weekday, e.slot) for e in entries}
    busy: dict[tuple[int, int, UUID], str] = {}
    for other, timetable in year.timetable.items():
        if other == class_code:
            continue
        for e in timetable:
            if (e.weekday, e.slot) in wanted:
                for teacher in teachers_of(e.journal_id):
                    busy[(e.weekday, e.slot, teacher)] = other
    for e in entries:
        for teacher in teachers_of(e.journal_id):
            other_class = busy.get((e.weekday, e.slot, teacher))
            if other_class is not None:
                raise TeacherDoubleBookedError(
                    f"a teacher of this journal already teaches {other_class} in lesson {e.slot}"
                    f" on weekday {e.weekday}: a teacher is in one classroom at a time",
                    teacher_id=str(teacher),
                    weekday=e.weekday,
                    slot=e.slot,
                )


def set_timetable(school: School, actor: Actor, cmd: SetTimetable) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *SETUP_ROLES, action="setting the timetable")
        year = school.year(cmd.year)
        entries = tuple(TimetableEntry(**e.model_dump()) for e in cmd.entries)
        year.set_timetable(cmd.class_code, entries, actor, cmd.reason)
        # After the year has checked the class and its journals; a refusal saves nothing.
        _check_teachers_free(school, year, cmd.class_code, entries)
        return school.record(year)

    return school.run(attempt)


def _class_teacher_grant(
    account: Account, year: str, class_code: str, actor: Actor
) -> list[Account]:
    """The account's class-teacher role for the class of that year, granted in the same save as
    the year's assignment, so the year and the account never disagree about who leads a class."""
    if account.leads(year, class_code):
        return []
    grant = Grant(id=uuid4(), role=Role.CLASS_TEACHER, class_code=class_code, year=year)
    account.grant(grant, actor)
    return [account]
