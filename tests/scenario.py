"""A small, realistic school built through the real command path, for tests on any backend.

School year 2026/2027 in quarters, bells for seven lessons, a grade-5 class (5А) with journals
for mathematics, Russian language, literature and English in two subgroups, a grade-1 class
(1А), a deputy, a secretary, an administrator, a class teacher and subject teachers, and
students admitted on 1 September. The clock is the server's and stands still until moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from ejournal.access import system_actor
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import accounts, journals, lessons, students, year
from ejournal.commands.marking import MarkEntry
from ejournal.marks import WorkKind
from ejournal.policy.profile import load_profile
from ejournal.roles import Actor, Role
from ejournal.transcoding import MAPPER_TOPIC, TRANSCODER_TOPIC

YEAR = "2026/2027"
QUARTERS = (
    year.PeriodSpec(id="Q1", name="1 четверть", start=date(2026, 9, 1), end=date(2026, 10, 24)),
    year.PeriodSpec(id="Q2", name="2 четверть", start=date(2026, 11, 5), end=date(2026, 12, 28)),
    year.PeriodSpec(id="Q3", name="3 четверть", start=date(2027, 1, 12), end=date(2027, 3, 20)),
    year.PeriodSpec(id="Q4", name="4 четверть", start=date(2027, 3, 30), end=date(2027, 5, 26)),
)
TRIMESTERS = (
    year.PeriodSpec(id="T1", name="1 триместр", start=date(2026, 9, 1), end=date(2026, 11, 28)),
    year.PeriodSpec(id="T2", name="2 триместр", start=date(2026, 12, 1), end=date(2027, 2, 27)),
    year.PeriodSpec(id="T3", name="3 триместр", start=date(2027, 3, 1), end=date(2027, 5, 26)),
)
BELLS = tuple(
    year.BellSpec(slot=n, start=time(8 + (n - 1), 0), end=time(8 + (n - 1), 45))
    for n in range(1, 8)
)
"""Lesson n runs from (7+n):00 to (7+n):45."""


@dataclass
class World:
    """The people, classes and journals of the scenario school, and its clock."""

    school: School
    clock: MovableClock
    zone: ZoneInfo
    admin: Actor
    deputy: Actor
    secretary: Actor
    class_teacher: Actor
    math: Actor
    russian: Actor
    english1: Actor
    english2: Actor
    outsider: Actor
    """A teacher of the school who keeps none of 5А's journals."""
    journals: dict[str, UUID] = field(default_factory=dict)
    students: list[UUID] = field(default_factory=list)
    first_graders: list[UUID] = field(default_factory=list)

    def at(
        self, day: date, hour: int = 12, minute: int = 0, second: int = 0, microsecond: int = 0
    ) -> None:
        """Move the server clock to a local time at the school."""
        self.clock.set(
            datetime(
                day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=self.zone
            )
        )

    def teacher_of(self, journal: str) -> Actor:
        if journal.startswith("math"):
            return self.math
        return {
            "math1": self.math,
            "russian": self.russian,
            "literature": self.russian,
            "english1": self.english1,
            "english2": self.english2,
        }[journal]

    def give_marks(
        self,
        journal: str,
        *students: int,
        on: date = date(2026, 9, 16),
        slot: int | None = None,
        value: str = "4",
    ) -> None:
        """Current marks for some students in a lesson of a journal (the basis a period mark
        rests on: School 77 §5.1–5.2), entered at 13:00 on the lesson's day, which is not
        before the clock's time: the log's times only move forward."""
        slots = {"russian": 3, "english1": 4, "english2": 4, "literature": 5}
        if datetime(on.year, on.month, on.day, 13, tzinfo=self.zone) < self.clock.now():
            raise ValueError(f"give marks on {on}: the clock is already past it")
        self.at(on, 13)
        lessons.record_whole_lesson(
            self.school,
            self.teacher_of(journal),
            lessons.RecordWholeLesson(
                journal_id=self.journals[journal],
                on=on,
                slot=slot if slot is not None else slots.get(journal, 1),
                marks=tuple(
                    MarkEntry(student_id=self.students[s], value=value, work_kind=WorkKind.ORAL)
                    for s in students
                ),
            ),
        )

    def account(self, login: str, name: str, *roles: Role, class_code: str | None = None) -> Actor:
        recorded = accounts.register_account(
            self.school, self.admin, accounts.RegisterAccount(login=login, full_name=name)
        )
        account_id = recorded.ids["account_id"]
        for role in roles:
            accounts.grant_role(
                self.school,
                self.admin,
                accounts.GrantRole(
                    account_id=account_id,
                    role=role,
                    class_code=class_code if role is Role.CLASS_TEACHER else None,
                    year=YEAR if class_code and role is Role.CLASS_TEACHER else None,
                ),
            )
        return Actor(account_id=account_id, role=roles[0])

    def guardian_account(self, student: UUID, account_id: UUID, name: str) -> UUID:
        """Record an account's holder as a student's mother, so it may be given the parent
        role (Gymnasium 2 §3.7); answers the guardian's id."""
        last, first, *rest = name.split()
        return students.add_guardian(
            self.school,
            self.admin,
            students.AddGuardian(
                student_id=student,
                name=PersonName(last=last, first=first, patronymic=rest[0] if rest else None),
                relation="mother",
                account_id=account_id,
            ),
        ).ids["guardian_id"]


