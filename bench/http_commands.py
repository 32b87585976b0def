"""Single-mark commands over HTTP against the same commands through the core, in one run.

Sixteen teachers, each marking in their own journal, send ``record_mark`` commands at once:
first straight through the core (the handler on the School application, no HTTP), then over
HTTP to the service started as ``ejournal serve`` in its own process, on the same database.
Reports commands/s, p50 and p99 latency, and the ratio HTTP/core (target ≥ 0.8, p99 < 50 ms).

    uv run python bench/http_commands.py --backend postgres --commands 200
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import httpx

from ejournal import storage
from ejournal.access import system_actor
from ejournal.aggregates.student import PersonName
from ejournal.application import School
from ejournal.commands import accounts, journals, lessons, marks, students, year
from ejournal.credentials import CredentialStore
from ejournal.database import open_database
from ejournal.policy.calendar import SchoolCalendar
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/ejournal_test"
PASSWORD = "bench-password-1"
CLIENTS = 16
SUBJECTS = ("mathematics", "russian_language", "literature", "history")
CLASSES = ("5А", "5Б", "6А", "6Б")


@dataclass
class Desk:
    """One teacher at their own journal, with today's lesson and its students."""

    teacher: Actor
    login: str
    journal_id: UUID
    lesson_id: UUID
    students: list[UUID]


def school_year_of(today: date) -> tuple[str, date, date]:
    first = today.year if today.month >= 9 else today.year - 1
    return f"{first}/{first + 1}", date(first, 9, 1), date(first + 1, 5, 31)


def last_school_day(today: date) -> date:
    """The latest weekday on or before today that is a Russian working day."""
    calendar = SchoolCalendar(week_length=5)
    day = today
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def set_up(school: School, settings: Settings) -> list[Desk]:
    """A school under Gymnasium 2's profile (no entry deadlines), so marks on the latest school
    day are accepted by the real clock whenever the benchmark runs."""
    system = system_actor()
    today = school.clock.now().date()
    label, starts, ends = school_year_of(today)
    admin_id = accounts.register_account(
        school, system, accounts.RegisterAccount(login="admin", full_name="Администратор")
    ).ids["account_id"]
    accounts.grant_role(
        school, system, accounts.GrantRole(account_id=admin_id, role=Role.ADMINISTRATOR)
    )
    admin = Actor(account_id=admin_id, role=Role.ADMINISTRATOR)
    year.start_school_year(
        school,
        admin,
        year.StartSchoolYear(
            label=label,
            starts_on=starts,
            ends_on=ends,
            profile="gymnasium2",
            periods=(year.PeriodSpec(id="Y1", name="Учебный год", start=starts, end=ends),),
        ),
    )
    day = last_school_day(today)
    store = CredentialStore(
        open_database(settings, school.school_id),
        school.school_id,
        school.clock,
        settings.password_hashing,
    )
    store.create_tables()
    desks: list[Desk] = []
    for c, class_code in enumerate(CLASSES):
        year.form_class(
            school,
            admin,
            year.FormClass(year=label, grade=int(class_code[0]), letter=class_code[1]),
        )
        roster = [
            students.admit_student(
                school,
                admin,
                students.AdmitStudent(
                    year=label,
                    name=PersonName(last=f"Ученик{c}{i}", first="Иван"),
                    birth_date=date(starts.year - 11, 1, 1),
                    class_code=class_code,
                    on=starts,
                    order="№ 1",
                ),
            ).ids["student_id"]
            for i in range(25)
        ]
        for s, subject in enumerate(SUBJECTS):
            login = f"teacher{c}{s}"
            teacher_id = accounts.register_account(
                school, admin, accounts.RegisterAccount(login=login, full_name=f"Учитель {c}{s}")
            ).ids["account_id"]
            accounts.grant_role(
                school, admin, accounts.GrantRole(account_id=teacher_id, role=Role.TEACHER)
            )
            store.set_password(teacher_id, PASSWORD)
            teacher = Actor(account_id=teacher_id, role=Role.TEACHER)
            journal_id = journals.open_journal(
                school,
                admin,
                journals.OpenJournal(
                    year=label,
                    class_code=class_code,
                    subject=subject,
                    teachers=(teacher_id,),
                ),
            ).ids["journal_id"]
            lesson_id = lessons.record_whole_lesson(
                school,
                teacher,
                lessons.RecordWholeLesson(
                    journal_id=journal_id,
                    on=day,
                    slot=s + 1,
                    topic="Повторение",
                ),
            ).ids["lesson_id"]
            desks.append(Desk(teacher, login, journal_id, lesson_id, roster))
    return desks


