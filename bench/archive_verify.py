"""Benchmark: building a school's archive, and verifying it against `sha256sum` on the same files.

    uv run python bench/archive_verify.py                        # a generated full-year journal
    uv run python bench/archive_verify.py --school demo --year 2026/2027
    uv run python bench/archive_verify.py --archive ID --store DIR_A --store DIR_B

Without ``--school`` or ``--archive`` a school is generated in a temporary SQLite directory by
bench/journal_load.py (class 5А, ``--students`` students, a mathematics lesson every school day
of 2026/2027 with attendance and marks, the quarter marks). With ``--school`` the school is the
one in ``EJOURNAL_DATABASE_URL`` (seed the benchmark school first, e.g. ``ejournal demo``; keys
and checkpoints as ``EJOURNAL_SIGNING_KEY_DIR`` / ``EJOURNAL_CHECKPOINT_DIR`` say). Either way
the archive of the year (or ``--period``) is built by ``archive.creation.create_archive`` onto two
directory stores in a temporary directory (or the ``--store``s given), and its build is timed:
checkpoint, log, documents, bag, two copies, read back and verified.

Then the archive's files on both stores are verified ``--repeat`` times by
``archive.verification.verify_archive`` (both manifests, SHA-256 and SHA-512 of every file, the
anchor: the Merkle root recomputed from the log; from the archive alone, no database), and hashed
as many times by ``sha256sum`` over exactly the same files, alternately, page cache warm for
both. MB/s = bytes of every file on both stores / median wall time; the target is verify ≥ 0.8 ×
sha256sum (issue 6), and a 1,000-student school-year archive built in under 15 minutes on 2 cores.

This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from journal_load import ZONE, build_journal

from archive.creation import create_archive
from archive.stores import DirectoryStore, Store, open_store
from archive.verification import verify_archive
from ejournal.clock import MovableClock
from ejournal.schools import open_school
from ejournal.settings import Settings

MB = 1_000_000
GENERATED_SCHOOL = "bench_archive"


@dataclass(frozen=True)
class BuildResult:
    """One archive built and kept on its stores."""

    archive_id: str
    seconds: float
    phases: list[tuple[str, float]]
    """Each progress message of the build and the seconds since the start when it was said."""
    files: int
    size_bytes: int
    documents: int
    pages: int
    events: int


@dataclass(frozen=True)
class VerifyResult:
    """Verify and sha256sum over the same files."""

    files: int
    size_bytes: int
    verify_seconds: list[float]
    sha256sum_seconds: list[float]

    @property
    def verify_mb_s(self) -> float:
        return self.size_bytes / MB / statistics.median(self.verify_seconds)

    @property
    def sha256sum_mb_s(self) -> float:
        return self.size_bytes / MB / statistics.median(self.sha256sum_seconds)

    @property
    def ratio(self) -> float:
        return self.verify_mb_s / self.sha256sum_mb_s


def generate_school(directory: Path, students: int, seed: int) -> tuple[Settings, MovableClock]:
    """A school with a full-year class journal (bench/journal_load.py) on SQLite."""
    settings = Settings(
        database_url=f"sqlite:///{directory}/db",
        signing_key_dir=directory / "keys",
        checkpoint_dir=directory / "checkpoints",
    )
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, GENERATED_SCHOOL, clock=clock)
    try:
        built = build_journal(school, clock, students, random.Random(seed))
        print(f"generated: {school.position()} events ({built.events} in the journal)")
    finally:
        school.close()
    clock.set(datetime(2027, 6, 1, 9, tzinfo=UTC))
    return settings, clock


def build(
    settings: Settings,
    school_id: str,
    stores: list[Store],
    *,
    year: str | None,
    period: str | None,
    workers: int | None,
    clock: MovableClock | None = None,
    quiet: bool = False,
) -> BuildResult:
    """Create the archive, timing it and each of its phases (printed unless ``quiet``)."""
    phases: list[tuple[str, float]] = []
    started = time.perf_counter()

    def progress(message: str) -> None:
        phases.append((message, time.perf_counter() - started))
        if not quiet:
            print(f"  {time.perf_counter() - started:7.1f} s  {message}", flush=True)

    created = create_archive(
        settings,
        school_id,
        stores,
        year=year,
        period=period,
        clock=clock,
        workers=workers,
        progress=progress,
    )
    return BuildResult(
        archive_id=created.archive_id,
        seconds=time.perf_counter() - started,
        phases=phases,
        files=created.files,
        size_bytes=created.size_bytes,
        documents=created.documents,
        pages=created.pages,
        events=created.info.checkpoint_size,
    )


def archive_files(archive_id: str, stores: list[Store]) -> list[Path]:
    """Every file of the archive on every store (directories only: sha256sum reads files)."""
    files = []
    for store in stores:
        if not isinstance(store, DirectoryStore):
            raise SystemExit(f"{store.url}: sha256sum compares against directory stores only")
        files += [store.root / archive_id / path for path in sorted(store.files(archive_id))]
    return files


def measure_verify(
    archive_id: str, stores: list[Store], repeat: int, workers: int | None
) -> VerifyResult:
    """Verify the archive and sha256sum its files, alternately, ``repeat`` times each."""
    files = archive_files(archive_id, stores)
    size = sum(f.stat().st_size for f in files)
    command = ["sha256sum", "--", *map(str, files)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # page cache warm for both
    verify_times, sha_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        report = verify_archive(
            archive_id, stores, checked_at=datetime.now(tz=UTC), workers=workers
        )
        verify_times.append(time.perf_counter() - started)
        if report.exit_code != 0:
            raise SystemExit(f"the archive is not healthy: {report.problems}")
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        sha_times.append(time.perf_counter() - started)
    return VerifyResult(len(files), size, verify_times, sha_times)


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {cpus} CPUs usable, {platform.system()}, Python {platform.python_version()}"


def report_build(result: BuildResult) -> None:
    print(
        f"archive {result.archive_id}: built in {result.seconds:.1f} s"
        f" ({result.seconds / 60:.1f} min; target < 15 min for a 1,000-student year on 2 cores)"
    )
    print(
        f"  {result.events} events, {result.documents} documents, {result.pages} sheets,"
        f" {result.files} files, {result.size_bytes / MB:.1f} MB per copy"
    )


def report_verify(result: VerifyResult, workers: int | None) -> None:
    threads = workers or max(2, os.cpu_count() or 2)
    print(
        f"verify over {result.files} files, {result.size_bytes / MB:.1f} MB (both stores),"
        f" median of {len(result.verify_seconds)}:"
    )
    print(
        f"  ejournal archive verify: {result.verify_mb_s:8.1f} MB/s"
        f"  ({statistics.median(result.verify_seconds):.2f} s, {threads} threads,"
        " SHA-256 + SHA-512 of every file, Merkle root of the log)"
    )
    print(
        f"  sha256sum:               {result.sha256sum_mb_s:8.1f} MB/s"
        f"  ({statistics.median(result.sha256sum_seconds):.2f} s)"
    )
    print(f"  ratio verify/sha256sum:  {result.ratio:8.2f}   (target ≥ 0.8)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--archive", help="verify this existing archive (give its --store s)")
    parser.add_argument("--store", action="append", default=[], help="a directory store")
    parser.add_argument("--school", help="build from this school of EJOURNAL_DATABASE_URL")
    parser.add_argument("--year", default=None, help="the school year (default: the current)")
    parser.add_argument("--period", default=None, help="one period (default: the whole year)")
    parser.add_argument("--students", type=int, default=30, help="of the generated school")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=5, help="timed verify/sha256sum rounds")
    parser.add_argument("--workers", type=int, default=None, help="threads / render processes")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])])}")
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as temporary:
        directory = Path(temporary)
        stores = [open_store(url) for url in args.store] or [
            DirectoryStore(directory / "store-a"),
            DirectoryStore(directory / "store-b"),
        ]
        if args.archive:
            archive_id = args.archive
        else:
            clock = None
            if args.school:
                settings, school_id = Settings(), args.school
                year = args.year
            else:
                print(f"generating a school: a full-year journal of {args.students} students")
                settings, clock = generate_school(directory, args.students, args.seed)
                school_id, year = GENERATED_SCHOOL, args.year or "2026/2027"
            print("building the archive:")
            built = build(
                settings,
                school_id,
                stores,
                year=year,
                period=args.period,
                workers=args.workers,
                clock=clock,
            )
            report_build(built)
            archive_id = built.archive_id
        report_verify(measure_verify(archive_id, stores, args.repeat, args.workers), args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
