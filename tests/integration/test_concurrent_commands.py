"""Many commands at once on one journal, in one service process, on both backends: they queue on
the journal's lock instead of racing (issue 17: 16 writers over 16 journals at random made 31 of
~1,800 requests fail when the optimistic-concurrency retries ran out)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from scenario import World, build_world

from ejournal import storage
from ejournal.application import Recorded, School
from ejournal.clock import MovableClock
from ejournal.commands import lessons, marks
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
WRITERS = 16
MARKS_EACH = 6


@pytest.fixture
def world(database_url: str, school_id: str) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(Settings(database_url=database_url), school_id, clock=clock)
    return build_world(school, clock)


class CountingSchool(School):
    """The service's application, counting the saves it tries (a lost race is a second try)."""

    name = "School"  # the same tables as the service's application

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saves = 0
        self._counting = threading.Lock()

    def record(self, *aggregates: Any, ids: Any = None) -> Recorded:
        with self._counting:
            self.saves += 1
        return super().record(*aggregates, ids=ids)


def test_concurrent_marks_in_one_journal_all_land_once(
    world: World, database_url: str, school_id: str
) -> None:
    world.at(MONDAY, 10)
    journal_id = world.journals["math"]
    lesson_id = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(journal_id=journal_id, on=MONDAY, slot=1, topic="Дроби"),
    ).ids["lesson_id"]
    before = world.school.journal(journal_id)
    env = storage.school_env(Settings(database_url=database_url), school_id)
    service = CountingSchool(school_id, env=env, clock=world.clock)
    start = threading.Barrier(WRITERS)
    given: list[UUID] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        start.wait(timeout=30)
        for i in range(MARKS_EACH):
            try:
                recorded = marks.record_mark(
                    service,
                    world.math,
                    marks.RecordMark(
                        journal_id=journal_id,
                        lesson_id=lesson_id,
                        student_id=world.students[(n + i) % len(world.students)],
                        value="45"[i % 2],
                    ),
                )
            except BaseException as error:  # every one is reported below
                with lock:
                    errors.append(error)
            else:
                with lock:
                    given.append(recorded.ids["mark_id"])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        assert len(given) == len(set(given)) == WRITERS * MARKS_EACH
        # Each command saved once: none lost a race and ran again.
        assert service.saves == WRITERS * MARKS_EACH
        # Nothing lost, nothing twice: the log holds exactly these marks, each once.
        journal = world.school.journal(journal_id)
        assert journal.version == before.version + WRITERS * MARKS_EACH
        assert set(journal.marks) - set(before.marks) == set(given)
        recorded = [
            e.mark_id
            for e in world.school.events.get(journal_id, gt=before.version)
            if type(e).__name__ == "MarkRecorded"
        ]
        assert sorted(recorded) == sorted(given)
    finally:
        service.close()
