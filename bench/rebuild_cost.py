"""What a read model's rebuild costs on a generated school: wall time and CPU time per event.

    EJOURNAL_DATABASE_URL=... uv run --frozen python bench/rebuild_cost.py --school ID [--repeat N]

The school is one ``ejournal demo --students N`` generated before (the log is not rebuilt here).
Each read model of the catalogue is rebuilt from zero, on its own, as ``ejournal projections
rebuild --name`` does; then all of them in one pass. On a machine shared with other work the
wall clock says how busy the machine was as much as what the rebuild costs, so CPU time is
measured too: this process's (decoding, the handlers, and on SQLite the database itself) and, on
PostgreSQL, that of the server processes serving this school's database (read from /proc: the
server must run on this machine, and nothing else may use that database meanwhile). Events per
CPU second is what one core would give if the rebuild had it to itself.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from dataclasses import dataclass

from ejournal.database import open_database
from ejournal.projections.projector import open_projector
from ejournal.schools import open_school
from ejournal.settings import Settings
from ejournal.storage import PostgresLocation, parse_database_url

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Cost:
    """One rebuild: events applied, wall seconds, CPU seconds here and in the server."""

    events: int
    wall: float
    cpu: float
    server_cpu: float | None

    @property
    def per_second(self) -> float:
        return self.events / self.wall

    @property
    def per_cpu_second(self) -> float:
        return self.events / (self.cpu + (self.server_cpu or 0.0))


def server_cpu(settings: Settings) -> float | None:
    """CPU seconds used so far by the PostgreSQL processes connected to the school's database;
    None on SQLite (its work is this process's)."""
    location = parse_database_url(settings.database_url)
    if not isinstance(location, PostgresLocation):
        return None
    with location.connect() as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    total = 0
    for (pid,) in rows:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a connection closed meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def measure(settings: Settings, school_id: str, names: tuple[str, ...], repeat: int) -> Cost:
    """The best of ``repeat`` rebuilds of the named models together."""
    school = open_school(settings, school_id, migrate=False)
    database = open_database(settings, school_id)
    try:
        projector = open_projector(school, database)
        # A rebuild brings along any model behind the others: none may be, or it is timed too.
        projector.catch_up()
        best: Cost | None = None
        for _ in range(repeat):
            server_before = server_cpu(settings)
            cpu_before = time.process_time()
            started = time.perf_counter()
            events = projector.rebuild(*names)
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu_before
            server_after = server_cpu(settings)
            server = (
                server_after - server_before
                if server_after is not None and server_before is not None
                else None
            )
            cost = Cost(events, wall, cpu, server)
            if best is None or cost.wall < best.wall:
                best = cost
        assert best is not None
        return best
    finally:
        database.close()
        school.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--school", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--name", action="append", help="a read model (all when not given)")
    args = parser.parse_args(argv)
    settings = Settings()
    print("command: uv run --frozen python bench/rebuild_cost.py", shlex.join(sys.argv[1:]))
    print("database:", settings.database_url.split("://", 1)[0], "load:", os.getloadavg())
    school = open_school(settings, args.school, migrate=False)
    database = open_database(settings, args.school)
    try:
        names = tuple(args.name or sorted(open_projector(school, database).models))
    finally:
        database.close()
        school.close()
    header = f"{'read model':<20} {'events':>8} {'wall s':>7} {'events/s':>9}"
    print(f"{header} {'CPU s here':>10} {'server CPU s':>12} {'events/CPU s':>12}")
    runs = [(name, (name,)) for name in names] + [("all in one pass", names)]
    for label, models in runs:
        cost = measure(settings, args.school, models, args.repeat)
        server = "—" if cost.server_cpu is None else f"{cost.server_cpu:.1f}"
        print(
            f"{label:<20} {cost.events:>8} {cost.wall:>7.1f} {cost.per_second:>9,.0f}"
            f" {cost.cpu:>10.1f} {server:>12} {cost.per_cpu_second:>12,.0f}",
            flush=True,
        )
    print("load after:", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
