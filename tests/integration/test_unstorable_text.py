"""Text a TEXT column cannot hold, on both backends: an event whose name or topic holds U+0000
(PostgreSQL refuses it in text) is projected with U+FFFD in its place by every read model, and
the read models reach the head of the log; the event itself keeps U+0000.

The commands refuse such text (ejournal.text); these events are written below that check, with
commands constructed unvalidated, as an older log (or anything that slips past) holds them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

import pytest
from scenario import YEAR, World, build_world

from ejournal.access import AuditScope
from ejournal.aggregates.student import PersonName, Student
from ejournal.clock import MovableClock
from ejournal.commands import accounts, lessons, students
from ejournal.database import Cursor, SchoolDatabase, open_database
from ejournal.projections.audit_trail.queries import AuditFilter, AuditPage, every_entry
from ejournal.projections.catalogue import read_models
from ejournal.projections.diary.queries import diary_week
from ejournal.projections.journal_grid.queries import LessonColumn, grid
from ejournal.projections.projector import Projector
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
NUL = "\x00"
REPLACED = "\ufffd"
T = TypeVar("T")


@dataclass
class Poisoned:
    """The scenario school with a student, a lesson and an account whose text holds U+0000."""

    world: World
    database: SchoolDatabase
    student_id: UUID

    def read(self, query: Callable[[Cursor], T]) -> T:
        with self.database.transaction(write=False) as cursor:
            return query(cursor)


@pytest.fixture
def poisoned(database_url: str, school_id: str) -> Iterator[Poisoned]:
    settings = Settings(database_url=database_url)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    student_id = students.admit_student(
        world.school,
        world.secretary,
        students.AdmitStudent.model_construct(
            year=YEAR,
            name=PersonName(last=f"Иван{NUL}ов", first="Пётр"),
            birth_date=date(2015, 3, 14),
            class_code="5А",
            on=date(2026, 9, 1),
            order="№ 103-у от 31.08.2026",
        ),
    ).ids["student_id"]
    accounts.register_account(
        world.school,
        world.admin,
        accounts.RegisterAccount.model_construct(login="nul", full_name=f"Иван{NUL}ова Анна"),
    )
    world.at(MONDAY, 10)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson.model_construct(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            topic=f"Натуральные{NUL}числа",
            homework="№ 1–5",
        ),
    )
    database = open_database(settings, school_id)
    try:
        yield Poisoned(world, database, student_id)
    finally:
        database.close()


def test_every_read_model_reaches_the_head_past_text_postgresql_refuses(
    poisoned: Poisoned,
) -> None:
    projector = Projector(poisoned.world.school, poisoned.database, read_models(), batch_size=50)
    projector.set_up()
    projector.catch_up()
    head = poisoned.world.school.position()
    assert [(s.name, s.position) for s in projector.status()] == [
        (name, head) for name in sorted(projector.models)
    ]


def test_the_grid_diary_and_audit_trail_show_the_replacement_character(
    poisoned: Poisoned,
) -> None:
    projector = Projector(poisoned.world.school, poisoned.database, read_models())
    projector.set_up()
    projector.catch_up()

    page = poisoned.read(lambda c: grid(c, poisoned.world.journals["math"]))
    (row,) = [r for r in page.rows if r.student_id == poisoned.student_id]
    assert row.full_name == f"Иван{REPLACED}ов Пётр"
    (lesson,) = [c for c in page.columns if isinstance(c, LessonColumn)]
    assert lesson.topic == f"Натуральные{REPLACED}числа"

    week = poisoned.read(lambda c: diary_week(c, poisoned.student_id, MONDAY, MONDAY))
    assert [lesson.topic for day in week.days for lesson in day.lessons] == [
        f"Натуральные{REPLACED}числа"
    ]

    def page_of(query: Callable[[Cursor], AuditPage]) -> AuditPage:
        return poisoned.read(query)

    trail = list(every_entry(page_of, AuditScope(everything=True), AuditFilter()))
    texts = [
        text
        for entry in trail
        for text in (entry.student_name, entry.account_name, entry.value_after)
        if text is not None
    ]
    assert not [t for t in texts if NUL in t]
    assert f"Иван{REPLACED}ов Пётр" in texts
    assert f"Иван{REPLACED}ова Анна" in texts
    assert any(f"Натуральные{REPLACED}числа" in t for t in texts)


def test_the_event_keeps_the_text_it_was_recorded_with(poisoned: Poisoned) -> None:
    student = poisoned.world.school.repository.get(poisoned.student_id)
    assert isinstance(student, Student)
    assert student.name.last == f"Иван{NUL}ов"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (f"a{NUL}b", f"a{REPLACED}b"),
        ("Ива\ud800н", f"Ива{REPLACED}н"),  # a lone surrogate has no UTF-8 form
        ("Иванов", "Иванов"),
    ],
)
def test_any_statement_stores_what_a_text_column_cannot_hold_as_the_replacement_character(
    database_url: str, school_id: str, written: str, stored: str
) -> None:
    settings = Settings(database_url=database_url)
    open_school(settings, school_id).close()
    database = open_database(settings, school_id)
    try:
        with database.transaction() as cursor:
            cursor.execute("CREATE TABLE texts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            cursor.execute("INSERT INTO texts (id, body) VALUES (1, %(body)s)", {"body": written})
            cursor.executemany(
                "INSERT INTO texts (id, body) VALUES (%(id)s, %(body)s)",
                [{"id": 2, "body": written}, {"id": 3, "body": "plain"}],
            )
        with database.transaction(write=False) as cursor:
            cursor.execute("SELECT id, body FROM texts ORDER BY id")
            assert [(r["id"], r["body"]) for r in cursor.fetchall()] == [
                (1, stored),
                (2, stored),
                (3, "plain"),
            ]
            # A query with the same text finds it: the parameter is made storable alike.
            cursor.execute("SELECT id FROM texts WHERE body = %(body)s", {"body": written})
            assert [r["id"] for r in cursor.fetchall()] == [1, 2]
    finally:
        database.close()
