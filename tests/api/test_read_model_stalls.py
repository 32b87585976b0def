"""A read model that cannot apply an event, in the running service: the status and /health
report it, the school's other read models and other schools' read models go on, and once the
cause is gone it applies the event and catches up by itself.

The cause here is real damage: a table of the journal grid is gone, so the first lesson held
after it cannot be written to the grid (and only to the grid)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from api_session import Api
from eventsourcing.utils import get_topic
from scenario import World, build_world

from api.deployment import SchoolServices
from ejournal import storage
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.clock import MovableClock
from ejournal.commands import lessons

MONDAY = date(2026, 9, 7)


def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Whether a condition the service's follower threads bring about holds within a timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def services_of(api: Api, school: str) -> SchoolServices:
    services = api.client.app.state.deployment.school(school)  # type: ignore[attr-defined]
    assert isinstance(services, SchoolServices)
    return services


def damage_the_grid(services: SchoolServices) -> None:
    """The grid loses its lessons' table; the next lesson held cannot be written to it."""
    services.projector.retry_seconds = 0.05  # try again soon, so the test is short
    with services.database.transaction() as cursor:
        cursor.execute("DROP TABLE grid_lessons")


def hold_lesson(world: World, topic: str) -> int:
    """Hold a lesson of 5А's mathematics on Monday; the position of its LessonHeld event."""
    world.at(MONDAY, 10)
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=MONDAY, slot=1, topic=topic
        ),
    )
    for notification in world.school.recorder.select_notifications(start=1, limit=100_000):
        event = world.school.mapper.to_domain_event(notification)
        if isinstance(event, ClassJournal.LessonHeld) and event.lesson.topic == topic:
            return notification.id
    raise AssertionError(f"no lesson {topic!r} in the log")


def statuses(api: Api) -> dict[str, dict[str, Any]]:
    response = api.get("/api/v1/projections", "admin")
    assert response.status_code == 200, response.text
    return {row["name"]: row for row in response.json()}


def test_a_stalled_read_model_is_reported_and_goes_on_once_mended(api: Api) -> None:
    services = services_of(api, api.school)
    damage_the_grid(services)
    poison = hold_lesson(api.world, "Натуральные числа")
    head = api.world.school.position()
    assert eventually(lambda: statuses(api)["journal_grid"]["stalled"])

    grid = statuses(api)["journal_grid"]
    assert grid["position"] == poison - 1
    assert grid["stall"]["position"] == poison
    assert grid["stall"]["topic"] == get_topic(ClassJournal.LessonHeld)
    assert "grid_lessons" in grid["stall"]["error"]
    assert eventually(
        lambda: all(
            s["position"] == head for s in statuses(api).values() if s["name"] != "journal_grid"
        )
    )
    assert not any(s["stalled"] for s in statuses(api).values() if s["name"] != "journal_grid")

    health = api.client.get("/api/v1/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["stalled"] == [
        {"school": api.school, "name": "journal_grid", "position": poison}
    ]

    services.projector.set_up()  # the missing table is made again
    assert eventually(lambda: api.client.get("/api/v1/health").json()["status"] == "ok")
    assert eventually(lambda: statuses(api)["journal_grid"]["position"] == head)
    assert statuses(api)["journal_grid"]["stall"] is None
    page = api.get(f"/api/v1/journals/{api.world.journals['math']}/grid", "math")
    topics = [c.get("topic") for c in page.json()["columns"] if c.get("kind") == "lesson"]
    assert topics == ["Натуральные числа"]


@pytest.fixture
def other_school(database_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second school of the deployment; its PostgreSQL schema is dropped after the test."""
    school = "t" + uuid.uuid4().hex[:12]
    yield school
    if "postgres_url" in request.fixturenames:
        storage.drop_school(request.getfixturevalue("postgres_url"), school)


def test_other_schools_keep_up_while_one_schools_read_model_is_stalled(
    api: Api, other_school: str
) -> None:
    deployment = api.client.app.state.deployment  # type: ignore[attr-defined]
    other = deployment.create_school(other_school)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    other_world = build_world(other.app, clock)
    damage_the_grid(services_of(api, api.school))
    poison = hold_lesson(api.world, "Натуральные числа")
    hold_lesson(other_world, "Натуральные числа")
    other_head = other.app.position()

    assert eventually(lambda: services_of(api, api.school).projector.stalls() != {})
    # The head as it stands: the other school's notary may name its key in the log meanwhile.
    assert eventually(
        lambda: {s.position for s in other.projector.status()} == {other.app.position()}
    )
    assert other.app.position() >= other_head
    assert other.projector.stalls() == {}
    health = api.client.get("/api/v1/health").json()
    assert health["stalled"] == [{"school": api.school, "name": "journal_grid", "position": poison}]
