"""The projector on both backends: batches tracked exactly once, a crash or a kill mid-batch
applies nothing twice and misses nothing, a version change rebuilds, readers can wait, and an
event one read model cannot apply stalls that model alone, reported, until it is mended."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import ClassVar
from uuid import uuid4

import pytest
from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic
from scenario import World, build_world
from typer.testing import CliRunner

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.cli import app as ejournal_cli
from ejournal.clock import MovableClock
from ejournal.commands import lessons, marks
from ejournal.commands.marking import MarkEntry
from ejournal.database import Cursor, Dialect, SchoolDatabase, SqliteDatabase, open_database
from ejournal.projections.catalogue import read_models
from ejournal.projections.projector import Projector
from ejournal.projections.read_model import ReadModel, Recorded
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)


class EventLedger(ReadModel):
    """A read model for testing the machinery: one row per event applied, keyed by position,
    so applying an event twice fails loudly, and a count per event kind."""

    name: ClassVar[str] = "event_ledger"
    tables: ClassVar[tuple[str, ...]] = ("ledger_events", "ledger_kinds")
    fail_at: int | None = None
    kill_at: int | None = None
    refused_topic: str | None = None
    """A lesson held with this topic is an event this ledger cannot apply (its bug)."""

    def events(self) -> frozenset[type] | None:
        return None  # every event: the ledger counts them all

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ledger_events (position BIGINT PRIMARY KEY, kind TEXT)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ledger_kinds (kind TEXT PRIMARY KEY, n INTEGER NOT NULL)"
        )

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        for recorded in batch:
            if recorded.position == self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            if recorded.position == self.fail_at:
                raise RuntimeError(f"crash while applying {recorded.position}")
            if (
                isinstance(recorded.event, ClassJournal.LessonHeld)
                and recorded.event.lesson.topic == self.refused_topic
            ):
                raise ValueError(f"the ledger cannot take the topic {self.refused_topic!r}")
            kind = type(recorded.event).__qualname__
            cursor.execute(
                "INSERT INTO ledger_events (position, kind) VALUES (%(p)s, %(k)s)",
                {"p": recorded.position, "k": kind},
            )
            cursor.execute(
                "INSERT INTO ledger_kinds (kind, n) VALUES (%(k)s, 1)"
                " ON CONFLICT (kind) DO UPDATE SET n = ledger_kinds.n + 1",
                {"k": kind},
            )


def rows(database: SchoolDatabase) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT position, kind FROM ledger_events ORDER BY position")
        events = [tuple(r.values()) for r in cursor.fetchall()]
        cursor.execute("SELECT kind, n FROM ledger_kinds ORDER BY kind")
        kinds = [tuple(r.values()) for r in cursor.fetchall()]
    return events, kinds


@pytest.fixture
def settings(database_url: str, school_id: str) -> Settings:
    return Settings(database_url=database_url, school=school_id)


@pytest.fixture
def world(settings: Settings, school_id: str) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
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
            marks=tuple(MarkEntry(student_id=s, value="5") for s in world.students),
        ),
    )
    return world


def projector(
    world: World, settings: Settings, *models: ReadModel, batch: int = 7, retry: float = 1.0
) -> Projector:
    database = open_database(settings, world.school.school_id)
    built = Projector(world.school, database, models, batch_size=batch, retry_seconds=retry)
    built.set_up()
    return built


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Whether a condition a follower thread brings about holds within a timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_batches_reach_the_head_and_are_tracked(world: World, settings: Settings) -> None:
    runner = projector(world, settings, EventLedger())
    head = world.school.position()
    seen: list[tuple[int, int]] = []
    assert runner.catch_up(progress=lambda at, of: seen.append((at, of))) == head
    assert [s.lag for s in runner.status()] == [0]
    assert seen[-1] == (head, head)
    assert len(seen) == -(-head // 7)  # one progress report per batch of 7
    events, _ = rows(runner.database)
    assert [p for p, _ in events] == list(range(1, head + 1))
    assert runner.catch_up() == 0


def test_a_failing_event_keeps_what_came_before_it_and_stops_the_model_at_it(
    world: World, settings: Settings
) -> None:
    control_runner = projector(world, settings, EventLedger(), batch=50)
    control_runner.catch_up()
    expected = rows(control_runner.database)
    control_runner.rebuild("event_ledger")  # the same tables are reused below

    crashing = EventLedger()
    crashing.fail_at = 23  # inside the batch 1..50
    runner = projector(world, settings, crashing, batch=50)
    with runner.database.transaction() as cursor:
        crashing.drop_tables(cursor, runner.database.dialect)
        crashing.create_tables(cursor, runner.database.dialect)
        cursor.execute("UPDATE projection_positions SET position = 0")
    runner.catch_up()
    events, _ = rows(runner.database)
    assert [p for p, _ in events] == list(range(1, 23))  # up to the failing event, not past it
    (status,) = runner.status()
    assert status.position == 22
    assert status.stall is not None
    assert (status.stall.position, status.stall.error) == (
        23,
        "RuntimeError: crash while applying 23",
    )
    restarted = projector(world, settings, EventLedger(), batch=50)
    restarted.catch_up()
    assert rows(restarted.database) == expected
    assert restarted.stalls() == {}


def test_a_projector_killed_mid_batch_then_restarted(
    world: World, settings: Settings, school_id: str
) -> None:
    runner = projector(world, settings, EventLedger(), batch=10)
    runner.catch_up(limit=20)  # two batches committed
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_projector import EventLedger
        from ejournal.database import open_database
        from ejournal.projections.projector import Projector
        from ejournal.schools import open_school
        from ejournal.settings import Settings
        settings = Settings(database_url={settings.database_url!r})
        model = EventLedger()
        model.kill_at = 27
        school = open_school(settings, {school_id!r}, migrate=False)
        Projector(school, open_database(settings, {school_id!r}), [model], 10).catch_up()
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert runner.status()[0].position == 20  # the batch 21..30 died with the process
    runner.catch_up()
    events, _ = rows(runner.database)
    assert [p for p, _ in events] == list(range(1, world.school.position() + 1))


def test_a_new_version_rebuilds_from_zero(world: World, settings: Settings) -> None:
    runner = projector(world, settings, EventLedger())
    runner.catch_up()
    before = rows(runner.database)

    class EventLedgerV2(EventLedger):
        version: ClassVar[int] = 2

    upgraded = Projector(world.school, runner.database, [EventLedgerV2()], batch_size=500)
    assert upgraded.set_up() == ["event_ledger"]
    assert upgraded.status()[0].position == 0
    assert rows(upgraded.database) == ([], [])
    upgraded.catch_up()
    assert rows(upgraded.database) == before


def test_a_reader_waits_for_its_own_write(world: World, settings: Settings) -> None:
    runner = projector(world, settings, EventLedger())
    runner.catch_up()
    stop = threading.Event()
    follower = threading.Thread(target=runner.run, args=(stop, 5.0), daemon=True)
    follower.start()
    try:
        recorded = lessons.record_whole_lesson(
            world.school,
            world.math,
            lessons.RecordWholeLesson(
                journal_id=world.journals["math"], on=MONDAY, slot=2, topic="Сложение"
            ),
        )
        runner.wake()
        assert runner.wait_for(recorded.position, timeout=5)
        assert runner.status()[0].position >= recorded.position
        assert not runner.wait_for(recorded.position + 1_000, timeout=0.2)
    finally:
        stop.set()
        runner.wake()
        follower.join(timeout=5)


def test_a_projector_without_read_models_has_nothing_to_do(
    world: World, settings: Settings
) -> None:
    database = open_database(settings, world.school.school_id)
    idle = Projector(world.school, database, [])
    idle.set_up()
    assert idle.catch_up() == 0
    assert idle.status() == []


def test_the_follower_survives_a_failing_batch(world: World, settings: Settings) -> None:
    flaky = EventLedger()
    flaky.fail_at = 5
    runner = projector(world, settings, flaky, batch=10, retry=0.05)
    stop = threading.Event()
    follower = threading.Thread(target=runner.run, args=(stop, 0.05), daemon=True)
    follower.start()
    try:
        assert eventually(lambda: runner.stalls() != {})
        assert not runner.wait_for(5, timeout=0.5)  # stuck at the failing event, not dead
        assert runner.position() == 4
        assert follower.is_alive()
        flaky.fail_at = None  # the bug is fixed
        runner.wake()
        assert eventually(lambda: runner.position() == world.school.position())
        assert runner.stalls() == {}
    finally:
        stop.set()
        runner.wake()
        follower.join(timeout=5)


def test_rebuilding_several_models_reads_the_log_once_and_gives_the_same_rows(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(settings, world.school.school_id)
    built = Projector(world.school, database, read_models(), batch_size=50)
    built.set_up()
    built.catch_up()
    incremental = every_row(database, built)
    decoded: list[int] = []
    decode = world.school.mapper.to_domain_event

    def counting(notification: Notification) -> object:
        decoded.append(notification.id)
        return decode(notification)

    monkeypatch.setattr(world.school.mapper, "to_domain_event", counting)
    head = world.school.position()
    assert built.rebuild(*sorted(built.models)) == head
    # Each event some model applies is decoded once; an event none applies, not at all.
    applied = set().union(*(model.events() or () for model in built.models.values()))
    log = world.school.recorder.select_notifications(start=1, limit=head)
    assert sorted(decoded) == [n.id for n in log if resolve_topic(n.topic) in applied]
    assert len(decoded) < head
    assert every_row(database, built) == incremental
    assert {s.position for s in built.status()} == {head}


def every_row(database: SchoolDatabase, built: Projector) -> dict[str, list[str]]:
    """Every row of every table of the projector's models, as sorted text."""
    found = {}
    with database.transaction(write=False) as cursor:
        for model in built.models.values():
            for table in model.tables:
                cursor.execute(f"SELECT * FROM {table}")
                found[table] = sorted(repr(sorted(r.items())) for r in cursor.fetchall())
    return found


