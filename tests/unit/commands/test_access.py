"""Deny by default: out of scope looks exactly like missing; a role may only do its own work;
a blocked or annulled account gets nothing (School 117 §10)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from scenario import World, class_teacher_as

from ejournal.aggregates.account import AccountInactiveError
from ejournal.commands import accounts, attendance, lessons, marks
from ejournal.errors import AccessDeniedError, NotFoundError
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
