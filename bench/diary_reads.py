"""Diary reads: parents reading their child's week, 16 at once, over HTTP and straight from SQL.

Sixteen parents, each of a different student, read the diary week of a day with lessons
(``GET /api/v1/family/children/{id}/diary``) again and again against ``ejournal serve`` in its
own process; then the same reads straight through the read model's query (no HTTP). Reported:
reads/s, p50 and p99. On its own it builds a class with a term of whole lessons; ``ejournal
bench`` runs it on the generated benchmark school.

    uv run python bench/diary_reads.py --backend both --reads 200

A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import httpx

from bench.http_commands import service
from bench.journal_load import DEFAULT_POSTGRES_URL, ZONE, at
from bench.writes import prepare, submit
from ejournal import storage
from ejournal.access import system_actor
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.commands import accounts
from ejournal.commands import students as student_commands
from ejournal.credentials import CredentialStore
from ejournal.database import open_database
from ejournal.projections.diary.queries import diary_week
from ejournal.projections.projector import open_projector
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings

CLIENTS = 16
PASSWORD = "bench-parent-password"


@dataclass(frozen=True)
class ReadsResult:
    """Diary reads through one path."""

    backend: str
    path: str
    reads: int
    wall: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.reads / self.wall


def _result(backend: str, path: str, latencies: list[float], wall: float) -> ReadsResult:
    ordered = sorted(latencies)
    return ReadsResult(
        backend,
        path,
        len(ordered),
        wall,
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def parents_for(school: School, settings: Settings, students: list[UUID]) -> list[tuple[str, UUID]]:
    """One parent account (with a password) per student: (login, student)."""
    store = CredentialStore(
        open_database(settings, school.school_id), school.school_id, school.clock, "cheapest"
    )
    store.create_tables()
    logins = []
    for n, student in enumerate(students):
        login = f"bench.parent{n}.{uuid.uuid4().hex[:6]}"
        account_id = accounts.register_account(
            school,
            system_actor(),
            accounts.RegisterAccount(login=login, full_name=f"Родитель {n}"),
        ).ids["account_id"]
        # The parent role goes to a recorded guardian only (Gymnasium 2 §3.7).
        student_commands.add_guardian(
            school,
            system_actor(),
            student_commands.AddGuardian(
                student_id=student,
                name=PersonName(last="Родитель", first=str(n)),
                relation="mother",
                account_id=account_id,
            ),
        )
        accounts.grant_role(
            school,
            system_actor(),
            accounts.GrantRole(account_id=account_id, role=Role.PARENT, student_id=student),
        )
        store.set_password(account_id, PASSWORD)
        logins.append((login, student))
    return logins


def _drive(clients: int, reads: int, read: Callable[[int], None]) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def work(n: int) -> None:
        mine = []
        barrier.wait()
        for _ in range(reads):
            began = time.perf_counter()
            read(n)
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def measure_on(
    backend: str, settings: Settings, school: School, students: list[UUID], day: date, reads: int
) -> list[ReadsResult]:
    """Diary reads of the week of ``day`` by one parent per student (16 at once)."""
    chosen = students[:CLIENTS]
    parents = parents_for(school, settings, chosen)
    database = open_database(settings, school.school_id)
    try:
        open_projector(school, database).catch_up()
        monday = day - timedelta(days=day.weekday())

        def core_read(n: int) -> None:
            with database.transaction(write=False) as cursor:
                diary_week(cursor, chosen[n], monday, monday + timedelta(days=6))

        _drive(len(chosen), 5, core_read)
        core = _drive(len(chosen), reads, core_read)
    finally:
        database.close()
    env = {
        "EJOURNAL_DATABASE_URL": settings.database_url,
        "EJOURNAL_SCHOOL": school.school_id,
        "EJOURNAL_SIGNING_KEY_DIR": str(settings.signing_key_dir),
        "EJOURNAL_CHECKPOINT_DIR": str(settings.checkpoint_dir),
    }
    with service(env) as base:
        sessions = []
        for login, _student in parents:
            client = httpx.Client(base_url=base, timeout=30)
            token = client.post(
                "/api/v1/auth/token", data={"username": login, "password": PASSWORD}
            ).json()
            client.headers["Authorization"] = f"Bearer {token['access_token']}"
            sessions.append(client)

        def http_read(n: int) -> None:
            response = sessions[n].get(
                f"/api/v1/family/children/{chosen[n]}/diary", params={"start": monday.isoformat()}
            )
            if response.status_code != 200:
                raise RuntimeError(f"diary read answered {response.status_code}: {response.text}")

        _drive(len(chosen), 5, http_read)
        http = _drive(len(chosen), reads, http_read)
        for client in sessions:
            client.close()
    return [
        _result(backend, "core (SQL, no HTTP)", *core),
        _result(backend, "HTTP (ejournal serve)", *http),
    ]


def measure(backend: str, url: str, lessons: int, reads: int) -> list[ReadsResult]:
    """On a class of 25 with ``lessons`` whole lessons of mathematics."""
    settings = Settings(database_url=url)
    school_id = f"benchdiary_{uuid.uuid4().hex[:8]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    try:
        at(clock, date(2026, 8, 24), 9)
        rng = random.Random(school_id)
        desk = prepare(school, rng)
        count = min(lessons, len(desk.days))
        for number in range(1, count + 1):
            submit(school, clock, desk, number, rng)
        return measure_on(backend, settings, school, desk.roster, desk.days[count - 1], reads)
    finally:
        school.close()
        storage.drop_school(settings, school_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--lessons", type=int, default=40)
    parser.add_argument("--reads", type=int, default=100, help="reads per parent")
    args = parser.parse_args(argv)
    print("command: uv run python bench/diary_reads.py", shlex.join(sys.argv[1:]))
    print(f"{'backend':<9} {'path':<22} {'reads/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite:///{directory}"
                if backend == "sqlite"
                else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            )
            for r in measure(backend, url, args.lessons, args.reads):
                print(
                    f"{backend:<9} {r.path:<22} {r.per_second:>8,.0f} {r.p50_ms:>7.1f}"
                    f" {r.p99_ms:>7.1f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
