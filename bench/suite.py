"""One benchmark run: every performance bar of DESIGN.md §10 and issue 7, on SQLite and PostgreSQL.

Each section measures one thing through the module of ``bench/`` that owns it and turns its
result into figures next to their targets. A section whose capability is missing reports "not
built"; one that fails reports "failed" with the error, and the run goes on.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from uuid import UUID

import orjson

from archive.documents import render_documents
from archive.stores import DirectoryStore
from bench import (
    archive_verify,
    diary_reads,
    http_wrk,
    journal_load,
    lag,
    pdf_render,
    web_pages,
    writes,
)
from bench.figures import Figure, Target, failed, markdown, not_built
from ejournal import storage
from ejournal.access import AuditScope
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.database import SchoolDatabase, open_database
from ejournal.generator import seeding
from ejournal.generator.seeding import GeneratorOptions, GeneratorReport
from ejournal.history.as_of import journal_as_of
from ejournal.integrity.notary import Notary
from ejournal.integrity.verification import verify_log
from ejournal.projections.audit_trail.queries import AuditFilter, audit_page
from ejournal.projections.projector import open_projector
from ejournal.schools import open_school
from ejournal.settings import Settings

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/ejournal_test"
DESIGN = "DESIGN.md §10"
ISSUE_4 = "issue 4"
ISSUE_5 = "issue 5"
ISSUE_6 = "issue 6"
ISSUE_7 = "issue 7"
ISSUE_15 = "issue 15"
ISSUE_17 = "issue 17"


@dataclass(frozen=True)
class Options:
    """What one run measures and how big."""

    backends: tuple[str, ...] = ("sqlite", "postgres")
    students: int = 1000
    weeks: int | None = None
    """School weeks of the generated year; None for the whole year."""
    seed: int = 2026
    quick: bool = False
    """Smaller samples everywhere: a smoke run, not figures to quote."""
    skip: frozenset[str] = frozenset()
    """Sections not to run this time (reported as skipped)."""
    archive_period: str | None = None
    """Archive one period (e.g. "Q1") instead of the whole year."""
    postgres_url: str = field(
        default_factory=lambda: os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )


@dataclass
class Backend:
    """One backend's part of the run: where its throwaway schools live."""

    name: str
    url: str
    options: Options
    directory: Path
    """A temporary directory of the run: keys, checkpoints, archive stores (and SQLite files)."""
    schools: list[str] = field(default_factory=list)
    """Schools this run made, dropped at its end."""
    generated: GeneratorReport | None = None
    """The generated benchmark school the read-side sections measure on."""

    @property
    def settings(self) -> Settings:
        return Settings(
            database_url=self.url,
            signing_key_dir=self.directory / "keys",
            checkpoint_dir=self.directory / "checkpoints",
        )

    def benchmark_school(self) -> GeneratorReport:
        if self.generated is None:
            raise RuntimeError("the benchmark school was not generated (see its section)")
        return self.generated

    def new_school_id(self, prefix: str) -> str:
        school_id = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.schools.append(school_id)
        return school_id


Section = Callable[[Backend], list[Figure]]
Progress = Callable[[str], None]


# --- sections -----------------------------------------------------------------------------------


