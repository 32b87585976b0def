"""The projector on both backends: batches tracked exactly once, a crash or a kill mid-batch
applies nothing twice and misses nothing, a version change rebuilds, readers can wait."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import ClassVar

import pytest
from eventsourcing.persistence import Notification
from scenario import World, build_world

from ejournal.clock import MovableClock
from ejournal.commands import lessons, marks
from ejournal.commands.marking import MarkEntry
from ejournal.database import Cursor, Dialect, SchoolDatabase, open_database
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


def projector(world: World, settings: Settings, model: ReadModel, batch: int = 7) -> Projector:
    database = open_database(settings, world.school.school_id)
    built = Projector(world.school, database, [model], batch_size=batch)
    built.set_up()
    return built


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


def test_a_crash_mid_batch_applies_nothing_twice_and_misses_nothing(
    world: World, settings: Settings
) -> None:
    control = EventLedger()
    control_runner = projector(world, settings, control, batch=50)
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
    with pytest.raises(RuntimeError, match="crash"):
        runner.catch_up()
    assert rows(runner.database) == ([], [])  # the half-applied batch left nothing behind
    assert runner.status()[0].position == 0
    restarted = projector(world, settings, EventLedger(), batch=50)
    restarted.catch_up()
    assert rows(restarted.database) == expected


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
    runner = projector(world, settings, flaky, batch=10)
    stop = threading.Event()
    follower = threading.Thread(target=runner.run, args=(stop, 0.05), daemon=True)
    follower.start()
    try:
        assert not runner.wait_for(5, timeout=0.5)  # stuck on the failing batch, not dead
        assert follower.is_alive()
        flaky.fail_at = None  # the bug is fixed, or the database is back
        runner.wake()
        assert runner.wait_for(world.school.position(), timeout=10)
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
    assert sorted(decoded) == sorted(set(decoded))  # no event decoded twice
    assert len(decoded) == head
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
