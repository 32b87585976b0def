"""Refusals that must be clear errors, not retries or crashes: duplicates, unknown profiles and
zones, closing what is closed, and a class teacher reaching outside their class."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from pydantic import ValidationError
from scenario import YEAR, World, class_teacher_as

from ejournal.aggregates.class_journal import PeriodClosedError
from ejournal.aggregates.school_year import ClosureRecord, SchoolYearError
from ejournal.commands import accounts, journals, period_marks, students, year
from ejournal.errors import AccessDeniedError, InvariantError, NotFoundError
from ejournal.policy.profile import UnknownProfileError


def test_a_taken_login_is_refused_at_once(world: World) -> None:
    with pytest.raises(InvariantError, match="taken"):
        accounts.register_account(
            world.school, world.admin, accounts.RegisterAccount(login="ivanova", full_name="X")
        )


def test_a_year_is_set_up_once(world: World) -> None:
    command = year.StartSchoolYear(
        label=YEAR,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
        periods=(
            year.PeriodSpec(id="Y1", name="Год", start=date(2026, 9, 1), end=date(2027, 5, 31)),
        ),
        profile="school77",
    )
    with pytest.raises(InvariantError, match="already set up"):
        year.start_school_year(world.school, world.admin, command)


def test_only_shipped_profiles_by_id_and_real_zones(world: World) -> None:
    command = year.StartSchoolYear(
        label="2027/2028",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
        periods=(
            year.PeriodSpec(id="Y1", name="Год", start=date(2027, 9, 1), end=date(2028, 5, 31)),
        ),
        profile="/etc/ejournal/profile.toml",
    )
    with pytest.raises(UnknownProfileError):
        year.start_school_year(world.school, world.admin, command)
    with pytest.raises(ValidationError, match="time zone"):
        year.StartSchoolYear.model_validate(
            {**command.model_dump(), "profile": "school77", "timezone": "Mars/Olympus"}
        )


def test_closing_a_closed_period_says_so(world: World) -> None:
    world.at(date(2026, 10, 26), 10)
    command = period_marks.ClosePeriod(year=YEAR, period_id="Q1", class_code="5А")
    period_marks.close_period(world.school, world.deputy, command)
    with pytest.raises(PeriodClosedError, match="already closed"):
        period_marks.close_period(world.school, world.deputy, command)


def test_a_class_teacher_splits_only_their_own_class(world: World) -> None:
    world.at(date(2026, 9, 1), 10)
    with pytest.raises(NotFoundError):
        students.move_to_subgroup(
            world.school,
            class_teacher_as(world),
            students.MoveToSubgroup(
                year=YEAR,
                student_id=world.first_graders[0],
                subject="foreign_language",
                subgroup="1",
                on=date(2026, 9, 1),
            ),
        )


def test_a_class_teacher_grants_family_roles_to_family_accounts_only(world: World) -> None:
    with pytest.raises(Exception, match="parents and students only"):
        accounts.grant_role(
            world.school,
            class_teacher_as(world),
            accounts.GrantRole(
                account_id=world.math.account_id, role="parent", student_id=world.students[0]
            ),
        )


def test_the_year_itself_refuses_a_closure_of_no_class_or_without_reason(world: World) -> None:
    # The command refuses both at its edge; the aggregate keeps the rule for every other path.
    school_year = world.school.year(YEAR)
    for classes, reason in ((frozenset(), "карантин"), (frozenset({"5А"}), " ")):
        closure = ClosureRecord(
            id=uuid4(),
            start=date(2026, 10, 5),
            end=date(2026, 10, 9),
            kind="quarantine",
            classes=classes,
            reason=reason,
        )
        with pytest.raises(SchoolYearError):
            school_year.declare_closure(closure, world.deputy)
    assert not school_year.collect_events()


def test_a_class_teachers_grant_names_a_class_of_its_year(world: World) -> None:
    before = world.school.position()
    for year_label, class_code in ((YEAR, "5Я"), ("2030/2031", "5А")):
        with pytest.raises(NotFoundError):
            accounts.grant_role(
                world.school,
                world.admin,
                accounts.GrantRole(
                    account_id=world.outsider.account_id,
                    role="class_teacher",
                    class_code=class_code,
                    year=year_label,
                ),
            )
    assert world.school.position() == before
    granted = accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(
            account_id=world.outsider.account_id, role="class_teacher", class_code="1А", year=YEAR
        ),
    )
    assert granted.position == before + 1


def test_the_administrator_does_not_write_a_journals_ktp(world: World) -> None:
    """The seeds give the KTP to the journal's teacher (Lyceum 68 §3.6.2, School 77 §4.4.7,
    Gymnasium 2 §8.2) and its corrections to a deputy (Gymnasium 2 §3.1); the administrator only
    checks it is there (Belogorsk): refused, citing the clauses, and nothing is recorded."""
    command = journals.SetKtp(
        journal_id=world.journals["math"], items=(journals.KtpLine(topic="Дроби", hours=2),)
    )
    position = world.school.position()
    with pytest.raises(AccessDeniedError, match=r"School 77 §4\.4\.7"):
        journals.set_ktp(world.school, world.admin, command)
    assert world.school.position() == position
    journals.set_ktp(world.school, world.math, command)
    assert [item.topic for item in world.school.journal(world.journals["math"]).ktp] == ["Дроби"]
