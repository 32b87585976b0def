"""The audit trail on both backends: a month of 5А kept through the real commands gives one row
per change with who, what, where, before and after, why and when; every filter and their
combinations select exactly the rows they name; pages walk the trail newest first with nothing
missed or repeated; each reader sees only their scope; a rebuild gives the same rows."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario import YEAR, World, build_world, class_teacher_as

from ejournal import storage
from ejournal.access import AuditScope, audit_scope
from ejournal.aggregates.account import Account
from ejournal.aggregates.student import PersonName
from ejournal.clock import MovableClock
from ejournal.commands import (
    accounts,
    attendance,
    lessons,
    marks,
    period_marks,
    students,
    substitutions,
    year,
)
from ejournal.commands.marking import MarkEntry
from ejournal.database import SchoolDatabase, open_database
from ejournal.errors import AccessDeniedError, NotFoundError
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.projections.audit_trail.csv_export import csv_lines
from ejournal.projections.audit_trail.cursor import InvalidCursorError
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.projection import AuditTrail
from ejournal.projections.audit_trail.queries import (
    MAX_PAGE,
    AuditEntry,
    AuditFilter,
    audit_page,
    check_in_scope,
    every_entry,
)
from ejournal.projections.projector import Projector
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
TRANSFER_DAY = date(2026, 9, 14)
EVERYTHING = AuditScope(everything=True)


@dataclass
class Trail:
    """The scenario school with its audit trail built, and what the scenario recorded."""

    world: World
    database: SchoolDatabase
    parent: Actor
    ids: dict[str, UUID]
    moments: dict[str, datetime]

    def page(
        self,
        query: AuditFilter | None = None,
        scope: AuditScope = EVERYTHING,
        after: str | None = None,
        limit: int = MAX_PAGE,
    ) -> Any:
        with self.database.transaction(write=False) as cursor:
            return audit_page(cursor, scope, query or AuditFilter(), after=after, limit=limit)

    def rows(self, query: AuditFilter | None = None, scope: AuditScope = EVERYTHING) -> list[Any]:
        """Every row the query selects, page after page."""

        def read(page: Any) -> Any:
            with self.database.transaction(write=False) as cursor:
                return page(cursor)

        # Bounded: a cursor that failed to move on would otherwise page forever.
        return list(islice(every_entry(read, scope, query or AuditFilter(), page_size=7), 5000))

    def account(self, actor: Actor) -> Account:
        return self.world.school.view(Account, actor.account_id, "account")


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def trail(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Trail]:
    """Built once per backend: every test here only reads."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('audit')}"
    else:
        url = request.getfixturevalue("postgres_url")
    settings_ = Settings(database_url=url)
    school_id = "a" + uuid4().hex[:12]
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(settings_, school_id, clock=clock)
    database = open_database(settings_, school_id)
    try:
        world = build_world(school, clock)
        built = keep_the_journal(world)
        projector = Projector(school, database, [AuditTrail()], batch_size=7)
        projector.set_up()
        projector.catch_up()
        yield Trail(world, database, *built)
    finally:
        database.close()
        school.close()
        storage.drop_school(settings_, school_id)


def whole_lesson(world: World, key: str, on: date, slot: int, **fields: Any) -> dict[str, UUID]:
    teacher = fields.pop("teacher", world.math)
    return lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[key], on=on, slot=slot, **fields),
    ).ids


