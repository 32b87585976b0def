"""Server time of the web journal's teacher pages, against a running service: a month of the
largest journal's grid, a lesson's entry page and a day's lessons, each read again and again by
one signed-in teacher (the demo's ``morozova.ev`` by default). Reported: p50 and p90 in ms.

    uv run --frozen ejournal serve --demo &      # or: ejournal serve --port 8765 on a demo
    uv run --frozen python bench/web_pages.py --base http://127.0.0.1:8000 --month 2026-11

A rough figure, not yet part of ``ejournal bench``; a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import httpx


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