@pytest.mark.postgres
def test_the_follower_looks_in_after_each_batch_while_the_log_keeps_growing(
    postgres_url: str, school_id: str
) -> None:
    """A log that grows during every batch never runs dry; what the follower does after a look
    at the log (the notary signing its checkpoints) must not wait for it to."""
    settings = Settings(database_url=postgres_url, school=school_id)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    world.at(MONDAY, 10)
    lesson_id = lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(journal_id=world.journals["math"], on=MONDAY, slot=1),
    ).ids["lesson_id"]

    class GrowingLog(EventLedger):
        """Records a mark while applying each batch: a writer always faster than the projector
        (PostgreSQL only: on SQLite the batch's transaction holds the file's write lock)."""

        writes_left = 20

        def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
            super().apply(cursor, dialect, batch)
            if self.writes_left > 0:
                self.writes_left -= 1
                marks.record_mark(
                    world.school,
                    world.math,
                    marks.RecordMark(
                        journal_id=world.journals["math"],
                        lesson_id=lesson_id,
                        student_id=world.students[0],
                        value="5",
                    ),
                )

    model = GrowingLog()
    runner = projector(world, settings, model, batch=500)
    looked_in: list[int] = []  # the writes still to come at each look
    looked = threading.Event()

    def look_in() -> None:
        looked_in.append(model.writes_left)
        looked.set()

    runner.after_pass.append(look_in)
    stop = threading.Event()
    follower = threading.Thread(target=runner.run, args=(stop, 0.05), daemon=True)
    follower.start()
    try:
        assert looked.wait(timeout=30), "the follower never looked in"
        assert looked_in[0] > 0, "the follower looked in only once the writes stopped"
    finally:
        stop.set()
        runner.wake()
        follower.join(timeout=10)