def build_world(
    school: School,
    clock: MovableClock,
    profile: str = "school77",
    schemes: tuple[year.SchemeSpec, ...] = (),
) -> World:
    """Set the scenario school up, as its staff would in late August (with ``schemes``, the
    year gives sets of grades their own periods instead of quarters or trimesters for all)."""
    loaded = load_profile(profile)
    zone = ZoneInfo(loaded.timezone)
    clock.set(datetime(2026, 8, 25, 10, 0, tzinfo=zone))
    system = system_actor()
    admin_id = accounts.register_account(
        school, system, accounts.RegisterAccount(login="admin", full_name="Орлова Нина Петровна")
    ).ids["account_id"]
    accounts.grant_role(
        school, system, accounts.GrantRole(account_id=admin_id, role=Role.ADMINISTRATOR)
    )
    admin = Actor(account_id=admin_id, role=Role.ADMINISTRATOR)
    periods = TRIMESTERS if loaded.period_kind.value == "trimesters" else QUARTERS
    year.start_school_year(
        school,
        admin,
        year.StartSchoolYear(
            label=YEAR,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 5, 31),
            periods=() if schemes else periods,
            schemes=schemes,
            profile=profile,
        ),
    )
    year.set_bell_schedule(school, admin, year.SetBellSchedule(year=YEAR, slots=BELLS))
    # Before the class teacher's role: a class scope names a class the year has.
    for grade, letter in ((5, "А"), (1, "А")):
        year.form_class(school, admin, year.FormClass(year=YEAR, grade=grade, letter=letter))
    probe = World(
        school, clock, zone, admin, admin, admin, admin, admin, admin, admin, admin, admin
    )
    deputy = probe.account("deputy", "Смирнова Ольга Ивановна", Role.DEPUTY)
    secretary = probe.account("secretary", "Кузнецова Анна Сергеевна", Role.SECRETARY)
    class_teacher = probe.account(
        "klass5a", "Васильева Елена Павловна", Role.CLASS_TEACHER, Role.TEACHER, class_code="5А"
    )
    math = probe.account("ivanova", "Иванова Мария Петровна", Role.TEACHER)
    russian = probe.account("petrova", "Петрова Светлана Юрьевна", Role.TEACHER)
    english1 = probe.account("smith", "Сидорова Алла Викторовна", Role.TEACHER)
    english2 = probe.account("jones", "Жукова Дарья Олеговна", Role.TEACHER)
    outsider = probe.account("outsider", "Фёдоров Илья Андреевич", Role.TEACHER)
    world = World(
        school,
        clock,
        zone,
        admin,
        deputy,
        secretary,
        class_teacher,
        math,
        russian,
        english1,
        english2,
        outsider,
    )
    year.assign_class_teacher(
        school,
        admin,
        year.AssignClassTeacher(year=YEAR, class_code="5А", account_id=class_teacher.account_id),
    )
    for key, class_code, subject, subgroup, teacher in (
        ("math", "5А", "mathematics", None, math),
        ("russian", "5А", "russian_language", None, russian),
        ("literature", "5А", "literature", None, russian),
        ("english1", "5А", "foreign_language", "1", english1),
        ("english2", "5А", "foreign_language", "2", english2),
        ("math1", "1А", "mathematics", None, math),
    ):
        world.journals[key] = journals.open_journal(
            school,
            admin,
            journals.OpenJournal(
                year=YEAR,
                class_code=class_code,
                subject=subject,
                subgroup=subgroup,
                teachers=(teacher.account_id,),
            ),
        ).ids["journal_id"]
    # 5А learns mathematics in lessons 1–2 and Russian in 3, English in 4, literature in 5 on
    # every weekday: its day ends after lesson 5 (12:45).
    year.set_timetable(
        school,
        deputy,
        year.SetTimetable(
            year=YEAR,
            class_code="5А",
            entries=tuple(
                year.TimetableSpec(weekday=day, slot=slot, journal_id=world.journals[key])
                for day in range(1, 6)
                for slot, key in (
                    (1, "math"),
                    (2, "math"),
                    (3, "russian"),
                    (4, "english1"),
                    (4, "english2"),
                    (5, "literature"),
                )
            ),
        ),
    )
    names = [
        ("Алексеев", "Артём", "Игоревич"),
        ("Белова", "Варвара", "Дмитриевна"),
        ("Гусев", "Глеб", "Андреевич"),
        ("Денисова", "Дарья", "Сергеевна"),
        ("Егоров", "Егор", "Павлович"),
    ]
    for last, first, patronymic in names:
        world.students.append(
            students.admit_student(
                school,
                secretary,
                students.AdmitStudent(
                    year=YEAR,
                    name=PersonName(last=last, first=first, patronymic=patronymic),
                    birth_date=date(2015, 3, 14),
                    class_code="5А",
                    on=date(2026, 9, 1),
                    order="№ 101-у от 28.08.2026",
                ),
            ).ids["student_id"]
        )
    for last, first in (("Жаров", "Захар"), ("Зайцева", "Ирина")):
        world.first_graders.append(
            students.admit_student(
                school,
                secretary,
                students.AdmitStudent(
                    year=YEAR,
                    name=PersonName(last=last, first=first),
                    birth_date=date(2019, 5, 2),
                    class_code="1А",
                    on=date(2026, 9, 1),
                    order="№ 102-у от 28.08.2026",
                ),
            ).ids["student_id"]
        )
    for index, student_id in enumerate(world.students):
        students.move_to_subgroup(
            school,
            class_teacher_as(world),
            students.MoveToSubgroup(
                year=YEAR,
                student_id=student_id,
                subject="foreign_language",
                subgroup="1" if index < 3 else "2",
                on=date(2026, 9, 1),
            ),
        )
    return world


