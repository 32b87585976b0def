"""The write path on both backends: the scenario school through the service's connection,
two handlers racing on one journal, and snapshots that restore exactly what a replay gives."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from scenario import World, build_world

from ejournal import storage
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.application import Recorded, School
from ejournal.clock import MovableClock
from ejournal.commands import lessons, marks
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance, WorkKind
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)


@pytest.fixture
def world(database_url: str, school_id: str) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(Settings(database_url=database_url), school_id, clock=clock)
    return build_world(school, clock)


class RacingSchool(School):
    """A school whose first save waits until both racers have loaded the journal."""

    name = "School"  # the same tables as the service's application

    def __init__(self, *args: Any, barrier: threading.Barrier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.barrier = barrier
        self.attempts = 0

    def record(self, *aggregates: Any, ids: Any = None) -> Recorded:
        self.attempts += 1
        if self.attempts == 1:
            self.barrier.wait(timeout=10)
        return super().record(*aggregates, ids=ids)


def test_two_handlers_on_one_journal_both_succeed(
    world: World, database_url: str, school_id: str
) -> None:
    world.at(MONDAY, 10)
    lesson_id = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=MONDAY, slot=1, topic="Натуральные числа"
        ),
    ).ids["lesson_id"]
    before = world.school.journal(world.journals["math"]).version
    barrier = threading.Barrier(2)
    env = storage.school_env(Settings(database_url=database_url), school_id)
    racers = [
        RacingSchool(school_id, env=env, clock=world.clock, barrier=barrier) for _ in range(2)
    ]
    results: list[Recorded] = []
    errors: list[BaseException] = []

    def give(school: School, student: int) -> None:
        try:
            results.append(
                marks.record_mark(
                    school,
                    world.math,
                    marks.RecordMark(
                        journal_id=world.journals["math"],
                        lesson_id=lesson_id,
                        student_id=world.students[student],
                        value="5",
                        work_kind=WorkKind.ORAL,
                    ),
                )
            )
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=give, args=(racer, i)) for i, racer in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2
    assert sorted(r.attempts for r in racers) == [1, 2]  # the loser re-ran on fresh state
    journal = world.school.journal(world.journals["math"])
    assert journal.version == before + 2
    assert {m.student_id for m in journal.marks.values()} == {world.students[0], world.students[1]}
    for racer in racers:
        racer.close()


def replayed(school: School, journal_id: Any) -> ClassJournal:
    aggregate: Any = None
    for event in school.events.get(journal_id):
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, ClassJournal)
    return aggregate


def test_a_journal_loads_from_its_snapshot_exactly_as_replayed(world: World) -> None:
    day = MONDAY
    count = 0
    calendar = world.school.year("2026/2027")
    while count < 45:  # 45 lessons with attendance and marks: over 200 events
        if day.isoweekday() <= 5 and calendar.period_of(day) is not None:
            world.at(day, 14)
            lessons.record_whole_lesson(
                world.school,
                world.math,
                lessons.RecordWholeLesson(
                    journal_id=world.journals["math"],
                    on=day,
                    slot=1,
                    topic=f"Урок {count}",
                    homework="§ 1",
                    attendance={world.students[count % 5]: Attendance.ABSENT},
                    # The absent student gives no oral answer (profile presence rule).
                    marks=tuple(
                        MarkEntry(student_id=s, value=str(3 + (count + i) % 3))
                        for i, s in enumerate(world.students)
                        if i != count % 5
                    ),
                ),
            )
            count += 1
        day += timedelta(days=1)
    journal_id = world.journals["math"]
    snapshots = list(world.school.snapshots.get(journal_id))  # type: ignore[union-attr]
    assert snapshots, "a full journal is snapshotted"
    loaded = world.school.journal(journal_id)
    full = replayed(world.school, journal_id)
    assert loaded.version == full.version
    for attribute in ("lessons", "marks", "attendance", "teachers", "slots"):
        assert getattr(loaded, attribute) == getattr(full, attribute), attribute


def test_the_log_reads_back_what_was_recorded(world: World) -> None:
    world.at(MONDAY, 10)
    recorded = lessons.record_whole_lesson(
        world.school,
        world.russian,
        lessons.RecordWholeLesson(
            journal_id=world.journals["russian"],
            on=MONDAY,
            slot=3,
            topic="Орфограммы в корне",
            homework="упр. 12",
            attendance={world.students[2]: Attendance.LATE},
            marks=(
                MarkEntry(student_id=world.students[0], value="4", work_kind=WorkKind.DICTATION),
            ),
        ),
    )
    notifications = world.school.recorder.select_notifications(
        start=recorded.position - recorded.events + 1, limit=recorded.events
    )
    assert [n.id for n in notifications][-1] == recorded.position
    events = [world.school.mapper.to_domain_event(n) for n in notifications]
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["LessonHeld", "AttendanceRecorded", "MarkRecorded"]
    assert all(e.actor == world.russian for e in events)  # type: ignore[attr-defined]
    assert events[0].lesson.topic == "Орфограммы в корне"  # type: ignore[attr-defined]