def http_against_core(backend: Backend) -> list[Figure]:
    """Single-mark commands: the core in this process, then HTTP driven by wrk (issue 17)."""
    section = "Single-mark commands, 16 connections (wrk): HTTP against the core (no API)"
    if shutil.which("wrk") is None:
        return [
            not_built(section, "the whole section", "wrk is not installed (apt-get install wrk)")
        ]
    quick = backend.options.quick
    runs = http_wrk.measure(
        backend.name, backend.url, seconds=5 if quick else 20, per_client=40 if quick else 150
    )
    by = {(r.path.split(" ")[0], r.mode): r for r in runs}
    b = backend.name
    figures = []
    for mode in http_wrk.MODES:
        core, http = by[("core", mode)], by[("HTTP", mode)]
        name = http_wrk.MODE_NAMES[mode]
        figures += [
            Figure(section, f"{name}, core: commands/s", b, core.per_second, "commands/s"),
            Figure(section, f"{name}, core: p50", b, core.p50_ms, "ms"),
            Figure(section, f"{name}, core: p99", b, core.p99_ms, "ms"),
            Figure(section, f"{name}, core: failed", b, core.failed, "commands"),
            Figure(section, f"{name}, HTTP: commands/s", b, http.per_second, "commands/s"),
            Figure(section, f"{name}, HTTP: p50", b, http.p50_ms, "ms"),
            Figure(section, f"{name}, HTTP: p99", b, http.p99_ms, "ms", Target(50, False, DESIGN)),
            Figure(
                section,
                f"{name}, HTTP: failed",
                b,
                http.failed,
                "requests",
                Target(1, False, ISSUE_17),
                note=http.example,
            ),
            Figure(section, f"{name}, core: CPU a command", b, core.cpu_ms, "ms"),
            Figure(section, f"{name}, HTTP: CPU a command (service)", b, http.cpu_ms, "ms"),
            Figure(section, f"{name}, HTTP: service CPU", b, http.service_cpu, "cores"),
            Figure(section, f"{name}, HTTP: wrk's own CPU", b, http.wrk_cpu, "cores"),
        ]
    own_core, own_http = by[("core", "own")], by[("HTTP", "own")]
    figures += [
        Figure(
            section,
            "own journals: ratio HTTP/core",
            b,
            own_http.per_second / own_core.per_second,
            "",
            Target(0.8, True, ISSUE_17),
        ),
        Figure(
            section,
            "HTTP: random journals / own journals",
            b,
            by[("HTTP", "random")].per_second / own_http.per_second,
            "",
            Target(0.5, True, ISSUE_17),
        ),
    ]
    return figures


def batched_writes(backend: Backend) -> list[Figure]:
    """Whole-lesson submissions in one school and in eight at once (a process each)."""
    section = "Batched whole-lesson writes (one save per lesson, ~17 events)"
    lessons = 20 if backend.options.quick else 80
    figures = []
    for schools in (1, 8):
        r = writes.measure(backend.name, backend.url, schools, lessons)
        target = Target(10_000, True, ISSUE_7) if schools == 8 else None
        what = f"{schools} school{'s' if schools > 1 else ''}"
        figures += [
            Figure(
                section, f"{what}: events/s", backend.name, r.events_per_second, "events/s", target
            ),
            Figure(section, f"{what}: p50 per save", backend.name, r.p50_ms, "ms"),
            Figure(section, f"{what}: p99 per save", backend.name, r.p99_ms, "ms"),
        ]
    return figures


def full_year_journal(backend: Backend) -> list[Figure]:
    """A command on a full-year journal, and loading that journal cold and warm."""
    section = "A full-year class journal (~3,000 events): loading it, a command on it"
    repeat = 30 if backend.options.quick else 200
    built, rows, note = journal_load.measure(
        backend.name, backend.settings, repeat, 30, backend.options.seed
    )
    wanted = {
        "record_mark command": ("record_mark command: p50", Target(10, False, ISSUE_7)),
        "load, cold, with snapshots": ("load, cold from a snapshot: p50", None),
        "load for a command (warm)": ("load for a command (cached): p50", None),
    }
    figures = []
    for row in rows:
        if row.what in wanted:
            what, target = wanted[row.what]
            figures.append(Figure(section, what, backend.name, row.median_ms, "ms", target))
    figures.append(
        Figure(section, "events in the journal", backend.name, built.events, "events", note=note)
    )
    return figures