HALF_YEARS = (
    year.PeriodSpec(id="H1", name="1 полугодие", start=date(2026, 9, 1), end=date(2026, 12, 28)),
    year.PeriodSpec(id="H2", name="2 полугодие", start=date(2027, 1, 12), end=date(2027, 5, 26)),
)
QUARTERS_AND_HALF_YEARS = (
    year.SchemeSpec(grades=frozenset(range(1, 10)), periods=QUARTERS),
    year.SchemeSpec(grades=frozenset({10, 11}), periods=HALF_YEARS),
)
"""Quarters for grades 1–9 and half-years for 10–11 (School 117, School 77, Belogorsk)."""


def add_class(world: World, grade: int, pupils: int = 2) -> list[UUID]:
    """Another class of a grade ("9А"), with a mathematics journal ("math9") kept by the
    mathematics teacher and some students admitted on 1 September; their ids."""
    code = f"{grade}А"
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=grade, letter="А"))
    world.journals[f"math{grade}"] = journals.open_journal(
        world.school,
        world.admin,
        journals.OpenJournal(
            year=YEAR,
            class_code=code,
            subject="mathematics",
            subgroup=None,
            teachers=(world.math.account_id,),
        ),
    ).ids["journal_id"]
    admitted = [
        students.admit_student(
            world.school,
            world.secretary,
            students.AdmitStudent(
                year=YEAR,
                name=PersonName(last=f"Ученик{grade}", first=f"Номер{n + 1}"),
                birth_date=date(2026 - grade - 7, 2, 1),
                class_code=code,
                on=date(2026, 9, 1),
                order=f"№ 1{grade}{n}-у от 28.08.2026",
            ),
        ).ids["student_id"]
        for n in range(pupils)
    ]
    world.students.extend(admitted)
    return admitted


def class_teacher_as(world: World) -> Actor:
    return Actor(account_id=world.class_teacher.account_id, role=Role.CLASS_TEACHER)


def sqlite_school(path: Path, clock: MovableClock) -> School:
    """A school on a real SQLite file, tables created on first use (unit tests)."""
    return School(
        "test",
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "MAPPER_TOPIC": MAPPER_TOPIC,
            "TRANSCODER_TOPIC": TRANSCODER_TOPIC,
            "CREATE_TABLE": "y",
        },
        clock=clock,
    )
