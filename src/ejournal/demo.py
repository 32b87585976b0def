"""The demo school: a realistic School 77 built through the real command path.

``seed_demo`` sets up school year 2026/2027 in late August as a school's staff would (accounts,
periods and holidays, bells, classes 1А, 5А, 5Б and 9А with their journals, timetables and
calendar-thematic plans, students with guardians, consent and parent accounts, the English
subgroups), then lives through the first two school weeks, 1–14 September 2026: every lesson is
recorded on its day between its end and the profile's deadline, with topic, homework, absences
and marks, and the class teachers set absence reasons. The fortnight also holds one substitution,
one mark correction, one entry made late under a deputy's permission and one transfer 5А → 5Б.

Everything is written by the command handlers, as the acting person, on a MovableClock the school
was opened with; the result depends only on the seed. ``survey_demo`` reads the same figures back
from the log, for a school seeded earlier.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.persistence import Notification
from pydantic import BaseModel, ConfigDict

from ejournal import storage
from ejournal.access import system_actor
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.clock import MovableClock, SystemClock
from ejournal.commands import (
    accounts,
    attendance,
    journals,
    lessons,
    marks,
    students,
    substitutions,
    year,
)
from ejournal.commands.marking import MarkEntry
from ejournal.errors import EjournalError, NotFoundError
from ejournal.generator.ktp import homework, ktp_item_for, ktp_lines
from ejournal.generator.people import feminine, login_for, parse_name
from ejournal.generator.seeding import give_passwords
from ejournal.generator.year_calendar import (
    BELLS,
    DEMO_YEAR,
    FIRST_DAY,
    PERIODS,
    SET_UP_DAY,
    holidays_for,
)
from ejournal.integrity.notary import retire_checkpoints
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.policy.deadlines import EntryKind, entry_deadline
from ejournal.policy.profile import CorrectionMode, RegulationProfile, load_profile
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

__all__ = [
    "BELLS",
    "BOYS",
    "CLASSES",
    "DEMO_PASSWORD",
    "DEMO_YEAR",
    "FATHERS",
    "FIRST_DAY",
    "GIRLS",
    "HOLIDAYS",
    "LAST_DAY",
    "MOTHERS",
    "PERIODS",
    "SET_UP_DAY",
    "STAFF",
    "SURNAMES",
    "DemoOutcome",
    "DemoReport",
    "DemoSeedError",
    "count_event_kinds",
    "describe_report",
    "ensure_demo",
    "feminine",
    "give_demo_passwords",
    "has_demo_year",
    "ktp_item_for",
    "ktp_lines",
    "login_for",
    "notifications",
    "parse_name",
    "reset_demo",
    "seed_demo",
    "survey_demo",
]

LAST_DAY = date(2026, 9, 14)
"""The demo lives through two school weeks: Tuesday 1 September to Monday 14 September 2026."""

TRANSFER_DAY = date(2026, 9, 7)
LATE_LESSON_DAY = date(2026, 9, 8)
CORRECTION_DAY = date(2026, 9, 9)
SUBSTITUTION_DAY = date(2026, 9, 10)

# --- the calendar -------------------------------------------------------------------------

HOLIDAYS = holidays_for(("1А",))
"""The year's holidays; the extra February week is for 1А, the demo's only first grade."""

# --- the staff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    """One person on the staff list: a key the curriculum names them by, and their roles."""

    key: str
    name: str
    roles: tuple[Role, ...]
    leads: str | None = None
    """The class this person is class teacher of."""


STAFF: tuple[StaffMember, ...] = (
    StaffMember("admin", "Орлова Нина Петровна", (Role.ADMINISTRATOR,)),
    StaffMember("director", "Ковалёва Галина Васильевна", (Role.DIRECTOR,)),
    StaffMember("deputy", "Смирнова Ольга Ивановна", (Role.DEPUTY,)),
    StaffMember("secretary", "Кузнецова Анна Сергеевна", (Role.SECRETARY,)),
    StaffMember("primary", "Соколова Татьяна Николаевна", (Role.TEACHER, Role.CLASS_TEACHER), "1А"),
    StaffMember("russian", "Морозова Елена Викторовна", (Role.TEACHER, Role.CLASS_TEACHER), "5А"),
    StaffMember("math5", "Лебедев Андрей Сергеевич", (Role.TEACHER, Role.CLASS_TEACHER), "5Б"),
    StaffMember("history", "Семёнов Дмитрий Олегович", (Role.TEACHER, Role.CLASS_TEACHER), "9А"),
    StaffMember("math9", "Козлова Наталья Владимировна", (Role.TEACHER,)),
    StaffMember("english1", "Павлова Анна Дмитриевна", (Role.TEACHER,)),
    StaffMember("english2", "Волкова Мария Игоревна", (Role.TEACHER,)),
    StaffMember("science", "Фролова Светлана Петровна", (Role.TEACHER,)),
    StaffMember("physics", "Белов Павел Николаевич", (Role.TEACHER,)),
    StaffMember("pe", "Захаров Игорь Валентинович", (Role.TEACHER,)),
    StaffMember("music", "Богданова Ольга Юрьевна", (Role.TEACHER,)),
    StaffMember("inspector", "Григорьев Виктор Алексеевич", (Role.INSPECTOR,)),
    StaffMember("auditor", "Тарасова Людмила Андреевна", (Role.AUDITOR,)),
)

# --- the curriculum -----------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """A subject taught in a class: weekly hours, and its teacher (one per subgroup if split)."""

    subject: str
    hours: int
    teachers: tuple[str, ...]

    @property
    def split(self) -> bool:
        return len(self.teachers) > 1


@dataclass(frozen=True)
class ClassPlan:
    """A class of the demo: its grade, lessons a day and courses (the hours fill the week)."""

    code: str
    grade: int
    per_day: int
    size: tuple[int, int]
    courses: tuple[Course, ...]


_ENGLISH = ("english1", "english2")

CLASSES: tuple[ClassPlan, ...] = (
    ClassPlan(
        "1А",
        1,
        4,
        (20, 24),
        (
            Course("russian_language", 5, ("primary",)),
            Course("literary_reading", 4, ("primary",)),
            Course("mathematics", 4, ("primary",)),
            Course("world_around", 2, ("primary",)),
            Course("music", 1, ("music",)),
            Course("fine_arts", 1, ("primary",)),
            Course("technology", 1, ("primary",)),
            Course("physical_education", 2, ("pe",)),
        ),
    ),
    *(
        ClassPlan(
            code,
            5,
            5,
            (22, 25),
            (
                Course("russian_language", 5, ("russian",)),
                Course("literature", 3, ("russian",)),
                Course("mathematics", 5, ("math5",)),
                Course("foreign_language", 3, _ENGLISH),
                Course("history", 2, ("history",)),
                Course("biology", 1, ("science",)),
                Course("geography", 1, ("science",)),
                Course("music", 1, ("music",)),
                Course("fine_arts", 1, ("music",)),
                Course("physical_education", 2, ("pe",)),
                Course("odnknr", 1, ("history",)),
            ),
        )
        for code in ("5А", "5Б")
    ),
    ClassPlan(
        "9А",
        9,
        6,
        (21, 25),
        (
            Course("russian_language", 3, ("russian",)),
            Course("literature", 3, ("russian",)),
            Course("foreign_language", 3, _ENGLISH),
            Course("algebra", 3, ("math9",)),
            Course("geometry", 2, ("math9",)),
            Course("probability", 1, ("math9",)),
            Course("informatics", 1, ("physics",)),
            Course("history", 2, ("history",)),
            Course("social_studies", 1, ("history",)),
            Course("geography", 2, ("science",)),
            Course("biology", 2, ("science",)),
            Course("physics", 3, ("physics",)),
            Course("chemistry", 2, ("science",)),
            Course("physical_education", 2, ("pe",)),
        ),
    ),
)

# --- names --------------------------------------------------------------------------------

SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
    "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Назаров", "Калинин", "Исаев", "Быков", "Маслов", "Родионов",
    "Лазарев", "Воронин", "Климов", "Голубев", "Прохоров", "Наумов", "Потапов", "Журавлёв",
    "Леонов", "Соболев", "Ермаков", "Гончаров", "Котов", "Громов", "Кириллов", "Панов",
    "Островский", "Вишневский", "Покровский", "Задорожный", "Шевченко", "Бондаренко",
)  # fmt: skip
"""Masculine forms; the feminine is derived (Иванов → Иванова, Островский → Островская)."""

BOYS = (
    "Александр", "Максим", "Артём", "Михаил", "Иван", "Дмитрий", "Даниил", "Кирилл", "Матвей",
    "Егор", "Тимофей", "Андрей", "Илья", "Никита", "Алексей", "Роман", "Марк", "Лев", "Фёдор",
    "Глеб", "Арсений", "Степан", "Владимир", "Ярослав",
)  # fmt: skip
GIRLS = (
    "Анна", "София", "Мария", "Виктория", "Полина", "Алиса", "Дарья", "Варвара", "Ксения",
    "Елизавета", "Александра", "Вероника", "Ева", "Арина", "Милана", "Екатерина", "Василиса",
    "Ульяна", "Валерия", "Таисия", "Кира", "Злата", "Есения", "Алёна",
)  # fmt: skip
MOTHERS = (
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Юлия", "Екатерина",
    "Марина", "Мария", "Оксана", "Анастасия", "Евгения", "Надежда", "Виктория",
)  # fmt: skip
FATHERS: tuple[tuple[str, str, str], ...] = (
    # first name, patronymic of a son, patronymic of a daughter
    ("Александр", "Александрович", "Александровна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Павел", "Павлович", "Павловна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Роман", "Романович", "Романовна"),
    ("Денис", "Денисович", "Денисовна"),
    ("Илья", "Ильич", "Ильинична"),
    ("Никита", "Никитич", "Никитична"),
    ("Кирилл", "Кириллович", "Кирилловна"),
    ("Антон", "Антонович", "Антоновна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
)

# --- the report ---------------------------------------------------------------------------


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
    lessons: int
    """Lessons held, from FIRST_DAY to LAST_DAY."""
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


# --- seeding ------------------------------------------------------------------------------


class DemoSeedError(EjournalError):
    """The demo cannot be seeded here (wrong clock, or the school already holds the year)."""

    slug = "demo-not-seeded"
    title = "The demo school cannot be seeded here"
    status = 409


def seed_demo(
    school: School, *, seed: int = 2026, clock: MovableClock, profile: str = "school77"
) -> DemoReport:
    """Seed the demo school into an empty log; the result depends only on ``seed``.

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
    rng = random.Random(seed)  # noqa: S311 (a demo's dice, not a secret)
    seeder = _Seeder(school, clock, rng, load_profile(profile))
    seeder.set_up()
    seeder.live_through(FIRST_DAY, LAST_DAY)
    return seeder.report()


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
    settings: Settings, school_id: str | None = None, *, seed: int = 2026, reset: bool = False
) -> DemoOutcome:
    """Seed the demo into a school unless its log already holds the demo year.

    ``reset`` first drops the school's log, which is refused unless the demo started that log.
    The profile is the deployment's (``EJOURNAL_PROFILE``, School 77 by default).
    """
    school_id = school_id or settings.school
    if reset:
        reset_demo(settings, school_id)
    profile = load_profile(settings.profile)
    if settings.timezone is not None:
        # The deployment's zone for a new school (EJOURNAL_TIMEZONE), fixed with its year.
        profile = profile.model_copy(update={"timezone": settings.timezone})
    clock = MovableClock(
        datetime.combine(SET_UP_DAY, time(9, 0), tzinfo=ZoneInfo(profile.timezone))
    )
    school = open_school(settings, school_id, clock=clock)
    try:
        existing = survey_demo(school)
        if existing is not None:
            # A demo seeded before passwords were given gets them now, at today's time, so the
            # log's times still only move forward.
            school.clock = SystemClock()
            if give_demo_passwords(settings, school, existing):
                existing = survey_demo(school) or existing
            return DemoOutcome(report=existing, seeded=False)
        report = seed_demo(school, seed=seed, clock=clock, profile=profile.id)
        give_demo_passwords(settings, school, report)
        # Read back from the log, so the figures include the credentials just recorded.
        return DemoOutcome(report=survey_demo(school) or report, seeded=True)
    finally:
        school.close()