def projection_lag(backend: Backend) -> list[Figure]:
    """How long after a command a reader sees it, at a steady rate of whole lessons."""
    section = "Projection lag under a steady load (20 whole lessons/s, embedded projector)"
    r = lag.measure(backend.name, backend.url, 20.0, 5.0 if backend.options.quick else 8.0)
    b = backend.name
    return [
        Figure(section, "load: events/s", b, r.events_per_second, "events/s"),
        Figure(section, "visible after: p50", b, r.p50_ms, "ms"),
        Figure(section, "visible after: p99", b, r.p99_ms, "ms"),
        Figure(section, "most events behind", b, r.max_events_behind, "events"),
    ]


def bulk_import(backend: Backend) -> list[Figure]:
    """Generate the benchmark school through the command path (whole-lesson saves)."""
    options = backend.options
    school_id = backend.new_school_id("benchschool")
    report = seeding.generate(
        backend.settings,
        school_id,
        GeneratorOptions(students=options.students, weeks=options.weeks, seed=options.seed),
    )
    backend.generated = report
    section = (
        f"Bulk import: the benchmark school generated through the commands ({report.students}"
        f" students, {len(report.classes)} classes, {report.school_days} school days)"
    )
    b = backend.name
    return [
        Figure(section, "events/s", b, report.events / report.seconds, "events/s"),
        Figure(section, "events", b, report.events, "events"),
        Figure(section, "lessons (whole-lesson saves)", b, report.lessons, "lessons"),
        Figure(section, "marks", b, report.marks, "marks"),
        Figure(section, "time", b, report.seconds, "s"),
    ]


@contextmanager
def opened_school(backend: Backend) -> Iterator[tuple[School, SchoolDatabase]]:
    """The benchmark school's application and database, closed afterwards."""
    school_id = backend.benchmark_school().school
    school = open_school(backend.settings, school_id, migrate=False)
    database = open_database(backend.settings, school_id)
    try:
        yield school, database
    finally:
        database.close()
        school.close()


def rebuild(backend: Backend) -> list[Figure]:
    """Each read model dropped and rebuilt from zero over the benchmark school's log."""
    section = "Read models rebuilt from zero over the benchmark school's log"
    figures = []
    with opened_school(backend) as (school, database):
        projector = open_projector(school, database)
        projector.catch_up()
        head = school.position()
        total = 0.0
        for name in sorted(projector.models):
            started = time.perf_counter()
            applied = projector.rebuild(name)
            seconds = time.perf_counter() - started
            total += seconds
            figures.append(
                Figure(
                    section,
                    name,
                    backend.name,
                    applied / seconds,
                    "events/s",
                    Target(30_000, True, ISSUE_4),
                )
            )
        figures.append(
            Figure(
                section,
                f"all {len(projector.models)} models, one after another ({head:,} events)",
                backend.name,
                total,
                "s",
            )
        )
        started = time.perf_counter()
        projector.rebuild(*sorted(projector.models))
        together = time.perf_counter() - started
        figures.append(
            Figure(
                section,
                f"all {len(projector.models)} models in one pass (each event decoded once)",
                backend.name,
                together,
                "s",
            )
        )
    return figures


def as_of_replay(backend: Backend) -> list[Figure]:
    """The benchmark school's biggest journal replayed as it stood at moments of the year."""
    section = "History: a full-year class journal replayed as of a time T"
    with opened_school(backend) as (school, database):
        with database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT journal_id, COUNT(*) AS n FROM audit_rows"
                " WHERE journal_id IS NOT NULL GROUP BY journal_id ORDER BY n DESC LIMIT 1"
            )
            row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the audit trail has no journal rows: was it rebuilt?")
        journal_id = UUID(str(row["journal_id"]))
        journal = school.view(ClassJournal, journal_id, "journal")
        start, end = journal.created_on, journal.modified_on
        moments = [start + (end - start) * (k + 1) / 10 for k in range(10)]
        repeat = 3 if backend.options.quick else 10
        warm = []
        for moment in moments:
            journal_as_of(school, journal_id, moment)  # the service's cache, as it would be
            for _ in range(repeat):
                began = time.perf_counter()
                journal_as_of(school, journal_id, moment)
                warm.append(time.perf_counter() - began)
        first = []
        for moment in moments[::2]:
            fresh = School(school.school_id, env=school.env)
            try:
                began = time.perf_counter()
                journal_as_of(fresh, journal_id, moment)
                first.append(time.perf_counter() - began)
            finally:
                fresh.close()
    target = Target(50, False, ISSUE_5)
    b = backend.name
    return [
        Figure(section, "events in the journal", b, journal.version, "events"),
        Figure(section, "as of T, service warm: p50", b, _p(warm, 50), "ms", target),
        Figure(section, "as of T, service warm: p99", b, _p(warm, 99), "ms"),
        Figure(section, "as of T, first read after a start: p50", b, _p(first, 50), "ms", target),
    ]


