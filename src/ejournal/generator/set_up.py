"""Late August: the staff set the year up, one command at a time, each as the person whose job
it is.

The administrator (whom the service itself creates) opens the accounts, the year, its bells,
classes and journals; the deputies enter the holidays and the timetables; every teacher sets the
KTP of their journals; the secretary admits the students; on the last day of August the class
teachers split their classes into groups and record the families, consents and parent accounts,
and the administrator opens the student accounts asked for.
Each day's entries are spread over its working hours, so the log reads as a school's would.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date, time, timedelta
from functools import partial
from typing import Literal
from uuid import UUID

from ejournal.access import system_actor
from ejournal.aggregates.identity import journal_id
from ejournal.aggregates.student import PersonName
from ejournal.commands import accounts, journals, students, year
from ejournal.generator import assessment, people
from ejournal.generator.absences import draw_proneness
from ejournal.generator.curriculum import curriculum
from ejournal.generator.ktp import year_ktp
from ejournal.generator.school_plan import ClassPlan
from ejournal.generator.staffing import FEMALE_SHARE
from ejournal.generator.world import JournalNote, Pupil, World
from ejournal.generator.year_calendar import (
    BELLS,
    DEMO_YEAR,
    FIRST_DAY,
    LAST_DAY_OF_YEAR,
    PERIODS,
    SET_UP_DAY,
    holidays_for,
)
from ejournal.policy.profile import PeriodMarkWindow, shipped_profile_ids
from ejournal.roles import Actor, Role

Entry = Callable[[], object]

ADMINISTRATOR_NAME = "Орлова Нина Петровна"
"""The administrator of every generated school, as of the demo: ``ejournal demo --reset``
recognises a log the demo started by its first account."""

OFFICE: tuple[tuple[str, Role, bool], ...] = (
    ("director", Role.DIRECTOR, True),
    ("deputy_primary", Role.DEPUTY, True),
    ("deputy", Role.DEPUTY, True),
    ("secretary", Role.SECRETARY, True),
    ("inspector", Role.INSPECTOR, False),
    ("auditor", Role.AUDITOR, True),
)
"""The staff who are not teachers: key, role, and whether a woman holds the post."""

PARENT_ACCOUNT_SHARE = 0.5
"""The share of students one of whose parents asks for an account of their own."""
FATHER_SHARE = 0.6
"""The share of students whose father is recorded as a guardian besides the mother."""
PERIOD_MARKS_ORDER_DAYS = 3
"""Where a school order times period marks, it asks for them this many days before the end."""


def set_up(
    world: World,
    *,
    names: Mapping[str, PersonName] | None = None,
    student_accounts: Collection[str] = (),
) -> None:
    """Set the school's year up, from an empty log, as its staff would in late August.

    ``names`` gives members of staff their names by staff key (the rest are drawn);
    ``student_accounts`` names the classes whose first student in the register gets an account
    of their own, as a school opens one when a student asks."""
    world.clock.set(world.local(SET_UP_DAY, time(9, 0)))
    world.run_spread(SET_UP_DAY, time(9), time(17), _office(world, names or {}))
    day = SET_UP_DAY + timedelta(days=1)
    world.run_spread(day, time(9), time(17), _classes(world))
    world.run_spread(day + timedelta(days=1), time(9), time(17), _calendar(world))
    world.run_spread(day + timedelta(days=2), time(9), time(18), _plans(world))
    world.run_spread(day + timedelta(days=3), time(9), time(18), _admissions(world))
    world.run_spread(
        day + timedelta(days=6), time(8), time(19), _families(world, frozenset(student_accounts))
    )


# --- the office: accounts, the year, the bells ------------------------------------------------


def _admin(world: World) -> Actor:
    return world.actor("admin", Role.ADMINISTRATOR)


def _register(world: World, key: str, name: PersonName, by: Actor | None = None) -> None:
    """Open a staff account (the administrator's, by the service itself)."""
    by = by or _admin(world)
    login = world.free_login(people.login_for(name))
    world.accounts[key] = accounts.register_account(
        world.school,
        by,
        accounts.RegisterAccount(login=login, full_name=str(name), email=f"{login}@school.example"),
    ).ids["account_id"]
    world.names[key] = name
    world.staff_logins[key] = login


def _grant(world: World, key: str, role: Role, by: Actor | None = None) -> None:
    by = by or _admin(world)
    accounts.grant_role(
        world.school, by, accounts.GrantRole(account_id=world.accounts[key], role=role)
    )
    world.grant_noted(role, world.staff_logins[key])


def _office(world: World, names: Mapping[str, PersonName]) -> list[Entry]:
    admin_name = people.parse_name(ADMINISTRATOR_NAME)
    entries: list[Entry] = [
        partial(_register, world, "admin", admin_name, system_actor()),
        partial(_grant, world, "admin", Role.ADMINISTRATOR, system_actor()),
        partial(_start_year, world),
    ]
    staff: list[tuple[str, Role, PersonName]] = [
        (key, role, names.get(key) or world.people.adult(female=female))
        for key, role, female in OFFICE
    ]
    for teacher in world.staffing.teachers:
        share = FEMALE_SHARE.get(teacher.speciality, 0.85)
        female = world.people.faker.random.random() < share
        name = names.get(teacher.key) or world.people.adult(female=female)
        staff.append((teacher.key, Role.TEACHER, name))
    for key, role, name in staff:
        entries += [partial(_register, world, key, name), partial(_grant, world, key, role)]
    return entries


def _start_year(world: World) -> None:
    year.start_school_year(
        world.school,
        _admin(world),
        year.StartSchoolYear(
            label=DEMO_YEAR,
            starts_on=FIRST_DAY,
            ends_on=LAST_DAY_OF_YEAR,
            periods=PERIODS[world.profile.period_kind],
            # A school's own profile (EJOURNAL_PROFILE naming a TOML file) goes in whole.
            profile=(
                world.profile.id if world.profile.id in shipped_profile_ids() else world.profile
            ),
            # The school's zone goes with its year (EJOURNAL_TIMEZONE may be another).
            timezone=world.profile.timezone,
        ),
    )
    year.set_bell_schedule(
        world.school,
        _admin(world),
        year.SetBellSchedule(
            year=DEMO_YEAR,
            slots=tuple(year.BellSpec(slot=n, start=s, end=e) for n, s, e in BELLS),
        ),
    )


# --- classes and journals ---------------------------------------------------------------------


def _classes(world: World) -> list[Entry]:
    admin = _admin(world)
    entries: list[Entry] = [partial(_form_class, world, plan) for plan in world.classes]
    for plan in world.classes:
        for course in world.staffing.courses[plan.code]:
            for subgroup, teacher in zip(course.groups, course.teachers, strict=True):
                note = JournalNote(
                    id=journal_id(DEMO_YEAR, plan.code, course.subject, subgroup),
                    class_code=plan.code,
                    grade=plan.grade,
                    course=course,
                    subgroup=subgroup,
                    teacher=teacher,
                    ktp=year_ktp(course.subject, plan.grade, course.hours),
                )
                world.journals[(plan.code, course.subject, subgroup)] = note
                entries.append(partial(_open_journal, world, admin, note))
    return entries


def _form_class(world: World, plan: ClassPlan) -> None:
    leader = world.staffing.class_teacher(plan.code).key
    year.form_class(
        world.school,
        _admin(world),
        year.FormClass(
            year=DEMO_YEAR,
            grade=plan.grade,
            letter=plan.letter,
            class_teacher_id=world.accounts[leader],
        ),
    )
    world.grant_noted(Role.CLASS_TEACHER, world.staff_logins[leader])


def _open_journal(world: World, admin: Actor, note: JournalNote) -> None:
    recorded = journals.open_journal(
        world.school,
        admin,
        journals.OpenJournal(
            year=DEMO_YEAR,
            class_code=note.class_code,
            subject=note.subject,
            subgroup=note.subgroup,
            teachers=(world.accounts[note.teacher],),
        ),
    )
    if recorded.ids["journal_id"] != note.id:
        raise AssertionError("a journal's id is derived from its year, class, subject and group")


# --- the calendar and the timetable -----------------------------------------------------------


def _calendar(world: World) -> list[Entry]:
    deputy = world.actor("deputy", Role.DEPUTY)
    entries: list[Entry] = []
    first_graders = [p.code for p in world.classes if p.grade == 1]
    for start, end, reason, classes in holidays_for(first_graders):
        command = year.DeclareClosure(
            year=DEMO_YEAR, start=start, end=end, kind="holidays", classes=classes, reason=reason
        )
        entries.append(partial(year.declare_closure, world.school, deputy, command))
    if world.profile.period_marks.window is PeriodMarkWindow.BY_ORDER:
        for number, period in enumerate(PERIODS[world.profile.period_kind], start=1):
            due = year.SetPeriodMarksDue(
                year=DEMO_YEAR,
                period_id=period.id,
                due=period.end - timedelta(days=PERIOD_MARKS_ORDER_DAYS),
                order=f"Приказ № {40 + number}-о от 26.08.2026 «О сроках выставления отметок»",
            )
            entries.append(partial(year.set_period_marks_due, world.school, deputy, due))
    for plan in world.classes:
        timetable = year.SetTimetable(
            year=DEMO_YEAR,
            class_code=plan.code,
            entries=tuple(
                year.TimetableSpec(weekday=slot.weekday, slot=slot.slot, journal_id=note.id)
                for slot in world.timetable
                if slot.class_code == plan.code
                for note in world.notes_of(slot)
            ),
        )
        entries.append(
            partial(year.set_timetable, world.school, world.deputy(plan.grade), timetable)
        )
    return entries


def _plans(world: World) -> list[Entry]:
    return [
        partial(
            journals.set_ktp,
            world.school,
            world.teacher(note.teacher),
            journals.SetKtp(journal_id=note.id, items=note.ktp),
        )
        for note in world.journals.values()
    ]


# --- students -----------------------------------------------------------------------------------


def _admissions(world: World) -> list[Entry]:
    secretary = world.actor("secretary", Role.SECRETARY)
    entries: list[Entry] = []
    for plan in world.classes:
        order = "№ 87-у от 28.08.2026" if plan.grade == 1 else "№ 88-у от 28.08.2026"
        drawn = [world.people.family(plan.grade, FIRST_DAY.year) for _ in range(plan.size)]
        # A class list is kept in register order: by surname, then first name.
        drawn.sort(key=lambda f: (f.child.last.replace("ё", "е"), f.child.first))
        for family in drawn:
            command = students.AdmitStudent(
                year=DEMO_YEAR,
                name=family.child,
                birth_date=family.birth_date,
                class_code=plan.code,
                on=FIRST_DAY,
                order=order,
            )
            pupil = Pupil(
                id=UUID(int=0),
                name=family.child,
                class_code=plan.code,
                grade=plan.grade,
                ability=assessment.draw_ability(world.rng),
                proneness=draw_proneness(world.rng),
                leanings={
                    s.code: assessment.draw_leaning(world.rng) for s in curriculum(plan.grade)
                },
            )
            entries.append(partial(_admit, world, secretary, command, pupil, family))
    return entries


def _admit(
    world: World,
    secretary: Actor,
    command: students.AdmitStudent,
    pupil: Pupil,
    family: people.Family,
) -> None:
    pupil.id = students.admit_student(world.school, secretary, command).ids["student_id"]
    world.pupils.append(pupil)
    world.families[pupil.id] = family


def _families(world: World, student_accounts: frozenset[str]) -> list[Entry]:
    """The class teachers split their classes into groups (the foreign language in register
    halves, technology by alternate names), then record each family; the administrator opens
    the student accounts asked for."""
    entries: list[Entry] = []
    for plan in world.classes:
        roster = [p for p in world.pupils if p.class_code == plan.code]
        for note in world.journals.values():
            if note.class_code == plan.code and note.subgroup is None:
                note.roster.extend(roster)
        split = [c for c in world.staffing.courses[plan.code] if len(c.groups) > 1]
        half = (len(roster) + 1) // 2
        for course in split:
            for index, pupil in enumerate(roster):
                if course.subject == "foreign_language":
                    group = "1" if index < half else "2"
                else:
                    group = "1" if index % 2 == 0 else "2"
                entries.append(partial(place, world, pupil, course.subject, group))
    for pupil in world.pupils:
        entries += _family_entries(world, pupil)
    for plan in world.classes:
        if plan.code in student_accounts:
            first = next(p for p in world.pupils if p.class_code == plan.code)
            entries.append(partial(_student_account, world, first))
    return entries


def place(world: World, pupil: Pupil, subject: str, group: str, on: date = FIRST_DAY) -> None:
    """The class teacher places a student in a group of a split subject from a day."""
    students.move_to_subgroup(
        world.school,
        world.class_teacher(pupil.class_code),
        students.MoveToSubgroup(
            year=DEMO_YEAR, student_id=pupil.id, subject=subject, subgroup=group, on=on
        ),
    )
    pupil.subgroups[subject] = group
    world.journals[(pupil.class_code, subject, group)].roster.append(pupil)
    world.tally.subgroup_placements += 1


def _family_entries(world: World, pupil: Pupil) -> list[Entry]:
    """A mother (with an account of her own for about half the students), a father for more
    than half, and the mother's consent to processing the child's personal data."""
    record = _FamilyRecord(world, pupil)
    entries: list[Entry] = []
    with_account = world.rng.random() < PARENT_ACCOUNT_SHARE
    if with_account:
        entries.append(record.open_account)
    entries.append(partial(record.add, "mother", world.people.phone()))
    if with_account:
        # The parent role goes to a recorded guardian only (Gymnasium 2 §3.7).
        entries.append(record.grant_parent)
    if world.rng.random() < FATHER_SHARE:
        entries.append(partial(record.add, "father", world.people.phone()))
    entries.append(record.consent)
    return entries


def _student_account(world: World, pupil: Pupil) -> None:
    """A student's own account: their diary and marks, nothing of anyone else's."""
    login = world.free_login(people.login_for(pupil.name))
    account_id = accounts.register_account(
        world.school,
        _admin(world),
        accounts.RegisterAccount(
            login=login, full_name=str(pupil.name), email=f"{login}@mail.example"
        ),
    ).ids["account_id"]
    accounts.grant_role(
        world.school,
        _admin(world),
        accounts.GrantRole(account_id=account_id, role=Role.STUDENT, student_id=pupil.id),
    )
    world.grant_noted(Role.STUDENT, login)


class _FamilyRecord:
    """The class teacher's entries about one student's family, in the order they are made."""

    def __init__(self, world: World, pupil: Pupil) -> None:
        self.world = world
        self.pupil = pupil
        self.family = world.families[pupil.id]
        self.class_teacher = world.class_teacher(pupil.class_code)
        self.account_id: UUID | None = None
        self.mother_id: UUID | None = None
        self.login = ""

    def open_account(self) -> None:
        self.login = self.world.free_login(people.login_for(self.family.mother))
        self.account_id = accounts.register_account(
            self.world.school,
            _admin(self.world),
            accounts.RegisterAccount(
                login=self.login,
                full_name=str(self.family.mother),
                email=f"{self.login}@mail.example",
            ),
        ).ids["account_id"]

    def grant_parent(self) -> None:
        if self.account_id is None:
            raise AssertionError("the parent's account is opened before it is granted a role")
        accounts.grant_role(
            self.world.school,
            self.class_teacher,
            accounts.GrantRole(
                account_id=self.account_id, role=Role.PARENT, student_id=self.pupil.id
            ),
        )
        self.world.grant_noted(Role.PARENT, self.login)
        self.world.tally.parent_accounts += 1

    def add(self, relation: Literal["mother", "father"], phone: str) -> None:
        mother = relation == "mother"
        recorded = students.add_guardian(
            self.world.school,
            self.class_teacher,
            students.AddGuardian(
                student_id=self.pupil.id,
                name=self.family.mother if mother else self.family.father,
                relation=relation,
                phone=phone,
                account_id=self.account_id if mother else None,
            ),
        )
        if mother:
            self.mother_id = recorded.ids["guardian_id"]
        self.world.tally.guardians += 1

    def consent(self) -> None:
        students.record_consent(
            self.world.school,
            self.class_teacher,
            students.RecordConsent(
                student_id=self.pupil.id,
                given_by=self.mother_id,
                given_on=date(2026, 8, 31),
                document="Согласие на обработку персональных данных от 31.08.2026",
            ),
        )
        self.world.tally.consents += 1
