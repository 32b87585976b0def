"""The School application's aggregate cache: commands get copies, a refused command leaves no
trace, and writes by another process are seen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scenario import World, sqlite_school

from ejournal.aggregates.class_journal import StudentNotOnRosterError
from ejournal.commands import lessons
from ejournal.commands.marking import MarkEntry
from ejournal.marks import Attendance

MONDAY = date(2026, 9, 7)


def test_a_refused_command_leaves_no_trace_in_later_loads(world: World) -> None:
    world.at(MONDAY, 10)
    outsider = world.first_graders[0]  # not on 5А's page
    with pytest.raises(StudentNotOnRosterError):
        lessons.record_whole_lesson(
            world.school,
            world.math,
            lessons.RecordWholeLesson(
                journal_id=world.journals["math"],
                on=MONDAY,
                slot=1,
                topic="Дроби",
                attendance={world.students[0]: Attendance.ABSENT},
                marks=(MarkEntry(student_id=outsider, value="5"),),
            ),
        )
    journal = world.school.journal(world.journals["math"])
    assert journal.lessons == {}
    assert journal.attendance == {}
    assert list(world.school.events.get(journal.id))[-1].originator_version == journal.version


def test_each_load_is_a_copy_of_its_own(world: World) -> None:
    first = world.school.journal(world.journals["math"])
    first.teachers.clear()
    first.lessons["x"] = "not a lesson"  # type: ignore[index, assignment]
    second = world.school.journal(world.journals["math"])
    assert world.math.account_id in second.teachers
    assert "x" not in second.lessons


def test_writes_by_another_process_are_seen(world: World, tmp_path: Path) -> None:
    world.at(MONDAY, 10)
    before = world.school.journal(world.journals["math"]).version  # now cached
    other = sqlite_school(tmp_path / "school77.sqlite", world.clock)
    lessons.record_whole_lesson(
        other,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=MONDAY, slot=1, topic="Дроби"
        ),
    )
    journal = world.school.journal(world.journals["math"])
    assert journal.version == before + 1
    assert [lesson.topic for lesson in journal.lessons.values()] == ["Дроби"]
    other.close()


def test_a_new_school_application_does_not_read_the_whole_log(world: World, tmp_path: Path) -> None:
    head = world.school.position()
    fresh = sqlite_school(tmp_path / "school77.sqlite", world.clock)
    reads: list[int | None] = []
    select = fresh.recorder.select_notifications

    def counting(start: int | None, limit: int, *args: object, **kwargs: object) -> object:
        reads.append(start)
        return select(start, limit, *args, **kwargs)  # type: ignore[arg-type]

    fresh.recorder.select_notifications = counting  # type: ignore[method-assign]
    fresh.journal(world.journals["math"])
    assert reads == [head + 1]  # only what comes after the head it started at
    fresh.close()