def drive(
    desks: list[Desk], per_client: int, send: Callable[[Desk, UUID], None]
) -> tuple[list[float], float]:
    """Every desk sends its commands at once; latencies (s) and the wall time (s)."""
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(len(desks) + 1)

    def work(desk: Desk) -> None:
        mine = []
        start.wait()
        try:
            for i in range(per_client):
                began = time.perf_counter()
                send(desk, desk.students[i % len(desk.students)])
                mine.append(time.perf_counter() - began)
        except BaseException as error:  # reported after the run
            errors.append(error)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed; first: {errors[0]!r}")
    return latencies, wall


def through_core(school: School, desks: list[Desk], per_client: int) -> tuple[list[float], float]:
    def send(desk: Desk, student: UUID) -> None:
        marks.record_mark(
            school,
            desk.teacher,
            marks.RecordMark(
                journal_id=desk.journal_id, lesson_id=desk.lesson_id, student_id=student, value="4"
            ),
        )

    return drive(desks, per_client, send)


def through_http(base: str, desks: list[Desk], per_client: int) -> tuple[list[float], float]:
    clients: dict[UUID, httpx.Client] = {}
    for desk in desks:
        client = httpx.Client(base_url=base, timeout=30)
        token = client.post(
            "/api/v1/auth/token", data={"username": desk.login, "password": PASSWORD}
        ).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        clients[desk.journal_id] = client

    def send(desk: Desk, student: UUID) -> None:
        response = clients[desk.journal_id].post(
            f"/api/v1/journals/{desk.journal_id}/marks",
            json={"lesson_id": str(desk.lesson_id), "student_id": str(student), "value": "4"},
        )
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.text}")

    try:
        return drive(desks, per_client, send)
    finally:
        for client in clients.values():
            client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def service(env: dict[str, str]) -> Iterator[str]:
    """``ejournal serve`` in its own process, as an operator would start it."""
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="ejournal-serve-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ejournal.cli", "serve", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for_health(base, log.name)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_for_health(base: str, log: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the service did not start; see {log}")


@dataclass(frozen=True)
class PathResult:
    """Single-mark commands through one path (the core, or HTTP)."""

    backend: str
    path: str
    commands: int
    wall: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.commands / self.wall


def summary(backend: str, path: str, latencies: list[float], wall: float) -> PathResult:
    ordered = sorted(latencies)
    return PathResult(
        backend,
        path,
        len(ordered),
        wall,
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def measure(backend: str, url: str, per_client: int, workers: int = 1) -> list[PathResult]:
    """The core, then HTTP, on one throwaway school of ``url``; [core, http]."""
    school_id = f"benchhttp_{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=url, school=school_id)
    school = open_school(settings, school_id)
    try:
        desks = set_up(school, settings)
        core = through_core(school, desks, per_client)
        with tempfile.TemporaryDirectory(prefix="ejournal-bench-keys-") as keys:
            env = {
                "EJOURNAL_DATABASE_URL": url,
                "EJOURNAL_SCHOOL": school_id,
                "EJOURNAL_WORKERS": str(workers),
                # The service signs checkpoints of the throwaway school: not into ./var.
                "EJOURNAL_SIGNING_KEY_DIR": f"{keys}/keys",
                "EJOURNAL_CHECKPOINT_DIR": f"{keys}/checkpoints",
            }
            with service(env) as base:
                through_http(base, desks, 5)  # warm the service's cache and connections
                http = through_http(base, desks, per_client)
    finally:
        school.close()
        storage.drop_school(settings, school_id)
    return [
        summary(backend, "core (no HTTP)", *core),
        summary(backend, f"HTTP ({workers} process{'es' if workers > 1 else ''})", *http),
    ]


def run(backend: str, per_client: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = (
            f"sqlite:///{directory}"
            if backend == "sqlite"
            else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        )
        core, http = measure(backend, url, per_client, workers)
    print(
        f"\n{backend}: {CLIENTS} teachers at once, {per_client} marks each, own journals;"
        f" the service in {workers} process(es)"
    )
    print(f"{'path':<22} {'commands/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'n':>7}")
    for r in (core, http):
        print(
            f"{r.path:<22} {r.per_second:>10.0f} {r.p50_ms:>9.2f} {r.p99_ms:>9.2f} {r.commands:>7}"
        )
    print(f"ratio HTTP/core: {http.per_second / core.per_second:.2f} (target ≥ 0.8)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="postgres")
    parser.add_argument("--commands", type=int, default=200, help="marks per teacher")
    parser.add_argument("--workers", type=int, default=1, help="service processes")
    args = parser.parse_args(argv)
    print("command: uv run python bench/http_commands.py", shlex.join(sys.argv[1:]))
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        run(backend, args.commands, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
