"""One benchmark run: every performance bar of DESIGN.md §10 and issue 7, on SQLite and PostgreSQL.

Each section measures one thing through the module of ``bench/`` that owns it and turns its
result into figures next to their targets. A section whose capability is missing reports "not
built"; one that fails reports "failed" with the error, and the run goes on.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from bench import http_commands, journal_load, lag, writes
from bench.figures import Figure, Target, failed, markdown
from ejournal import storage
from ejournal.settings import Settings

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/ejournal_test"
DESIGN = "DESIGN.md §10"
ISSUE_4 = "issue 4"
ISSUE_5 = "issue 5"
ISSUE_6 = "issue 6"
ISSUE_7 = "issue 7"


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
    postgres_url: str = field(
        default_factory=lambda: os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )


@dataclass
class Backend:
    """One backend's part of the run: where its throwaway schools live."""

    name: str
    url: str
    options: Options
    schools: list[str] = field(default_factory=list)
    """Schools this run made, dropped at its end."""
    benchmark_school: str | None = None
    """The generated school the read-side sections measure on."""

    @property
    def settings(self) -> Settings:
        return Settings(database_url=self.url)

    def new_school_id(self, prefix: str) -> str:
        school_id = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.schools.append(school_id)
        return school_id


Section = Callable[[Backend], list[Figure]]
Progress = Callable[[str], None]


# --- sections -----------------------------------------------------------------------------------


def http_against_core(backend: Backend) -> list[Figure]:
    """Single-mark commands, 16 teachers at once: the core handler, then over HTTP."""
    section = "Single-mark commands, 16 clients: HTTP against the core (no API)"
    per_client = 40 if backend.options.quick else 150
    core, http = http_commands.measure(backend.name, backend.url, per_client)
    ratio = http.per_second / core.per_second
    b = backend.name
    return [
        Figure(section, "core: commands/s", b, core.per_second, "commands/s"),
        Figure(section, "core: p50", b, core.p50_ms, "ms"),
        Figure(section, "core: p99", b, core.p99_ms, "ms"),
        Figure(section, "HTTP: commands/s", b, http.per_second, "commands/s"),
        Figure(section, "HTTP: p50", b, http.p50_ms, "ms"),
        Figure(section, "HTTP: p99", b, http.p99_ms, "ms", Target(50, False, DESIGN)),
        Figure(section, "ratio HTTP/core", b, ratio, "", Target(0.8, True, ISSUE_7)),
    ]


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


SECTIONS: tuple[tuple[str, Section], ...] = (
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
        url = f"sqlite:///{directory}" if name == "sqlite" else options.postgres_url
        backend = Backend(name, url, options)
        try:
            yield backend
        finally:
            for school_id in backend.schools:
                storage.drop_school(url, school_id)


def run(
    options: Options,
    sections: tuple[tuple[str, Section], ...] = SECTIONS,
    progress: Progress = print,
) -> list[Figure]:
    """Every section on every backend, in order; failures are reported, not raised."""
    figures: list[Figure] = []
    for name in options.backends:
        with backend_for(name, options) as backend:
            for title, section in sections:
                progress(f"[{name}] {title} …")
                started = time.perf_counter()
                try:
                    measured = section(backend)
                except Exception as error:  # one broken section must not lose the others
                    measured = [failed(title, "the whole section", name, error)]
                figures += measured
                progress(f"[{name}] {title}: {time.perf_counter() - started:.0f} s")
    return figures


def write(figures: list[Figure], directory: Path, header: str) -> tuple[Path, Path]:
    """The run's figures as Markdown and JSON under ``directory``; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
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
