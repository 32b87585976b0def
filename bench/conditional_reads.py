"""Benchmark: a full-year journal grid over HTTP, read whole (200) and revalidated (304).

A teacher's client that keeps the grid it read and sends its ``ETag`` back in ``If-None-Match``
gets 304 with no body while nothing changed: the tag comes from the log's head and the read
models' positions, so the grid's tables are not queried and nothing is encoded. This script
builds the journal through the real command path (5А mathematics, a whole year, on SQLite), lets
the read models catch up, and times both kinds of request through the real app (Starlette's
test client, in process: what it shows is the service's own time per request).

Run:  uv run --frozen python -m bench.conditional_reads --repeat 40
This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from fastapi.testclient import TestClient

from api.app import create_app
from bench.journal_load import ZONE, build_journal
from ejournal.aggregates.identity import account_id
from ejournal.clock import MovableClock
from ejournal.commands import accounts
from ejournal.roles import Actor, Role
from ejournal.schools import open_school
from ejournal.settings import Settings

PASSWORD = "a password for the bench"


def timed(name: str, action: Callable[[], int], expect: int, repeat: int) -> None:
    taken = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        status = action()
        taken.append((time.perf_counter() - started) * 1000)
        if status != expect:
            raise SystemExit(f"{name}: answered {status}, not {expect}")
    taken.sort()
    p95 = taken[min(len(taken) - 1, round(0.95 * (len(taken) - 1)))]
    print(f"{name:<40} {statistics.median(taken):>9.2f} {p95:>9.2f} {taken[0]:>9.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args(argv)
    settings = Settings(
        database_url=f"sqlite:///{tempfile.mkdtemp(prefix='etag-bench-')}",
        password_hashing="cheapest",
    )
    school_id = f"etagbench{uuid.uuid4().hex[:8]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    built = build_journal(school, clock, args.students, random.Random(2026))
    school.close()
    with TestClient(create_app(settings, clock=clock)) as client:
        services = client.app.state.deployment.school(school_id)  # type: ignore[attr-defined]
        teacher = built.teacher.account_id
        credential = services.credentials.set_password(teacher, PASSWORD)
        admin = Actor(account_id=account_id("admin"), role=Role.ADMINISTRATOR)
        accounts.set_credential(
            services.app,
            admin,
            accounts.SetCredential(account_id=teacher, credential_id=credential, kind="password"),
        )
        token = client.post(
            "/api/v1/auth/token",
            data={"username": f"lebedev.as@{school_id}", "password": PASSWORD},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        url = f"/api/v1/journals/{built.journal_id}/grid?after={services.app.position()}"
        first = client.get(url, headers=headers)
        tag = first.headers["etag"]
        print(
            f"a year's grid of {args.students} students ({built.events} events):"
            f" {len(first.content):,} bytes of JSON"
        )
        print(f"{'request':<40} {'median ms':>9} {'p95 ms':>9} {'min ms':>9}")
        timed(
            "GET grid (200, whole)",
            lambda: client.get(url, headers=headers).status_code,
            200,
            args.repeat,
        )
        revalidate = {**headers, "If-None-Match": tag}
        timed(
            "GET grid, If-None-Match (304)",
            lambda: client.get(url, headers=revalidate).status_code,
            304,
            args.repeat,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
