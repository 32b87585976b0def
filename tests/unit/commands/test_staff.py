"""The staff list: hiring, transfer and dismissal by the secretary on orders (Lyceum 68
§3.8.1–3.8.2), attestation and training entered by the deputies (§3.7.9), and the list as it
stood on a day."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from scenario import World

from ejournal.aggregates.staff_register import STAFF_REGISTER_ID, StaffError, StaffRegister
from ejournal.commands import staff
from ejournal.errors import AccessDeniedError, NotFoundError
from ejournal.roles import Role

SEPT = date(2026, 9, 1)


def hire(world: World, name: str = "Орлова Нина Павловна", position: str = "учитель") -> UUID:
    return staff.hire_staff_member(
        world.school,
        world.secretary,
        staff.HireStaffMember(full_name=name, position=position, on=SEPT, order="№ 12-к"),
    ).ids["member_id"]


def events(world: World) -> list[object]:
    return list(world.school.events.get(STAFF_REGISTER_ID))


def test_the_secretary_keeps_the_staff_list_on_orders(world: World) -> None:
    world.at(date(2026, 8, 28))
    nina = hire(world)
    ivan = hire(world, "Алексеев Иван Петрович", "учитель физики")
    world.at(date(2026, 10, 30))
    staff.transfer_staff_member(
        world.school,
        world.secretary,
        staff.TransferStaffMember(
            member_id=nina,
            to_position="заместитель директора по УВР",
            on=date(2026, 11, 5),
            order="№ 40-к",
            reason="назначение на должность",
        ),
    )
    staff.dismiss_staff_member(
        world.school,
        world.admin,
        staff.DismissStaffMember(
            member_id=ivan, on=date(2026, 10, 31), order="№ 41-к", reason="по собственному желанию"
        ),
    )
    on_oct = staff.staff_on(world.school, world.deputy, date(2026, 10, 31))
    assert [(m.full_name, m.position_on(date(2026, 10, 31))) for m in on_oct] == [
        ("Алексеев Иван Петрович", "учитель физики"),
        ("Орлова Нина Павловна", "учитель"),
    ]
    on_nov = staff.staff_on(world.school, world.deputy, date(2026, 11, 5))
    assert [(m.full_name, m.position_on(date(2026, 11, 5))) for m in on_nov] == [
        ("Орлова Нина Павловна", "заместитель директора по УВР")
    ]
    assert staff.staff_on(world.school, world.secretary, date(2026, 8, 31)) == []
    kinds = [type(e).__name__ for e in events(world)]
    assert kinds == ["Opened", "Hired", "Hired", "Transferred", "Dismissed"]
    dismissed = events(world)[-1]
    assert isinstance(dismissed, StaffRegister.Dismissed)
    assert dismissed.actor == world.admin
    assert dismissed.reason == "по собственному желанию"
    assert dismissed.timestamp == world.clock.now()


def test_a_dismissed_member_is_not_transferred_nor_dismissed_again(world: World) -> None:
    world.at(date(2026, 8, 28))
    nina = hire(world)
    dismissal = staff.DismissStaffMember(
        member_id=nina, on=date(2026, 9, 30), order="№ 30-к", reason="перевод в другую школу"
    )
    staff.dismiss_staff_member(world.school, world.secretary, dismissal)
    position = world.school.position()
    with pytest.raises(StaffError, match="dismissed"):
        staff.dismiss_staff_member(world.school, world.secretary, dismissal)
    with pytest.raises(StaffError, match="dismissed"):
        staff.transfer_staff_member(
            world.school,
            world.secretary,
            staff.TransferStaffMember(
                member_id=nina, to_position="педагог", on=date(2026, 10, 1), order="№", reason="x"
            ),
        )
    assert world.school.position() == position


def test_only_the_secretary_and_the_administrator_hire(world: World) -> None:
    world.at(date(2026, 8, 28))
    for actor in (world.deputy, world.math, world.class_teacher):
        with pytest.raises(AccessDeniedError, match=r"hiring staff is for: secretary"):
            staff.hire_staff_member(
                world.school,
                actor,
                staff.HireStaffMember(full_name="Кто-то", position="учитель", on=SEPT, order="1"),
            )
    assert not world.school.exists(STAFF_REGISTER_ID)


def test_deputies_enter_attestation_and_training(world: World) -> None:
    """Lyceum 68 §3.7.9: the deputies enter attestation and in-service training."""
    world.at(date(2026, 8, 28))
    nina = hire(world)
    world.at(date(2026, 12, 1))
    staff.record_attestation(
        world.school,
        world.deputy,
        staff.RecordAttestation(
            member_id=nina,
            on=date(2026, 11, 25),
            result="первая квалификационная категория",
            document="приказ МО № 1234",
            valid_until=date(2031, 11, 25),
        ),
    )
    staff.record_training(
        world.school,
        world.deputy,
        staff.RecordTraining(
            member_id=nina,
            course="ФГОС ООО: обновлённые стандарты",
            organisation="ИРО",
            start=date(2026, 11, 2),
            end=date(2026, 11, 20),
            hours=72,
            document="удостоверение № 5567",
        ),
    )
    director = world.account("director", "Ковалёва Галина Викторовна", Role.DIRECTOR)
    member = staff.staff_member(world.school, director, nina)
    assert [a.result for a in member.attestations] == ["первая квалификационная категория"]
    assert [(t.course, t.hours) for t in member.trainings] == [
        ("ФГОС ООО: обновлённые стандарты", 72)
    ]
    with pytest.raises(StaffError, match="ends on or after"):
        staff.record_training(
            world.school,
            world.deputy,
            staff.RecordTraining(
                member_id=nina,
                course="x",
                organisation="y",
                start=date(2026, 11, 20),
                end=date(2026, 11, 2),
                hours=1,
                document="z",
            ),
        )
    with pytest.raises(AccessDeniedError):
        staff.record_attestation(
            world.school,
            world.math,
            staff.RecordAttestation(member_id=nina, on=SEPT, result="x", document="y"),
        )


def test_the_staff_list_is_read_by_its_keepers_and_the_administration(world: World) -> None:
    world.at(date(2026, 8, 28))
    nina = hire(world)
    director = world.account("director", "Ковалёва Галина Викторовна", Role.DIRECTOR)
    for reader in (world.secretary, world.admin, world.deputy, director):
        assert staff.staff_member(world.school, reader, nina).full_name == "Орлова Нина Павловна"
    for outsider in (world.math, world.class_teacher):
        with pytest.raises(AccessDeniedError):
            staff.staff_member(world.school, outsider, nina)
    with pytest.raises(NotFoundError):
        staff.staff_member(world.school, world.deputy, uuid4())
