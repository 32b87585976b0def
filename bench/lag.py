"""Projection lag under a steady command load: how long until a reader sees a write.

One school runs as the service runs it on the embedded default: the read models are kept up to
date by the projector's follower thread, woken by every save. A teacher submits whole lessons
(topic, homework, absences, ~13 marks: ~17 events a save) at a steady rate; for every submission
we time how long after the command returned all read models had applied its position
(``Projector.wait_for``, what ``?wait_for=`` on a read does), and sample the lag in events.

    uv run python bench/lag.py --backend both --rate 20 --seconds 15

A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import shlex
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from bench.journal_load import DEFAULT_POSTGRES_URL, ZONE, at
from bench.writes import prepare, submit
from ejournal import storage
from ejournal.clock import MovableClock
from ejournal.database import open_database
from ejournal.projections.projector import open_projector
from ejournal.schools import open_school
from ejournal.settings import Settings


@dataclass(frozen=True)
class LagResult:
    """Visibility lag of whole-lesson submissions at a steady rate."""

    backend: str
    rate: float
    """Submissions a second asked for."""
    achieved: float
    """Submissions a second the writer kept up."""
    events_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    max_events_behind: int
    late: int
    """Submissions not visible within the wait's bound (10 s)."""


def measure(backend: str, url: str, rate: float, seconds: float) -> LagResult:
    settings = Settings(database_url=url)
    school_id = f"benchlag_{uuid.uuid4().hex[:8]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    database = open_database(settings, school_id)
    stop = threading.Event()
    try:
        at(clock, date(2026, 8, 24), 9)
        rng = random.Random(school_id)
        desk = prepare(school, rng)
        projector = open_projector(school, database)
        projector.catch_up()
        follower = threading.Thread(target=projector.run, args=(stop,), daemon=True)
        follower.start()

        written: queue.Queue[tuple[float, int] | None] = queue.Queue()
        lags: list[float] = []
        late = 0
        behind: list[int] = []

        def check() -> None:
            nonlocal late
            while (item := written.get()) is not None:
                returned, position = item
                behind.append(position - projector.position())
                if projector.wait_for(position, timeout=10):
                    lags.append(time.perf_counter() - returned)
                else:
                    late += 1

        checker = threading.Thread(target=check, daemon=True)
        checker.start()
        head = school.position()
        count = min(int(rate * seconds), len(desk.days))
        started = time.perf_counter()
        for number in range(1, count + 1):
            due = started + (number - 1) / rate
            if (pause := due - time.perf_counter()) > 0:
                time.sleep(pause)
            position = submit(school, clock, desk, number, rng)
            written.put((time.perf_counter(), position))
        wall = time.perf_counter() - started
        written.put(None)
        checker.join()
        events = school.position() - head
    finally:
        stop.set()
        school.close()
        database.close()
        storage.drop_school(settings, school_id)
    ordered = sorted(lags) or [float("nan")]
    return LagResult(
        backend=backend,
        rate=rate,
        achieved=count / wall,
        events_per_second=events / wall,
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        max_ms=ordered[-1] * 1000,
        max_events_behind=max(behind, default=0),
        late=late,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rate", type=float, default=20.0, help="whole lessons a second")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    print("command: uv run python bench/lag.py", shlex.join(sys.argv[1:]))
    print(
        f"{'backend':<9} {'lessons/s':>9} {'events/s':>9} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'max ms':>7} {'behind':>7} {'late':>5}"
    )
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite:///{directory}"
                if backend == "sqlite"
                else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            )
            r = measure(backend, url, args.rate, args.seconds)
        print(
            f"{backend:<9} {r.achieved:>9.1f} {r.events_per_second:>9,.0f} {r.p50_ms:>7.1f}"
            f" {r.p99_ms:>7.1f} {r.max_ms:>7.1f} {r.max_events_behind:>7} {r.late:>5}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
