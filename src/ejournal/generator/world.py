"""What the generator knows of the school it builds: its people, classes, journals and
timetable, its clock, and the tally of what it has recorded.

The generator keeps its own notes (who sits in which group, how able each student is, the marks
given so far) so that it can decide what happens next without reading the log back; the log is
only ever written through the command handlers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import journals
from ejournal.errors import EjournalError
from ejournal.generator.people import Family, PeopleMaker
from ejournal.generator.school_plan import ClassPlan
from ejournal.generator.staffing import Course, Staffing
from ejournal.generator.timetable import Slot
from ejournal.generator.year_calendar import DEMO_YEAR
from ejournal.policy.profile import RegulationProfile
from ejournal.roles import Actor, Role


class GeneratorError(EjournalError):
    """The school cannot be generated here (a log that is not empty, a clock the school does not
    run on, options that make no school)."""

    slug = "school-not-generated"
    title = "The school cannot be generated here"
    status = 409


@dataclass
class Pupil:
    """The generator's note of a student: where they sit and how they tend to do."""

    id: UUID
    name: PersonName
    class_code: str
    grade: int
    ability: float
    proneness: float
    leanings: dict[str, float]
    """A leaning for or against each subject of the class, added to the ability."""
    subgroups: dict[str, str] = field(default_factory=dict)
    """The group of each split subject: "1" or "2"."""
    away: set[date] = field(default_factory=set)
    """School days missed whole (an illness, a family matter, school business)."""

    def skill(self, subject: str) -> float:
        return self.ability + self.leanings.get(subject, 0.0)


@dataclass(frozen=True)
class MarkNote:
    """A mark the generator recorded, for the period mark it adds up to."""

    id: UUID
    student_id: UUID
    value: str
    weight: float
    on: date


@dataclass
class JournalNote:
    """What the generator remembers of a journal it records into."""

    id: UUID
    class_code: str
    grade: int
    course: Course
    subgroup: str | None
    teacher: str
    """The staff key of the journal's teacher."""
    ktp: tuple[journals.KtpLine, ...]
    roster: list[Pupil] = field(default_factory=list)
    planned: int = 0
    """Lessons numbered so far (the next lesson is ``planned + 1``)."""
    marks: dict[UUID, MarkNote] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.course.subject


@dataclass
class Tally:
    """Counts of what the generator recorded."""

    lessons: int = 0
    late_lessons: int = 0
    substitutions: int = 0
    substituted_lessons: int = 0
    cancelled_lessons: int = 0
    marks: int = 0
    control_works: int = 0
    corrections: int = 0
    period_marks: int = 0
    closed_periods: int = 0
    absences: int = 0
    attendances: int = 0
    late_arrivals: int = 0
    absence_reasons: int = 0
    guardians: int = 0
    consents: int = 0
    parent_accounts: int = 0
    subgroup_placements: int = 0
    school_days: int = 0
    first_day: date | None = None
    last_day: date | None = None


@dataclass
class World:
    """A generated school as it is being built: the application, its clock, and the notes."""

    school: School
    clock: MovableClock
    rng: random.Random
    people: PeopleMaker
    profile: RegulationProfile
    classes: tuple[ClassPlan, ...]
    staffing: Staffing
    timetable: tuple[Slot, ...]
    accounts: dict[str, UUID] = field(default_factory=dict)
    """Staff accounts by staff key ("admin", "deputy", "mathematics3", …)."""
    names: dict[str, PersonName] = field(default_factory=dict)
    staff_logins: dict[str, str] = field(default_factory=dict)
    """Staff logins by staff key."""
    logins: dict[str, list[str]] = field(default_factory=dict)
    """Logins by role, in the order the roles were granted."""
    used_logins: set[str] = field(default_factory=set)
    pupils: list[Pupil] = field(default_factory=list)
    families: dict[UUID, Family] = field(default_factory=dict)
    """Each student's parents, by student id."""
    journals: dict[tuple[str, str, str | None], JournalNote] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.profile.timezone)

    @property
    def year(self) -> SchoolYear:
        """The year as the log holds it now (the cached copy: read, never changed)."""
        return self.school.year_view(DEMO_YEAR)

    def actor(self, key: str, role: Role) -> Actor:
        return Actor(account_id=self.accounts[key], role=role)

    def teacher(self, key: str) -> Actor:
        return self.actor(key, Role.TEACHER)

    def class_teacher(self, class_code: str) -> Actor:
        return self.actor(self.staffing.class_teacher(class_code).key, Role.CLASS_TEACHER)

    def deputy(self, grade: int) -> Actor:
        """The deputy director in charge of a grade's classes (primary school, or 5–11)."""
        return self.actor("deputy_primary" if grade <= 4 else "deputy", Role.DEPUTY)

    def run_spread(
        self, day: date, start: time, end: time, entries: Sequence[Callable[[], object]]
    ) -> None:
        """Make a run of entries one after another between two times of a day."""
        moments = spread(self.local(day, start), self.local(day, end), len(entries), self.rng)
        for moment, entry in zip(moments, entries, strict=True):
            self.at(moment)
            entry()

    def local(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone)

    def at(self, moment: datetime) -> None:
        """Move the server clock to a moment (never backwards: the log runs forward)."""
        self.clock.set(max(moment, self.clock.now()))

    def grant_noted(self, role: Role, login: str) -> None:
        self.logins.setdefault(role.value, []).append(login)

    def free_login(self, login: str) -> str:
        """The login, or with a number after it when a namesake has it already."""
        candidate, n = login, 1
        while candidate in self.used_logins:
            n += 1
            candidate = f"{login}{n}"
        self.used_logins.add(candidate)
        return candidate

    def notes_of(self, slot: Slot) -> list[JournalNote]:
        """The journals a timetabled lesson is recorded in (one per group of a split subject)."""
        course = slot.course
        return [self.journals[(slot.class_code, course.subject, g)] for g in course.groups]


def spread(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """``count`` moments between ``start`` and ``end``, in order, evenly spread with a little
    jitter: when a person makes a run of entries."""
    if count <= 0:
        return []
    step = (end - start) / count
    return [start + step * i + step * rng.uniform(0.0, 0.8) for i in range(count)]


ONE_MINUTE = timedelta(minutes=1)
