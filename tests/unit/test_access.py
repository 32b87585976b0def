"""Deny by default: out of scope looks exactly like missing; a role may only do its own work;
a blocked or annulled account gets nothing (School 117 §10)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID, uuid4

import pytest
from scenario import YEAR, World, class_teacher_as

from ejournal import access
from ejournal.aggregates.account import Account, AccountInactiveError
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.commands import accounts, attendance, lessons, marks, students
from ejournal.errors import AccessDeniedError, NotFoundError, RuleViolationError
from ejournal.marks import AbsenceReason, Attendance
from ejournal.roles import Actor, Role

MONDAY = date(2026, 9, 7)


def hold(world: World, actor: Actor, journal: str = "math") -> object:
    return lessons.record_whole_lesson(
        world.school,
        actor,
        lessons.RecordWholeLesson(
            journal_id=world.journals[journal],
            on=MONDAY,
            slot=1,
            topic="Натуральные числа",
            attendance={world.students[0]: Attendance.ABSENT},
        ),
    )


def test_another_teachers_journal_looks_missing(world: World) -> None:
    world.at(MONDAY, 10)
    with pytest.raises(NotFoundError) as out_of_scope:
        hold(world, world.russian)
    with pytest.raises(NotFoundError) as missing:
        lessons.record_whole_lesson(
            world.school,
            world.russian,
            lessons.RecordWholeLesson(journal_id=uuid4(), on=MONDAY, slot=1, topic="Тема"),
        )
    assert str(out_of_scope.value) == str(missing.value)


def test_a_claimed_role_must_be_held(world: World) -> None:
    world.at(MONDAY, 10)
    pretender = Actor(account_id=world.math.account_id, role=Role.DEPUTY)
    with pytest.raises(AccessDeniedError, match="does not hold"):
        hold(world, pretender)
    with pytest.raises(AccountInactiveError):
        hold(world, Actor(account_id=uuid4(), role=Role.TEACHER))


def test_blocked_and_annulled_accounts_get_nothing(world: World) -> None:
    world.at(MONDAY, 10)
    accounts.block_account(
        world.school,
        world.admin,
        accounts.BlockAccount(account_id=world.math.account_id, reason="утеря пароля"),
    )
    with pytest.raises(AccountInactiveError):
        hold(world, world.math)
    accounts.unblock_account(
        world.school,
        world.admin,
        accounts.UnblockAccount(account_id=world.math.account_id, reason="пароль сменён"),
    )
    hold(world, world.math)
    accounts.annul_account(
        world.school,
        world.admin,
        accounts.AnnulAccount(
            account_id=world.russian.account_id, reason="увольнение", address="petrova@example.ru"
        ),
    )
    with pytest.raises(AccountInactiveError):
        hold(world, world.russian, "russian")
    events = list(world.school.events.get(world.russian.account_id))
    notice = events[-1].notice  # type: ignore[attr-defined]
    assert (notice.full_name, notice.address, notice.reason) == (
        "Петрова Светлана Юрьевна",
        "petrova@example.ru",
        "увольнение",
    )


def test_only_the_class_teacher_sets_absence_reasons(world: World) -> None:
    world.at(MONDAY, 10)
    hold(world, world.math)
    command = attendance.SetAbsenceReason(
        year="2026/2027",
        class_code="5А",
        student_id=world.students[0],
        start=MONDAY,
        end=MONDAY,
        absence_reason=AbsenceReason.ILLNESS,
        note="справка № 12",
    )
    with pytest.raises(AccessDeniedError):
        attendance.set_absence_reason(world.school, world.math, command)
    attendance.set_absence_reason(world.school, class_teacher_as(world), command)
    journal = world.school.journal(world.journals["math"])
    (lesson,) = journal.lessons.values()
    entry = journal.attendance_of(lesson.id, world.students[0])
    assert entry is not None
    assert entry.reason is AbsenceReason.ILLNESS
    assert entry.reason.is_valid


def test_read_only_roles_record_nothing(world: World) -> None:
    world.at(MONDAY, 10)
    inspector = world.account("inspector", "Инспектор", Role.INSPECTOR)
    with pytest.raises(AccessDeniedError):
        hold(world, inspector)
    lesson_id = hold(world, world.math).ids["lesson_id"]  # type: ignore[attr-defined]
    with pytest.raises(AccessDeniedError):
        marks.record_mark(
            world.school,
            inspector,
            marks.RecordMark(
                journal_id=world.journals["math"],
                lesson_id=lesson_id,
                student_id=world.students[1],
                value="5",
            ),
        )


# --- the core's access module, rule by rule (DESIGN.md §5) ----------------------------------------


def account_of(world: World, actor: Actor) -> Account:
    return world.school.account(actor.account_id)


def parent_of(world: World, student: UUID, *, guardian: bool = True) -> Account:
    """A parent account of a student (recorded as the student's guardian first)."""
    account_id = accounts.register_account(
        world.school,
        world.admin,
        accounts.RegisterAccount(login=f"parent{uuid4().hex[:6]}", full_name="Алексеева Ирина"),
    ).ids["account_id"]
    if guardian:
        world.guardian_account(student, account_id, "Алексеева Ирина Олеговна")
    accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=account_id, role=Role.PARENT, student_id=student),
    )
    return world.school.account(account_id)