DEMO_PASSWORD = "demo-ejournal"  # noqa: S105 (printed for everyone to try the demo with)


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
        and event.login == login_for(parse_name(STAFF[0].name))
    )


@dataclass
class Pupil:
    """The demo's own note of a student: where they sit and how they tend to do."""

    id: UUID
    name: PersonName
    class_code: str
    ability: float
    subgroup: str | None = None
    sick_days: set[date] = field(default_factory=set)
    """School days missed whole (an illness or a family matter)."""


@dataclass
class _Tally:
    lessons: int = 0
    late_lessons: int = 0
    substituted_lessons: int = 0
    marks: int = 0
    corrections: int = 0
    absences: int = 0
    late_arrivals: int = 0
    absence_reasons: int = 0
    guardians: int = 0
    consents: int = 0
    transfers: int = 0
    parents: list[str] = field(default_factory=list)
    logins: dict[str, list[str]] = field(default_factory=dict)

    def grant(self, role: Role, login: str) -> None:
        self.logins.setdefault(role.value, []).append(login)


@dataclass(frozen=True)
class _Slot:
    """One timetabled lesson of a class: a course in a slot on a weekday."""

    class_code: str
    weekday: int
    slot: int
    course: Course


@dataclass
class _JournalNote:
    """What the demo remembers of a journal it records into."""

    id: UUID
    class_code: str
    grade: int
    subject: str
    subgroup: str | None
    teacher: str
    ktp: tuple[journals.KtpLine, ...]
    held: int = 0
    marks: list[tuple[UUID, str, date]] = field(default_factory=list)


