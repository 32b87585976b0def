"""`log verify` throughput: every stored event read back, hashed again and checked against the
school's Merkle tree and its signed checkpoints, in events per second.

    uv run python bench/log_verify.py --backend both
    EJOURNAL_DATABASE_URL=postgresql://… uv run python bench/log_verify.py --school big

By default a throwaway school is built through the real commands (bench/journal_load.py: a
full-year class journal of ``--students`` students, at most 110: about 56 events per student);
for a longer log, generate a school (``ejournal demo --students 1000 --school big``) and pass
``--school big`` with the same EJOURNAL_* settings. The notary then
hashes the log into its tree (timed: the tree's build rate) and signs a checkpoint every
``--checkpoint-every`` events, and ``verify_log`` (what ``ejournal log verify`` runs) is timed
``--repeat`` times; the best run is reported. With ``--school`` an existing school of the
configured deployment (EJOURNAL_DATABASE_URL, key and checkpoint directories) is verified, its
tree caught up and a checkpoint signed first if the service has not done so.
This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
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
from pathlib import Path

from bench.journal_load import DEFAULT_POSTGRES_URL, ZONE, build_journal, machine
from ejournal import storage
from ejournal.clock import MovableClock
from ejournal.integrity.notary import Notary
from ejournal.integrity.verification import verify_log
from ejournal.schools import open_school
from ejournal.settings import Settings


def build(settings: Settings, school_id: str, students: int) -> int:
    """A school whose log holds a full-year journal of ``students``; returns its size."""
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    try:
        build_journal(school, clock, students, random.Random(2026))
        return school.position()
    finally:
        school.close()


def measure(backend: str, settings: Settings, school_id: str, repeat: int, every: int) -> None:
    with Notary.open(settings, school_id) as notary:
        head = notary.school.position()
        started = time.perf_counter()
        size = before = notary.size()
        while size < head:
            size = notary.catch_up(limit=every)
            notary.checkpoint(catch_up=False)
        hashed = time.perf_counter() - started
        print(f"\n{backend}: {head} events, {len(notary.checkpoints())} checkpoints")
        if size > before:
            rate = (size - before) / hashed
            print(f"tree built and signed: {rate:,.0f} events/s ({size - before} events)")
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            report = verify_log(notary)
            best = min(best, time.perf_counter() - started)
            if not report.ok:
                print("verify FAILED:", report.first_mismatch, report.problems)
        print(f"log verify: {report.events / best:,.0f} events/s (best of {repeat}, {best:.2f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--students", type=int, default=100, choices=range(1, 111), metavar="N")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--checkpoint-every", type=int, default=1000)
    parser.add_argument(
        "--school", help="verify this existing school of the configured deployment instead"
    )
    args = parser.parse_args(argv)
    print("command: uv run python bench/log_verify.py", shlex.join(sys.argv[1:]))
    print("machine:", machine())
    if args.school:
        measure("configured deployment", Settings(), args.school, args.repeat, 10**12)
        return 0
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite:///{directory}/db"
                if backend == "sqlite"
                else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            )
            settings = Settings(
                database_url=url,
                signing_key_dir=Path(directory) / "keys",
                checkpoint_dir=Path(directory) / "checkpoints",
                _env_file=None,
            )
            school_id = f"benchlog_{uuid.uuid4().hex[:8]}"
            try:
                started = time.perf_counter()
                events = build(settings, school_id, args.students)
                print(
                    f"\n{backend}: built {events} events in {time.perf_counter() - started:.0f} s"
                )
                measure(backend, settings, school_id, args.repeat, args.checkpoint_every)
            finally:
                storage.drop_school(settings, school_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