def keep_the_journal(world: World) -> tuple[Actor, dict[str, UUID], dict[str, datetime]]:
    """A month of 5А: lessons, marks, corrections under a deputy's remark, a substitute's
    lesson, late entries, absence reasons, a transfer, a parent's account, period marks."""
    pupils = world.students
    math = world.journals["math"]
    ids: dict[str, UUID] = {}
    moments: dict[str, datetime] = {}
    world.at(MONDAY, 10)
    monday = whole_lesson(
        world,
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={pupils[1]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=pupils[0], value="3"),
            MarkEntry(student_id=pupils[2], value="5", work_kind=WorkKind.INDEPENDENT),
            MarkEntry(student_id=pupils[4], value="4"),
        ),
    )
    ids |= {"monday": monday["lesson_id"], "corrected": monday["mark_0"]}
    ids["voided"] = monday["mark_1"]
    world.at(MONDAY, 11)
    whole_lesson(
        world,
        "english2",
        MONDAY,
        4,
        teacher=world.english2,
        topic="Present Simple",
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )
    world.at(MONDAY, 15)
    moments["corrections"] = world.clock.now()
    ids["authorization"] = marks.authorize_correction(
        world.school,
        world.deputy,
        marks.AuthorizeCorrection(
            journal_id=math,
            mark_id=ids["corrected"],
            action="correct",
            remark="исправить по работе",
        ),
    ).ids["authorization_id"]
    marks.correct_mark(
        world.school,
        world.math,
        marks.CorrectMark(
            journal_id=math,
            mark_id=ids["corrected"],
            value="4",
            reason="ошибка при выставлении",
            authorization_id=ids["authorization"],
        ),
    )
    marks.void_mark(
        world.school,
        world.math,
        marks.VoidMark(journal_id=math, mark_id=ids["voided"], reason="не тому ученику"),
    )
    lessons.correct_lesson_details(
        world.school,
        world.math,
        lessons.CorrectLessonDetails(
            journal_id=math, lesson_id=ids["monday"], homework="№ 6–10", reason="опечатка"
        ),
    )
    world.at(MONDAY, 16)
    for reason, why in (
        (AbsenceReason.ILLNESS, None),
        (AbsenceReason.FAMILY, "принесли заявление"),
    ):
        attendance.set_absence_reason(
            world.school,
            class_teacher_as(world),
            attendance.SetAbsenceReason(
                year=YEAR,
                class_code="5А",
                student_id=pupils[1],
                start=MONDAY,
                end=MONDAY,
                absence_reason=reason,
                note="справка № 12",
                reason=why,
            ),
        )
    world.at(TUESDAY, 7, 30)
    ids["substitution"] = substitutions.assign_substitution(
        world.school,
        world.deputy,
        substitutions.AssignSubstitution(
            journal_id=math,
            on=TUESDAY,
            slot=1,
            substitute_id=world.outsider.account_id,
            replaced_id=world.math.account_id,
            reason="болезнь учителя",
        ),
    ).ids["substitution_id"]
    world.at(TUESDAY, 12)
    ids["substitute_mark"] = whole_lesson(
        world,
        "math",
        TUESDAY,
        1,
        teacher=world.outsider,
        topic="Сравнение чисел",
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )["mark_0"]
    world.at(date(2026, 9, 9), 10)
    moments["late entries"] = world.clock.now()
    ids["permission"] = substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=math,
            from_date=MONDAY,
            to_date=MONDAY,
            teacher_id=world.math.account_id,
            reason="учитель болел",
        ),
    ).ids["permission_id"]
    ids["late_mark"] = whole_lesson(
        world,
        "math",
        MONDAY,
        2,
        topic="Числовой луч",
        marks=(MarkEntry(student_id=pupils[1], value="5"),),
    )["mark_0"]
    world.at(date(2026, 9, 10), 10)
    moments["movement"] = world.clock.now()
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    students.transfer_student(
        world.school,
        world.secretary,
        students.TransferStudent(
            year=YEAR,
            student_id=pupils[4],
            to_class="5Б",
            on=TRANSFER_DAY,
            order="№ 120-у",
            reason="заявление родителей",
        ),
    )
    students.correct_personal_data(
        world.school,
        world.secretary,
        students.CorrectPersonalData(
            student_id=pupils[3],
            name=PersonName(last="Дёмина", first="Дарья", patronymic="Сергеевна"),
            birth_date=date(2015, 3, 14),
            reason="смена фамилии",
        ),
    )
    parent_id = accounts.register_account(
        world.school,
        world.admin,
        accounts.RegisterAccount(login="parent0", full_name="Алексеева Ирина Олеговна"),
    ).ids["account_id"]
    world.guardian_account(pupils[0], parent_id, "Алексеева Ирина Олеговна")
    accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=parent_id, role=Role.PARENT, student_id=pupils[0]),
    )
    blocked = accounts.register_account(
        world.school,
        world.admin,
        accounts.RegisterAccount(login="novikov", full_name="Новиков Николай Николаевич"),
    ).ids["account_id"]
    accounts.block_account(
        world.school, world.admin, accounts.BlockAccount(account_id=blocked, reason="утеря пароля")
    )
    # Алексеев's and Гусев's current marks, which their Q1 marks rest on (School 77 §5.1).
    world.give_marks("math", 0, 2, on=date(2026, 10, 6))
    world.at(date(2026, 10, 20), 12)
    moments["period marks"] = world.clock.now()
    for student in pupils[:4]:
        period_marks.record_period_mark(
            world.school,
            world.math,
            period_marks.RecordPeriodMark(
                journal_id=math, period_id="Q1", student_id=student, value="4"
            ),
        )
    period_marks.correct_period_mark(
        world.school,
        world.math,
        period_marks.CorrectPeriodMark(
            journal_id=math, period_id="Q1", student_id=pupils[0], value="5", reason="учтена к/р"
        ),
    )
    return Actor(account_id=parent_id, role=Role.PARENT), ids, moments


