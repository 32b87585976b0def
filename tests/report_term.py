"""Five weeks of the scenario school kept through the real commands, for the report tests.

Every figure the report tests expect is worked out by hand from what happens here, so the
timeline is spelled out (2026; 1 September is a Tuesday; School 77's profile):

- 26 Aug: the deputy sets 5А mathematics' KTP (2 + 3 + 5 = 10 hours); the outsider is made a
  second teacher of literature (relieved again on 15 Sep); three family accounts: a parent of
  Алексеев (parent0), Белова herself (student1), a parent of Егоров (parent4).
- Mon 7 Sep: mathematics (topic, homework; Белова absent, Гусев late; Алексеев "5", Денисова
  "4"), Russian (topic, no homework; Белова absent), English in both subgroups (Алексеев "4" in
  group 1; Егоров absent in group 2), 1А mathematics (topic; Жаров absent). The class teacher
  records Белова's illness for the day.
- Tue 8 Sep: mathematics with no topic and no homework (Алексеев absent; Денисова marked absent
  and corrected to present; Денисова "5" for a control work, Егоров "3" corrected to "4"); the
  homework is filled in later that day; Алексеев's absence is recorded as unexcused; Денисова's
  "4" of Monday is voided. The Russian topic of Monday is corrected.
- Mon 14 Sep: under the deputy's late-entry permission the mathematics teacher records
  Wednesday 9 Sep's lesson (topic, homework, Белова "4"): two late entries, one lesson.
- Егоров is transferred to 5Б from 14 Sep (5Б is formed on 10 Sep); 5А is quarantined
  21–25 Sep.
- Зайцева (1А) is withdrawn on 1 Oct; Морозов is admitted to 5А on 5 Oct; Mon 5 Oct:
  mathematics (topic, homework; Белова absent; Алексеев "3" for a control work, Морозов "5").
- Sign-ins: parent0 on 7 Sep 18:00, 30 Sep 23:30 and 1 Oct 00:30 (Moscow time: the last two are
  an hour apart in UTC and a month apart at the school); student1 on 7 Sep 19:00; parent4 on
  10 and 20 Sep. student1's role is revoked on 10 Oct.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from scenario import YEAR, World, build_world, class_teacher_as

from ejournal.aggregates.student import PersonName
from ejournal.application import Recorded
from ejournal.clock import MovableClock
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
from ejournal.database import SchoolDatabase, open_database
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.projections.projector import Projector
from ejournal.projections.reporting.projection import Reporting
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
WEDNESDAY = date(2026, 9, 9)
LATE_DAY = date(2026, 9, 14)
TRANSFER_DAY = date(2026, 9, 14)
WITHDRAWAL_DAY = date(2026, 10, 1)
ADMISSION_DAY = date(2026, 10, 5)
REVOCATION_DAY = date(2026, 10, 10)
TODAY = date(2026, 10, 6)
"""The day the reports are read on in the tests: "to date" in the KTP progress."""

NAMES = [
    "Алексеев Артём Игоревич",
    "Белова Варвара Дмитриевна",
    "Гусев Глеб Андреевич",
    "Денисова Дарья Сергеевна",
    "Егоров Егор Павлович",
    "Морозов Максим Олегович",
]


@dataclass
class Term:
    """The scenario school, its reporting read model, and what the term recorded."""

    world: World
    database: SchoolDatabase
    model: Reporting
    projector: Projector
    students: list[UUID] = field(default_factory=list)
    """5А's students in NAMES order, Морозов (admitted in October) last."""
    family: dict[str, Actor] = field(default_factory=dict)

    def catch_up(self) -> None:
        self.projector.catch_up()

    def rows(self) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
        """Every row of every table of the model, in a fixed order."""
        tables = {}
        with self.database.transaction(write=False) as cursor:
            for table in Reporting.tables:
                cursor.execute(f"SELECT * FROM {table}")
                tables[table] = sorted(
                    (tuple(sorted(row.items())) for row in cursor.fetchall()), key=repr
                )
        return tables


@contextmanager
def reporting_school(database_url: str, school_id: str) -> Iterator[Term]:
    """The scenario school with the reporting model fed in small batches as the log grows."""
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    database = open_database(settings, school_id)
    model = Reporting()
    projector = Projector(world.school, database, [model], batch_size=3)
    projector.set_up()
    try:
        yield Term(world, database, model, projector, students=list(world.students))
    finally:
        database.close()


