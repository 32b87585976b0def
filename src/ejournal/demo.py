"""The demo school: a small plan and a storyline, built by the school generator.

``seed_demo`` builds a School 77 of four classes (1А, 5А, 5Б, 9А) through the generator: the
staff set the year up in late August (``generator.set_up``: accounts, the year, its holidays and
bells, classes, journals, timetables and calendar-thematic plans, students with their families,
consents and parent accounts, one student's own account), then the school lives through two
school weeks (``generator.year_run``) that end on the latest school day before today: today by
the injected clock, in the school's time zone, on its working-day calendar. So today's lessons
are left for a newcomer, whose teacher records one within its deadline right away.

The generator's chance mishaps are turned off; the fortnight follows a storyline instead: on its
second day a teacher is off sick and a colleague substitutes, a lesson is forgotten and entered
late the next morning under the deputy's permission, and a mark found entered wrongly is
corrected; at the start of the second week a 5А student moves to 5Б by an order.

``survey_demo`` reads the demo's figures back from the log.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Final
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.persistence import Notification
from pydantic import BaseModel, ConfigDict

from ejournal import storage
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.clock import Clock, MovableClock, SystemClock
from ejournal.errors import EjournalError, NotFoundError
from ejournal.generator.people import PeopleMaker, login_for, parse_name
from ejournal.generator.school_plan import ClassPlan
from ejournal.generator.seeding import give_passwords, school_days
from ejournal.generator.set_up import ADMINISTRATOR_NAME, set_up
from ejournal.generator.staffing import staff_school
from ejournal.generator.timetable import build_timetable
from ejournal.generator.world import World
from ejournal.generator.year_calendar import DEMO_YEAR, FIRST_DAY, LAST_DAY_OF_YEAR
from ejournal.generator.year_run import Rates, Transfer, live_through
from ejournal.integrity.notary import retire_checkpoints
from ejournal.marks import Attendance
from ejournal.policy.profile import RegulationProfile, load_profile
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings

__all__ = [
    "CLASSES",
    "DEMO_PASSWORD",
    "DEMO_YEAR",
    "SCHOOL_DAYS",
    "STAFF_NAMES",
    "DemoOutcome",
    "DemoReport",
    "DemoSeedError",
    "count_event_kinds",
    "demo_days",
    "describe_report",
    "ensure_demo",
    "give_demo_passwords",
    "has_demo_year",
    "notifications",
    "reset_demo",
    "seed_demo",
    "survey_demo",
]

DEMO_PASSWORD: Final = "demo-ejournal"  # noqa: S105 (printed for everyone to try the demo with)

# --- the plan -----------------------------------------------------------------------------------

CLASSES: tuple[tuple[int, str], ...] = ((1, "А"), (5, "А"), (5, "Б"), (9, "А"))
"""Grade and letter of each class; the generator staffs them and draws their timetables."""
CLASS_SIZE = (21, 25)
SCHOOL_DAYS = 10
"""Two school weeks of lessons."""
STUDENT_ACCOUNT_CLASSES = ("9А",)
"""Whose first student in the register has an account of their own."""

STAFF_NAMES: dict[str, str] = {
    "director": "Ковалёва Галина Васильевна",
    "deputy": "Смирнова Ольга Ивановна",
    "deputy_primary": "Козлова Наталья Владимировна",
    "secretary": "Кузнецова Анна Сергеевна",
    "inspector": "Григорьев Виктор Алексеевич",
    "auditor": "Тарасова Людмила Андреевна",
    "primary1": "Соколова Татьяна Николаевна",
    "russian1": "Морозова Елена Викторовна",
    "mathematics1": "Лебедев Андрей Сергеевич",
    "foreign_language1": "Павлова Анна Дмитриевна",
    "foreign_language2": "Волкова Мария Игоревна",
    "history1": "Семёнов Дмитрий Олегович",
    "biology1": "Фролова Светлана Петровна",
    "technology1": "Белов Павел Николаевич",
    "technology2": "Богданова Ольга Юрьевна",
    "physical_education1": "Захаров Игорь Валентинович",
}
"""The demo's staff by the generator's staff keys (README's curl signs in as morozova.ev);
anyone else the generator's staffing needs gets a drawn name."""

STORYLINE_RATES = Rates(late_entry=0.0, correction=0.0, teacher_sick_start=0.0)
"""No chance mishaps: only the run's own second-day ones (a substitution, a late entry and a
correction) happen, besides the scripted transfer."""


def demo_days(profile: RegulationProfile, today: date) -> list[date]:
    """The demo's school days: the last ``SCHOOL_DAYS`` before ``today``, or the year's first
    ones when the year has not yet had enough for the storyline."""
    first_graders = [f"{grade}{letter}" for grade, letter in CLASSES if grade == 1]
    days = school_days(profile, first_graders, FIRST_DAY, LAST_DAY_OF_YEAR)
    before = [d for d in days if d < today]
    # The storyline needs four days: the mishaps of the second, the third's late entry and
    # the transfer after them.
    return before[-SCHOOL_DAYS:] if len(before) >= 4 else days[:SCHOOL_DAYS]


# --- the report -----------------------------------------------------------------------------------


class DemoReport(BaseModel):
    """What the demo school holds: counts of what was recorded, and who can sign in."""

    model_config = ConfigDict(frozen=True)

    school: str
    year: str
    profile: str
    classes: tuple[str, ...]
    journals: int
    students: int
    guardians: int
    parent_accounts: int
    consents: int
    first_day: date | None
    last_day: date | None
    lessons: int
    late_lessons: int
    """Lessons entered after their deadline under a deputy's permission (flagged late)."""
    substituted_lessons: int
    marks: int
    corrections: int
    absences: int
    late_arrivals: int
    absence_reasons: int
    transfers: int
    events: int
    events_by_kind: dict[str, int]
    position: int
    logins: dict[str, tuple[str, ...]]
    """Logins by role, in the order the roles were granted."""


# --- seeding --------------------------------------------------------------------------------------


class DemoSeedError(EjournalError):
    """The demo cannot be seeded here (wrong clock, or the school already holds the year)."""

    slug = "demo-not-seeded"
    title = "The demo school cannot be seeded here"
    status = 409


def seed_demo(
    school: School,
    *,
    seed: int = 2026,
    clock: MovableClock,
    profile: str | RegulationProfile = "school77",
) -> DemoReport:
    """Seed the demo school into an empty log; the result depends only on ``seed`` and on the
    day ``clock`` tells when called (the demo's fortnight ends the school day before it).

    ``clock`` must be the clock ``school`` was opened with: the demo moves it through the days
    it records, so every event carries the time a real school would have recorded it at.
    """
    if school.clock is not clock:
        raise DemoSeedError("the school must be opened with the demo's clock")
    if school.position() != 0:
        raise DemoSeedError(
            f"school {school.school_id!r} already holds a journal: the demo is seeded into an"
            " empty log only"
        )
    regulations = load_profile(profile) if isinstance(profile, str) else profile
    today = clock.now().astimezone(ZoneInfo(regulations.timezone)).date()
    days = demo_days(regulations, today)
    rng = random.Random(seed)  # noqa: S311 (a demo's dice, not a secret)
    classes = tuple(
        ClassPlan(grade=grade, letter=letter, size=rng.randint(*CLASS_SIZE))
        for grade, letter in CLASSES
    )
    staffing = staff_school(classes)
    world = World(
        school=school,
        clock=clock,
        rng=rng,
        people=PeopleMaker(rng.getrandbits(64)),
        profile=regulations,
        classes=classes,
        staffing=staffing,
        timetable=build_timetable(classes, staffing.courses, rng),
    )
    names: dict[str, PersonName] = {k: parse_name(n) for k, n in STAFF_NAMES.items()}
    set_up(world, names=names, student_accounts=STUDENT_ACCOUNT_CLASSES)
    moves_on = days[len(days) // 2]
    transfer = Transfer(
        on=moves_on,
        from_class="5А",
        to_class="5Б",
        order=f"№ 112-у от {moves_on - timedelta(days=3):%d.%m.%Y}",
    )
    live_through(world, days[0], days[-1], rates=STORYLINE_RATES, transfers=(transfer,))
    report = survey_demo(school)
    if report is None:
        raise AssertionError("the demo's year is in its log once seeded")
    return report


def has_demo_year(school: School) -> bool:
    """Whether the school's log already holds the demo's school year."""
    try:
        school.year(DEMO_YEAR)
    except NotFoundError:
        return False
    return True


class DemoOutcome(BaseModel):
    """What ``ensure_demo`` found or did."""

    model_config = ConfigDict(frozen=True)

    report: DemoReport
    seeded: bool
    """True when this call seeded the school; False when the demo was there already."""


def ensure_demo(
    settings: Settings,
    school_id: str | None = None,
    *,
    seed: int = 2026,
    reset: bool = False,
    clock: Clock | None = None,
) -> DemoOutcome:
    """Seed the demo into a school unless its log already holds the demo year.

    ``reset`` first drops the school's log, which is refused unless the demo started that log.
    The profile is the deployment's (``EJOURNAL_PROFILE``, School 77 by default); ``clock``
    tells today (the real clock unless given).
    """
    school_id = school_id or settings.school
    today = clock or SystemClock()
    if reset:
        reset_demo(settings, school_id)
    profile = load_profile(settings.profile)
    if settings.timezone is not None:
        # The deployment's zone for a new school (EJOURNAL_TIMEZONE), fixed with its year.
        profile = profile.model_copy(update={"timezone": settings.timezone})
    demo_clock = MovableClock(today.now())
    school = open_school(settings, school_id, clock=demo_clock)
    try:
        existing = survey_demo(school)
        if existing is not None:
            # A demo seeded before passwords were given gets them now, at today's time, so the
            # log's times still only move forward.
            school.clock = today
            if give_demo_passwords(settings, school, existing):
                existing = survey_demo(school) or existing
            return DemoOutcome(report=existing, seeded=False)
        seed_demo(school, seed=seed, clock=demo_clock, profile=profile)
        report = survey_demo(school)
        if report is None:
            raise AssertionError("the demo's year is in its log once seeded")
        give_demo_passwords(settings, school, report)
        # Read back from the log, so the figures include the credentials just recorded.
        return DemoOutcome(report=survey_demo(school) or report, seeded=True)
    finally:
        school.close()


def give_demo_passwords(settings: Settings, school: School, report: DemoReport) -> int:
    """Give every demo login the demo password, as the administrator would; returns how many
    were given (logins that have a password already keep it)."""
    logins = [login for names in report.logins.values() for login in names]
    return give_passwords(
        settings, school, report.logins["administrator"][0], logins, DEMO_PASSWORD
    )


def reset_demo(settings: Settings, school_id: str) -> None:
    """Drop a demo school's log so it can be seeded afresh.

    Only a log the demo itself started (its first event is the demo's administrator, created
    by the service) or an empty one is dropped: a school's real journal is never thrown away.
    """
    school = open_school(settings, school_id)
    try:
        started_by_demo = school.position() == 0 or _first_event_is_demo(school)
    finally:
        school.close()
    if not started_by_demo:
        raise DemoSeedError(
            f"refusing to reset school {school_id!r}: its log was not started by the demo"
        )
    storage.drop_school(settings, school_id)
    # The dropped log's signed checkpoints are kept, set aside: left in place, they would make
    # the new log of the same id look like a rewritten one, and the notary would refuse it.
    retire_checkpoints(settings, school_id, SystemClock().now())


def _first_event_is_demo(school: School) -> bool:
    first = school.recorder.select_notifications(start=1, limit=1)
    if not first:
        return False
    event = school.mapper.to_domain_event(first[0])
    return (
        isinstance(event, Account.Registered)
        and event.actor.role is Role.SYSTEM
        and event.login == login_for(parse_name(ADMINISTRATOR_NAME))
    )


# --- reading the log back -------------------------------------------------------------------------


def _kind(topic: str) -> str:
    """``ClassJournal.MarkRecorded`` from ``ejournal.aggregates.class_journal:ClassJournal...``."""
    return topic.rpartition(":")[2]


def notifications(school: School, page: int = 1000) -> Iterator[tuple[str, Notification]]:
    """Every event of the school's log as (kind, stored notification), in log order."""
    start = 1
    while True:
        batch = school.recorder.select_notifications(start=start, limit=page)
        if not batch:
            return
        for notification in batch:
            yield _kind(notification.topic), notification
        start = batch[-1].id + 1


def count_event_kinds(school: School) -> dict[str, int]:
    """How many events of each kind the log holds, by kind."""
    counts = Counter(kind for kind, _ in notifications(school))
    return dict(sorted(counts.items()))


def survey_demo(school: School) -> DemoReport | None:
    """The report of a demo school, read from its log (None if not seeded)."""
    if not has_demo_year(school):
        return None
    kinds: Counter[str] = Counter()
    facts: Counter[str] = Counter()
    classes: list[str] = []
    lesson_days: set[date] = set()
    profile = ""
    logins: dict[str, list[str]] = {}
    login_of: dict[UUID, str] = {}
    for kind, notification in notifications(school):
        kinds[kind] += 1
        if kind not in _DECODED:
            continue
        event = school.mapper.to_domain_event(notification)
        match event:
            case SchoolYear.Started():
                profile = event.profile.id
            case SchoolYear.ClassFormed():
                classes.append(event.school_class.code)
            case ClassJournal.LessonHeld():
                lesson_days.add(event.lesson.on)
                facts["late_lessons"] += event.lesson.late is not None
                facts["substituted_lessons"] += event.lesson.substitution_id is not None
            case ClassJournal.AttendanceRecorded():
                facts[event.status.value] += 1
            case Account.Registered():
                login_of[event.originator_id] = event.login
            case Account.RoleGranted():
                role = event.grant.role.value
                logins.setdefault(role, []).append(login_of[event.originator_id])
    return DemoReport(
        school=school.school_id,
        year=DEMO_YEAR,
        profile=profile,
        classes=tuple(classes),
        journals=kinds["ClassJournal.Opened"],
        students=kinds["Student.Admitted"],
        guardians=kinds["Student.GuardianAdded"],
        parent_accounts=len(logins.get(Role.PARENT.value, ())),
        consents=kinds["Student.ConsentRecorded"],
        first_day=min(lesson_days, default=None),
        last_day=max(lesson_days, default=None),
        lessons=kinds["ClassJournal.LessonHeld"],
        late_lessons=facts["late_lessons"],
        substituted_lessons=facts["substituted_lessons"],
        marks=kinds["ClassJournal.MarkRecorded"],
        corrections=kinds["ClassJournal.MarkCorrected"] + kinds["ClassJournal.MarkVoided"],
        absences=facts[Attendance.ABSENT.value],
        late_arrivals=facts[Attendance.LATE.value],
        absence_reasons=kinds["ClassJournal.AbsenceReasonSet"],
        transfers=kinds["Student.Transferred"],
        events=sum(kinds.values()),
        events_by_kind=dict(sorted(kinds.items())),
        position=school.position(),
        logins={role: tuple(names) for role, names in logins.items()},
    )


_DECODED = frozenset(
    {
        "SchoolYear.Started",
        "SchoolYear.ClassFormed",
        "ClassJournal.LessonHeld",
        "ClassJournal.AttendanceRecorded",
        "Account.Registered",
        "Account.RoleGranted",
    }
)
"""The kinds of event whose contents the survey reads; the rest it only counts."""


def describe_report(report: DemoReport) -> str:
    """The demo's figures in plain English, one fact a line."""
    span = (
        f"from {_day(report.first_day)} to {_day(report.last_day)}"
        if report.first_day and report.last_day
        else "(no school days)"
    )
    lines = [
        f"School year {report.year} under the {report.profile} regulation profile.",
        f"  classes     {', '.join(report.classes)} with {report.journals} journals",
        f"  students    {report.students}: {report.guardians} guardians,"
        f" {report.consents} consent records, {report.parent_accounts} parent accounts,"
        f" {report.transfers} transferred between classes",
        f"  lessons     {report.lessons} held {span}: {report.late_lessons} entered late under"
        f" a deputy's permission, {report.substituted_lessons} taught by a substitute",
        f"  marks       {report.marks} given, {report.corrections} corrected",
        f"  attendance  {report.absences} absences and {report.late_arrivals} late arrivals;"
        f" {report.absence_reasons} absence reasons set by class teachers",
        f"  the log     {report.events} events, position {report.position}",
        "Events by kind:",
    ]
    width = max(map(len, report.events_by_kind), default=0)
    lines += [f"  {kind:<{width}}  {n:>6}" for kind, n in report.events_by_kind.items()]
    lines.append(f"Logins by role (each with the password {DEMO_PASSWORD!r}):")
    width = max(map(len, report.logins), default=0)
    lines += [f"  {role:<{width}}  {', '.join(names)}" for role, names in report.logins.items()]
    return "\n".join(lines)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