def one(rows: list[Any]) -> Any:
    assert len(rows) == 1, rows
    return rows[0]


# --- what a row says ----------------------------------------------------------------------------


def test_a_correction_shows_old_and_new_value_actor_role_and_reason(trail: Trail) -> None:
    world = trail.world
    row = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.MARK_CORRECTED}))))
    assert (row.value_before, row.value_after, row.reason) == ("3", "4", "ошибка при выставлении")
    assert (row.actor_id, row.actor_role, row.actor_name) == (
        world.math.account_id,
        Role.TEACHER,
        "Иванова Мария Петровна",
    )
    assert (row.mark_id, row.student_id, row.student_name) == (
        trail.ids["corrected"],
        world.students[0],
        "Алексеев Артём Игоревич",
    )
    assert (row.journal_id, row.class_code, row.subject, row.lesson_date) == (
        world.journals["math"],
        "5А",
        "mathematics",
        MONDAY,
    )
    assert (row.authorization_id, row.approved_by, row.approved_by_name) == (
        trail.ids["authorization"],
        world.deputy.account_id,
        "Смирнова Ольга Ивановна",
    )
    assert row.approval_remark == "исправить по работе"
    assert row.recorded_at == datetime(2026, 9, 7, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
    assert row.revision
    assert not row.late
    assert row.request_id is None  # recorded by a handler called directly, not over HTTP

    voided = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.MARK_VOIDED}))))
    assert (voided.value_before, voided.value_after, voided.reason) == (
        "5",
        None,
        "не тому ученику",
    )
    assert voided.work_kind is WorkKind.INDEPENDENT
    period = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.PERIOD_MARK_CORRECTED}))))
    assert (period.period_id, period.value_before, period.value_after) == ("Q1", "4", "5")


def test_rows_place_every_change(trail: Trail) -> None:
    world = trail.world
    details = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.LESSON_DETAILS_CORRECTED}))))
    assert (details.value_before, details.value_after) == (
        "тема: Натуральные числа; д/з: № 1–5",
        "тема: Натуральные числа; д/з: № 6–10",
    )
    first, second = trail.rows(AuditFilter(kinds=frozenset({AuditKind.ABSENCE_REASON_SET})))
    assert (second.value_before, second.value_after, second.revision) == (None, "illness", False)
    assert (first.value_before, first.value_after, first.reason) == (
        "illness",
        "family",
        "принесли заявление",
    )
    assert (first.actor_role, first.note) == (Role.CLASS_TEACHER, "справка № 12")
    moved = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.STUDENT_TRANSFERRED}))))
    assert (moved.class_code, moved.value_before, moved.value_after, moved.lesson_date) == (
        "5А",
        "5А",
        "5Б",
        TRANSFER_DAY,
    )
    renamed = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.PERSONAL_DATA_CORRECTED}))))
    assert renamed.student_name == "Денисова Дарья Сергеевна"  # as known when it was changed
    assert renamed.value_after == "Дёмина Дарья Сергеевна, 2015-03-14"
    later = trail.rows(
        AuditFilter(student_id=world.students[3], kinds=frozenset({AuditKind.PERIOD_MARK_RECORDED}))
    )
    assert one(later).student_name == "Дёмина Дарья Сергеевна"
    granted = one(
        trail.rows(
            AuditFilter(kinds=frozenset({AuditKind.ROLE_GRANTED}), student_id=world.students[0])
        )
    )
    assert (granted.account_id, granted.account_name, granted.value_after) == (
        trail.parent.account_id,
        "Алексеева Ирина Олеговна",
        f"parent {world.students[0]}",
    )
    blocked = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.ACCOUNT_BLOCKED}))))
    assert (blocked.value_before, blocked.value_after, blocked.reason) == (
        "active",
        "blocked",
        "утеря пароля",
    )


