"""Every stored event decodes to the same event whichever way the mapper takes: straight from its
JSON (nearly every event, the fast way) or through a dict brought up to its class's version."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scenario import build_world

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.clock import MovableClock
from ejournal.commands import lessons
from ejournal.commands.marking import MarkEntry
from ejournal.schools import open_school
from ejournal.settings import Settings
from ejournal.transcoding import PydanticMapper

MONDAY = date(2026, 9, 7)


def test_an_event_decodes_the_same_from_json_and_from_a_dict(
    database_url: str, school_id: str
) -> None:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    settings = Settings(database_url=database_url, school=school_id)
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    world.at(MONDAY, 10)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=1,
            topic="Натуральные числа",
            homework="№ 1–5",
            marks=tuple(MarkEntry(student_id=s, value="5") for s in world.students),
        ),
    )
    mapper = world.school.mapper
    assert isinstance(mapper, PydanticMapper)
    notifications = world.school.recorder.select_notifications(start=1, limit=100_000)
    assert len(notifications) == world.school.position() > 60
    kinds = set()
    for notification in notifications:
        event = mapper.to_domain_event(notification)
        cls = type(event)
        assert event == mapper.from_state(cls, notification, notification.state)
        assert (event.originator_id, event.originator_version) == (
            notification.originator_id,
            notification.originator_version,
        )
        kinds.add(cls)
    # Both ways are taken: events of a versioned class go through the dict.
    assert any(getattr(kind, "class_version", 1) > 1 for kind in kinds)
    assert ClassJournal.MarkRecorded in kinds
    assert len(kinds) >= 15
