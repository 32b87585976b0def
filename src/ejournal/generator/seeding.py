"""Generating schools: ``generate`` builds one school into an empty log through the command
handlers and reports what it made and how fast; ``generate_schools`` builds several, each in its
own log; ``give_passwords`` lets people sign in to what was made.

The result depends only on the options (the seed above all): one ``random.Random(seed)`` is
threaded through every decision and seeds Faker, no decision iterates a set, and the clock is a
``MovableClock`` the generator moves through late August and the school days. The ids the log
derives from names (accounts, journals, the year) come out the same; the ids the handlers mint
at random (students, lessons, marks) differ from run to run, in the same places.
"""

from __future__ import annotations

import random
import time as timer
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ejournal import storage
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import accounts
from ejournal.credentials import CredentialStore
from ejournal.database import open_database
from ejournal.generator.curriculum import GRADES
from ejournal.generator.people import PeopleMaker
from ejournal.generator.school_plan import plan_classes
from ejournal.generator.set_up import set_up
from ejournal.generator.staffing import staff_school
from ejournal.generator.timetable import WEEKDAYS, build_timetable
from ejournal.generator.world import GeneratorError, World
from ejournal.generator.year_calendar import (
    DEMO_YEAR,
    FIRST_DAY,
    LAST_DAY_OF_YEAR,
    PERIODS,
    SET_UP_DAY,
    holidays_for,
)
from ejournal.generator.year_run import live_through
from ejournal.policy.calendar import Closure, SchoolCalendar
from ejournal.policy.profile import RegulationProfile, load_profile
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings

__all__ = [
    "GeneratorError",
    "GeneratorOptions",
    "GeneratorReport",
    "describe_reports",
    "generate",
    "generate_into",
    "generate_schools",
    "give_passwords",
    "school_ids",
]

Progress = Callable[[int, int], None]
"""Told (done, total) as a school is built: the set-up counts as one step, each school day as
one more."""