def test_a_substitutes_entries_name_the_teacher_replaced(trail: Trail) -> None:
    world = trail.world
    rows = trail.rows(AuditFilter(actor_id=world.outsider.account_id))
    assert {r.kind for r in rows} == {AuditKind.LESSON_HELD, AuditKind.MARK_RECORDED}
    for row in rows:
        assert row.substitution_id == trail.ids["substitution"]
        assert (row.on_behalf_of, row.on_behalf_of_name) == (
            world.math.account_id,
            "Иванова Мария Петровна",
        )
        assert row.lesson_date == TUESDAY
    assigned = one(trail.rows(AuditFilter(kinds=frozenset({AuditKind.SUBSTITUTION_ASSIGNED}))))
    assert (assigned.value_before, assigned.value_after, assigned.actor_role) == (
        "Иванова Мария Петровна",
        "Фёдоров Илья Андреевич",
        Role.DEPUTY,
    )
    # The regular teacher's own entries are made on no one's behalf.
    own = trail.rows(AuditFilter(actor_id=world.math.account_id))
    assert own
    assert all(r.on_behalf_of is None and r.substitution_id is None for r in own)


def test_late_entries_and_revisions_are_flagged(trail: Trail) -> None:
    late = trail.rows(AuditFilter(late_only=True))
    assert {(r.kind, r.lesson_date) for r in late} == {
        (AuditKind.LESSON_HELD, MONDAY),
        (AuditKind.MARK_RECORDED, MONDAY),
    }
    assert {r.late_permission_id for r in late} == {trail.ids["permission"]}
    revised = trail.rows(AuditFilter(revised_only=True))
    assert {r.kind for r in revised} == {
        AuditKind.MARK_CORRECTED,
        AuditKind.MARK_VOIDED,
        AuditKind.LESSON_DETAILS_CORRECTED,
        AuditKind.ABSENCE_REASON_SET,
        AuditKind.PERSONAL_DATA_CORRECTED,
        AuditKind.PERIOD_MARK_CORRECTED,
    }
    assert len(revised) == 6


# --- filters ------------------------------------------------------------------------------------


def reference(rows: list[AuditEntry], f: AuditFilter) -> list[int]:
    """The positions a filter selects, worked out in Python from every row."""
    return [
        e.position
        for e in rows
        if (f.actor_id is None or e.actor_id == f.actor_id)
        and (f.role is None or e.actor_role == f.role)
        and (f.student_id is None or e.student_id == f.student_id)
        and (f.year is None or e.year == f.year)
        and (f.class_code is None or e.class_code == f.class_code)
        and (f.subject is None or e.subject == f.subject)
        and (f.journal_id is None or e.journal_id == f.journal_id)
        and (not f.kinds or e.kind in f.kinds)
        and (f.recorded_from is None or e.recorded_at >= f.recorded_from)
        and (f.recorded_until is None or e.recorded_at < f.recorded_until)
        and (
            f.lesson_from is None or (e.lesson_date is not None and e.lesson_date >= f.lesson_from)
        )
        and (
            f.lesson_until is None
            or (e.lesson_date is not None and e.lesson_date <= f.lesson_until)
        )
        and (not f.late_only or e.late)
        and (not f.revised_only or e.revision)
    ]


def filters(trail: Trail) -> dict[str, AuditFilter]:
    world = trail.world
    return {
        "actor": AuditFilter(actor_id=world.math.account_id),
        "role": AuditFilter(role=Role.DEPUTY),
        "student": AuditFilter(student_id=world.students[1]),
        "year": AuditFilter(year=YEAR),
        "class": AuditFilter(class_code="5А"),
        "subject": AuditFilter(subject="foreign_language"),
        "journal": AuditFilter(journal_id=world.journals["english2"]),
        "kind": AuditFilter(kinds=frozenset({AuditKind.MARK_RECORDED, AuditKind.MARK_VOIDED})),
        "recorded from": AuditFilter(recorded_from=trail.moments["late entries"]),
        "recorded until": AuditFilter(recorded_until=trail.moments["corrections"]),
        "lesson from": AuditFilter(lesson_from=TUESDAY),
        "lesson until": AuditFilter(lesson_until=MONDAY),
        "late": AuditFilter(late_only=True),
        "revised": AuditFilter(revised_only=True),
    }


