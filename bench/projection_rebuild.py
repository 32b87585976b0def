"""Projection rebuild rate: every read model rebuilt from zero over a full-year journal's log.

    uv run python bench/projection_rebuild.py --backend both

The log is built through the real commands (bench/journal_load.py: one class of 30 students,
a lesson every school day of the year with attendance and marks, the quarter marks); then each
read model of the catalogue is dropped and the whole log applied again in batches, timed.
Target (issue 4): ≥ 30,000 events/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import tempfile
import time
import uuid
from datetime import datetime

from bench.journal_load import DEFAULT_POSTGRES_URL, ZONE, build_journal
from ejournal import storage
from ejournal.clock import MovableClock
from ejournal.database import open_database
from ejournal.projections.projector import open_projector
from ejournal.schools import open_school
from ejournal.settings import Settings


def measure(backend: str, url: str, repeat: int) -> None:
    school_id = f"benchproj_{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=url)
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    database = open_database(settings, school_id)
    try:
        build_journal(school, clock, 30, random.Random(2026))
        head = school.position()
        projector = open_projector(school, database)
        print(f"\n{backend}: {head} events in the log")
        print(f"{'read model':<18} {'events/s (best)':>16} {'seconds':>9}")
        for name in sorted(projector.models):
            best = float("inf")
            for _ in range(repeat):
                started = time.perf_counter()
                applied = projector.rebuild(name)
                best = min(best, time.perf_counter() - started)
            print(f"{name:<18} {applied / best:>16,.0f} {best:>9.3f}")
    finally:
        database.close()
        school.close()
        storage.drop_school(settings, school_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("command: uv run python bench/projection_rebuild.py", shlex.join(sys.argv[1:]))
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite:///{directory}"
                if backend == "sqlite"
                else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            )
            measure(backend, url, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
