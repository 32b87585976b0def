"""Benchmark: PDF pages per second, rendered in one process and in N processes.

    uv run python bench/pdf_render.py                      # 1 process, then every CPU
    uv run python bench/pdf_render.py --workers 1 2 4 --copies 3 --students 30

The school is built through the real commands (bench/journal_load.py: class 5А, ~30 students,
a mathematics lesson every school day of 2026/2027 with attendance and marks, the quarter
marks), on SQLite in a temporary directory. The archive's documents of the year are gathered
once (archive.documents.archive_jobs: the class journal with its title page, the progress,
attendance and movement sheets, the event log and a checkpoint attached), then the same jobs,
repeated ``--copies`` times so that every worker has something to do, are rendered with each
worker count (archive.documents.render_documents). Pages/s = pages rendered / wall time,
including starting the worker processes.

This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))

from journal_load import YEAR, ZONE, build_journal

from archive.documents import Attachment, DocumentJob, archive_jobs, render_documents
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.database import open_database
from ejournal.integrity.merkle import leaf_hash, root_of
from ejournal.schools import open_school
from ejournal.settings import Settings

BUILD_TIME = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def event_log(school: School) -> bytes:
    """The school's log as JSON Lines (the stored fields of each event, sorted keys)."""
    lines = []
    start = 1
    while notifications := school.recorder.select_notifications(start=start, limit=1000):
        for n in notifications:
            line = {
                "originator_id": str(n.originator_id),
                "originator_version": n.originator_version,
                "position": n.id,
                "state": orjson.loads(n.state),
                "topic": n.topic,
            }
            lines.append(orjson.dumps(line, option=orjson.OPT_SORT_KEYS) + b"\n")
        start = notifications[-1].id + 1
    return b"".join(lines)


def checkpoint_note(origin: str, log: bytes) -> str:
    lines = log.splitlines()
    root = root_of([leaf_hash(line) for line in lines])
    return f"{origin}\n{len(lines)}\n{base64.b64encode(root).decode()}\n"


def gather(directory: Path, students: int, period: str | None) -> list[DocumentJob]:
    settings = Settings(database_url=f"sqlite:///{directory}/db")
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, "benchpdf", clock=clock)
    database = open_database(settings, "benchpdf")
    try:
        started = time.perf_counter()
        built = build_journal(school, clock, students, random.Random(2026))
        print(
            f"school built: {built.events} journal events in {time.perf_counter() - started:.1f} s"
        )
        log = event_log(school)
        note = checkpoint_note("ejournal/benchpdf", log)
        started = time.perf_counter()
        jobs = archive_jobs(
            school,
            database,
            year=YEAR,
            period=period,
            build_time=BUILD_TIME,
            checkpoint_note=note,
            attachments=[
                Attachment("events.jsonl", log, "Журнал событий (JSON Lines)"),
                Attachment("checkpoint.txt", note.encode(), "Контрольная точка"),
            ],
        )
        print(
            f"gathered {len(jobs)} documents (read models caught up, HTML built) in "
            f"{time.perf_counter() - started:.1f} s; event log {len(log) / 1e6:.1f} MB"
        )
        return jobs
    finally:
        database.close()
        school.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--copies", type=int, default=2, help="times the documents are repeated")
    parser.add_argument("--period", default=None, help="a period id (Q1..Q4); the year if absent")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=None,
        help="worker counts to time (default: 1 and every CPU this process may use)",
    )
    args = parser.parse_args(argv)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    counts = args.workers or sorted({1, cpus or 1})
    print(f"machine: {platform.machine()}, {cpus} CPUs usable, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as directory:
        jobs = gather(Path(directory), args.students, args.period)
    work = jobs * args.copies
    print(f"rendering {len(work)} documents ({len(jobs)} × {args.copies} copies)")
    print(f"{'processes':>9} {'documents':>9} {'pages':>6} {'seconds':>8} {'pages/s':>8}")
    baseline = None
    for count in counts:
        started = time.perf_counter()
        documents = render_documents(work, workers=count)
        elapsed = time.perf_counter() - started
        pages = sum(d.pages for d in documents)
        rate = pages / elapsed
        baseline = baseline or rate
        print(
            f"{count:>9} {len(documents):>9} {pages:>6} {elapsed:>8.1f} {rate:>8.2f}"
            f"   ×{rate / baseline:.2f}"
        )
    sizes = {d.filename: (d.pages, len(d.content)) for d in documents}
    for filename, (pages, size) in sizes.items():
        print(f"  {filename}: {pages} pages, {size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