FILTERS = (
    "actor",
    "role",
    "student",
    "year",
    "class",
    "subject",
    "journal",
    "kind",
    "recorded from",
    "recorded until",
    "lesson from",
    "lesson until",
    "late",
    "revised",
)


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_selects_the_rows_it_names(trail: Trail, name: str) -> None:
    everything = trail.rows()
    query = filters(trail)[name]
    selected = [r.position for r in trail.rows(query)]
    assert selected == reference(everything, query)
    assert 0 < len(selected) < len(everything), "the filter tells rows apart"


def test_the_filters_name_what_they_say(trail: Trail) -> None:
    world = trail.world
    chosen = filters(trail)
    student = trail.rows(chosen["student"])
    assert {r.student_id for r in student} == {world.students[1]}
    assert {r.kind for r in student} >= {
        AuditKind.ATTENDANCE_RECORDED,
        AuditKind.ABSENCE_REASON_SET,
        AuditKind.MARK_RECORDED,
        AuditKind.STUDENT_ADMITTED,
    }
    assert {r.actor_role for r in trail.rows(chosen["role"])} == {Role.DEPUTY}
    english = trail.rows(chosen["journal"])
    assert {(r.kind, r.student_id) for r in english if r.student_id} == {
        (AuditKind.MARK_RECORDED, world.students[3])
    }
    early = trail.rows(chosen["recorded until"])
    assert early[0].recorded_at < trail.moments["corrections"]
    assert all(
        r.lesson_date is not None and r.lesson_date >= TUESDAY
        for r in trail.rows(chosen["lesson from"])
    )


FILTER_CHOICES = st.fixed_dictionaries(
    {
        "actor_id": st.sampled_from([None, "math", "outsider", "deputy", "class_teacher"]),
        "role": st.sampled_from(
            [None, Role.TEACHER, Role.DEPUTY, Role.CLASS_TEACHER, Role.SECRETARY]
        ),
        "student_id": st.sampled_from([None, 0, 1, 3, 4]),
        "year": st.sampled_from([None, YEAR, "2027/2028"]),
        "class_code": st.sampled_from([None, "5А", "1А", "5Б"]),
        "subject": st.sampled_from([None, "mathematics", "foreign_language"]),
        "journal_id": st.sampled_from([None, "math", "english2", "russian"]),
        "kinds": st.frozensets(st.sampled_from(list(AuditKind)), max_size=4),
        "recorded_from": st.sampled_from([None, "corrections", "late entries"]),
        "recorded_until": st.sampled_from([None, "movement", "period marks"]),
        "lesson_from": st.sampled_from([None, MONDAY, TUESDAY]),
        "lesson_until": st.sampled_from([None, MONDAY, TRANSFER_DAY]),
        "late_only": st.booleans(),
        "revised_only": st.booleans(),
    }
)


def resolved(trail: Trail, choice: dict[str, Any]) -> AuditFilter:
    """A generated choice of filters with the scenario's people, students, journals and moments
    put in for their names."""
    world = trail.world
    people = {
        "math": world.math,
        "outsider": world.outsider,
        "deputy": world.deputy,
        "class_teacher": world.class_teacher,
    }
    values = dict(choice)
    if choice["actor_id"] is not None:
        values["actor_id"] = people[choice["actor_id"]].account_id
    if choice["student_id"] is not None:
        values["student_id"] = world.students[choice["student_id"]]
    if choice["journal_id"] is not None:
        values["journal_id"] = world.journals[choice["journal_id"]]
    for key in ("recorded_from", "recorded_until"):
        if choice[key] is not None:
            values[key] = trail.moments[choice[key]]
    return AuditFilter(**values)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(choice=FILTER_CHOICES)