def _family(world: World, login: str, name: str, role: Role, student: UUID) -> tuple[Actor, UUID]:
    account_id = accounts.register_account(
        world.school, world.admin, accounts.RegisterAccount(login=login, full_name=name)
    ).ids["account_id"]
    if role is Role.PARENT:
        world.guardian_account(student, account_id, name)
    grant = accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=account_id, role=role, student_id=student),
    ).ids["grant_id"]
    return Actor(account_id=account_id, role=role), grant


def sign_in(term: Term, who: str, on: date, hour: int, minute: int = 0) -> None:
    """A login of a family account at a local time (as the login path records it)."""
    term.world.at(on, hour, minute)
    actor = term.family[who]
    accounts.record_sign_in(
        term.world.school, actor, accounts.RecordSignIn(account_id=actor.account_id)
    )


def whole_lesson(
    world: World, teacher: Actor, key: str, on: date, slot: int, **fields: Any
) -> Recorded:
    return lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[key], on=on, slot=slot, **fields),
    )


def keep_the_term(term: Term) -> None:
    """The timeline of the module's docstring, caught up now and then along the way."""
    world, school = term.world, term.world.school
    p = term.students
    world.at(date(2026, 8, 26), 10)
    journals.set_ktp(
        school,
        world.deputy,
        journals.SetKtp(
            journal_id=world.journals["math"],
            items=(
                journals.KtpLine(topic="Натуральные числа", hours=2),
                journals.KtpLine(topic="Сложение и вычитание", hours=3),
                journals.KtpLine(topic="Обыкновенные дроби", hours=5),
            ),
        ),
    )
    journals.assign_teacher(
        school,
        world.admin,
        journals.AssignTeacher(
            journal_id=world.journals["literature"], account_id=world.outsider.account_id
        ),
    )
    term.family["parent0"], _ = _family(
        world, "parent0", "Алексеева Ирина Олеговна", Role.PARENT, p[0]
    )
    term.family["student1"], student_grant = _family(
        world, "student1", "Белова Варвара Дмитриевна", Role.STUDENT, p[1]
    )
    term.family["parent4"], _ = _family(
        world, "parent4", "Егорова Нина Петровна", Role.PARENT, p[4]
    )
    term.catch_up()

    # Monday 7 September.
    world.at(MONDAY, 10)
    monday_math = whole_lesson(
        world,
        world.math,
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={p[1]: Attendance.ABSENT, p[2]: Attendance.LATE},
        marks=(MarkEntry(student_id=p[0], value="5"), MarkEntry(student_id=p[3], value="4")),
    )
    whole_lesson(
        world,
        world.math,
        "math1",
        MONDAY,
        1,
        topic="Счёт до 10",
        attendance={world.first_graders[0]: Attendance.ABSENT},
    )
    world.at(MONDAY, 12)
    russian = whole_lesson(
        world,
        world.russian,
        "russian",
        MONDAY,
        3,
        topic="Фонетика",
        attendance={p[1]: Attendance.ABSENT},
    )
    world.at(MONDAY, 12, 30)
    whole_lesson(
        world,
        world.english1,
        "english1",
        MONDAY,
        4,
        topic="Greetings",
        homework="ex. 1",
        marks=(MarkEntry(student_id=p[0], value="4"),),
    )
    whole_lesson(
        world,
        world.english2,
        "english2",
        MONDAY,
        4,
        topic="Greetings",
        homework="ex. 1",
        attendance={p[4]: Attendance.ABSENT},
    )
    world.at(MONDAY, 16)
    _absence_reason(world, p[1], MONDAY, AbsenceReason.ILLNESS)
    sign_in(term, "parent0", MONDAY, 18)
    sign_in(term, "student1", MONDAY, 19)
    term.catch_up()

    # Tuesday 8 September.
    world.at(TUESDAY, 10)
    tuesday = whole_lesson(
        world,
        world.math,
        "math",
        TUESDAY,
        1,
        attendance={p[0]: Attendance.ABSENT, p[3]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=p[3], value="5", work_kind=WorkKind.CONTROL),
            MarkEntry(student_id=p[4], value="3"),
        ),
    )
    attendance.correct_attendance(
        school,
        world.math,
        attendance.CorrectAttendance(
            journal_id=world.journals["math"],
            lesson_id=tuesday.ids["lesson_id"],
            student_id=p[3],
            status=Attendance.PRESENT,
            reason="отмечена ошибочно",
        ),
    )
    marks.correct_mark(
        school,
        world.math,
        marks.CorrectMark(
            journal_id=world.journals["math"],
            mark_id=tuesday.ids["mark_1"],
            value="4",
            reason="ошибка при вводе",
        ),
    )
    world.at(TUESDAY, 15)
    lessons.record_lesson_details(
        school,
        world.math,
        lessons.RecordLessonDetails(
            journal_id=world.journals["math"], lesson_id=tuesday.ids["lesson_id"], homework="№ 2"
        ),
    )
    lessons.correct_lesson_details(
        school,
        world.russian,
        lessons.CorrectLessonDetails(
            journal_id=world.journals["russian"],
            lesson_id=russian.ids["lesson_id"],
            topic="Фонетика. Звуки речи",
            reason="уточнена тема",
        ),
    )
    world.at(TUESDAY, 16)
    _absence_reason(world, p[0], TUESDAY, AbsenceReason.UNEXCUSED)
    marks.void_mark(
        school,
        world.math,
        marks.VoidMark(
            journal_id=world.journals["math"],
            mark_id=monday_math.ids["mark_1"],
            reason="выставлена не тому ученику",
        ),
    )
    term.catch_up()

    # 5Б, Егоров's transfer, a parent's logins.
    world.at(date(2026, 9, 10), 10)
    year.form_class(school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    students.transfer_student(
        school,
        world.secretary,
        students.TransferStudent(
            year=YEAR,
            student_id=p[4],
            to_class="5Б",
            on=TRANSFER_DAY,
            order="№ 120-у",
            reason="заявление родителей",
        ),
    )
    sign_in(term, "parent4", date(2026, 9, 10), 18)

    # Monday 14 September: Wednesday's lesson, late under a permission.
    world.at(LATE_DAY, 9)
    substitutions.permit_late_entry(
        school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=world.journals["math"],
            from_date=WEDNESDAY,
            to_date=WEDNESDAY,
            teacher_id=world.math.account_id,
            reason="сбой в работе сети в школе",
        ),
    )
    world.at(LATE_DAY, 9, 30)
    whole_lesson(
        world,
        world.math,
        "math",
        WEDNESDAY,
        1,
        topic="Сложение",
        homework="№ 6",
        marks=(MarkEntry(student_id=p[1], value="4"),),
    )
    world.at(date(2026, 9, 15), 10)
    journals.relieve_teacher(
        school,
        world.admin,
        journals.RelieveTeacher(
            journal_id=world.journals["literature"],
            account_id=world.outsider.account_id,
            reason="перераспределение нагрузки",
        ),
    )
    world.at(date(2026, 9, 18), 10)
    year.declare_closure(
        school,
        world.deputy,
        year.DeclareClosure(
            year=YEAR,
            start=date(2026, 9, 21),
            end=date(2026, 9, 25),
            kind="quarantine",
            classes=frozenset({"5А"}),
            reason="ОРВИ",
        ),
    )
    sign_in(term, "parent4", date(2026, 9, 20), 18)
    sign_in(term, "parent0", date(2026, 9, 30), 23, 30)
    sign_in(term, "parent0", WITHDRAWAL_DAY, 0, 30)
    term.catch_up()

    # October: a withdrawal from 1А, an admission to 5А, a lesson.
    world.at(WITHDRAWAL_DAY, 10)
    students.withdraw_student(
        school,
        world.secretary,
        students.WithdrawStudent(
            year=YEAR,
            student_id=world.first_graders[1],
            on=WITHDRAWAL_DAY,
            reason="переезд семьи",
            destination="МБОУ СОШ № 5 г. Самары",
            order="№ 131-у",
        ),
    )
    world.at(ADMISSION_DAY, 9)
    term.students.append(
        students.admit_student(
            school,
            world.secretary,
            students.AdmitStudent(
                year=YEAR,
                name=PersonName(last="Морозов", first="Максим", patronymic="Олегович"),
                birth_date=date(2015, 6, 2),
                class_code="5А",
                on=ADMISSION_DAY,
                order="№ 140-у",
            ),
        ).ids["student_id"]
    )
    world.at(ADMISSION_DAY, 10)
    whole_lesson(
        world,
        world.math,
        "math",
        ADMISSION_DAY,
        1,
        topic="Дроби",
        homework="№ 10",
        attendance={p[1]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=p[0], value="3", work_kind=WorkKind.CONTROL),
            MarkEntry(student_id=term.students[5], value="5"),
        ),
    )
    world.at(REVOCATION_DAY, 10)
    accounts.revoke_role(
        school,
        world.admin,
        accounts.RevokeRole(
            account_id=term.family["student1"].account_id,
            grant_id=student_grant,
            reason="выдан новый логин",
        ),
    )
    term.catch_up()


def _absence_reason(world: World, student: UUID, on: date, reason: AbsenceReason) -> None:
    attendance.set_absence_reason(
        world.school,
        class_teacher_as(world),
        attendance.SetAbsenceReason(
            year=YEAR, class_code="5А", student_id=student, start=on, end=on, absence_reason=reason
        ),
    )