def audit_queries(backend: Backend) -> list[Figure]:
    """Audit-trail queries an auditor makes, on the benchmark school's year."""
    section = "Audit trail queries on the benchmark school's year (a page of 50, newest first)"
    with opened_school(backend) as (_school, database):
        with database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT student_id, journal_id, class_code, actor_id FROM audit_rows"
                " WHERE student_id IS NOT NULL AND journal_id IS NOT NULL"
                " ORDER BY position DESC LIMIT 1"
            )
            row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the audit trail is empty: was it rebuilt?")
        everything = AuditScope(everything=True)
        queries = {
            "everything": AuditFilter(),
            "one student": AuditFilter(student_id=UUID(str(row["student_id"]))),
            "one class": AuditFilter(class_code=str(row["class_code"])),
            "one journal, revised values only": AuditFilter(
                journal_id=UUID(str(row["journal_id"])), revised_only=True
            ),
            "one teacher": AuditFilter(actor_id=UUID(str(row["actor_id"]))),
            "late entries only": AuditFilter(late_only=True),
        }
        repeat = 10 if backend.options.quick else 50
        figures = []
        for name, query in queries.items():
            taken = []
            for _ in range(repeat):
                with database.transaction(write=False) as cursor:
                    began = time.perf_counter()
                    audit_page(cursor, everything, query)
                    taken.append(time.perf_counter() - began)
            figures.append(Figure(section, f"{name}: p50", backend.name, _p(taken, 50), "ms"))
    return figures


def diary(backend: Backend) -> list[Figure]:
    """Sixteen parents reading their child's week, over HTTP and straight from SQL."""
    section = "Diary reads, 16 parents at once, on the benchmark school"
    # The service started for the HTTP reads keeps every read model and the Merkle tree
    # current: bring them all up to date first, so it serves reads rather than catching up.
    notary = Notary.open(backend.settings, backend.benchmark_school().school)
    try:
        notary.catch_up()
    finally:
        notary.close()
    with opened_school(backend) as (school, database):
        open_projector(school, database).catch_up()
        with database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT m.student_id, MAX(l.lesson_date) AS day FROM diary_marks m"
                " JOIN diary_lessons l ON l.lesson_id = m.lesson_id"
                " GROUP BY m.student_id ORDER BY m.student_id LIMIT 16"
            )
            rows = cursor.fetchall()
        students = [UUID(str(r["student_id"])) for r in rows]
        day = max(date.fromisoformat(str(r["day"])[:10]) for r in rows)
        results = diary_reads.measure_on(
            backend.name,
            backend.settings,
            school,
            students,
            day,
            30 if backend.options.quick else 150,
        )
    figures = []
    for r in results:
        figures += [
            Figure(section, f"{r.path}: reads/s", backend.name, r.per_second, "reads/s"),
            Figure(section, f"{r.path}: p99", backend.name, r.p99_ms, "ms"),
        ]
    return figures