def test_a_class_teacher_reads_every_journal_and_history_of_their_class(world: World) -> None:
    # Lyceum 68 §3.5.1: «имеют доступ ко всем страницам своего класса в журнале».
    lead = account_of(world, world.class_teacher)
    for key in ("math", "russian", "english1"):
        assert access.readable_journal(world.school, lead, world.journals[key])
        assert access.history_journal(world.school, lead, world.journals[key])
    # 1А is not their class: its journal looks missing, as a journal that does not exist.
    for read in (access.readable_journal, access.history_journal):
        with pytest.raises(NotFoundError) as other:
            read(world.school, lead, world.journals["math1"])
        with pytest.raises(NotFoundError) as missing:
            read(world.school, lead, uuid4())
        assert str(other.value) == str(missing.value)
    # A subject teacher replays only the journals they keep.
    russian = account_of(world, world.russian)
    with pytest.raises(NotFoundError):
        access.history_journal(world.school, russian, world.journals["math"])


def test_subject_teachers_read_the_sheets_of_the_classes_they_teach(world: World) -> None:
    # School 77 §4.4.11: the subject teacher forms the class's results and progress sheet.
    russian = account_of(world, world.russian)
    assert access.class_sheets(world.school, russian, YEAR, "5А").label == YEAR
    with pytest.raises(NotFoundError):
        access.class_sheets(world.school, russian, YEAR, "1А")
    math = account_of(world, world.math)
    assert access.class_sheets(world.school, math, YEAR, "1А")
    # Not the class list, nor the class's reports: those stay the class teacher's.
    with pytest.raises(NotFoundError):
        access.class_list(world.school, math, YEAR, "5А")
    with pytest.raises(NotFoundError):
        access.reported_class(world.school, math, YEAR, "5А")
    outsider = account_of(world, world.outsider)
    with pytest.raises(NotFoundError):
        access.class_sheets(world.school, outsider, YEAR, "5А")


def test_the_movement_sheet_is_the_administrations_and_a_class_teachers_own(world: World) -> None:
    # School 77 §4.3.10: «Сводная ведомость учета движения учащихся» among the class teacher's.
    assert access.movement_of(world.school, account_of(world, world.deputy), YEAR) is None
    lead = account_of(world, world.class_teacher)
    assert access.movement_of(world.school, lead, YEAR) == frozenset({"5А"})
    with pytest.raises(AccessDeniedError):
        access.movement_of(world.school, account_of(world, world.math), YEAR)


def test_a_class_teacher_reads_their_students_records(world: World) -> None:
    # Lyceum 68 §3.5.2, School 77 §4.3.7: the class teacher keeps the data current.
    lead = account_of(world, world.class_teacher)
    student = access.student_record(world.school, lead, world.students[0])
    assert student.id == world.students[0]
    with pytest.raises(NotFoundError):
        access.student_record(world.school, lead, world.first_graders[0])
    secretary = account_of(world, world.secretary)
    assert access.student_record(world.school, secretary, world.first_graders[0])
    with pytest.raises(NotFoundError):
        access.student_record(world.school, account_of(world, world.math), world.students[0])


def test_gymnasium2_teachers_read_the_records_of_the_classes_they_teach(
    make_world: Callable[[str], World],
) -> None:
    """Gymnasium 2 §3.1: a teacher reads the children's personal data «в том числе в
    экстренных ситуациях»; elsewhere a subject teacher reads no student's record."""
    world = make_world("gymnasium2")
    math = account_of(world, world.math)
    assert access.student_record(world.school, math, world.students[0]).id == world.students[0]
    outsider = account_of(world, world.outsider)
    with pytest.raises(NotFoundError):
        access.student_record(world.school, outsider, world.students[0])
    russian = account_of(world, world.russian)
    with pytest.raises(NotFoundError):  # teaches 5А, not 1А
        access.student_record(world.school, russian, world.first_graders[0])
    school77 = make_world("school77")
    with pytest.raises(NotFoundError):
        access.student_record(
            school77.school, account_of(school77, school77.math), school77.students[0]
        )