def test_filters_combine(trail: Trail, choice: dict[str, Any]) -> None:
    query = resolved(trail, choice)
    selected = [r.position for r in trail.page(query).rows]
    assert selected == reference(trail.page().rows, query)


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 10])
def test_pages_walk_the_trail_newest_first(trail: Trail, size: int) -> None:
    everything = trail.page().rows
    assert len(everything) < MAX_PAGE
    # Many rows share their recorded time (the clock stands still within a command): the
    # position breaks the tie, so no row is missed or repeated at a page's edge.
    assert len({r.recorded_at for r in everything}) < len(everything)
    assert [(r.recorded_at, r.position) for r in everything] == sorted(
        ((r.recorded_at, r.position) for r in everything), reverse=True
    )
    walked: list[int] = []
    after = None
    for _ in range(len(everything) + 1):
        page = trail.page(after=after, limit=size)
        assert len(page.rows) <= size
        walked.extend(r.position for r in page.rows)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert walked == [r.position for r in everything]
    filtered = AuditFilter(class_code="5А", kinds=frozenset({AuditKind.MARK_RECORDED}))
    assert [r.position for r in trail.rows(filtered)] == [
        r.position for r in trail.page(filtered).rows
    ]


def test_a_cursor_not_from_a_page_is_refused(trail: Trail) -> None:
    for cursor in ("not a cursor", "MTIz", "!!!"):
        with pytest.raises(InvalidCursorError):
            trail.page(after=cursor)


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


CURSORS = st.one_of(
    st.text(max_size=80),
    st.builds(lambda a, p: _encoded(f"{a}.{p}."), st.integers(), st.integers()),
    st.builds(
        lambda a, p: _encoded(f"{a}.{p}."),
        st.integers(min_value=2**63 - 3, max_value=2**64),
        st.integers(min_value=2**63 - 3, max_value=2**64),
    ),
    st.text(alphabet="0123456789.-+ _", max_size=45).map(_encoded),
)
"""Any string at all, and forged cursors: well encoded, of any integers, of integers about the
largest a database column holds, and of what looks like numbers."""


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cursor=CURSORS)
def test_any_cursor_gives_a_page_or_is_refused(trail: Trail, cursor: str) -> None:
    try:
        page = trail.page(after=cursor, limit=3)
    except InvalidCursorError:
        return
    assert len(page.rows) <= 3


# --- who reads what -----------------------------------------------------------------------------


def test_each_reader_sees_their_scope(trail: Trail) -> None:
    world = trail.world
    everything = trail.rows()
    for who in (world.deputy,):
        assert audit_scope(trail.account(who)).everything
    # A subject teacher: the rows of the journals they keep or substitute in, nothing else.
    math_scope = audit_scope(trail.account(world.math))
    mine = trail.rows(scope=math_scope)
    assert {r.journal_id for r in mine} == {world.journals["math"], world.journals["math1"]}
    assert len(mine) == len(
        [r for r in everything if r.journal_id in {world.journals["math"], world.journals["math1"]}]
    )
    substitute = trail.rows(scope=audit_scope(trail.account(world.outsider)))
    assert {r.journal_id for r in substitute} == {world.journals["math"]}
    english = trail.rows(scope=audit_scope(trail.account(world.english2)))
    assert {r.journal_id for r in english} == {world.journals["english2"]}
    # A class teacher: every journal of their class (and any they keep as a teacher).
    class_scope = audit_scope(trail.account(world.class_teacher))
    theirs = {r.journal_id for r in trail.rows(scope=class_scope)}
    assert theirs == {
        world.journals[k] for k in ("math", "russian", "literature", "english1", "english2")
    }
    # A parent: their own child's marks' history, nothing else about anyone.
    family = trail.rows(scope=audit_scope(trail.account(trail.parent)))
    assert {r.student_id for r in family} == {world.students[0]}
    assert {r.kind for r in family} == {
        AuditKind.MARK_RECORDED,
        AuditKind.CORRECTION_AUTHORIZED,
        AuditKind.MARK_CORRECTED,
        AuditKind.PERIOD_MARK_RECORDED,
        AuditKind.PERIOD_MARK_CORRECTED,
    }
    # Filters narrow a scope, never widen it.
    assert (
        trail.rows(AuditFilter(class_code="1А"), scope=audit_scope(trail.account(trail.parent)))
        == []
    )