def web_page_reads(backend: Backend) -> list[Figure]:
    """The web journal's two busiest reading pages, one client at a time: a month of the
    largest full-year journal's grid and a diary week."""
    report = backend.benchmark_school()
    section = (
        f"Web pages, one signed-in client, on the benchmark school ({report.students} students)"
    )
    targets = {"grid month": 150.0, "diary week": 50.0}
    # As for the diary reads: the service keeps the Merkle tree current, so build it first, or
    # the service builds it in the background while the pages are timed.
    notary = Notary.open(backend.settings, report.school)
    try:
        notary.catch_up()
    finally:
        notary.close()
    with opened_school(backend) as (school, _database):
        measured = web_pages.measure_on(
            school, backend.settings, 10 if backend.options.quick else 60
        )
    figures = []
    for r in measured:
        target = Target(targets[r.page], False, ISSUE_15)
        figures += [
            Figure(section, f"{r.page}: p50", backend.name, r.p50_ms, "ms", target, note=r.note),
            Figure(section, f"{r.page}: p90", backend.name, r.p90_ms, "ms"),
        ]
    return figures


def log_verify(backend: Backend) -> list[Figure]:
    """The benchmark school's Merkle tree built from zero, a checkpoint signed, the whole log
    verified (before anything else has built the tree)."""
    section = "Integrity: the benchmark school's log hashed into its tree and verified"
    notary = Notary.open(backend.settings, backend.benchmark_school().school)
    try:
        started = time.perf_counter()
        size = notary.catch_up()
        built = time.perf_counter() - started
        notary.checkpoint()
        started = time.perf_counter()
        report = verify_log(notary)
        verified = time.perf_counter() - started
    finally:
        notary.close()
    if not report.ok:
        raise RuntimeError(f"log verify found problems: {report.problems[:3]}")
    b = backend.name
    return [
        Figure(section, f"tree built ({size:,} leaves)", b, size / built, "events/s"),
        Figure(section, "log verify", b, report.events / verified, "events/s"),
    ]


def archive(backend: Backend) -> list[Figure]:
    """The benchmark school's year archived on two directory stores, then verified (on the
    first backend only)."""
    if backend.name != backend.options.backends[0]:
        # Rendering the PDFs is nearly all of the build and never touches the database; the
        # archive's PostgreSQL side (checkpoint, log, live-log consistency) is in the tests.
        return []
    report = backend.benchmark_school()
    period = backend.options.archive_period
    span = f"period {period}" if period else "year"
    section = f"Archive of the benchmark school's {span} ({report.students} students)"
    stores = [
        DirectoryStore(backend.directory / "store-a"),
        DirectoryStore(backend.directory / "store-b"),
    ]
    clock = MovableClock(datetime.combine(report.last_day or date.today(), clock_time(18), UTC))
    built = archive_verify.build(
        backend.settings,
        report.school,
        stores,
        year=report.year,
        period=period,
        workers=None,
        clock=clock,
        quiet=True,
    )
    verified = archive_verify.measure_verify(built.archive_id, stores, 3, None)
    b = backend.name
    return [
        Figure(section, "documents", b, built.documents, "PDFs"),
        Figure(section, "pages", b, built.pages, "pages"),
        Figure(section, "size of one copy", b, built.size_bytes / 2 / 1e6, "MB"),
        Figure(
            section,
            "build (checkpoint, log, PDFs, bag, 2 copies, read back)",
            b,
            built.seconds / 60,
            "min",
            Target(15, False, ISSUE_6),
        ),
        Figure(section, "verify", b, verified.verify_mb_s, "MB/s"),
        Figure(section, "sha256sum, same files", b, verified.sha256sum_mb_s, "MB/s"),
        Figure(
            section, "ratio verify/sha256sum", b, verified.ratio, "", Target(0.8, True, ISSUE_6)
        ),
    ]