# --- an event one read model cannot apply --------------------------------------------------------


def hold_lesson(world: World, slot: int, topic: str) -> int:
    """Hold a lesson of 5А's mathematics on Monday; the position of its LessonHeld event."""
    lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"], on=MONDAY, slot=slot, topic=topic
        ),
    )
    for notification in reversed(world.school.recorder.select_notifications(start=1, limit=10_000)):
        event = world.school.mapper.to_domain_event(notification)
        if isinstance(event, ClassJournal.LessonHeld) and event.lesson.topic == topic:
            return notification.id
    raise AssertionError(f"no lesson {topic!r} in the log")


def test_an_event_one_model_cannot_apply_stalls_that_model_alone_until_it_is_mended(
    world: World, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    poison = hold_lesson(world, 2, "Дроби")
    hold_lesson(world, 3, "Сложение дробей")  # the log goes on after it
    head = world.school.position()
    ledger = EventLedger()
    ledger.refused_topic = "Дроби"
    # One pass feeds the ledger and every real read model; no pause before a retry.
    runner = projector(world, settings, *read_models(), ledger, batch=50, retry=0.0)
    caplog.set_level(logging.WARNING, logger="ejournal.projections.projector")

    runner.catch_up()
    status = {s.name: s for s in runner.status()}
    assert {name: s.position for name, s in status.items()} == {
        **dict.fromkeys(status, head),
        "event_ledger": poison - 1,
    }
    stall = status["event_ledger"].stall
    assert stall is not None
    assert stall.position == poison
    assert stall.topic == get_topic(ClassJournal.LessonHeld)
    assert stall.error == "ValueError: the ledger cannot take the topic 'Дроби'"
    assert runner.stalls() == {"event_ledger": stall}
    events, _ = rows(runner.database)
    assert [p for p, _ in events] == list(range(1, poison))
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    for told in ("event_ledger", f"position {poison}", stall.topic, stall.error):
        assert told in error.getMessage()

    for _ in range(3):  # retried, and failing again, without a log line each time
        runner.catch_up()
    assert runner.stalls() == {"event_ledger": stall}
    assert [r for r in caplog.records if r.levelno == logging.ERROR] == [error]

    ledger.refused_topic = None  # the ledger's bug is fixed
    runner.catch_up()
    assert [(s.position, s.stall) for s in runner.status()] == [(head, None)] * len(status)
    events, _ = rows(runner.database)
    assert [p for p, _ in events] == list(range(1, head + 1))  # nothing skipped, none twice
    assert any("goes on" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)

    # The real models went past the event in batches of their own: the same rows as a rebuild.
    real = Projector(world.school, runner.database, read_models())
    kept = every_row(runner.database, real)
    real.rebuild(*real.models)
    assert every_row(runner.database, real) == kept


def test_a_stalled_model_is_tried_again_only_after_its_pause(
    world: World, settings: Settings
) -> None:
    poison = hold_lesson(world, 2, "Дроби")
    ledger = EventLedger()
    ledger.refused_topic = "Дроби"
    runner = projector(world, settings, ledger, batch=50, retry=60.0)
    runner.catch_up()
    ledger.refused_topic = None
    runner.catch_up()  # within the pause: not tried
    assert runner.position() == poison - 1
    restarted = projector(world, settings, ledger, batch=50, retry=60.0)
    restarted.catch_up()  # a restart tries it at once
    assert restarted.position() == world.school.position()
    assert restarted.stalls() == runner.stalls() == {}


def test_a_rebuild_starts_a_stalled_model_over(world: World, settings: Settings) -> None:
    poison = hold_lesson(world, 2, "Дроби")
    ledger = EventLedger()
    ledger.refused_topic = "Дроби"
    runner = projector(world, settings, ledger, batch=50, retry=60.0)
    runner.catch_up()
    assert runner.position() == poison - 1
    ledger.refused_topic = None
    assert runner.rebuild("event_ledger") == world.school.position()
    assert runner.stalls() == {}
    events, _ = rows(runner.database)
    assert [p for p, _ in events] == list(range(1, world.school.position() + 1))


def record_undecodable_event(world: World) -> int:
    """Store an old event whose class the code no longer has; the position before it."""
    before = world.school.position()
    world.school.recorder.insert_events(
        [
            StoredEvent(
                originator_id=uuid4(),
                originator_version=1,
                topic="ejournal.aggregates.gone:Gone.Happened",
                state=b"{}",
            )
        ]
    )
    return before


def test_an_event_that_does_not_decode_stops_every_model_at_it(
    world: World, settings: Settings
) -> None:
    # An old event whose class the code no longer has: nothing can read past it.
    before = record_undecodable_event(world)
    hold_lesson(world, 2, "Дроби")
    runner = projector(world, settings, *read_models(), batch=50, retry=60.0)
    runner.catch_up()
    for status in runner.status():
        assert status.position == before
        assert status.stall is not None
        assert status.stall.position == before + 1
        assert status.stall.topic == "ejournal.aggregates.gone:Gone.Happened"


def test_the_cli_reports_a_stalled_read_model(world: World, settings: Settings) -> None:
    before = record_undecodable_event(world)
    env = {
        "EJOURNAL_DATABASE_URL": settings.database_url,
        "EJOURNAL_SCHOOL": settings.school,
    }
    rebuilt = CliRunner().invoke(
        ejournal_cli, ["projections", "rebuild", "--name", "diary"], env=env
    )
    assert rebuilt.exit_code == 1
    told = f"diary is stalled at position {before + 1} (ejournal.aggregates.gone:Gone.Happened)"
    assert told in rebuilt.stderr

    status = CliRunner().invoke(ejournal_cli, ["projections", "status"], env=env)
    assert status.exit_code == 0, status.output
    table = [line.split() for line in status.stdout.splitlines()]
    (diary,) = [row for row in table if len(row) == 6 and row[0] == "diary"]
    assert diary[2:] == [str(before), str(before + 1), "1", "stalled"]
    assert told in status.stdout
    assert "TopicError: Failed to resolve topic" in status.stdout


class ContendedLedger(EventLedger):
    """A ledger that meets the database busy: while ``busy``, it writes to the school's SQLite
    file through a second connection that will not wait for the projector's write lock."""

    busy = True

    def __init__(self, path: str) -> None:
        self.path = path

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        if self.busy:
            other = sqlite3.connect(self.path, timeout=0)
            try:
                other.execute("INSERT INTO ledger_kinds (kind, n) VALUES ('other', 1)")
            finally:
                other.close()
        super().apply(cursor, dialect, batch)


def test_the_database_busy_is_not_taken_for_an_event_it_cannot_apply(
    sqlite_url: str, school_id: str
) -> None:
    settings = Settings(database_url=sqlite_url, school=school_id)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    database = open_database(settings, school_id)
    assert isinstance(database, SqliteDatabase)
    ledger = ContendedLedger(str(database.path))
    runner = projector(world, settings, ledger, batch=50, retry=0.0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        runner.catch_up()
    assert runner.stalls() == {}  # nothing blamed on an event
    assert runner.position() == 0
    ledger.busy = False  # the database is free again
    runner.catch_up()
    assert runner.position() == world.school.position()