class GeneratorOptions(BaseModel):
    """What school to generate."""

    model_config = ConfigDict(frozen=True)

    students: int = Field(default=1000, ge=1, le=20_000)
    weeks: int | None = Field(default=None, ge=1, le=40)
    """The first W school weeks of the year; the whole year when not given."""
    seed: int = 2026
    grades: tuple[int, ...] = GRADES
    """The grades the school teaches (a primary school, or a smaller test school)."""
    profile: str = "school77"

    @field_validator("grades")
    @classmethod
    def _known_grades(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(g not in GRADES for g in value) or len(set(value)) != len(value):
            raise ValueError("grades are distinct numbers from 1 to 11")
        return tuple(sorted(value))


class GeneratorReport(BaseModel):
    """What a generated school holds, and how long it took to make."""

    model_config = ConfigDict(frozen=True)

    school: str
    seed: int
    profile: str
    year: str
    first_day: date | None
    last_day: date | None
    school_days: int
    classes: tuple[str, ...]
    students: int
    guardians: int
    parent_accounts: int
    consents: int
    teachers: int
    staff: int
    """Accounts of the staff who are not teachers (director, deputies, secretary, …)."""
    journals: int
    subgroup_placements: int
    lessons: int
    substitutions: int
    substituted_lessons: int
    cancelled_lessons: int
    late_lessons: int
    control_works: int
    marks: int
    corrections: int
    period_marks: int
    closed_periods: int
    absences: int
    late_arrivals: int
    absence_reasons: int
    attendances: int
    """Student-lessons: each student on a held lesson's page once."""
    events: int
    seconds: float
    logins: dict[str, tuple[str, ...]]

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def absence_share(self) -> float:
        return self.absences / self.attendances if self.attendances else 0.0


def school_ids(school_id: str, count: int) -> list[str]:
    """The ids of K schools: ``school``, ``school_2``, …, ``school_K``."""
    if count < 1:
        raise GeneratorError("generate at least one school")
    ids = [school_id, *(f"{school_id}_{n}" for n in range(2, count + 1))]
    for each in ids:
        storage.validate_school_id(each)
    return ids


def generate(
    settings: Settings,
    school_id: str,
    options: GeneratorOptions,
    *,
    clock: MovableClock | None = None,
    progress: Progress | None = None,
) -> GeneratorReport:
    """Generate one school into its (empty) log: the bulk import the benchmark measures."""
    profile = load_profile(options.profile)
    clock = clock or MovableClock(
        datetime.combine(SET_UP_DAY, time(9, 0), tzinfo=ZoneInfo(profile.timezone))
    )
    school = open_school(settings, school_id, clock=clock)
    try:
        return generate_into(school, clock, options, progress=progress)
    finally:
        school.close()


def generate_schools(
    settings: Settings,
    school_id: str,
    count: int,
    options: GeneratorOptions,
    *,
    progress: Callable[[str], Progress | None] | None = None,
) -> list[GeneratorReport]:
    """Generate K schools one after another, each in its own log; school k takes the seed
    ``seed + k - 1``, so the first is the school a single run makes."""
    reports = []
    for n, each in enumerate(school_ids(school_id, count)):
        seeded = options.model_copy(update={"seed": options.seed + n})
        reports.append(
            generate(settings, each, seeded, progress=progress(each) if progress else None)
        )
    return reports


def generate_into(
    school: School,
    clock: MovableClock,
    options: GeneratorOptions,
    *,
    progress: Progress | None = None,
) -> GeneratorReport:
    """Generate a school into an open, empty school application running on ``clock``."""
    if school.clock is not clock:
        raise GeneratorError("the school must be opened with the generator's clock")
    if school.position() != 0:
        raise GeneratorError(
            f"school {school.school_id!r} already holds a journal: a school is generated into"
            " an empty log only (ejournal demo --reset drops a log the demo started)"
        )
    profile = load_profile(options.profile)
    if profile.week_length != WEEKDAYS:
        raise GeneratorError(
            f"profile {profile.id!r} has a {profile.week_length}-day week: the generator builds"
            " the federal curriculum's five-day week"
        )
    started = timer.perf_counter()
    rng = random.Random(options.seed)  # noqa: S311 (a generator's dice, not a secret)
    people = PeopleMaker(rng.getrandbits(64))
    classes = plan_classes(options.students, rng, options.grades)
    staffing = staff_school(classes)
    world = World(
        school=school,
        clock=clock,
        rng=rng,
        people=people,
        profile=profile,
        classes=classes,
        staffing=staffing,
        timetable=build_timetable(classes, staffing.courses, rng),
    )
    last = last_school_day(profile, [c.code for c in classes if c.grade == 1], options.weeks)
    days = len(school_days(profile, [c.code for c in classes if c.grade == 1], FIRST_DAY, last))
    _keep_the_school_in_memory(world, options)
    set_up(world)
    if progress is not None:
        progress(1, days + 1)
    live_through(
        world,
        FIRST_DAY,
        last,
        (lambda done, _total: progress(done + 1, days + 1)) if progress is not None else None,
    )
    return _report(world, options, timer.perf_counter() - started)


def _keep_the_school_in_memory(world: World, options: GeneratorOptions) -> None:
    """Every day touches most journals: a cache smaller than the school would reload each of
    them from its snapshot every few days."""
    journals = sum(len(c.groups) for courses in world.staffing.courses.values() for c in courses)
    accounts = 2 * options.students + len(world.staffing.teachers) + 16
    needed = journals + accounts + options.students + 64
    world.school.cache_size = max(world.school.cache_size, needed)


def _calendar(profile: RegulationProfile, first_graders: Iterable[str]) -> SchoolCalendar:
    return SchoolCalendar(
        week_length=profile.week_length,
        closures=[
            Closure(start=start, end=end, kind="holidays", classes=classes, reason=reason)
            for start, end, reason, classes in holidays_for(first_graders)
        ],
    )


def school_days(
    profile: RegulationProfile, first_graders: Iterable[str], first: date, last: date
) -> list[date]:
    """The year's school days (lessons in some class, inside a reporting period)."""
    periods = PERIODS[profile.period_kind]
    return [
        day
        for day in _calendar(profile, first_graders).working_days(first, last)
        if day.isoweekday() <= WEEKDAYS and any(p.start <= day <= p.end for p in periods)
    ]


def last_school_day(
    profile: RegulationProfile, first_graders: Iterable[str], weeks: int | None
) -> date:
    """The last day of the first ``weeks`` school weeks (a week with at least one school day;
    holiday weeks do not count), or the year's last day."""
    if weeks is None:
        return LAST_DAY_OF_YEAR
    days = school_days(profile, list(first_graders), FIRST_DAY, LAST_DAY_OF_YEAR)
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    if weeks >= len(mondays):
        return LAST_DAY_OF_YEAR
    return mondays[weeks - 1] + timedelta(days=6)


def _report(world: World, options: GeneratorOptions, seconds: float) -> GeneratorReport:
    tally = world.tally
    return GeneratorReport(
        school=world.school.school_id,
        seed=options.seed,
        profile=world.profile.id,
        year=DEMO_YEAR,
        first_day=tally.first_day,
        last_day=tally.last_day,
        school_days=tally.school_days,
        classes=tuple(c.code for c in world.classes),
        students=len(world.pupils),
        guardians=tally.guardians,
        parent_accounts=tally.parent_accounts,
        consents=tally.consents,
        teachers=len(world.staffing.teachers),
        staff=len(world.accounts) - len(world.staffing.teachers),
        journals=len(world.journals),
        subgroup_placements=tally.subgroup_placements,
        lessons=tally.lessons,
        substitutions=tally.substitutions,
        substituted_lessons=tally.substituted_lessons,
        cancelled_lessons=tally.cancelled_lessons,
        late_lessons=tally.late_lessons,
        control_works=tally.control_works,
        marks=tally.marks,
        corrections=tally.corrections,
        period_marks=tally.period_marks,
        closed_periods=tally.closed_periods,
        absences=tally.absences,
        late_arrivals=tally.late_arrivals,
        absence_reasons=tally.absence_reasons,
        attendances=tally.attendances,
        events=world.school.position(),
        seconds=round(seconds, 3),
        logins={role: tuple(names) for role, names in world.logins.items()},
    )


# --- signing in -----------------------------------------------------------------------------


def give_passwords(
    settings: Settings, school: School, admin_login: str, logins: Iterable[str], password: str
) -> int:
    """Give accounts a password, as the administrator would; returns how many were given
    (logins that have a password already keep it)."""
    database = open_database(settings, school.school_id)
    try:
        store = CredentialStore(database, school.school_id, school.clock, settings.password_hashing)
        store.create_tables()
        admin = school.account_by_login(admin_login).act_as(Role.ADMINISTRATOR)
        given = 0
        for login in sorted(set(logins)):
            account = school.account_by_login(login)
            if "password" in account.credentials.values():
                continue
            credential_id = store.set_password(account.id, password)
            accounts.set_credential(
                school,
                admin,
                accounts.SetCredential(
                    account_id=account.id, credential_id=credential_id, kind="password"
                ),
            )
            given += 1
        return given
    finally:
        database.close()


def sign_in_logins(report: GeneratorReport, parents_per_school: int = 10) -> list[str]:
    """The logins worth a password to look around a generated school: every member of staff
    and a few parents (hashing a password takes a tenth of a second)."""
    staff_roles = [role for role in report.logins if role != Role.PARENT.value]
    logins = [login for role in staff_roles for login in report.logins[role]]
    return logins + list(report.logins.get(Role.PARENT.value, ())[:parents_per_school])


# --- the report in words ---------------------------------------------------------------------


def describe_reports(reports: list[GeneratorReport]) -> str:
    """What was generated, school by school, and the totals, in plain English."""
    lines: list[str] = []
    for report in reports:
        lines += _describe(report)
    if len(reports) > 1:
        events = sum(r.events for r in reports)
        seconds = sum(r.seconds for r in reports)
        lines.append(
            f"All {len(reports)} schools: {sum(r.students for r in reports)} students,"
            f" {sum(r.lessons for r in reports)} lessons, {events} events in {seconds:.1f} s"
            f" ({events / seconds if seconds else 0:,.0f} events/s)."
        )
    return "\n".join(lines)


def _describe(report: GeneratorReport) -> list[str]:
    span = (
        f"from {report.first_day:%d.%m.%Y} to {report.last_day:%d.%m.%Y}"
        if report.first_day and report.last_day
        else "(no school days)"
    )
    samples = "; ".join(f"{role} {', '.join(names[:2])}" for role, names in report.logins.items())
    return [
        f"School {report.school!r}: year {report.year}, profile {report.profile},"
        f" seed {report.seed}.",
        f"  classes     {len(report.classes)} ({report.classes[0]}–{report.classes[-1]}),"
        f" {report.journals} journals, {report.subgroup_placements} places in groups",
        f"  people      {report.students} students, {report.guardians} parents"
        f" ({report.parent_accounts} with an account), {report.teachers} teachers,"
        f" {report.staff} other staff",
        f"  lessons     {report.lessons} on {report.school_days} school days {span}:"
        f" {report.substituted_lessons} by a substitute ({report.substitutions} substitutions,"
        f" {report.cancelled_lessons} cancelled), {report.late_lessons} entered late,"
        f" {report.control_works} control works",
        f"  marks       {report.marks} marks, {report.corrections} corrected,"
        f" {report.period_marks} period marks, {report.closed_periods} class periods closed",
        f"  attendance  {report.absences} absences ({report.absence_share:.1%} of"
        f" {report.attendances} student-lessons), {report.late_arrivals} late arrivals,"
        f" {report.absence_reasons} absence reasons",
        f"  the log     {report.events} events in {report.seconds:.1f} s"
        f" ({report.events_per_second:,.0f} events/s)",
        f"  logins      {samples}",
    ]