def pdf_pages(backend: Backend) -> list[Figure]:
    """Pages per second rendering one class's documents, in 1 and 2 processes (the rendering
    does not touch the database: measured once, on the first backend)."""
    if backend.name != backend.options.backends[0]:
        return []
    section = "PDF/A-3b rendering (a full-year 5А mathematics journal and its sheets)"
    # One class's documents are only a few; four copies give each worker process enough to do
    # that starting the processes does not dominate.
    jobs = pdf_render.gather(backend.directory / "pdf", 30, None) * 4
    figures = []
    for workers in (1, 2):
        started = time.perf_counter()
        documents = render_documents(jobs, workers=workers)
        seconds = time.perf_counter() - started
        pages = sum(d.pages for d in documents)
        figures.append(
            Figure(
                section,
                f"{workers} process{'es' if workers > 1 else ''}",
                "—",
                pages / seconds,
                "pages/s",
                note=f"{pages} pages",
            )
        )
    return figures


def _p(samples: list[float], percentile: int) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percentile / 100))] * 1000


SECTIONS: tuple[tuple[str, Section], ...] = (
    ("bulk import", bulk_import),
    ("rebuild", rebuild),
    ("as-of-T replay", as_of_replay),
    ("audit queries", audit_queries),
    ("log verify", log_verify),
    ("diary reads", diary),
    ("web pages", web_page_reads),
    ("archive", archive),
    ("PDF pages", pdf_pages),
    ("HTTP against the core", http_against_core),
    ("batched writes", batched_writes),
    ("full-year journal", full_year_journal),
    ("projection lag", projection_lag),
)


# --- the run ------------------------------------------------------------------------------------


def machine() -> str:
    """The machine and the versions the figures were measured with."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model}){memory};"
        f" Python {platform.python_version()},"
        f" eventsourcing {importlib.metadata.version('eventsourcing')},"
        f" SQLite {sqlite3.sqlite_version}"
    )


def postgres_version(url: str) -> str:
    location = storage.parse_database_url(url)
    if not isinstance(location, storage.PostgresLocation):
        return "?"
    with location.connect() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


@contextmanager
def backend_for(name: str, options: Options) -> Iterator[Backend]:
    """A backend to measure on; every school the run made there is dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix="ejournal-bench-") as directory:
        url = f"sqlite:///{directory}/db" if name == "sqlite" else options.postgres_url
        backend = Backend(name, url, options, Path(directory))
        try:
            yield backend
        finally:
            for school_id in backend.schools:
                storage.drop_school(url, school_id)


def run(
    options: Options,
    sections: tuple[tuple[str, Section], ...] = SECTIONS,
    progress: Progress = print,
    on_section: Callable[[list[Figure]], None] | None = None,
) -> list[Figure]:
    """Every section on every backend, in order; failures are reported, not raised.
    ``measured`` is told the figures so far after every section (a long run keeps them)."""
    figures: list[Figure] = []
    for name in options.backends:
        with backend_for(name, options) as backend:
            for title, section in sections:
                if title in options.skip:
                    figures.append(
                        Figure(title, "the whole section", name, None, "", state="skipped")
                    )
                    continue
                progress(f"[{name}] {title} …")
                started = time.perf_counter()
                try:
                    measured = section(backend)
                except Exception as error:  # one broken section must not lose the others
                    measured = [failed(title, "the whole section", name, error)]
                figures += measured
                progress(f"[{name}] {title}: {time.perf_counter() - started:.0f} s")
                if on_section is not None:
                    on_section(figures)
    return figures


def write(
    figures: list[Figure], directory: Path, header: str, stamp: str | None = None
) -> tuple[Path, Path]:
    """The run's figures as Markdown and JSON under ``directory``; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    text = directory / f"bench-{stamp}.md"
    data = directory / f"bench-{stamp}.json"
    text.write_text(header + "\n\n" + markdown(figures), encoding="utf-8")
    data.write_bytes(
        orjson.dumps(
            {"header": header, "figures": [f.as_json() for f in figures]},
            option=orjson.OPT_INDENT_2,
        )
    )
    return text, data