Action = Callable[[], None]


class _Seeder:
    """Builds the demo school, one command at a time, as the person who would do each step."""

    def __init__(
        self, school: School, clock: MovableClock, rng: random.Random, profile: RegulationProfile
    ) -> None:
        self.school = school
        self.clock = clock
        self.rng = rng
        self.profile = profile
        self.zone = ZoneInfo(profile.timezone)
        self.tally = _Tally()
        self.staff: dict[str, UUID] = {}
        self.pupils: list[Pupil] = []
        self.journals: dict[tuple[str, str, str | None], _JournalNote] = {}
        self.timetable: list[_Slot] = []
        self.used_logins: set[str] = set()
        self.spells: list[tuple[Pupil, list[date], AbsenceReason]] = []
        self._year: SchoolYear | None = None

    # --- acting -------------------------------------------------------------------------

    def actor(self, key: str, role: Role | None = None) -> Actor:
        member = next(m for m in STAFF if m.key == key)
        return Actor(account_id=self.staff[key], role=role or member.roles[0])

    def class_teacher(self, class_code: str) -> Actor:
        """The class teacher of a class, acting as such (absence reasons, families, groups)."""
        leader = next(m.key for m in STAFF if m.leads == class_code)
        return self.actor(leader, Role.CLASS_TEACHER)

    def at(self, day: date, moment: time) -> None:
        """Move the server clock to a local time at the school (never backwards)."""
        target = datetime.combine(day, moment, tzinfo=self.zone)
        if target < self.clock.now():
            raise DemoSeedError(f"the demo's clock would run backwards to {target}")
        self.clock.set(target)

    def tick(self, low: int = 15, high: int = 50) -> None:
        """The seconds a person takes between two entries."""
        self.clock.advance(timedelta(seconds=self.rng.randint(low, high)))

    @property
    def year(self) -> SchoolYear:
        """The year as set up (read once set-up is over: calendar, bells, timetable)."""
        if self._year is None:
            self._year = self.school.year(DEMO_YEAR)
        return self._year

    # --- set-up in late August ------------------------------------------------------------

    def set_up(self) -> None:
        # The log is empty: whatever the clock said, the demo's history starts here.
        self.clock.set(self.local(SET_UP_DAY, time(9, 0)))
        self.bootstrap_administrator()
        self.start_year()
        self.register_staff()
        self.at(date(2026, 8, 25), time(10, 0))
        self.form_classes()
        self.open_journals()
        self.at(date(2026, 8, 26), time(9, 30))
        self.declare_holidays()
        self.set_timetables()
        self.at(date(2026, 8, 27), time(14, 0))
        self.set_ktps()
        self.at(date(2026, 8, 28), time(9, 0))
        self.admit_students()
        self.at(date(2026, 8, 31), time(9, 0))
        self.split_english()
        self.register_families()

    def register(self, login: str, full_name: str, email: str | None = None) -> UUID:
        if login in self.used_logins:
            raise DemoSeedError(f"login {login} is taken")
        self.used_logins.add(login)
        admin = self.actor("admin") if "admin" in self.staff else system_actor()
        recorded = accounts.register_account(
            self.school,
            admin,
            accounts.RegisterAccount(login=login, full_name=full_name, email=email),
        )
        self.tick()
        return recorded.ids["account_id"]

    def grant(
        self,
        account_id: UUID,
        login: str,
        role: Role,
        *,
        by: Actor,
        class_code: str | None = None,
        student_id: UUID | None = None,
    ) -> None:
        accounts.grant_role(
            self.school,
            by,
            accounts.GrantRole(
                account_id=account_id,
                role=role,
                class_code=class_code,
                year=DEMO_YEAR if class_code is not None else None,
                student_id=student_id,
            ),
        )
        self.tally.grant(role, login)
        self.tick()

    def bootstrap_administrator(self) -> None:
        """The service itself creates the first administrator; everything else is theirs."""
        member = STAFF[0]
        login = login_for(parse_name(member.name))
        account_id = self.register(login, member.name)
        self.grant(account_id, login, Role.ADMINISTRATOR, by=system_actor())
        self.staff[member.key] = account_id

    def register_staff(self) -> None:
        for member in STAFF[1:]:
            login = login_for(parse_name(member.name))
            account_id = self.register(login, member.name, f"{login}@school77.example")
            for role in member.roles:
                if role is Role.CLASS_TEACHER:
                    # Granted with the class it names, when the class is formed (form_classes).
                    self.tally.grant(role, login)
                else:
                    self.grant(account_id, login, role, by=self.actor("admin"))
            self.staff[member.key] = account_id

    def start_year(self) -> None:
        admin = self.actor("admin")
        year.start_school_year(
            self.school,
            admin,
            year.StartSchoolYear(
                label=DEMO_YEAR,
                starts_on=FIRST_DAY,
                ends_on=date(2027, 5, 31),
                periods=PERIODS[self.profile.period_kind],
                profile=self.profile.id,
                timezone=self.profile.timezone,
            ),
        )
        self.tick()
        year.set_bell_schedule(
            self.school,
            admin,
            year.SetBellSchedule(
                year=DEMO_YEAR,
                slots=tuple(year.BellSpec(slot=n, start=s, end=e) for n, s, e in BELLS),
            ),
        )
        self.tick()

    def declare_holidays(self) -> None:
        """The deputy enters the holidays of the education department's calendar."""
        for start, end, reason, classes in HOLIDAYS:
            year.declare_closure(
                self.school,
                self.actor("deputy"),
                year.DeclareClosure(
                    year=DEMO_YEAR,
                    start=start,
                    end=end,
                    kind="holidays",
                    classes=classes,
                    reason=reason,
                ),
            )
            self.tick()

    def form_classes(self) -> None:
        leaders = {m.leads: m.key for m in STAFF if m.leads}
        for plan in CLASSES:
            year.form_class(
                self.school,
                self.actor("admin"),
                year.FormClass(
                    year=DEMO_YEAR,
                    grade=plan.grade,
                    letter=plan.code[len(str(plan.grade)) :],
                    class_teacher_id=self.staff[leaders[plan.code]],
                ),
            )
            self.tick()

    def open_journals(self) -> None:
        for plan in CLASSES:
            for course in plan.courses:
                subgroups: tuple[str | None, ...] = ("1", "2") if course.split else (None,)
                for subgroup, teacher in zip(subgroups, course.teachers, strict=True):
                    recorded = journals.open_journal(
                        self.school,
                        self.actor("admin"),
                        journals.OpenJournal(
                            year=DEMO_YEAR,
                            class_code=plan.code,
                            subject=course.subject,
                            subgroup=subgroup,
                            teachers=(self.staff[teacher],),
                        ),
                    )
                    self.journals[(plan.code, course.subject, subgroup)] = _JournalNote(
                        id=recorded.ids["journal_id"],
                        class_code=plan.code,
                        grade=plan.grade,
                        subject=course.subject,
                        subgroup=subgroup,
                        teacher=teacher,
                        ktp=ktp_lines(course.subject, plan.grade, course.hours),
                    )
                    self.tick()

    def set_timetables(self) -> None:
        self.timetable = build_timetable(self.rng)
        for plan in CLASSES:
            entries = [
                year.TimetableSpec(weekday=s.weekday, slot=s.slot, journal_id=note.id)
                for s in self.timetable
                if s.class_code == plan.code
                for note in self.notes_of(s)
            ]
            year.set_timetable(
                self.school,
                self.actor("deputy"),
                year.SetTimetable(year=DEMO_YEAR, class_code=plan.code, entries=tuple(entries)),
            )
            self.tick(60, 180)

    def notes_of(self, slot: _Slot) -> list[_JournalNote]:
        """The journals a timetabled lesson is recorded in (two for a split subject)."""
        groups: tuple[str | None, ...] = ("1", "2") if slot.course.split else (None,)
        return [self.journals[(slot.class_code, slot.course.subject, g)] for g in groups]

    def set_ktps(self) -> None:
        for note in self.journals.values():
            journals.set_ktp(
                self.school,
                self.actor(note.teacher, Role.TEACHER),
                journals.SetKtp(journal_id=note.id, items=note.ktp),
            )
            self.tick(60, 240)

    def admit_students(self) -> None:
        for plan in CLASSES:
            order = "№ 87-у от 28.08.2026" if plan.grade == 1 else "№ 88-у от 28.08.2026"
            for name in self.class_list(plan):
                recorded = students.admit_student(
                    self.school,
                    self.actor("secretary"),
                    students.AdmitStudent(
                        year=DEMO_YEAR,
                        name=name,
                        birth_date=self.birth_date(plan.grade),
                        class_code=plan.code,
                        on=FIRST_DAY,
                        order=order,
                    ),
                )
                ability = min(4.9, max(2.6, self.rng.gauss(4.0, 0.5)))
                self.pupils.append(
                    Pupil(recorded.ids["student_id"], name, plan.code, round(ability, 2))
                )
                self.tick()

    def class_list(self, plan: ClassPlan) -> list[PersonName]:
        """A class's students in register order (by surname, then first name)."""
        size = self.rng.randint(*plan.size)
        names = []
        for surname in self.rng.sample(SURNAMES, size):
            girl = self.rng.random() < 0.5
            _, son, daughter = self.rng.choice(FATHERS)
            names.append(
                PersonName(
                    last=feminine(surname) if girl else surname,
                    first=self.rng.choice(GIRLS if girl else BOYS),
                    patronymic=daughter if girl else son,
                )
            )
        return sorted(names, key=lambda n: (n.last.replace("ё", "е"), n.first))

    def birth_date(self, grade: int) -> date:
        """Born between 1 September and 31 August of the cohort's year of birth."""
        first = date(2026 - grade - 7, 9, 1)
        return first + timedelta(days=self.rng.randrange(365))

    def split_english(self) -> None:
        """The class teachers split their classes in two English groups, in register order."""
        for plan in CLASSES:
            if not any(c.split for c in plan.courses):
                continue
            roster = [p for p in self.pupils if p.class_code == plan.code]
            half = (len(roster) + 1) // 2
            for index, pupil in enumerate(roster):
                self.place_in_subgroup(pupil, "1" if index < half else "2", FIRST_DAY)

    def place_in_subgroup(self, pupil: Pupil, subgroup: str, on: date) -> None:
        students.move_to_subgroup(
            self.school,
            self.class_teacher(pupil.class_code),
            students.MoveToSubgroup(
                year=DEMO_YEAR,
                student_id=pupil.id,
                subject="foreign_language",
                subgroup=subgroup,
                on=on,
            ),
        )
        pupil.subgroup = subgroup
        self.tick(10, 30)

    def register_families(self) -> None:
        """Guardians and consent for every student; a parent account for about a third."""
        for pupil in self.pupils:
            self.add_family(pupil, self.class_teacher(pupil.class_code))

    def add_family(self, pupil: Pupil, class_teacher: Actor) -> None:
        male_surname = next(s for s in SURNAMES if pupil.name.last in (s, feminine(s)))
        father_first = next(
            f for f, son, daughter in FATHERS if pupil.name.patronymic in (son, daughter)
        )
        mother = PersonName(
            last=feminine(male_surname),
            first=self.rng.choice(MOTHERS),
            patronymic=self.rng.choice(FATHERS)[2],
        )
        account_id: UUID | None = None
        login = ""
        if self.rng.random() < 0.35:
            login = self.free_login(login_for(mother))
            account_id = self.register(login, str(mother), f"{login}@mail.example")
            self.tally.parents.append(login)
        mother_id = self.add_guardian(pupil, class_teacher, mother, "mother", account_id)
        if account_id is not None:
            # The parent role goes to a recorded guardian only (Gymnasium 2 §3.7).
            self.grant(account_id, login, Role.PARENT, by=class_teacher, student_id=pupil.id)
        if self.rng.random() < 0.6:
            father = PersonName(
                last=male_surname, first=father_first, patronymic=self.rng.choice(FATHERS)[1]
            )
            self.add_guardian(pupil, class_teacher, father, "father", None)
        students.record_consent(
            self.school,
            class_teacher,
            students.RecordConsent(
                student_id=pupil.id,
                given_by=mother_id,
                given_on=date(2026, 8, 31),
                document="Согласие на обработку персональных данных от 31.08.2026",
            ),
        )
        self.tally.consents += 1
        self.tick()

    def add_guardian(
        self,
        pupil: Pupil,
        class_teacher: Actor,
        name: PersonName,
        relation: Literal["mother", "father"],
        account_id: UUID | None,
    ) -> UUID:
        recorded = students.add_guardian(
            self.school,
            class_teacher,
            students.AddGuardian(
                student_id=pupil.id,
                name=name,
                relation=relation,
                phone=f"+7 9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)}-"
                f"{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}",
                account_id=account_id,
            ),
        )
        self.tally.guardians += 1
        self.tick()
        return recorded.ids["guardian_id"]

    def free_login(self, login: str) -> str:
        candidate, n = login, 1
        while candidate in self.used_logins:
            n += 1
            candidate = f"{login}{n}"
        return candidate

    # --- the school weeks ---------------------------------------------------------------

    def live_through(self, first: date, last: date) -> None:
        """Each school day in turn: what was left from the day before, then the day's own
        entries, all in the order of the moments they are made at."""
        days = list(self.year.calendar().working_days(first, last))
        self.plan_absences(days)
        carried: list[tuple[datetime, Action]] = []
        for index, day in enumerate(days):
            following = days[index + 1] if index + 1 < len(days) else None
            self.run_agenda(carried + self.day_agenda(day))
            carried = self.after_day(day, following)
            if following is None:
                self.run_agenda(carried)

    def run_agenda(self, agenda: list[tuple[datetime, Action]]) -> None:
        ordered = sorted(range(len(agenda)), key=lambda i: (agenda[i][0], i))
        for i in ordered:
            moment, action = agenda[i]
            # Entries that take a while (a subgroup placement) may push the next one on.
            self.clock.set(max(moment, self.clock.now()))
            action()

    def plan_absences(self, days: list[date]) -> None:
        """Illness spells of one to four school days, for some students; the class teachers
        record their reasons when the student is back (or on the last day)."""
        for pupil in self.pupils:
            index = 0
            while index < len(days):
                if self.rng.random() < 0.03:
                    length = self.rng.choice((1, 1, 2, 2, 3, 4))
                    span = days[index : index + length]
                    reason = (
                        AbsenceReason.ILLNESS if self.rng.random() < 0.8 else AbsenceReason.FAMILY
                    )
                    self.spells.append((pupil, span, reason))
                    pupil.sick_days.update(span)
                    index += length + 1
                else:
                    index += 1

    def day_agenda(self, day: date) -> list[tuple[datetime, Action]]:
        agenda: list[tuple[datetime, Action]] = []
        if day == TRANSFER_DAY:
            agenda.append((self.local(day, time(8, 5)), self.transfer))
        if day == SUBSTITUTION_DAY:
            agenda += self.substitution(day)
        if day == CORRECTION_DAY:
            agenda.append((self.local(day, time(16, 10)), self.correction))
        weekday = day.isoweekday()
        for slot in (s for s in self.timetable if s.weekday == weekday):
            if (day, slot) in (
                (LATE_LESSON_DAY, self.late_slot),
                (SUBSTITUTION_DAY, self.cover_slot),
            ):
                continue
            for note in self.notes_of(slot):
                moment = self.recording_moment(day, slot, note)
                agenda.append((moment, self.lesson_action(day, slot, note, note.teacher)))
        return agenda

    def after_day(self, day: date, following: date | None) -> list[tuple[datetime, Action]]:
        """Entries made about a day on the next school day (or that evening, on the last)."""
        agenda: list[tuple[datetime, Action]] = []
        if day == LATE_LESSON_DAY and following is not None:
            agenda += self.late_entry(day, following)
        start = self.local(following, time(8, 50)) if following else self.local(day, time(19, 30))
        for pupil, span, reason in self.spells:
            if span[-1] == day:
                moment = start + timedelta(minutes=len(agenda))
                agenda.append((moment, self.reason_action(pupil, span, reason)))
        return agenda

    def local(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone)

    def recording_moment(self, day: date, slot: _Slot, note: _JournalNote) -> datetime:
        """Most teachers fill the journal in the break after the lesson, some in the afternoon;
        always after the lesson ends and before the profile's deadline."""
        ends = self.local(day, self.year.lesson_end(slot.slot) or time(15, 0))
        closes = self.window_close(day, slot, note)
        earliest = ends + timedelta(minutes=2)
        if self.rng.random() < 0.65:
            moment = earliest + timedelta(minutes=self.rng.randint(0, 18))
        else:
            afternoon = max(earliest, self.local(day, time(14, 30)))
            spare = max(0, int((closes - afternoon).total_seconds() // 60) - 5)
            moment = afternoon + timedelta(minutes=self.rng.randint(0, spare))
        return min(moment, closes - timedelta(minutes=1))

    def window_close(self, day: date, slot: _Slot, note: _JournalNote) -> datetime:
        """When a lesson's entries are due under the profile, or 19:00 at the latest."""
        evening = self.local(day, time(19, 0))
        deadline = self.first_deadline(day, slot, note)
        return evening if deadline is None else min(deadline, evening)

    def first_deadline(self, day: date, slot: _Slot, note: _JournalNote) -> datetime | None:
        """The earliest deadline among a lesson's topic, homework, attendance and oral marks
        (None where the profile regulates none of them)."""
        closes = []
        for entry in (EntryKind.TOPIC, EntryKind.HOMEWORK, EntryKind.ATTENDANCE, EntryKind.MARK):
            deadline = entry_deadline(
                self.profile,
                self.year.calendar(),
                entry=entry,
                lesson_date=day,
                class_code=slot.class_code,
                subject=note.subject,
                work_kind=WorkKind.ORAL if entry is EntryKind.MARK else None,
                lesson_end=self.year.lesson_end(slot.slot),
                class_day_end=self.year.class_day_end(slot.class_code, day),
            )
            if deadline is not None:
                closes.append(deadline.closes_at)
        return min(closes, default=None)

    # --- one lesson ---------------------------------------------------------------------

    def lesson_action(self, day: date, slot: _Slot, note: _JournalNote, teacher: str) -> Action:
        def record() -> None:
            self.record_lesson(day, slot, note, self.actor(teacher, Role.TEACHER))

        return record

    def roster(self, note: _JournalNote) -> list[Pupil]:
        return [
            p
            for p in self.pupils
            if p.class_code == note.class_code
            and (note.subgroup is None or p.subgroup == note.subgroup)
        ]

    def record_lesson(self, day: date, slot: _Slot, note: _JournalNote, teacher: Actor) -> None:
        number = note.held + 1
        item, topic = ktp_item_for(note.ktp, number)
        present: list[Pupil] = []
        marked: dict[UUID, Attendance] = {}
        for pupil in self.roster(note):
            status = self.attendance_of(pupil, day, slot.slot)
            if status is Attendance.PRESENT or status is Attendance.LATE:
                present.append(pupil)
            if status is not Attendance.PRESENT:
                marked[pupil.id] = status
        entries = self.marks_for(note, topic, present)
        recorded = lessons.record_whole_lesson(
            self.school,
            teacher,
            lessons.RecordWholeLesson(
                journal_id=note.id,
                on=day,
                slot=slot.slot,
                topic=topic,
                homework=homework_for(note, number),
                ktp_item=item,
                attendance=marked,
                marks=tuple(entries),
            ),
        )
        note.held = number
        note.marks += [
            (recorded.ids[f"mark_{i}"], entry.value, day) for i, entry in enumerate(entries)
        ]
        self.tally.lessons += 1
        self.tally.marks += len(entries)
        self.tally.absences += sum(1 for s in marked.values() if s is Attendance.ABSENT)
        self.tally.late_arrivals += sum(1 for s in marked.values() if s is Attendance.LATE)

    def attendance_of(self, pupil: Pupil, day: date, slot: int) -> Attendance:
        if day in pupil.sick_days:
            return Attendance.ABSENT
        draw = self.rng.random()
        if draw < 0.015:
            return Attendance.ABSENT
        if draw < 0.015 + (0.03 if slot == 1 else 0.004):
            return Attendance.LATE
        return Attendance.PRESENT

    def marks_for(self, note: _JournalNote, topic: str, present: list[Pupil]) -> list[MarkEntry]:
        """No marks in grade 1 (School 77 §3.7), nor at the lessons of a subject taught without
        marks (it closes with a pass); a control work or dictation marks everyone present;
        otherwise a teacher questions a few students."""
        if note.grade == 1 or note.subject in self.profile.pass_fail_subjects or not present:
            return []
        lowered = topic.lower()
        if "контрольн" in lowered and not lowered.startswith("анализ"):
            kind = WorkKind.DICTATION if "диктант" in lowered else WorkKind.CONTROL
            return [
                MarkEntry(student_id=p.id, value=self.mark(p, -0.25), work_kind=kind)
                for p in present
            ]
        kinds: tuple[WorkKind, ...]
        if note.subject in ("music", "fine_arts"):
            count, kinds = self.rng.randint(0, 3), (WorkKind.CLASSWORK,)
        elif note.subject == "physical_education":
            count, kinds = self.rng.randint(2, 6), (WorkKind.PRACTICAL,)
        else:
            count = self.rng.randint(2, 5)
            kinds = (WorkKind.ORAL,) * 6 + (WorkKind.CLASSWORK,) * 3 + (WorkKind.HOMEWORK,) * 2
        chosen = self.rng.sample(present, min(count, len(present)))
        return [
            MarkEntry(student_id=p.id, value=self.mark(p), work_kind=self.rng.choice(kinds))
            for p in chosen
        ]

    def mark(self, pupil: Pupil, shift: float = 0.0) -> str:
        value = round(pupil.ability + shift + self.rng.gauss(0, 0.7))
        return str(min(5, max(2, value)))

    # --- the fortnight's special entries ------------------------------------------------

    @cached_property
    def late_slot(self) -> _Slot:
        """The last lesson of 5Б on LATE_LESSON_DAY: its teacher forgets to enter it."""
        weekday = LATE_LESSON_DAY.isoweekday()
        return max(
            (
                s
                for s in self.timetable
                if s.class_code == "5Б" and s.weekday == weekday and not s.course.split
            ),
            key=lambda s: s.slot,
        )

    def late_entry(self, day: date, following: date) -> list[tuple[datetime, Action]]:
        """The next morning the deputy permits the entry, and the teacher makes it; it is
        flagged late."""
        slot = self.late_slot
        note = self.notes_of(slot)[0]

        def permit() -> None:
            substitutions.permit_late_entry(
                self.school,
                self.actor("deputy"),
                substitutions.PermitLateEntry(
                    journal_id=note.id,
                    from_date=day,
                    to_date=day,
                    teacher_id=self.staff[note.teacher],
                    valid_days=2,
                    reason=(
                        f"Урок {day:%d.%m.%Y} ({note.class_code}, {slot.slot}-й урок) не внесён"
                        " в срок: служебная записка учителя о сбое доступа к журналу"
                    ),
                ),
            )

        entered_at = self.local(following, time(8, 32))
        deadline = self.first_deadline(day, slot, note)
        late = deadline is not None and entered_at > deadline

        def enter() -> None:
            self.record_lesson(day, slot, note, self.actor(note.teacher, Role.TEACHER))
            self.tally.late_lessons += late

        # Under a profile whose deadline has not passed by then, no permission is needed.
        permission = [(self.local(following, time(8, 20)), permit)] if late else []
        return [*permission, (entered_at, enter)]

    @cached_property
    def cover_slot(self) -> _Slot:
        """A lesson of 9А on SUBSTITUTION_DAY whose teacher is off sick."""
        weekday = SUBSTITUTION_DAY.isoweekday()
        return min(
            (
                s
                for s in self.timetable
                if s.class_code == "9А"
                and s.weekday == weekday
                and s.slot >= 3
                and not s.course.split
            ),
            key=lambda s: s.slot,
        )

    def substitute_for(self, slot: _Slot) -> str:
        """A colleague free in that slot, one who teaches the same subject if there is one."""
        busy = {
            teacher
            for s in self.timetable
            if (s.weekday, s.slot) == (slot.weekday, slot.slot)
            for teacher in s.course.teachers
        }
        free = [m.key for m in STAFF if Role.TEACHER in m.roles and m.key not in busy]
        same_subject = [
            key
            for key in free
            if any(
                c.subject == slot.course.subject and key in c.teachers
                for p in CLASSES
                for c in p.courses
            )
        ]
        return (same_subject or free)[0]

    def substitution(self, day: date) -> list[tuple[datetime, Action]]:
        """The deputy assigns a substitute before lessons; the substitute records the lesson."""
        slot = self.cover_slot
        note = self.notes_of(slot)[0]
        substitute = self.substitute_for(slot)

        def assign() -> None:
            substitutions.assign_substitution(
                self.school,
                self.actor("deputy"),
                substitutions.AssignSubstitution(
                    journal_id=note.id,
                    on=day,
                    slot=slot.slot,
                    substitute_id=self.staff[substitute],
                    replaced_id=self.staff[note.teacher],
                    reason="Болезнь учителя (листок нетрудоспособности)",
                ),
            )

        def teach() -> None:
            self.record_lesson(day, slot, note, self.actor(substitute, Role.TEACHER))
            self.tally.substituted_lessons += 1

        return [
            (self.local(day, time(7, 40)), assign),
            (self.recording_moment(day, slot, note), teach),
        ]

    def correction(self) -> None:
        """The 5А mathematics teacher finds a mark entered wrongly: corrects its value, or,
        where a profile never changes a value, voids the entry (with a deputy's remark where
        the profile asks for one)."""
        note = self.journals[("5А", "mathematics", None)]
        mark_id, value, _ = next(m for m in reversed(note.marks) if m[1] != "5")
        rules = self.profile.corrections
        if rules.value_change is not CorrectionMode.FORBIDDEN:
            self.correct_value(note, mark_id, value, rules.value_change)
        elif rules.voiding is not CorrectionMode.FORBIDDEN:
            self.void_entry(note, mark_id, rules.voiding)
        else:
            return
        self.tally.corrections += 1

    def correct_value(
        self, note: _JournalNote, mark_id: UUID, value: str, mode: CorrectionMode
    ) -> None:
        new_value = str(int(value) + 1)
        reason = f"Ошибка при вводе: выставлено «{value}» вместо «{new_value}» (по тетради учителя)"
        marks.correct_mark(
            self.school,
            self.actor(note.teacher, Role.TEACHER),
            marks.CorrectMark(
                journal_id=note.id,
                mark_id=mark_id,
                value=new_value,
                reason=reason,
                authorization_id=self.authorization(note, mark_id, "correct", mode, reason),
            ),
        )

    def void_entry(self, note: _JournalNote, mark_id: UUID, mode: CorrectionMode) -> None:
        reason = "Отметка выставлена ошибочно не тому обучающемуся"
        marks.void_mark(
            self.school,
            self.actor(note.teacher, Role.TEACHER),
            marks.VoidMark(
                journal_id=note.id,
                mark_id=mark_id,
                reason=reason,
                authorization_id=self.authorization(note, mark_id, "void", mode, reason),
            ),
        )

    def authorization(
        self,
        note: _JournalNote,
        mark_id: UUID,
        action: Literal["correct", "void"],
        mode: CorrectionMode,
        remark: str,
    ) -> UUID | None:
        """The deputy's remark a profile may require before a mark is changed."""
        if mode is not CorrectionMode.WITH_APPROVAL:
            return None
        return marks.authorize_correction(
            self.school,
            self.actor("deputy"),
            marks.AuthorizeCorrection(
                journal_id=note.id, mark_id=mark_id, action=action, remark=remark
            ),
        ).ids["authorization_id"]

    def transfer(self) -> None:
        """A 5А student moves to 5Б by an order, and joins a 5Б English group."""
        pupil = next(p for p in reversed(self.pupils) if p.class_code == "5А" and not p.sick_days)
        students.transfer_student(
            self.school,
            self.actor("secretary"),
            students.TransferStudent(
                year=DEMO_YEAR,
                student_id=pupil.id,
                to_class="5Б",
                on=TRANSFER_DAY,
                order="№ 112-у от 04.09.2026",
                reason="По заявлению родителей (законных представителей)",
            ),
        )
        self.tally.transfers += 1
        pupil.class_code, pupil.subgroup = "5Б", None
        self.tick()
        groups = Counter(p.subgroup for p in self.pupils if p.class_code == "5Б")
        smaller = "1" if groups["1"] <= groups["2"] else "2"
        self.place_in_subgroup(pupil, smaller, TRANSFER_DAY)

    def reason_action(self, pupil: Pupil, span: list[date], reason: AbsenceReason) -> Action:
        def record() -> None:
            note = (
                "Справка из детской поликлиники"
                if reason is AbsenceReason.ILLNESS
                else "Заявление родителей"
            )
            recorded = attendance.set_absence_reason(
                self.school,
                self.class_teacher(pupil.class_code),
                attendance.SetAbsenceReason(
                    year=DEMO_YEAR,
                    class_code=pupil.class_code,
                    student_id=pupil.id,
                    start=span[0],
                    end=span[-1],
                    absence_reason=reason,
                    note=note,
                ),
            )
            self.tally.absence_reasons += recorded.events

        return record

    # --- the report ---------------------------------------------------------------------

    def report(self) -> DemoReport:
        kinds = count_event_kinds(self.school)
        logins = {role: tuple(names) for role, names in self.tally.logins.items()}
        return DemoReport(
            school=self.school.school_id,
            year=DEMO_YEAR,
            profile=self.profile.id,
            classes=tuple(plan.code for plan in CLASSES),
            journals=len(self.journals),
            students=len(self.pupils),
            guardians=self.tally.guardians,
            parent_accounts=len(self.tally.parents),
            consents=self.tally.consents,
            lessons=self.tally.lessons,
            late_lessons=self.tally.late_lessons,
            substituted_lessons=self.tally.substituted_lessons,
            marks=self.tally.marks,
            corrections=self.tally.corrections,
            absences=self.tally.absences,
            late_arrivals=self.tally.late_arrivals,
            absence_reasons=self.tally.absence_reasons,
            transfers=self.tally.transfers,
            events=sum(kinds.values()),
            events_by_kind=kinds,
            position=self.school.position(),
            logins=logins,
        )


# --- plans ----------------------------------------------------------------------------------


def homework_for(note: _JournalNote, lesson_number: int) -> str | None:
    """Homework in the form teachers write it; none in grade 1 (School 77 §3.7)."""
    return homework(note.subject, note.grade, lesson_number)


def build_timetable(rng: random.Random, attempts: int = 2000) -> list[_Slot]:
    """Every class's week, every slot filled, no teacher in two places at once and no subject
    more than twice a day (once for subjects of fewer than four hours a week)."""
    for _ in range(attempts):
        timetable = _try_timetable(rng)
        if timetable is not None:
            return timetable
    raise DemoSeedError("no timetable fits the curriculum")


def _try_timetable(rng: random.Random) -> list[_Slot] | None:
    left = {(p.code, c.subject): c.hours for p in CLASSES for c in p.courses}
    busy: set[tuple[str, int, int]] = set()
    timetable: list[_Slot] = []
    for weekday in range(1, 6):
        today: Counter[tuple[str, str]] = Counter()
        for slot in range(1, max(p.per_day for p in CLASSES) + 1):
            for plan in (p for p in CLASSES if slot <= p.per_day):
                days_left = 6 - weekday
                options = [
                    c
                    for c in plan.courses
                    if left[(plan.code, c.subject)] > 0
                    and today[(plan.code, c.subject)] < (2 if c.hours >= 4 else 1)
                    and not any((t, weekday, slot) in busy for t in c.teachers)
                ]
                urgent = [c for c in options if left[(plan.code, c.subject)] > days_left]
                if not options:
                    return None
                pool = urgent or options
                course = rng.choices(pool, weights=[left[(plan.code, c.subject)] for c in pool])[0]
                left[(plan.code, course.subject)] -= 1
                today[(plan.code, course.subject)] += 1
                busy.update((t, weekday, slot) for t in course.teachers)
                timetable.append(_Slot(plan.code, weekday, slot, course))
    return timetable


# --- reading the log back -------------------------------------------------------------------


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
    """The report of a demo school seeded earlier, read from its log (None if not seeded)."""
    if not has_demo_year(school):
        return None
    kinds: Counter[str] = Counter()
    facts: Counter[str] = Counter()
    classes: list[str] = []
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
    lines = [
        f"School year {report.year} under the {report.profile} regulation profile.",
        f"  classes     {', '.join(report.classes)} with {report.journals} journals",
        f"  students    {report.students}: {report.guardians} guardians,"
        f" {report.consents} consent records, {report.parent_accounts} parent accounts,"
        f" {report.transfers} transferred between classes",
        f"  lessons     {report.lessons} held from {_day(FIRST_DAY)}"
        f" to {_day(LAST_DAY)}: {report.late_lessons} entered late under a"
        f" deputy's permission, {report.substituted_lessons} taught by a substitute",
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