def test_a_class_teacher_corrects_attendance_in_their_class(world: World) -> None:
    # School 77 §4.3.8: the class teacher checks the absences daily and corrects them.
    world.at(MONDAY, 10)
    hold(world, world.math)
    lesson_id = next(iter(world.school.journal(world.journals["math"]).lessons))
    correction = attendance.CorrectAttendance(
        journal_id=world.journals["math"],
        lesson_id=lesson_id,
        student_id=world.students[0],
        status=Attendance.LATE,
        reason="опоздал, пришёл ко второй половине урока",
    )
    # Acting in the teacher role they also hold, the class teacher's right still grants it.
    as_teacher = Actor(account_id=world.class_teacher.account_id, role=Role.TEACHER)
    attendance.correct_attendance(world.school, as_teacher, correction)
    journal = world.school.journal(world.journals["math"])
    (event,) = [
        e
        for e in world.school.events.get(journal.id)
        if isinstance(e, ClassJournal.AttendanceCorrected)
    ]
    assert event.actor == world.class_teacher
    with pytest.raises(NotFoundError):
        attendance.correct_attendance(world.school, world.russian, correction)


def test_the_administration_reads_the_whole_audit_trail(world: World) -> None:
    # DESIGN.md §5: «Deputy, director and administrator read everything».
    for actor in (world.admin, world.deputy):
        assert access.audit_scope(account_of(world, actor)).everything
    with pytest.raises(AccessDeniedError):
        access.audit_scope(account_of(world, world.secretary))


def test_the_parent_role_goes_to_a_recorded_guardian_only(world: World) -> None:
    # Gymnasium 2 §3.7: «предоставляются лицу, о котором имеются сведения как о родителе».
    stranger = accounts.register_account(
        world.school, world.admin, accounts.RegisterAccount(login="stranger", full_name="Чужой")
    ).ids["account_id"]
    position = world.school.position()
    for granter in (world.admin, class_teacher_as(world)):
        with pytest.raises(RuleViolationError) as refused:
            accounts.grant_role(
                world.school,
                granter,
                accounts.GrantRole(
                    account_id=stranger, role=Role.PARENT, student_id=world.students[0]
                ),
            )
        assert (refused.value.rule, str(refused.value.clause)) == (
            "parent-is-guardian",
            "Gymnasium 2, §3.7",
        )
    assert world.school.position() == position
    parent = parent_of(world, world.students[0])
    assert world.students[0] in parent.students_followed()


def test_consent_gates_the_diary_where_the_profile_requires_it(
    make_world: Callable[[str], World],
) -> None:
    # Gymnasium 2 §1.5: a student is in the journal and diary only with written consent.
    world = make_world("gymnasium2")
    world.at(MONDAY, 10)
    child = world.students[0]
    parent = parent_of(world, child)
    assert access.followed_student(world.school, parent, child).id == child
    with pytest.raises(access.ConsentRequiredError) as refused:
        access.diary_of(world.school, parent, child)
    assert (refused.value.status, refused.value.rule, str(refused.value.clause)) == (
        403,
        "consent",
        "Gymnasium 2, §1.5",
    )
    guardian = next(iter(world.school.student(child).guardians))
    consent = students.record_consent(
        world.school,
        class_teacher_as(world),
        students.RecordConsent(
            student_id=child, given_by=guardian, given_on=MONDAY, document="Согласие № 7"
        ),
    ).ids["consent_id"]
    assert access.diary_of(world.school, parent, child).id == child
    students.withdraw_consent(
        world.school,
        class_teacher_as(world),
        students.WithdrawConsent(
            student_id=child, consent_id=consent, on=MONDAY, reason="заявление матери"
        ),
    )
    with pytest.raises(access.ConsentRequiredError):
        access.diary_of(world.school, parent, child)


def test_no_consent_rule_where_the_profile_sets_none(world: World) -> None:
    world.at(MONDAY, 10)
    parent = parent_of(world, world.students[0])
    assert access.diary_of(world.school, parent, world.students[0]).id == world.students[0]
    with pytest.raises(NotFoundError):
        access.diary_of(world.school, parent, world.students[1])
