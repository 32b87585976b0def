"""Benchmark: replaying a full-year class journal as of a moment (target < 50 ms).

    uv run python bench/history_replay.py --backend both --repeat 20

The journal is built through the real commands (bench/journal_load.py: 5А mathematics, 30
students, a lesson every school day of 2026/2027 with attendance and marks, the quarter marks),
then a few marks are corrected and voided late in the year, so a past page differs from today's.
``journal_as_of`` is timed at moments spread over the year:

- *service*: on the application that kept the journal (its aggregate cache warm, as in the running
  service): the journal's version at the moment found by a binary search over its events' times,
  the journal rebuilt from the snapshot below that version (every 200 events) and the events after
  it, the year and the students as they stood, rendered in the journal grid's shape;
- *first read after a start*: a new application each time, nothing cached;
- for comparison, reading today's page from the journal grid read model's tables.

Before timing, the replay of today is checked against the grid read model built over the whole
log, and a replay at every moment against the grid built up to that moment's position.
This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

from bench.journal_load import (
    DEFAULT_POSTGRES_URL,
    ZONE,
    build_journal,
    machine,
    postgres_version,
)
from ejournal import storage
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import marks
from ejournal.database import SchoolDatabase, open_database
from ejournal.history.as_of import journal_as_of
from ejournal.projections.journal_grid.projection import JournalGrid
from ejournal.projections.journal_grid.queries import grid
from ejournal.projections.projector import Projector
from ejournal.roles import Actor
from ejournal.schools import open_school
from ejournal.settings import Settings

TARGET_MS = 50.0


def correct_some(school: School, journal_id: UUID, teacher: Actor, clock: MovableClock) -> None:
    """Correct and void a few of the year's last marks (School 77 allows it), so the journal
    holds superseded values as a real one does."""
    journal = school.view(ClassJournal, journal_id, "journal")
    latest = sorted(journal.marks.values(), key=lambda m: m.recorded_at)[-12:]
    clock.set(latest[-1].recorded_at + timedelta(hours=2))
    for index, mark in enumerate(latest):
        if index % 3 == 0:
            marks.void_mark(
                school,
                teacher,
                marks.VoidMark(journal_id=journal_id, mark_id=mark.id, reason="не тому ученику"),
            )
        else:
            value = "5" if mark.value != "5" else "4"
            marks.correct_mark(
                school,
                teacher,
                marks.CorrectMark(
                    journal_id=journal_id, mark_id=mark.id, value=value, reason="пересчёт баллов"
                ),
            )


def moments(first: datetime, last: datetime, count: int) -> list[datetime]:
    """Evenings spread over the year, at 20:00 in the school's zone."""
    step = (last - first) / (count - 1)
    return [
        (first + step * i).astimezone(ZONE).replace(hour=20, minute=0, second=0, microsecond=0)
        for i in range(count)
    ]


def samples(action: Callable[[], object], repeat: int) -> list[float]:
    taken = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        taken.append(time.perf_counter() - started)
    return taken


def check(
    school: School, database: SchoolDatabase, journal_id: UUID, at: list[datetime], today: datetime
) -> None:
    """The replay equals the grid read model built up to each moment (and over the whole log)."""
    projector = Projector(school, database, [JournalGrid()])
    projector.set_up()
    events = school.recorder.select_notifications(start=1, limit=10**7)
    for moment in sorted(at):
        upto = max((n.id for n in events if _when(school, n) <= moment), default=0)
        projector.catch_up(until=upto)
        with database.transaction(write=False) as cursor:
            if journal_as_of(school, journal_id, moment) != grid(cursor, journal_id):
                raise SystemExit(f"the replay at {moment} differs from the grid built up to it")
    projector.catch_up()
    with database.transaction(write=False) as cursor:
        if journal_as_of(school, journal_id, today) != grid(cursor, journal_id):
            raise SystemExit("today's replay differs from the grid read model")


def _when(school: School, notification: object) -> datetime:
    moment: datetime = school.mapper.to_domain_event(notification).timestamp  # type: ignore[arg-type,attr-defined]
    return moment


def figures(name: str, taken: list[float], *, targeted: bool = True) -> str:
    ms = sorted(t * 1000 for t in taken)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    verdict = "" if not targeted else "met" if statistics.median(ms) < TARGET_MS else "MISSED"
    return (
        f"{name:<36} {statistics.median(ms):>9.1f} {p95:>9.1f} {ms[0]:>9.1f} {len(ms):>5}"
        f"  {verdict}"
    )


def measure(backend: str, url: str, repeat: int, count: int) -> None:
    settings = Settings(database_url=url)
    school_id = f"benchhist_{uuid.uuid4().hex[:8]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    database = open_database(settings, school_id)
    try:
        built = build_journal(school, clock, 30, random.Random(2026))
        correct_some(school, built.journal_id, built.teacher, clock)
        journal = school.view(ClassJournal, built.journal_id, "journal")
        at = moments(journal.created_on, journal.modified_on, count)
        today = journal.modified_on + timedelta(days=1)
        check(school, database, built.journal_id, at, today)
        print(
            f"\n{backend}: {journal.version} events in the journal, {school.position()} in the"
            f" log; replays checked against the grid at {len(at)} moments"
        )
        print(f"{'what':<36} {'median ms':>9} {'p95 ms':>9} {'min ms':>9} {'n':>5}")
        service = [
            t
            for moment in at
            for t in samples(partial(journal_as_of, school, built.journal_id, moment), repeat)
        ]
        print(figures("as of T, service (cache warm)", service))
        print(
            figures(
                "as of today, service",
                samples(lambda: journal_as_of(school, built.journal_id, today), repeat * 3),
            )
        )
        first: list[float] = []
        for moment in at[:: max(1, len(at) // 5)]:
            fresh = School(school_id, env=school.env, clock=clock)
            try:
                first += samples(partial(journal_as_of, fresh, built.journal_id, moment), 1)
            finally:
                fresh.close()
        print(figures("as of T, first read after a start", first))
        with database.transaction(write=False) as cursor:
            reads = samples(lambda: grid(cursor, built.journal_id), repeat * 3)
        print(figures("(today's page from the grid tables)", reads, targeted=False))
    finally:
        database.close()
        school.close()
        storage.drop_school(settings, school_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=20, help="replays timed per moment")
    parser.add_argument("--moments", type=int, default=12, help="moments spread over the year")
    args = parser.parse_args(argv)
    print("ejournal benchmark: a full-year class journal as of a moment (target < 50 ms)")
    print("command: uv run python bench/history_replay.py", shlex.join(sys.argv[1:]))
    print("machine:", machine())
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            if backend == "sqlite":
                url = f"sqlite:///{directory}"
            else:
                url = os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
                print("postgres:", postgres_version(url), "at", url)
            measure(backend, url, args.repeat, args.moments)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