def test_roles_that_read_no_trail_are_refused(trail: Trail) -> None:
    with pytest.raises(AccessDeniedError):
        audit_scope(trail.account(trail.world.secretary))
    # The administration reads everything (DESIGN.md §5), the administrator too.
    assert audit_scope(trail.account(trail.world.admin)).everything


def test_an_out_of_scope_filter_answers_as_a_missing_one(trail: Trail) -> None:
    world = trail.world
    school = world.school
    russian = audit_scope(trail.account(world.russian))
    parent = audit_scope(trail.account(trail.parent))
    english1 = audit_scope(trail.account(world.english1))
    with trail.database.transaction(write=False) as cursor:
        for scope, query, message in (
            (russian, AuditFilter(journal_id=world.journals["math"]), "no such journal"),
            (russian, AuditFilter(journal_id=uuid4()), "no such journal"),
            (parent, AuditFilter(journal_id=world.journals["math1"]), "no such journal"),
            (parent, AuditFilter(student_id=world.students[1]), "no such student"),
            (parent, AuditFilter(student_id=uuid4()), "no such student"),
            (russian, AuditFilter(student_id=world.first_graders[0]), "no such student"),
            # The first English group's teacher does not see the second group's students.
            (english1, AuditFilter(student_id=world.students[3]), "no such student"),
        ):
            with pytest.raises(NotFoundError, match=message):
                check_in_scope(school, cursor, scope, query)
        for scope, query in (
            (russian, AuditFilter(journal_id=world.journals["russian"])),
            (russian, AuditFilter(student_id=world.students[4])),  # on the page until he left
            (parent, AuditFilter(journal_id=world.journals["math"])),
            (parent, AuditFilter(student_id=world.students[0])),
            (english1, AuditFilter(student_id=world.students[0])),
            (EVERYTHING, AuditFilter(student_id=world.first_graders[0])),
        ):
            check_in_scope(school, cursor, scope, query)


# --- rebuilding and export ----------------------------------------------------------------------


def test_a_rebuild_from_zero_gives_the_same_rows(trail: Trail) -> None:
    def dump() -> dict[str, list[Any]]:
        tables = {}
        with trail.database.transaction(write=False) as cursor:
            for table in AuditTrail.tables:
                cursor.execute(f"SELECT * FROM {table}")
                tables[table] = sorted(
                    (tuple(sorted(row.items())) for row in cursor.fetchall()), key=repr
                )
        return tables

    built = dump()
    assert all(built[table] for table in AuditTrail.tables)
    model = AuditTrail()
    for batch_size in (1, 500):
        Projector(trail.world.school, trail.database, [model], batch_size).rebuild(model.name)
        assert dump() == built, f"rebuilt in batches of {batch_size}"


def test_the_csv_export(trail: Trail) -> None:
    rows = trail.rows(
        AuditFilter(kinds=frozenset({AuditKind.MARK_CORRECTED, AuditKind.MARK_VOIDED}))
    )
    table = list(csv.reader(io.StringIO("".join(csv_lines(rows, ZoneInfo("Europe/Moscow"))))))
    header = table[0]
    assert header[:5] == ["Позиция в журнале событий", "Время записи", "Изменение", "Кто", "Роль"]
    assert len(table) == 3
    # Newest first: the voiding came after the correction, in the same minute.
    voided, corrected = (dict(zip(header, line, strict=True)) for line in table[1:])
    assert (corrected["Изменение"], corrected["Кто"], corrected["Роль"]) == (
        "Исправлена отметка",
        "Иванова Мария Петровна",
        "учитель",
    )
    assert (corrected["Время записи"], corrected["Дата урока"]) == (
        "2026-09-07T15:00:00+03:00",  # in the school's zone
        "07.09.2026",
    )
    assert (corrected["Было"], corrected["Стало"], corrected["Причина"]) == (
        "3",
        "4",
        "ошибка при выставлении",
    )
    assert corrected["Разрешил(а) исправление"] == "Смирнова Ольга Ивановна"
    assert (voided["Изменение"], voided["Ученик"], voided["Стало"]) == (
        "Аннулирована отметка",
        "Гусев Глеб Андреевич",
        "",
    )
