"""Movement of students: subgroup moves only at a period's end (School 77 §4.4.9), transfers,
withdrawal, and promotion when the year closes. Rosters follow the movement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from scenario import YEAR, World, class_teacher_as

from ejournal.aggregates.class_journal import StudentNotOnRosterError
from ejournal.aggregates.student import PersonName
from ejournal.commands import lessons, students, year
from ejournal.commands.marking import MarkEntry
from ejournal.errors import AccessDeniedError, RuleViolationError
from ejournal.marks import Attendance

MakeWorld = Callable[[str], World]


def move(world: World, actor_is_admin: bool, on: date, subgroup: str = "2") -> None:
    actor = world.admin if actor_is_admin else class_teacher_as(world)
    students.move_to_subgroup(
        world.school,
        actor,
        students.MoveToSubgroup(
            year=YEAR,
            student_id=world.students[0],
            subject="foreign_language",
            subgroup=subgroup,
            on=on,
        ),
    )


def test_a_subgroup_move_is_refused_mid_period(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(date(2026, 10, 1), 10)
    with pytest.raises(RuleViolationError) as refused:
        move(world, True, date(2026, 10, 1))
    assert (refused.value.rule, refused.value.clause.ref) == (
        "subgroups.only_at_period_end",
        "§4.4.9",
    )
    with pytest.raises(RuleViolationError, match="administrator"):
        move(world, False, date(2026, 10, 26))


def test_school77_moves_between_subgroups_only_after_the_quarter_ends(
    make_world: MakeWorld,
) -> None:
    """School 77 §4.4.9: "только по окончании учебного периода (четверти)" — not in its last
    days, and not scheduled before it ends."""
    world = make_world("school77")
    world.at(date(2026, 10, 12), 10)  # 12 days before Q1 ends on 24 October
    position = world.school.position()
    for on in (date(2026, 10, 12), date(2026, 10, 24), date(2026, 10, 25)):
        with pytest.raises(RuleViolationError) as refused:
            move(world, True, on)
        assert (refused.value.rule, refused.value.clause.ref) == (
            "subgroups.only_at_period_end",
            "§4.4.9",
        )
    world.at(date(2026, 10, 24), 23, 59)  # the quarter's last day is still the quarter
    with pytest.raises(RuleViolationError):
        move(world, True, date(2026, 10, 25))
    assert world.school.position() == position
    world.at(date(2026, 10, 25), 0, 1)
    move(world, True, date(2026, 10, 25))


def test_a_subgroup_move_at_the_period_end_by_the_administrator(make_world: MakeWorld) -> None:
    world = make_world("school77")
    world.at(date(2026, 10, 26), 10)  # the autumn holidays after Q1
    move(world, True, date(2026, 11, 5))
    school_year = world.school.year(YEAR)
    moved = world.students[0]
    assert school_year.subgroup_of(moved, "5А", "foreign_language", date(2026, 10, 20)) == "1"
    assert school_year.subgroup_of(moved, "5А", "foreign_language", date(2026, 11, 5)) == "2"
    # The roster follows: the student is on group 2's page from 5 November, not group 1's.
    world.at(date(2026, 11, 9), 10)
    lessons.record_whole_lesson(
        world.school,
        world.english2,
        lessons.RecordWholeLesson(
            journal_id=world.journals["english2"],
            on=date(2026, 11, 9),
            slot=4,
            topic="Present Simple",
            marks=(MarkEntry(student_id=moved, value="5"),),
        ),
    )
    with pytest.raises(StudentNotOnRosterError):
        lessons.record_whole_lesson(
            world.school,
            world.english1,
            lessons.RecordWholeLesson(
                journal_id=world.journals["english1"],
                on=date(2026, 11, 9),
                slot=4,
                topic="Present Simple",
                attendance={moved: Attendance.ABSENT},
            ),
        )


def test_gymnasium2_does_not_restrict_subgroup_moves_in_time(make_world: MakeWorld) -> None:
    world = make_world("gymnasium2")
    world.at(date(2026, 10, 1), 10)
    move(world, True, date(2026, 10, 1))


def test_transfer_and_withdrawal_move_the_student_between_rosters(world: World) -> None:
    world.at(date(2026, 9, 10), 10)
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    student = world.students[4]
    students.transfer_student(
        world.school,
        world.secretary,
        students.TransferStudent(
            year=YEAR,
            student_id=student,
            to_class="5Б",
            on=date(2026, 9, 14),
            order="№ 120-у",
            reason="заявление родителей",
        ),
    )
    school_year = world.school.year(YEAR)
    assert school_year.class_of(student, date(2026, 9, 11)) == "5А"
    assert school_year.class_of(student, date(2026, 9, 14)) == "5Б"
    record = world.school.student(student)
    assert [m.kind for m in record.movements] == ["admitted", "subgroup", "transferred"]
    with pytest.raises(AccessDeniedError):
        students.withdraw_student(
            world.school,
            world.math,
            students.WithdrawStudent(
                year=YEAR,
                student_id=world.students[3],
                on=date(2026, 9, 10),
                reason="переезд",
                order="№ 121-у",
            ),
        )
    students.withdraw_student(
        world.school,
        world.secretary,
        students.WithdrawStudent(
            year=YEAR,
            student_id=world.students[3],
            on=date(2026, 9, 10),
            reason="переезд в другой город",
            destination="МБОУ СОШ № 5",
            order="№ 121-у",
        ),
    )
    school_year = world.school.year(YEAR)
    assert school_year.class_of(world.students[3], date(2026, 9, 11)) is None
    assert world.students[3] not in school_year.roster(
        school_year.journals[world.journals["math"]], date(2026, 9, 11)
    )


def test_closing_the_year_promotes_every_student(world: World) -> None:
    world.at(date(2027, 5, 28), 10)
    next_year = "2027/2028"
    year.start_school_year(
        world.school,
        world.admin,
        year.StartSchoolYear(
            label=next_year,
            starts_on=date(2027, 9, 1),
            ends_on=date(2028, 5, 31),
            periods=(
                year.PeriodSpec(
                    id="Q1", name="1 четверть", start=date(2027, 9, 1), end=date(2027, 10, 23)
                ),
            ),
            profile="school77",
        ),
    )
    for grade in (6, 5, 2):
        year.form_class(
            world.school, world.admin, year.FormClass(year=next_year, grade=grade, letter="А")
        )
    retained = world.students[2]
    students.close_year(
        world.school,
        world.admin,
        students.CloseYear(
            year=YEAR,
            next_year=next_year,
            on=date(2027, 5, 31),
            order="№ 200 от 31.05.2027",
            exceptions={retained: "retained"},
        ),
    )
    with pytest.raises(Exception, match="closed"):
        year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=7, letter="А"))
    following = world.school.year(next_year)
    for student in world.students:
        expected = "6А" if student != retained else None
        if expected:
            assert following.class_of(student, date(2027, 9, 1)) == "6А"
    assert following.class_of(world.first_graders[0], date(2027, 9, 1)) == "2А"
    assert world.school.student(world.students[0]).year == next_year


def test_guardians_and_consent(world: World) -> None:
    world.at(date(2026, 9, 2), 10)
    student = world.students[0]
    guardian = students.add_guardian(
        world.school,
        class_teacher_as(world),
        students.AddGuardian(
            student_id=student,
            name=PersonName(last="Алексеева", first="Ирина", patronymic="Олеговна"),
            relation="mother",
            email="mother@example.ru",
        ),
    ).ids["guardian_id"]
    students.record_consent(
        world.school,
        class_teacher_as(world),
        students.RecordConsent(
            student_id=student,
            given_by=guardian,
            given_on=date(2026, 9, 2),
            document="Согласие на обработку ПДн № 15",
        ),
    )
    record = world.school.student(student)
    assert record.has_consent(date(2026, 9, 3))
    assert not record.has_consent(date(2026, 9, 1))
    with pytest.raises(AccessDeniedError):
        students.add_guardian(
            world.school,
            world.math,
            students.AddGuardian(
                student_id=student, name=PersonName(last="X", first="Y"), relation="father"
            ),
        )
