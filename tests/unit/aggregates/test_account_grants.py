"""A class teacher's grant names its school year (DESIGN.md §5), and grants recorded before it
did still load: upcast with the year of the time they were recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from scenario import YEAR, World, class_teacher_as

from ejournal.aggregates.account import Account, AccountError, Grant, year_granted_in
from ejournal.aggregates.student import PersonName
from ejournal.commands import accounts, attendance, students, year
from ejournal.errors import NotFoundError
from ejournal.marks import AbsenceReason
from ejournal.roles import Role

NEXT = "2027/2028"


def _next_year_5a(world: World) -> UUID:
    """2027/2028 with a 5А of its own and one student in it; returns the student."""
    year.start_school_year(
        world.school,
        world.admin,
        year.StartSchoolYear(
            label=NEXT,
            starts_on=date(2027, 9, 1),
            ends_on=date(2028, 5, 31),
            periods=(
                year.PeriodSpec(
                    id="H1", name="1 полугодие", start=date(2027, 9, 1), end=date(2027, 12, 28)
                ),
                year.PeriodSpec(
                    id="H2", name="2 полугодие", start=date(2028, 1, 11), end=date(2028, 5, 31)
                ),
            ),
            profile="school77",
        ),
    )
    year.form_class(world.school, world.admin, year.FormClass(year=NEXT, grade=5, letter="А"))
    return students.admit_student(
        world.school,
        world.admin,
        students.AdmitStudent(
            year=NEXT,
            name=PersonName(last="Новикова", first="Анна", patronymic="Сергеевна"),
            birth_date=date(2016, 4, 1),
            class_code="5А",
            on=date(2027, 9, 1),
            order="№ 1-у",
        ),
    ).ids["student_id"]


def test_a_class_scope_names_its_year(world: World) -> None:
    account = world.school.account(world.class_teacher.account_id)
    assert account.classes_led() == {(YEAR, "5А")}
    assert account.leads(YEAR, "5А")
    assert not account.leads(NEXT, "5А")
    for role, scope in (
        (Role.CLASS_TEACHER, {"class_code": "5А"}),
        (Role.TEACHER, {"year": YEAR}),
    ):
        with pytest.raises(AccountError, match="class and its school year"):
            account.thawed().grant(Grant(id=uuid4(), role=role, **scope), world.admin)
    with pytest.raises(NotFoundError, match="school year"):
        accounts.grant_role(
            world.school,
            world.admin,
            accounts.GrantRole(
                account_id=world.outsider.account_id,
                role=Role.CLASS_TEACHER,
                class_code="5А",
                year="2031/2032",
            ),
        )


def test_last_years_class_teacher_keeps_nothing_of_this_years_class(world: World) -> None:
    newcomer = _next_year_5a(world)
    class_teacher = class_teacher_as(world)
    refusals = (
        lambda: students.correct_personal_data(
            world.school,
            class_teacher,
            students.CorrectPersonalData(
                student_id=newcomer,
                name=PersonName(last="Новикова", first="Анна", patronymic="Сергеевна"),
                birth_date=date(2016, 4, 2),
                reason="ошибка в дате рождения",
            ),
        ),
        lambda: attendance.set_absence_reason(
            world.school,
            class_teacher,
            attendance.SetAbsenceReason(
                year=NEXT,
                class_code="5А",
                student_id=newcomer,
                start=date(2027, 9, 1),
                end=date(2027, 9, 2),
                absence_reason=AbsenceReason.ILLNESS,
            ),
        ),
        lambda: accounts.grant_role(
            world.school,
            class_teacher,
            accounts.GrantRole(
                account_id=accounts.register_account(
                    world.school,
                    world.admin,
                    accounts.RegisterAccount(login="novikova", full_name="Новикова Ольга"),
                ).ids["account_id"],
                role=Role.PARENT,
                student_id=newcomer,
            ),
        ),
    )
    before = world.school.position()
    for refused in refusals:
        with pytest.raises(NotFoundError):
            refused()
    assert world.school.position() == before + 1  # the parent's account only


def _stored_v1(event: Any, school: Any, recorded_at: datetime) -> StoredEvent:
    """An event as it was stored before grants named their year: no year, no class_version."""
    stored = school.mapper.to_stored_event(event)
    state = orjson.loads(stored.state)
    assert state.pop("class_version") == 2
    grants = [state["grant"]] if "grant" in state else state["state"]["grants"].values()
    for grant in grants:
        del grant["year"]
    state["timestamp"] = recorded_at.isoformat()
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=orjson.dumps(state, option=orjson.OPT_SORT_KEYS),
    )


@pytest.mark.parametrize(
    ("recorded_at", "year_meant"),
    [
        (datetime(2026, 8, 25, 7, tzinfo=UTC), "2026/2027"),  # set up before the year
        (datetime(2026, 6, 1, tzinfo=UTC), "2026/2027"),
        (datetime(2026, 3, 2, tzinfo=UTC), "2025/2026"),  # during the year
        (datetime(2026, 11, 2, tzinfo=UTC), "2026/2027"),
    ],
)
def test_an_old_grant_event_loads_with_the_year_it_was_recorded_for(
    world: World, recorded_at: datetime, year_meant: str
) -> None:
    assert year_granted_in(recorded_at) == year_meant
    school = world.school
    account_id = accounts.register_account(
        school, world.admin, accounts.RegisterAccount(login="old.grant", full_name="Старый Грант")
    ).ids["account_id"]
    account = school.account(account_id).thawed()
    account.grant(
        Grant(id=uuid4(), role=Role.CLASS_TEACHER, class_code="5А", year="x"), world.admin
    )
    (event,) = account.collect_events()
    # Written to the real log as the service before this change wrote it.
    school.recorder.insert_events([_stored_v1(event, school, recorded_at)])
    loaded = school.repository.get(account_id)
    assert isinstance(loaded, Account)
    assert loaded.classes_led() == {(year_meant, "5А")}
    (read_back,) = [e for e in school.events.get(account_id) if isinstance(e, Account.RoleGranted)]
    assert read_back.grant.year == year_meant


def test_an_old_snapshot_loads_with_the_year_it_was_taken_in(world: World) -> None:
    account = world.school.account(world.class_teacher.account_id)
    snapshot = Account.Snapshot.take(account)
    stored = _stored_v1(snapshot, world.school, datetime(2026, 9, 14, tzinfo=UTC))
    restored = world.school.mapper.to_domain_event(stored).mutate(None)
    assert restored.classes_led() == {("2026/2027", "5А")}


def test_new_grants_are_stored_as_version_2_and_read_back_as_they_are(world: World) -> None:
    school = world.school
    stored = [
        s
        for s in school.recorder.select_events(world.class_teacher.account_id)
        if s.topic.endswith("RoleGranted")
    ]
    assert stored
    for event in stored:
        state = orjson.loads(event.state)
        assert state["class_version"] == 2
        assert school.mapper.to_domain_event(event).grant.model_dump()["year"] in (None, YEAR)
