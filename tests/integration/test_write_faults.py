"""The write path under faults of the connection and of the data: a commit whose answer is lost,
a server that goes away mid-save, very large events, and idempotency keys recorded with their
events (issue 11, findings 2, 13 and 14)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from eventsourcing.persistence import StoredEvent
from scenario import World, build_world
from tcp_proxy import TcpProxy

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.clock import MovableClock
from ejournal.commands import lessons, marks
from ejournal.idempotency import AlreadyRecordedError, CommandKey, IdempotencyKeyReusedError, keyed
from ejournal.marks import WorkKind
from ejournal.schools import open_school
from ejournal.settings import Settings
from ejournal.storage import PostgresLocation, parse_database_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from uuid import UUID

MONDAY = date(2026, 9, 7)


@pytest.fixture
def world(database_url: str, school_id: str) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(Settings(database_url=database_url), school_id, clock=clock)
    return build_world(school, clock)


@pytest.fixture
def proxied(postgres_url: str, school_id: str) -> Iterator[tuple[World, TcpProxy]]:
    """The scenario school on PostgreSQL, its application connected through a proxy."""
    location = parse_database_url(postgres_url)
    assert isinstance(location, PostgresLocation)
    proxy = TcpProxy(location.host, location.port)
    proxy.start()
    url = f"postgresql://{location.user}@127.0.0.1:{proxy.port}/{location.dbname}"
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(Settings(database_url=url), school_id, clock=clock)
    try:
        yield build_world(school, clock), proxy
    finally:
        school.close()
        proxy.close()


def _hold_lesson(world: World) -> UUID:
    world.at(MONDAY, 10)
    return lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=MONDAY, slot=1, topic="Натуральные числа"
        ),
    ).ids["lesson_id"]


def _record_mark(world: World, lesson_id: UUID) -> UUID:
    return marks.record_mark(
        world.school,
        world.math,
        marks.RecordMark(
            journal_id=world.journals["math"],
            lesson_id=lesson_id,
            student_id=world.students[0],
            value="5",
            work_kind=WorkKind.ORAL,
        ),
    ).ids["mark_id"]


def _marks_recorded(world: World) -> list[ClassJournal.MarkRecorded]:
    events = world.school.events.get(world.journals["math"])
    return [e for e in events if isinstance(e, ClassJournal.MarkRecorded)]


@pytest.mark.postgres
def test_a_lost_commit_acknowledgement_records_the_command_once(
    proxied: tuple[World, TcpProxy],
) -> None:
    world, proxy = proxied
    lesson_id = _hold_lesson(world)
    proxy.cut_after_commit()

    mark_id = _record_mark(world, lesson_id)

    assert proxy.commits_cut == 1, "the fault was not injected"
    recorded = _marks_recorded(world)
    assert [e.mark_id for e in recorded] == [mark_id]


@pytest.mark.postgres
def test_a_lost_acknowledgement_of_a_commit_still_under_way_records_the_command_once(
    proxied: tuple[World, TcpProxy],
) -> None:
    """The COMMIT reaches the server only after the client has lost its connection and looked
    for its events (a slow network or a slow commit): the look must wait for that commit."""
    world, proxy = proxied
    lesson_id = _hold_lesson(world)
    proxy.cut_after_commit(delay=1.0)

    mark_id = _record_mark(world, lesson_id)

    assert proxy.commits_cut == 1, "the fault was not injected"
    assert [e.mark_id for e in _marks_recorded(world)] == [mark_id]


@pytest.mark.postgres
def test_a_lost_commit_acknowledgement_under_a_key_answers_once(
    proxied: tuple[World, TcpProxy],
) -> None:
    world, proxy = proxied
    lesson_id = _hold_lesson(world)
    key = CommandKey(account_id=world.math.account_id, key="mark-1", fingerprint="f")
    proxy.cut_after_commit()

    with keyed(key):
        mark_id = _record_mark(world, lesson_id)
    with pytest.raises(AlreadyRecordedError) as replay, keyed(key):
        _record_mark(world, lesson_id)

    assert proxy.commits_cut == 1
    assert replay.value.answer["ids"] == {"mark_id": str(mark_id)}
    assert [e.mark_id for e in _marks_recorded(world)] == [mark_id]


@pytest.mark.postgres
def test_a_server_gone_mid_save_is_tried_again(proxied: tuple[World, TcpProxy]) -> None:
    world, proxy = proxied
    lesson_id = _hold_lesson(world)
    proxy.cut_all()  # every pooled connection dies; the next save meets a dead one first

    mark_id = _record_mark(world, lesson_id)

    assert [e.mark_id for e in _marks_recorded(world)] == [mark_id]


def test_a_key_is_answered_with_its_events_and_only_then(world: World) -> None:
    lesson_id = _hold_lesson(world)
    key = CommandKey(account_id=world.math.account_id, key="k", fingerprint="mark")
    assert world.school.command_answer(key) is None

    with keyed(key):
        mark_id = _record_mark(world, lesson_id)
    stored = world.school.command_answer(key)

    assert stored is not None
    assert stored.answer == {
        "position": world.school.position(),
        "events": 1,
        "ids": {"mark_id": str(mark_id)},
    }


def test_a_refused_command_leaves_its_key_unanswered(world: World) -> None:
    key = CommandKey(account_id=world.math.account_id, key="k", fingerprint="mark")
    with pytest.raises(Exception, match="lesson"), keyed(key):
        _record_mark(world, uuid.uuid4())  # no such lesson: refused, nothing recorded
    assert world.school.command_answer(key) is None


def test_a_key_for_another_request_is_refused_before_the_command_runs(world: World) -> None:
    lesson_id = _hold_lesson(world)
    with keyed(CommandKey(account_id=world.math.account_id, key="k", fingerprint="a")):
        _record_mark(world, lesson_id)
    position = world.school.position()

    with (
        pytest.raises(IdempotencyKeyReusedError),
        keyed(CommandKey(account_id=world.math.account_id, key="k", fingerprint="b")),
    ):
        _record_mark(world, lesson_id)
    assert world.school.position() == position


def test_two_first_tries_with_one_key_record_once(world: World) -> None:
    lesson_id = _hold_lesson(world)
    key = CommandKey(account_id=world.math.account_id, key="race", fingerprint="mark")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def first_try() -> None:
        barrier.wait(timeout=10)
        try:
            with keyed(key):
                _record_mark(world, lesson_id)
            outcomes.append("recorded")
        except AlreadyRecordedError:
            outcomes.append("replayed")

    threads = [threading.Thread(target=first_try) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(_marks_recorded(world)) == 1
    assert outcomes.count("recorded") == 1, outcomes
    assert len(outcomes) == 2


@pytest.mark.postgres
def test_large_events_from_several_writers_never_hang(world: World) -> None:
    """Finding 2: saves of 10 MB events from three writers at once all finish (in pipeline mode
    one of them could wait for ever, holding the writers' lock)."""
    recorder = world.school.recorder
    state = ("я" * 5_000_000).encode()
    finished: list[int] = []

    def writer() -> None:
        for _ in range(3):
            recorder.insert_events(
                [
                    StoredEvent(
                        originator_id=uuid.uuid4(), originator_version=1, topic="t:T", state=state
                    )
                ]
            )
            finished.append(1)

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(finished) == 9, "a save of a large event did not finish"
