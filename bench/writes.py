"""Batched writes: whole-lesson submissions per second, in one school and in eight at once.

Each school is its own log (its own SQLite file, or its own PostgreSQL schema and table), so
schools never wait on each other's table lock (DESIGN.md §9, §12). Every school runs in a process
of its own: it sets up a class of 25 students with a mathematics journal (untimed), waits at a
barrier with the others, then submits the lessons of the first school days of the year through
``record_whole_lesson`` — topic, homework, the absent students and about 13 marks in one save —
on each lesson's own day. Reported: events/s over all schools (events written / wall time from the
barrier to the last school's end), saves/s, and the p50/p99 of one submission.

    uv run python bench/writes.py --backend both --schools 1 8 --lessons 60

Target (issue 7): ≥ 10,000 events/s with 8 schools. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from multiprocessing.synchronize import Barrier

from bench.journal_load import (
    CLASS,
    DEFAULT_POSTGRES_URL,
    SLOT,
    YEAR,
    ZONE,
    admit,
    at,
    record_lesson,
    set_up_staff,
    set_up_year,
)
from ejournal import storage
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import journals
from ejournal.commands import year as year_commands
from ejournal.generator.ktp import ktp_lines
from ejournal.generator.year_calendar import PERIODS
from ejournal.marks import PeriodKind
from ejournal.roles import Actor
from ejournal.schools import open_school
from ejournal.settings import Settings

STUDENTS = 25


@dataclass(frozen=True)
class SchoolRun:
    """What one school's process wrote in its timed part."""

    events: int
    saves: int
    seconds: float
    latencies: tuple[float, ...]


@dataclass(frozen=True)
class WritesResult:
    """Batched whole-lesson writes across ``schools`` schools at once."""

    backend: str
    schools: int
    events: int
    saves: int
    wall: float
    p50_ms: float
    p99_ms: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.wall

    @property
    def saves_per_second(self) -> float:
        return self.saves / self.wall


@dataclass(frozen=True)
class Desk:
    """A class of 25 with its mathematics journal, ready for a year of lessons."""

    journal_id: uuid.UUID
    teacher: Actor
    roster: list[uuid.UUID]
    ktp: tuple[journals.KtpLine, ...]
    days: list[date]
    """The school days of the year, in order: one lesson is submitted on each."""


def prepare(school: School, rng: random.Random) -> Desk:
    """Set up the school's staff, year, class, journal, timetable, KTP and students (untimed)."""
    admin, teacher = set_up_staff(school)
    set_up_year(school, admin)
    journal_id = journals.open_journal(
        school,
        admin,
        journals.OpenJournal(
            year=YEAR, class_code=CLASS, subject="mathematics", teachers=(teacher.account_id,)
        ),
    ).ids["journal_id"]
    year_commands.set_timetable(
        school,
        admin,
        year_commands.SetTimetable(
            year=YEAR,
            class_code=CLASS,
            entries=tuple(
                year_commands.TimetableSpec(weekday=d, slot=SLOT, journal_id=journal_id)
                for d in range(1, 6)
            ),
        ),
    )
    ktp = ktp_lines("mathematics", 5, 5)
    journals.set_ktp(school, teacher, journals.SetKtp(journal_id=journal_id, items=ktp))
    roster = admit(school, admin, STUDENTS, rng)
    calendar = school.year(YEAR).calendar()
    days: list[date] = []
    for period in PERIODS[PeriodKind.QUARTERS]:
        days += calendar.working_days(period.start, period.end, CLASS)
    return Desk(journal_id, teacher, roster, ktp, days)


def submit(school: School, clock: MovableClock, desk: Desk, number: int, rng: random.Random) -> int:
    """Submit the year's lesson ``number`` (1-based) on its day; returns its log position."""
    day = desk.days[number - 1]
    at(clock, day, 10, 30)
    given: dict[uuid.UUID, list[int]] = {s: [] for s in desk.roster}
    record_lesson(
        school, desk.journal_id, desk.teacher, day, number, desk.roster, desk.ktp, given, rng
    )
    return school.position()


def one_school(url: str, school_id: str, lessons: int, barrier: Barrier) -> SchoolRun:
    """Set one school up, wait for the others, then submit ``lessons`` whole lessons."""
    settings = Settings(database_url=url)
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock, migrate=False)
    rng = random.Random(school_id)
    try:
        at(clock, date(2026, 8, 24), 9)
        desk = prepare(school, rng)
        count = min(lessons, len(desk.days))
        head = school.position()
        barrier.wait()
        latencies = []
        started = time.perf_counter()
        for number in range(1, count + 1):
            began = time.perf_counter()
            submit(school, clock, desk, number, rng)
            latencies.append(time.perf_counter() - began)
        seconds = time.perf_counter() - started
        events = sum(
            1
            for _ in school.recorder.select_notifications(head + 1, 10**9, inclusive_of_start=True)
        )
        return SchoolRun(events, count, seconds, tuple(latencies))
    finally:
        school.close()


def _worker(url: str, school_id: str, lessons: int, barrier: Barrier, results: object) -> None:
    try:
        run: SchoolRun | str = one_school(url, school_id, lessons, barrier)
    except Exception as error:  # reported to the parent, which fails the measurement
        barrier.abort()
        run = f"{school_id}: {error!r}"
    results.put(run)  # type: ignore[attr-defined]


def measure(backend: str, url: str, schools: int, lessons: int) -> WritesResult:
    """Run ``schools`` schools at once, each in its own process; drop them afterwards."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(schools + 1)
    results = context.Queue()
    ids = [f"benchw_{uuid.uuid4().hex[:8]}_{n}" for n in range(schools)]
    settings = Settings(database_url=url)
    for school_id in ids:  # create storage up front: concurrent creation is not safe on PG
        storage.migrate(settings, school_id, School.name)
    processes = [
        context.Process(target=_worker, args=(url, school_id, lessons, barrier, results))
        for school_id in ids
    ]
    try:
        for process in processes:
            process.start()
        barrier.wait(timeout=600)
        started = time.perf_counter()
        outcomes = [results.get(timeout=1800) for _ in processes]
        wall = time.perf_counter() - started
        failed = [outcome for outcome in outcomes if isinstance(outcome, str)]
        if failed:
            raise RuntimeError("a school's writer failed: " + "; ".join(failed))
        runs = [outcome for outcome in outcomes if isinstance(outcome, SchoolRun)]
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
        for school_id in ids:
            storage.drop_school(settings, school_id)
    latencies = sorted(latency for run in runs for latency in run.latencies)
    return WritesResult(
        backend=backend,
        schools=schools,
        events=sum(run.events for run in runs),
        saves=sum(run.saves for run in runs),
        wall=wall,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--schools", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--lessons", type=int, default=60, help="lessons per school")
    args = parser.parse_args(argv)
    print("command: uv run python bench/writes.py", shlex.join(sys.argv[1:]))
    print(
        f"{'backend':<9} {'schools':>7} {'events/s':>9} {'saves/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    )
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        for count in args.schools:
            with tempfile.TemporaryDirectory() as directory:
                url = (
                    f"sqlite:///{directory}"
                    if backend == "sqlite"
                    else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
                )
                r = measure(backend, url, count, args.lessons)
            print(
                f"{backend:<9} {count:>7} {r.events_per_second:>9,.0f} {r.saves_per_second:>8,.0f}"
                f" {r.p50_ms:>7.1f} {r.p99_ms:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
