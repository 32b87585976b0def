"""Server time of the web journal's pages, against ``ejournal serve`` in its own process.

``ejournal bench`` (section "web pages") measures, on the generated benchmark school, a month of
its largest full-year journal's grid (``/teacher/journals/{id}/grid?month=…``, read by that
journal's teacher) and a diary week (``/family/children/{id}?week=…``, read by a parent of the
student with the most marks): one signed-in client reading each page again and again over
loopback, so the time is the service's (issue 15 item 6: grid < 150 ms p50, diary < 50 ms p50).

Run as a script it measures a running demo's teacher pages instead: a month of the largest
journal's grid, a lesson's entry page and a day's lessons (the demo's ``morozova.ev``).

    uv run --frozen ejournal serve --demo &      # or: ejournal serve --port 8765 on a demo
    uv run --frozen python bench/web_pages.py --base http://127.0.0.1:8000 --month 2026-11

A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import httpx

from bench.diary_reads import PASSWORD, parents_for
from bench.http_commands import service
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.application import School
from ejournal.credentials import CredentialStore
from ejournal.database import open_database
from ejournal.projections.projector import open_projector
from ejournal.settings import Settings


@dataclass(frozen=True)
class PageTimes:
    """One page read again and again: what it shows and how long the service took."""

    page: str
    path: str
    p50_ms: float
    p90_ms: float
    note: str


def _log_in(client: httpx.Client, login: str, password: str) -> None:
    """Log in through the web's form (its pre-session form token), as a browser does."""
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None, "no login form"
    signed = client.post(
        "/login", data={"username": login, "password": password, "csrf_token": token[1]}
    )
    if signed.status_code != 303:
        raise RuntimeError(f"web login of {login} answered {signed.status_code}")


def _largest_journal(school: School, settings: Settings) -> tuple[UUID, str, int]:
    """The journal with the most marks, its busiest month ("YYYY-MM") and its lessons."""
    database = open_database(settings, school.school_id)
    try:
        open_projector(school, database).catch_up()
        with database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT journal_id, COUNT(*) AS n FROM grid_marks"
                " GROUP BY journal_id ORDER BY n DESC LIMIT 1"
            )
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError("the benchmark school has no marks")
            journal_id = str(row["journal_id"])
            cursor.execute(
                "SELECT lesson_date FROM grid_lessons WHERE journal_id = %(journal)s",
                {"journal": journal_id},
            )
            days = [str(r["lesson_date"])[:10] for r in cursor.fetchall()]
    finally:
        database.close()
    month, _ = Counter(d[:7] for d in days).most_common(1)[0]
    return UUID(journal_id), month, len(days)


def _busiest_student(school: School, settings: Settings) -> tuple[UUID, date]:
    """The student with the most marks in the diary, and the last day with one of them."""
    database = open_database(settings, school.school_id)
    try:
        with database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT m.student_id, COUNT(*) AS n, MAX(l.lesson_date) AS day FROM diary_marks m"
                " JOIN diary_lessons l ON l.lesson_id = m.lesson_id"
                " GROUP BY m.student_id ORDER BY n DESC LIMIT 1"
            )
            row = cursor.fetchone()
    finally:
        database.close()
    if row is None:
        raise RuntimeError("the benchmark school's diary has no marks")
    return UUID(str(row["student_id"])), date.fromisoformat(str(row["day"])[:10])


def measure_on(school: School, settings: Settings, reads: int) -> list[PageTimes]:
    """The grid month and the diary week on ``school``, each read ``reads`` times."""
    journal_id, month, lessons = _largest_journal(school, settings)
    journal = school.view(ClassJournal, journal_id, "journal")
    teacher_id = sorted(journal.teachers)[0]
    teacher = school.account(teacher_id).login
    store = CredentialStore(
        open_database(settings, school.school_id), school.school_id, school.clock, "cheapest"
    )
    store.create_tables()
    store.set_password(teacher_id, PASSWORD)
    student, day = _busiest_student(school, settings)
    ((parent, _),) = parents_for(school, settings, [student])
    monday = day - timedelta(days=day.weekday())
    env = {
        "EJOURNAL_DATABASE_URL": settings.database_url,
        "EJOURNAL_SCHOOL": school.school_id,
        "EJOURNAL_SIGNING_KEY_DIR": str(settings.signing_key_dir),
        "EJOURNAL_CHECKPOINT_DIR": str(settings.checkpoint_dir),
    }
    results = []
    with service(env) as base:
        for page, login, path, what in (
            (
                "grid month",
                teacher,
                f"/teacher/journals/{journal_id}/grid?month={month}",
                f"{lessons} lessons in the year, month {month}",
            ),
            (
                "diary week",
                parent,
                f"/family/children/{student}?week={monday.isoformat()}",
                f"week of {monday.isoformat()}",
            ),
        ):
            with httpx.Client(base_url=base, timeout=60) as client:
                _log_in(client, login, PASSWORD)
                for _ in range(3):
                    client.get(path).raise_for_status()  # warm: aggregates cached
                p50, p90 = _timed(client, path, reads)
                if page == "grid month":
                    table = client.get(path).text.partition('id="journal-grid"')[2]
                    rows = table.partition("</table>")[0].count('<th scope="row">')
                    what = f"{rows} students, {what}"  # noqa: PLW2901 - the note grows
            results.append(PageTimes(page, path, p50, p90, what))
    return results


def _timed(client: httpx.Client, path: str, reads: int) -> tuple[float, float]:
    client.get(path)  # warm: the school's aggregates cached
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    times.sort()
    return statistics.median(times), times[int(reads * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--login", default="morozova.ev")
    parser.add_argument("--password", default="demo-ejournal")
    parser.add_argument("--month", default=None, help="YYYY-MM; by default the current month")
    parser.add_argument("--reads", type=int, default=40)
    args = parser.parse_args()
    with httpx.Client(base_url=args.base, timeout=60) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None, "no login form"
        signed = client.post(
            "/login",
            data={"username": args.login, "password": args.password, "csrf_token": token[1]},
        )
        assert signed.status_code == 303, signed.text
        journals = client.get("/teacher/journals").text
        month = f"month={args.month}" if args.month else ""
        rows = {}
        for jid in dict.fromkeys(re.findall(r"/teacher/journals/([0-9a-f-]+)/grid", journals)):
            page = client.get(f"/teacher/journals/{jid}/grid?{month}").text
            table = page.partition('id="journal-grid"')[2].partition("</table>")[0]
            rows[jid] = table.count('<th scope="row">')
        largest = max(rows, key=lambda j: rows[j])
        grid = f"/teacher/journals/{largest}/grid?{month}"
        lessons = re.findall(
            r"/teacher/journals/[0-9a-f-]+/lessons/[0-9-]+/\d+", client.get(grid).text
        )
        assert lessons, "no lesson in that month"
        day = lessons[-1].split("/")[-2]
        for name, path in (
            ("grid month", grid),
            ("lesson page", lessons[-1]),
            ("day page", f"/teacher?day={day}"),
        ):
            p50, p90 = _timed(client, path, args.reads)
            print(f"{name:12s} p50 {p50:6.1f} ms  p90 {p90:6.1f} ms  {path}")
        print(f"grid: {rows[largest]} students")


if __name__ == "__main__":
    main()
